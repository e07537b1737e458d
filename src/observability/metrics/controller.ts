import { counter, gauge, labelled } from "./define.ts"

// Metrics the original does not have, for features it does not have
// (leader election, notification batching limits).

export const leaderIsLeader = gauge(
  "buildkite_leader_is_leader",
  "1 while this replica holds the leader lease, 0 otherwise",
)

export const notificationsSent = counter(
  "buildkite_notifications_sent_total",
  "Stack notifications delivered to Buildkite",
)

/**
 * `reason` says why a notification was not delivered: `queue_full` (dropped before
 * sending), `rejected` (Buildkite refused the item) or `error` (the request failed).
 */
export const notificationsDropped = labelled(
  counter("buildkite_notifications_dropped_total", "Stack notifications not delivered"),
  ["reason"],
)
