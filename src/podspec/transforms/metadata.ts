/**
 * Steps 1-3 and 8 of the build: skip-checkout, the Job's name, labels and annotations, the
 * termination grace period, TTL and deadline.
 */
import { Result } from "effect"
import { labelValueErrors, qualifiedNameErrors } from "../../kube/Labels.ts"
import type { BuildState } from "./BuildState.ts"

const maxNameLength = 63

/**
 * `job-prefix` + UUID, lowered to a valid DNS-1123 label of at most 63 characters. When the
 * prefix is too long it is cut (the UUID, which makes the name unique, is always kept whole).
 */
export const jobName = (prefix: string, uuid: string): string => {
  const id = sanitise(uuid).slice(0, maxNameLength)
  const head = sanitise(prefix)
    .slice(0, maxNameLength - id.length)
    .replace(/^[^a-z0-9]+/, "")
  const name = `${head}${id}`.replace(/[^a-z0-9]+$/, "")
  return name === "" ? "job" : name
}

const sanitise = (text: string): string => text.toLowerCase().replace(/[^a-z0-9-]/g, "-")

export const skipCheckout = (state: BuildState): Result.Result<BuildState, never> => {
  const skip = state.job.plugin?.checkout?.skip ?? state.config.defaultCheckoutParams?.skip ?? false
  return Result.succeed({ ...state, skipCheckout: skip, sys: skip ? 0 : 1 })
}

/** Labels from agent query rules; rules that would make an invalid label are skipped. */
const tagLabels = (rules: ReadonlyArray<string>) => {
  const labels: Record<string, string> = {}
  const warnings: Array<string> = []
  for (const rule of rules) {
    const equals = rule.indexOf("=")
    if (equals === -1) {
      warnings.push(`skipped agent query rule ${JSON.stringify(rule)}: expected key=value`)
      continue
    }
    const key = `tag.buildkite.com/${rule.slice(0, equals)}`
    const value = rule.slice(equals + 1)
    const problems = [...qualifiedNameErrors(key), ...labelValueErrors(value)]
    if (problems.length > 0) {
      warnings.push(`skipped tag label ${key}=${value}: ${problems.join("; ")}`)
      continue
    }
    labels[key] = value
  }
  return { labels, warnings }
}

const jobUrl = (buildUrl: string, uuid: string): string | undefined => {
  if (buildUrl === "") return `#${uuid}`
  if (!URL.canParse(buildUrl)) return undefined
  const url = new URL(buildUrl)
  url.hash = uuid
  return url.toString()
}

export const metadata = (state: BuildState): Result.Result<BuildState, never> => {
  const { job, config } = state
  const env = job.env
  const tags = tagLabels(job.agentQueryRules)
  const labels: Record<string, string> = {
    ...config.defaultMetadata?.labels,
    ...job.plugin?.metadata?.labels,
    ...tags.labels,
    "buildkite.com/job-uuid": job.uuid,
    ...(config.id === "" ? {} : { "buildkite.com/controller-id": config.id }),
  }
  const buildUrl = env.BUILDKITE_BUILD_URL ?? ""
  const url = jobUrl(buildUrl, job.uuid)
  const templateUsed =
    job.plugin !== undefined &&
    job.plugin.podSpec === undefined &&
    (job.plugin.podTemplate ?? "") !== ""
  const annotations: Record<string, string> = {
    "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
    ...config.defaultMetadata?.annotations,
    ...job.plugin?.metadata?.annotations,
    "buildkite.com/build-url": buildUrl,
    ...(url === undefined ? {} : { "buildkite.com/job-url": url }),
    "buildkite.com/build-branch": env.BUILDKITE_BRANCH ?? "",
    "buildkite.com/build-repo": env.BUILDKITE_REPO ?? "",
    "buildkite.com/pipeline-slug": env.BUILDKITE_PIPELINE_SLUG ?? "",
    "buildkite.com/step-key": env.BUILDKITE_STEP_KEY ?? "",
    "buildkite.com/job-priority": String(job.priority),
    ...(templateUsed ? { "buildkite.com/pod-template-name": job.plugin?.podTemplate ?? "" } : {}),
  }
  const pluginDeadline = job.plugin?.jobActiveDeadlineSeconds ?? 0
  return Result.succeed({
    ...state,
    name: jobName(config.jobPrefix, job.uuid),
    labels,
    annotations,
    ttlSecondsAfterFinished: Math.floor(config.jobTtlMillis / 1000),
    activeDeadlineSeconds: pluginDeadline > 0 ? pluginDeadline : config.jobActiveDeadlineSeconds,
    podSpec: {
      ...state.podSpec,
      terminationGracePeriodSeconds:
        state.podSpec.terminationGracePeriodSeconds ?? config.defaultTerminationGracePeriodSeconds,
    },
    warnings: [...state.warnings, ...tags.warnings],
  })
}
