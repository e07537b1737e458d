/**
 * Pure rules over watched (stripped) Jobs and Buildkite job states: whether a Job has
 * (had) a pod, how a finished Job ended, and the decisions of the stall reaper and the
 * cancel checker (upstream-behaviour 2.4), kept here so they are table-tested.
 */
import type { V1Job } from "@kubernetes/client-node"
import { timestampMillis } from "../kube/Timestamp.ts"
import { jobUuidLabel } from "../kubernetes/LabelSelector.ts"

/** The Buildkite job UUID a Job or Pod is labelled with, or undefined. */
export const uuidOf = (object: {
  readonly metadata?: { readonly labels?: Record<string, string> }
}): string | undefined => {
  const value = object.metadata?.labels?.[jobUuidLabel]
  return value === undefined || value === "" ? undefined : value
}

/** The `Complete` or `Failed` condition is true. */
export const isFinished = (job: V1Job): boolean =>
  (job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  )

/** When the Job finished: completion time, else the finishing condition's transition. */
export const finishedAtMillis = (job: V1Job): number | undefined => {
  const completion = timestampMillis(job.status?.completionTime)
  if (completion !== undefined) return completion
  const condition = (job.status?.conditions ?? []).find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  )
  return timestampMillis(condition?.lastTransitionTime)
}

/** Whether the Job has, or ever had, a pod. */
export const hasPod = (job: V1Job): boolean => {
  const s = job.status
  if (s === undefined) return false
  const uncounted = s.uncountedTerminatedPods
  return (
    (s.active ?? 0) +
      (s.failed ?? 0) +
      (s.succeeded ?? 0) +
      (s.terminating ?? 0) +
      (uncounted?.succeeded?.length ?? 0) +
      (uncounted?.failed?.length ?? 0) >
    0
  )
}

export const startedAtMillis = (job: V1Job): number | undefined =>
  timestampMillis(job.status?.startTime)

/** What a finished Job calls for. */
export type FinishedKind =
  /** The agent ran and reported; nothing to do. */
  | "succeeded"
  /** Ended by its deadline (the controller's clean-up or the user's limit); the agent reports. */
  | "deadline"
  /** A pod failed: fail the Buildkite job if the agent never acquired it. */
  | "podFailed"
  /** No pod ever: fail the Buildkite job. */
  | "noPod"

export const finishedKind = (job: V1Job): FinishedKind => {
  const status = job.status ?? {}
  if ((status.succeeded ?? 0) > 0) return "succeeded"
  const deadline = (status.conditions ?? []).some((c) => c.reason === "DeadlineExceeded")
  if (deadline && job.spec?.activeDeadlineSeconds !== undefined) return "deadline"
  if ((status.failed ?? 0) > 0) return "podFailed"
  return "noPod"
}

/** States in which an agent holds or is letting go of the job: never reap then. */
const agentActiveStates: ReadonlySet<string> = new Set([
  "accepted",
  "assigned",
  "running",
  "canceling",
  "timing_out",
])

/** What the live API server says about a stalled Job. */
export type LiveJob =
  | { readonly _tag: "Found"; readonly uid: string; readonly hasPod: boolean }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "Error" }

export type StallDecision =
  /** Could not confirm: check again next sweep. */
  | { readonly _tag: "Keep" }
  /** Not stalled after all; stop watching this UID. */
  | {
      readonly _tag: "Skip"
      readonly reason: "agent_active" | "job_gone" | "job_replaced" | "pod_exists"
    }
  /** Confirmed: fail the Buildkite job and end the Kubernetes Job. */
  | { readonly _tag: "Reap" }

/**
 * Confirms a stall from the Buildkite state (undefined when the call failed; "" when the
 * job is unknown) and a live GET, never from the watch cache alone.
 */
export const decideStall = (
  buildkiteState: string | undefined,
  live: LiveJob | undefined,
  snapshotUid: string,
): StallDecision => {
  if (buildkiteState === undefined) return { _tag: "Keep" }
  if (agentActiveStates.has(buildkiteState)) return { _tag: "Skip", reason: "agent_active" }
  if (live === undefined || live._tag === "Error") return { _tag: "Keep" }
  if (live._tag === "NotFound") return { _tag: "Skip", reason: "job_gone" }
  if (live.uid !== snapshotUid) return { _tag: "Skip", reason: "job_replaced" }
  if (live.hasPod) return { _tag: "Skip", reason: "pod_exists" }
  return { _tag: "Reap" }
}

/** What the cancel checker does for a job in a state. */
export type CancelAction = "delete" | "wait" | "forget"

export const cancelAction = (state: string): CancelAction => {
  if (state === "canceled" || state === "canceling") return "delete"
  if (state === "scheduled" || state === "reserved") return "wait"
  return "forget"
}

/** What the image-failure handler does for a job in a state. */
export type ImageFailureAction = "fail" | "notify" | "ignore" | "warn"

export const imageFailureAction = (state: string): ImageFailureAction => {
  if (state === "scheduled" || state === "reserved") return "fail"
  if (state === "accepted" || state === "assigned" || state === "running") return "notify"
  if (state === "canceling" || state === "canceled" || state === "finished" || state === "skipped")
    return "ignore"
  return "warn"
}
