import { counter, gauge, labelled } from "./define.ts"

/** Read from the stalling map at scrape time (see `gaugeFromCallback`). */
export const numStallingJobs = gauge(
  "buildkite_job_watcher_num_stalling_jobs",
  "Kubernetes Jobs watched for stalling without a pod",
)

/** Read from the ignored set at scrape time (see `gaugeFromCallback`). */
export const numIgnoredJobs = gauge(
  "buildkite_job_watcher_num_ignored_jobs",
  "Kubernetes Jobs the job watcher ignores",
)

export const onAddEvents = counter(
  "buildkite_job_watcher_onadd_events_total",
  "Job watch events: added",
)

export const onUpdateEvents = counter(
  "buildkite_job_watcher_onupdate_events_total",
  "Job watch events: updated",
)

export const onDeleteEvents = counter(
  "buildkite_job_watcher_ondelete_events_total",
  "Job watch events: deleted",
)

export const jobsFinishedWithoutPod = counter(
  "buildkite_job_watcher_jobs_finished_without_pod_total",
  "Kubernetes Jobs that finished without ever having a pod",
)

export const jobsFailedBeforeAgentAcquire = counter(
  "buildkite_job_watcher_jobs_failed_before_agent_acquire_total",
  "Kubernetes Jobs that failed before the agent acquired the Buildkite job",
)

export const jobsStalledWithoutPod = counter(
  "buildkite_job_watcher_jobs_stalled_without_pod_total",
  "Kubernetes Jobs confirmed stalled without a pod",
)

/** `reason` is `agent_active`, `job_gone`, `job_replaced` or `pod_exists`. */
export const stalledCleanupSkipped = labelled(
  counter(
    "buildkite_job_watcher_stalled_cleanup_skipped_total",
    "Stall clean-ups skipped because the stall was a false positive",
  ),
  ["reason"],
)

export const jobsFailedOnBuildkite = counter(
  "buildkite_job_watcher_jobs_failed_on_buildkite_total",
  "Jobs the job watcher failed on Buildkite",
)

export const jobFailOnBuildkiteErrors = counter(
  "buildkite_job_watcher_job_fail_on_buildkite_errors_total",
  "Attempts by the job watcher to fail a job on Buildkite that errored",
)

export const cleanups = counter(
  "buildkite_job_watcher_cleanups_total",
  "Stalled Kubernetes Jobs given a deadline to end them",
)

export const cleanupErrors = labelled(
  counter(
    "buildkite_job_watcher_cleanup_errors_total",
    "Failed updates of stalled Kubernetes Jobs",
  ),
  ["reason"],
)

/** `delete_reason` is `job_cancelled`. */
export const jobsForcefullyDeleted = labelled(
  counter(
    "buildkite_job_watcher_jobs_forcefully_deleted_total",
    "Kubernetes Jobs without a pod deleted by the job watcher",
  ),
  ["delete_reason"],
)

export const jobsForcefulDeletionErrors = labelled(
  counter(
    "buildkite_job_watcher_jobs_forceful_deletion_errors_total",
    "Failed deletions of Kubernetes Jobs without a pod",
  ),
  ["delete_reason", "error_reason"],
)
