/**
 * Rules that relate several options: the default resource class must exist, the
 * controller-wide patch may not set commands unless explicitly allowed, and the leader
 * election timings must nest.
 */
import type { V1PodSpec } from "@kubernetes/client-node"
import { Schema } from "effect"
import { formatGoDuration } from "./Duration.ts"

/** The fields these rules read, in their decoded form. */
interface Checked {
  readonly defaultResourceClassName?: string
  readonly resourceClasses?: Readonly<Record<string, unknown>>
  readonly podSpecPatch?: V1PodSpec
  readonly allowPodSpecPatchUnsafeCommandModification: boolean
  readonly leaderElection: boolean
  readonly leaderElectionLeaseDurationMillis: number
  readonly leaderElectionRenewDeadlineMillis: number
  readonly leaderElectionRetryPeriodMillis: number
  readonly agentToken?: unknown
  readonly agentTokenFile?: string
}

const resourceClassIssues = (config: Checked): Array<Schema.FilterIssue> => {
  const name = config.defaultResourceClassName
  if (name === undefined) return []
  if (config.resourceClasses === undefined) {
    return [
      {
        path: ["default-resource-class-name"],
        issue: `default-resource-class-name ${JSON.stringify(name)} specified but no resource-classes defined`,
      },
    ]
  }
  if (Object.hasOwn(config.resourceClasses, name)) return []
  const known = Object.keys(config.resourceClasses).map((key) => JSON.stringify(key))
  return [
    {
      path: ["default-resource-class-name"],
      issue: `default-resource-class-name ${JSON.stringify(name)} not found in resource-classes (defined: ${known.join(", ") || "none"})`,
    },
  ]
}

const patchCommandIssues = (config: Checked): Array<Schema.FilterIssue> => {
  if (config.allowPodSpecPatchUnsafeCommandModification) return []
  const issues: Array<Schema.FilterIssue> = []
  for (const list of ["containers", "initContainers"] as const) {
    const containers = config.podSpecPatch?.[list] ?? []
    containers.forEach((container, index) => {
      for (const field of ["command", "args"] as const) {
        if (container[field] === undefined) continue
        issues.push({
          path: ["pod-spec-patch", list, index, field],
          issue: `a pod-spec-patch may not set ${field} unless allow-pod-spec-patch-unsafe-command-modification is true`,
        })
      }
    })
  }
  return issues
}

const leaderElectionIssues = (config: Checked): Array<Schema.FilterIssue> => {
  if (!config.leaderElection) return []
  const lease = config.leaderElectionLeaseDurationMillis
  const renew = config.leaderElectionRenewDeadlineMillis
  const retry = config.leaderElectionRetryPeriodMillis
  const issues: Array<Schema.FilterIssue> = []
  if (!(renew < lease)) {
    issues.push({
      path: ["leader-election-renew-deadline"],
      issue: `expected less than leader-election-lease-duration (${formatGoDuration(lease)}), got ${formatGoDuration(renew)}`,
    })
  }
  if (!(retry > 0 && retry < renew)) {
    issues.push({
      path: ["leader-election-retry-period"],
      issue: `expected more than 0s and less than leader-election-renew-deadline (${formatGoDuration(renew)}), got ${formatGoDuration(retry)}`,
    })
  }
  return issues
}

const tokenIssues = (config: Checked): Array<Schema.FilterIssue> =>
  config.agentToken !== undefined && config.agentTokenFile !== undefined
    ? [
        {
          path: ["agent-token-file"],
          issue: "set either agent-token or agent-token-file, not both",
        },
      ]
    : []

/** All cross-option rules; each problem names the key it is about. */
export const crossFieldChecks = Schema.makeFilter((config: Checked) => [
  ...resourceClassIssues(config),
  ...patchCommandIssues(config),
  ...leaderElectionIssues(config),
  ...tokenIssues(config),
])
