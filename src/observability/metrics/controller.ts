import { counter, gauge, labelled } from "./define.ts"

// Metrics the original does not have, for features it does not have
// (leader election, notification batching limits) and for the API traffic
// its client libraries kept to themselves.

export const leaderIsLeader = gauge(
  "buildkite_leader_is_leader",
  "1 while this replica holds the leader lease, 0 otherwise",
)

export const notificationsSent = counter(
  "buildkite_notifications_sent_total",
  "Stack notifications delivered to Buildkite",
)

/** `reason` says why a notification was not delivered (`queue_full`, `error`, `shutdown`). */
export const notificationsDropped = labelled(
  counter("buildkite_notifications_dropped_total", "Stack notifications not delivered"),
  ["reason"],
)

/**
 * `verb` is the Kubernetes verb (`create`, `list`, `watch`, …), `resource`
 * the plural resource (`jobs`, `pods`, …) and `code` the HTTP status, or
 * `error` when no response arrived.
 */
export const kubernetesRequests = labelled(
  counter("buildkite_kubernetes_requests_total", "Requests to the Kubernetes API"),
  ["verb", "resource", "code"],
)

/** Read from the client-side rate limiter at scrape time (see `gaugeFromCallback`). */
export const kubernetesRateLimiterQueueLength = gauge(
  "buildkite_kubernetes_rate_limiter_queue_length",
  "Kubernetes API requests waiting for the client-side rate limiter",
)

/**
 * `endpoint` is a fixed name of the Agent API call (`scheduled_jobs`,
 * `reserve`, `finish`, …), never a URL with identifiers in it, so the number
 * of series stays bounded; `code` is the HTTP status or `error`.
 */
export const buildkiteRequests = labelled(
  counter("buildkite_buildkite_requests_total", "Requests to the Buildkite Agent API"),
  ["endpoint", "code"],
)
