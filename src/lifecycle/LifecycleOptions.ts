/**
 * The configuration the lifecycle watchers read, as a subset of the controller's
 * configuration (so `Lifecycle.layer(config)` accepts the whole config object).
 */
import type { ControllerConfig } from "../config/ControllerConfig.ts"

export type LifecycleOptions = Pick<
  ControllerConfig,
  | "id"
  | "imagePullBackoffGracePeriodMillis"
  | "podPendingTimeoutMillis"
  | "emptyJobGracePeriodMillis"
  | "jobCancelCheckerPollIntervalMillis"
  | "enableCompletionWatcher"
  | "jobTtlMillis"
  | "defaultTerminationGracePeriodSeconds"
>

/** Fixed timings that are not options (the original's values where it had them). */
export const timings = {
  /** How often the image, pending, stall, stuck-agent and TTL checks run. */
  sweepMillis: 1_000,
  /** Deletes in flight at once: low, so cancellations do not starve Job creation. */
  deleteConcurrency: 10,
  /** Buildkite and Kubernetes calls in flight at once while handling one sweep. */
  handleConcurrency: 8,
  /**
   * How long a pod may keep running after a container the job needs failed while the
   * `agent` container is still up (the agent normally ends the job within seconds).
   */
  stuckAgentGraceMillis: 5 * 60_000,
}
