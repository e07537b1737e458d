import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Metric } from "effect"
import { PrometheusMetrics } from "effect/observability"
import { TestClock } from "effect/testing"
import * as Metrics from "../../src/observability/Metrics.ts"

// The original's metric families (upstream 6.1) with their Prometheus type and
// label names, written out independently of the definitions under test.
const original: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
  ["buildkite_monitor_monitor_up", "gauge", []],
  ["buildkite_monitor_job_queries_total", "counter", []],
  ["buildkite_monitor_job_query_errors_total", "counter", []],
  ["buildkite_monitor_job_query_seconds", "histogram", []],
  ["buildkite_monitor_jobs_returned_total", "counter", []],
  ["buildkite_monitor_jobs_filtered_out_total", "counter", []],
  ["buildkite_monitor_jobs_handled_total", "counter", []],
  ["buildkite_monitor_jobs_handled_errors_total", "counter", []],
  ["buildkite_monitor_job_handler_calls_total", "counter", []],
  ["buildkite_monitor_job_handler_errors_total", "counter", []],
  ["buildkite_limiter_max_in_flight", "gauge", []],
  ["buildkite_limiter_tokens_available", "gauge", []],
  ["buildkite_limiter_work_queue_length", "gauge", []],
  ["buildkite_limiter_token_wait_duration_seconds", "histogram", []],
  ["buildkite_limiter_work_wait_duration_seconds", "histogram", []],
  ["buildkite_limiter_waiting_for_token", "gauge", []],
  ["buildkite_limiter_waiting_for_work", "gauge", []],
  ["buildkite_limiter_job_handler_calls_total", "counter", []],
  ["buildkite_limiter_job_handler_errors_total", "counter", ["reason"]],
  ["buildkite_limiter_onadd_events_total", "counter", []],
  ["buildkite_limiter_onupdate_events_total", "counter", []],
  ["buildkite_limiter_ondelete_events_total", "counter", []],
  ["buildkite_limiter_token_underflows_total", "counter", ["source"]],
  ["buildkite_limiter_token_overflows_total", "counter", ["source"]],
  ["buildkite_deduper_jobs_running", "gauge", []],
  ["buildkite_deduper_job_handler_calls_total", "counter", []],
  ["buildkite_deduper_job_handler_errors_total", "counter", []],
  ["buildkite_deduper_onadd_events_total", "counter", []],
  ["buildkite_deduper_onupdate_events_total", "counter", []],
  ["buildkite_deduper_ondelete_events_total", "counter", []],
  ["buildkite_deduper_jobs_marked_running_total", "counter", ["source"]],
  ["buildkite_deduper_jobs_unmarked_running_total", "counter", ["source"]],
  ["buildkite_deduper_jobs_already_running_total", "counter", ["source"]],
  ["buildkite_deduper_jobs_already_not_running_total", "counter", ["source"]],
  ["buildkite_job_end_to_end_seconds", "histogram", []],
  ["buildkite_scheduler_job_create_calls_total", "counter", []],
  ["buildkite_scheduler_job_create_success_total", "counter", []],
  ["buildkite_scheduler_job_create_errors_total", "counter", ["reason"]],
  ["buildkite_scheduler_jobs_failed_on_buildkite_total", "counter", []],
  ["buildkite_scheduler_job_fail_on_buildkite_errors_total", "counter", []],
  ["buildkite_job_watcher_num_stalling_jobs", "gauge", []],
  ["buildkite_job_watcher_num_ignored_jobs", "gauge", []],
  ["buildkite_job_watcher_onadd_events_total", "counter", []],
  ["buildkite_job_watcher_onupdate_events_total", "counter", []],
  ["buildkite_job_watcher_ondelete_events_total", "counter", []],
  ["buildkite_job_watcher_jobs_finished_without_pod_total", "counter", []],
  ["buildkite_job_watcher_jobs_failed_before_agent_acquire_total", "counter", []],
  ["buildkite_job_watcher_jobs_stalled_without_pod_total", "counter", []],
  ["buildkite_job_watcher_stalled_cleanup_skipped_total", "counter", ["reason"]],
  ["buildkite_job_watcher_jobs_failed_on_buildkite_total", "counter", []],
  ["buildkite_job_watcher_job_fail_on_buildkite_errors_total", "counter", []],
  ["buildkite_job_watcher_cleanups_total", "counter", []],
  ["buildkite_job_watcher_cleanup_errors_total", "counter", ["reason"]],
  ["buildkite_job_watcher_jobs_forcefully_deleted_total", "counter", ["delete_reason"]],
  [
    "buildkite_job_watcher_jobs_forceful_deletion_errors_total",
    "counter",
    ["delete_reason", "error_reason"],
  ],
  ["buildkite_completion_watcher_onadd_events_total", "counter", []],
  ["buildkite_completion_watcher_onupdate_events_total", "counter", []],
  ["buildkite_completion_watcher_cleanups_total", "counter", []],
  ["buildkite_completion_watcher_cleanup_errors_total", "counter", ["reason"]],
  ["buildkite_pod_watcher_num_job_cancel_checkers", "gauge", []],
  ["buildkite_pod_watcher_num_ignored_jobs", "gauge", []],
  ["buildkite_pod_watcher_num_watching_for_image_failure", "gauge", []],
  ["buildkite_pod_watcher_onadd_events_total", "counter", []],
  ["buildkite_pod_watcher_onupdate_events_total", "counter", []],
  ["buildkite_pod_watcher_ondelete_events_total", "counter", []],
  ["buildkite_pod_watcher_jobs_failed_on_buildkite_total", "counter", []],
  ["buildkite_pod_watcher_job_fail_on_buildkite_errors_total", "counter", []],
  ["buildkite_pod_watcher_pods_forcefully_deleted_total", "counter", ["delete_reason"]],
  [
    "buildkite_pod_watcher_pods_forceful_deletion_errors_total",
    "counter",
    ["delete_reason", "error_reason"],
  ],
]

