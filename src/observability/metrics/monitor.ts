import { counter, gauge, histogram } from "./define.ts"

// Poll duration covers every page of one poll; a page may take up to the
// HTTP timeout (60 s by default), so the buckets reach a minute.
const pollBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** 1 while the poll loop runs. */
export const up = gauge("buildkite_monitor_monitor_up", "1 while the monitor poll loop runs")

export const jobQueries = counter(
  "buildkite_monitor_job_queries_total",
  "Polls of the scheduled-jobs endpoint started",
)

export const jobQueryErrors = counter(
  "buildkite_monitor_job_query_errors_total",
  "Polls of the scheduled-jobs endpoint that failed",
)

export const jobQuerySeconds = histogram(
  "buildkite_monitor_job_query_seconds",
  "Duration of one poll, all pages included, in seconds",
  pollBuckets,
)

export const jobsReturned = counter(
  "buildkite_monitor_jobs_returned_total",
  "Jobs returned by polls",
)

export const jobsFilteredOut = counter(
  "buildkite_monitor_jobs_filtered_out_total",
  "Jobs dropped because their agent tags did not match",
)

export const jobsHandled = counter(
  "buildkite_monitor_jobs_handled_total",
  "Jobs passed to the reserver",
)

export const jobsHandledErrors = counter(
  "buildkite_monitor_jobs_handled_errors_total",
  "Jobs in batches the reserver rejected",
)

export const jobHandlerCalls = counter(
  "buildkite_monitor_job_handler_calls_total",
  "Calls to the reserver",
)

export const jobHandlerErrors = counter(
  "buildkite_monitor_job_handler_errors_total",
  "Calls to the reserver that failed",
)
