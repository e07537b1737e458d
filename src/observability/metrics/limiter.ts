import { counter, gauge, histogram, labelled } from "./define.ts"

// Waits range from nothing (capacity free) to as long as a running job takes
// to finish, which can be hours; the top bucket is an hour.
const waitBuckets = [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600]

export const maxInFlight = gauge(
  "buildkite_limiter_max_in_flight",
  "Configured maximum of unfinished Kubernetes Jobs (0 = unlimited)",
)

/** Read from the token bucket at scrape time (see `gaugeFromCallback`). */
export const tokensAvailable = gauge(
  "buildkite_limiter_tokens_available",
  "Tokens left in the limiter's bucket",
)

/** Read from the work queue at scrape time (see `gaugeFromCallback`). */
export const workQueueLength = gauge(
  "buildkite_limiter_work_queue_length",
  "Jobs waiting in the limiter's queue",
)

export const tokenWaitDurationSeconds = histogram(
  "buildkite_limiter_token_wait_duration_seconds",
  "Time a worker waited for a token, in seconds",
  waitBuckets,
)

export const workWaitDurationSeconds = histogram(
  "buildkite_limiter_work_wait_duration_seconds",
  "Time a worker waited for work, in seconds",
  waitBuckets,
)

export const waitingForToken = gauge(
  "buildkite_limiter_waiting_for_token",
  "Workers currently waiting for a token",
)

export const waitingForWork = gauge(
  "buildkite_limiter_waiting_for_work",
  "Workers currently waiting for work",
)

export const jobHandlerCalls = counter(
  "buildkite_limiter_job_handler_calls_total",
  "Jobs passed to the deduper",
)

/** `reason` is `duplicate`, `stale` or `other`. */
export const jobHandlerErrors = labelled(
  counter("buildkite_limiter_job_handler_errors_total", "Hand-offs to the deduper that failed"),
  ["reason"],
)

export const onAddEvents = counter(
  "buildkite_limiter_onadd_events_total",
  "Job watch events: added",
)

export const onUpdateEvents = counter(
  "buildkite_limiter_onupdate_events_total",
  "Job watch events: updated",
)

export const onDeleteEvents = counter(
  "buildkite_limiter_ondelete_events_total",
  "Job watch events: deleted",
)

/** `source` names the caller that tried to take a token. */
export const tokenUnderflows = labelled(
  counter(
    "buildkite_limiter_token_underflows_total",
    "Attempts to take a token from an empty bucket",
  ),
  ["source"],
)

/** `source` names the caller that returned a token. */
export const tokenOverflows = labelled(
  counter("buildkite_limiter_token_overflows_total", "Tokens returned to a full bucket"),
  ["source"],
)
