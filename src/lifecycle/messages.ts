/**
 * The texts the lifecycle watchers send to Buildkite: finish details (shown as a stack
 * error on the job) and notifications. The wording is the original's, so searches and
 * retry rules written against it keep working.
 */
import type { V1Pod } from "@kubernetes/client-node"
import { formatGoDuration } from "../config/Duration.ts"
import { renderTable } from "../podspec/Table.ts"
import { humanDuration } from "./humanDuration.ts"
import type { ContainerProblem, InitFailure } from "./podChecks.ts"

export const imageFailureHeader =
  "The following containers could not be created or their images could not be pulled:"

export const initFailureHeader = "The following init containers failed:"

export const jobEndedWithoutPod = "The Kubernetes job ended without starting a pod."

export const podFailedBeforeAgent =
  "The Kubernetes pod failed before the buildkite-agent acquired this Buildkite job. The pod was likely killed by Kubernetes (eviction, OOM, node failure) or terminated externally before the agent could start."

export const imagePullNotificationPrefix =
  "Image pull failure; the job will fail once the agent times out. "

/** Image and create failures: header, blank line, one row per container. */
export const imageFailureMessage = (problems: ReadonlyArray<ContainerProblem>): string =>
  `${imageFailureHeader}\n\n${renderTable(
    ["CONTAINER", "IMAGE REF", "REASON", "MESSAGE"],
    problems.map((p) => [p.name, JSON.stringify(p.image), p.reason, p.message]),
  )}`

/** The one notification sent when an agent already holds the job. */
export const imageFailureNotification = (problems: ReadonlyArray<ContainerProblem>): string =>
  imagePullNotificationPrefix +
  problems
    .map((p) =>
      p.message === "" ? `${p.name}: ${p.reason}` : `${p.name}: ${p.reason} (${p.message})`,
    )
    .join("; ")

export const initFailureMessage = (failures: ReadonlyArray<InitFailure>): string =>
  `${initFailureHeader}\n\n${renderTable(
    ["CONTAINER", "EXIT CODE", "SIGNAL", "REASON", "MESSAGE"],
    failures.map((f) => [f.name, String(f.exitCode), String(f.signal), f.reason, f.message]),
  )}`

/** Pending too long: the age in Go's format (seconds), then the pod's conditions. */
export const pendingTimeoutMessage = (pod: V1Pod, ageMillis: number): string => {
  const rounded = Math.round(ageMillis / 1000) * 1000
  const head = `The pod has been in Pending state for ${formatGoDuration(rounded)} without starting.\n`
  const conditions = pod.status?.conditions ?? []
  if (conditions.length === 0) return head
  const lines = conditions.map(
    (c) => `  - ${c.type}: ${c.status} (Reason: ${c.reason ?? ""}, Message: ${c.message ?? ""})`,
  )
  return `${head}\nPod Conditions:\n${lines.join("\n")}`
}

export const stalledMessage = (spentMillis: number, events: string): string =>
  `The Kubernetes job spent ${humanDuration(spentMillis)} without starting a pod.\n${events}`

export const endedWithoutPodMessage = (events: string): string => `${jobEndedWithoutPod}\n${events}`

export const podFailedBeforeAgentMessage = (events: string): string =>
  `${podFailedBeforeAgent}\n${events}`

/** Sent when a failed-but-running pod is stopped (the agent holds the job). */
export const failedButRunningNotification = (container: string): string =>
  `Container ${container} failed but the agent kept the pod running; the controller stopped the pod.`
