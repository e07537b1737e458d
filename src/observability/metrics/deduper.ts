import { counter, gauge, labelled } from "./define.ts"

/** Read from the in-flight set at scrape time (see `gaugeFromCallback`). */
export const jobsRunning = gauge(
  "buildkite_deduper_jobs_running",
  "Jobs in the deduper's in-flight set",
)

export const jobHandlerCalls = counter(
  "buildkite_deduper_job_handler_calls_total",
  "Jobs passed to the scheduler",
)

export const jobHandlerErrors = counter(
  "buildkite_deduper_job_handler_errors_total",
  "Jobs the scheduler failed to handle",
)

export const onAddEvents = counter(
  "buildkite_deduper_onadd_events_total",
  "Job watch events: added",
)

export const onUpdateEvents = counter(
  "buildkite_deduper_onupdate_events_total",
  "Job watch events: updated",
)

export const onDeleteEvents = counter(
  "buildkite_deduper_ondelete_events_total",
  "Job watch events: deleted",
)

/** `source` is `Handle` or `OnAdd`. */
export const jobsMarkedRunning = labelled(
  counter("buildkite_deduper_jobs_marked_running_total", "Jobs added to the in-flight set"),
  ["source"],
)

/** `source` is `Handle` or `OnDelete`. */
export const jobsUnmarkedRunning = labelled(
  counter("buildkite_deduper_jobs_unmarked_running_total", "Jobs removed from the in-flight set"),
  ["source"],
)

export const jobsAlreadyRunning = labelled(
  counter(
    "buildkite_deduper_jobs_already_running_total",
    "Attempts to add a job already in the in-flight set",
  ),
  ["source"],
)

export const jobsAlreadyNotRunning = labelled(
  counter(
    "buildkite_deduper_jobs_already_not_running_total",
    "Attempts to remove a job absent from the in-flight set",
  ),
  ["source"],
)