// Each test gets its own registry, so counts do not leak between tests.
const isolated = <A, E>(self: Effect.Effect<A, E>) =>
  Effect.provideService(self, Metric.MetricRegistry, new Map())

// Touches every labelled family once with placeholder label values.
const touchLabelled = Effect.forEach(
  Metrics.families.filter((family) => family.labelNames.length > 0),
  (family) => {
    const labels = Object.fromEntries(family.labelNames.map((name) => [name, "x"]))
    return Metric.update(Metric.withAttributes(family.metric, labels), 1)
  },
  { discard: true },
)

describe("Metrics", () => {
  describe("families", () => {
    it.effect("exposes every original metric with its type line and label names", () =>
      isolated(
        Effect.gen(function* () {
          yield* Metrics.registerUnlabelled
          yield* touchLabelled
          const text = yield* PrometheusMetrics.format()
          const lines = text.split("\n")

          for (const [name, type, labelNames] of original) {
            assert.include(lines, `# TYPE ${name} ${type}`, name)
            const sample = type === "histogram" ? `${name}_count` : name
            const expectedLabels =
              labelNames.length === 0 ? " " : `{${labelNames.map((l) => `${l}="x"`).join(",")}} `
            assert.isTrue(
              lines.some((line) => line.startsWith(`${sample}${expectedLabels}`)),
              `sample line of ${name}`,
            )
          }
        }),
      ),
    )

    it.effect("adds no family twice and no suffix to counter names", () =>
      isolated(
        Effect.gen(function* () {
          yield* Metrics.registerUnlabelled
          yield* touchLabelled
          const text = yield* PrometheusMetrics.format()
          const typeLines = text.split("\n").filter((line) => line.startsWith("# TYPE "))

          assert.strictEqual(new Set(typeLines).size, typeLines.length)
          assert.notInclude(text, "_total_total")
          for (const line of typeLines) {
            assert.match(line, /^# TYPE buildkite_/)
            if (line.endsWith(" counter")) assert.match(line, /_total counter$/)
          }
        }),
      ),
    )

    it("includes our own families with their labels", () => {
      const byName = new Map(Metrics.families.map((f) => [f.metric.id, f.labelNames]))
      assert.deepStrictEqual(byName.get("buildkite_leader_is_leader"), [])
      assert.deepStrictEqual(byName.get("buildkite_notifications_sent_total"), [])
      assert.deepStrictEqual(byName.get("buildkite_notifications_dropped_total"), ["reason"])
    })
  })

  describe("registerUnlabelled", () => {
    it.effect("shows unlabelled series at zero and keeps values already recorded", () =>
      isolated(
        Effect.gen(function* () {
          yield* Metrics.increment(Metrics.monitor.jobQueries)
          yield* Metrics.registerUnlabelled
          const text = yield* PrometheusMetrics.format()

          assert.include(text, "\nbuildkite_monitor_job_queries_total 1\n")
          assert.include(text, "\nbuildkite_monitor_job_query_errors_total 0\n")
          assert.include(text, 'buildkite_job_end_to_end_seconds_bucket{le="+Inf"} 0\n')
          assert.notInclude(text, "buildkite_limiter_job_handler_errors_total")
        }),
      ),
    )
  })

  describe("labelled", () => {
    it.effect("keeps one series per label set", () =>
      isolated(
        Effect.gen(function* () {
          const errors = Metrics.limiter.jobHandlerErrors
          yield* Metrics.increment(errors({ reason: "stale" }))
          yield* Metrics.increment(errors({ reason: "stale" }))
          yield* Metrics.increment(errors({ reason: "duplicate" }))
          const text = yield* PrometheusMetrics.format()

          assert.strictEqual(errors({ reason: "stale" }), errors({ reason: "stale" }))
          assert.include(text, 'buildkite_limiter_job_handler_errors_total{reason="stale"} 2\n')
          assert.include(text, 'buildkite_limiter_job_handler_errors_total{reason="duplicate"} 1\n')
        }),
      ),
    )

    it.effect("renders gauges with several labels", () =>
      isolated(
        Effect.gen(function* () {
          const deletions = Metrics.podWatcher.podsForcefulDeletionErrors
          yield* Metrics.increment(
            deletions({ delete_reason: "pending_timeout", error_reason: "NotFound" }),
          )
          const text = yield* PrometheusMetrics.format()

          assert.include(
            text,
            'buildkite_pod_watcher_pods_forceful_deletion_errors_total{delete_reason="pending_timeout",error_reason="NotFound"} 1\n',
          )
        }),
      ),
    )
  })

  describe("gaugeFromCallback", () => {
    it.effect("reads the value at every scrape and removes the series on scope close", () =>
      isolated(
        Effect.gen(function* () {
          const queue = ["a", "b"]
          const scraped = yield* Effect.scoped(
            Effect.gen(function* () {
              yield* Metrics.gaugeFromCallback(Metrics.limiter.workQueueLength, () => queue.length)
              const first = yield* PrometheusMetrics.format()
              queue.push("c")
              const second = yield* PrometheusMetrics.format()
              return [first, second]
            }),
          )
          const after = yield* PrometheusMetrics.format()

          assert.include(scraped[0], "\nbuildkite_limiter_work_queue_length 2\n")
          assert.include(scraped[1], "\nbuildkite_limiter_work_queue_length 3\n")
          assert.notInclude(after, "buildkite_limiter_work_queue_length")
        }),
      ),
    )
  })

  describe("timeSeconds", () => {
    it.effect("records the elapsed clock time in seconds", () =>
      isolated(
        Effect.gen(function* () {
          const timed = Effect.sleep("2500 millis").pipe(
            Metrics.timeSeconds(Metrics.monitor.jobQuerySeconds),
          )
          const fiber = yield* Effect.forkChild(timed)
          yield* TestClock.adjust("2500 millis")
          yield* Fiber.join(fiber)
          const state = yield* Metric.value(Metrics.monitor.jobQuerySeconds)

          assert.strictEqual(state.count, 1)
          assert.strictEqual(state.sum, 2.5)
        }),
      ),
    )
  })
})
