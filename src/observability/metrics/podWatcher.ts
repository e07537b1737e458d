import { counter, gauge, labelled } from "./define.ts"

/** Read from the cancel checker at scrape time (see `gaugeFromCallback`). */
export const numJobCancelCheckers = gauge(
  "buildkite_pod_watcher_num_job_cancel_checkers",
  "Jobs (pods and pod-less Kubernetes Jobs) registered with the cancel checker",
)

/** Read from the ignored set at scrape time (see `gaugeFromCallback`). */
export const numIgnoredJobs = gauge(
  "buildkite_pod_watcher_num_ignored_jobs",
  "Jobs the pod watcher ignores",
)

/** Read at scrape time (see `gaugeFromCallback`). */
export const numWatchingForImageFailure = gauge(
  "buildkite_pod_watcher_num_watching_for_image_failure",
  "Pods watched for image pull failures",
)

export const onAddEvents = counter(
  "buildkite_pod_watcher_onadd_events_total",
  "Pod watch events: added",
)

export const onUpdateEvents = counter(
  "buildkite_pod_watcher_onupdate_events_total",
  "Pod watch events: updated",
)

export const onDeleteEvents = counter(
  "buildkite_pod_watcher_ondelete_events_total",
  "Pod watch events: deleted",
)

export const jobsFailedOnBuildkite = counter(
  "buildkite_pod_watcher_jobs_failed_on_buildkite_total",
  "Jobs the pod watcher failed on Buildkite",
)

export const jobFailOnBuildkiteErrors = counter(
  "buildkite_pod_watcher_job_fail_on_buildkite_errors_total",
  "Attempts by the pod watcher to fail a job on Buildkite that errored",
)

/** `delete_reason` is `image_pull_failure`, `pending_timeout` or `job_cancelled`. */
export const podsForcefullyDeleted = labelled(
  counter("buildkite_pod_watcher_pods_forcefully_deleted_total", "Pods deleted by the pod watcher"),
  ["delete_reason"],
)

export const podsForcefulDeletionErrors = labelled(
  counter(
    "buildkite_pod_watcher_pods_forceful_deletion_errors_total",
    "Failed pod deletions by the pod watcher",
  ),
  ["delete_reason", "error_reason"],
)
