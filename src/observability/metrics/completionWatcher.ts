import { counter, labelled } from "./define.ts"

export const onAddEvents = counter(
  "buildkite_completion_watcher_onadd_events_total",
  "Pod watch events seen by the completion watcher: added",
)

export const onUpdateEvents = counter(
  "buildkite_completion_watcher_onupdate_events_total",
  "Pod watch events seen by the completion watcher: updated",
)

export const cleanups = counter(
  "buildkite_completion_watcher_cleanups_total",
  "Kubernetes Jobs given a deadline after their agent container finished",
)

export const cleanupErrors = labelled(
  counter(
    "buildkite_completion_watcher_cleanup_errors_total",
    "Failed deadline updates by the completion watcher",
  ),
  ["reason"],
)
