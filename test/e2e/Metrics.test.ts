import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { PrometheusMetrics } from "effect/observability"
import { advance, jobWithOutcome, StackDoubleControl, withController } from "./harness.ts"

const sample = (text: string, name: string): number | undefined => {
  const line = text.split("\n").find((entry) => entry.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

describe("controller metrics (doubles)", () => {
  describe("runController", () => {
    it.effect("reports the limit, the free slots and the creations queued", () =>
      withController(
        ["--queue", "kubernetes", "--tags", "queue=kubernetes", "--max-in-flight", "3"],
        () =>
          Effect.gen(function* () {
            const stack = yield* StackDoubleControl
            yield* stack.addJob(jobWithOutcome("Unschedulable"))
            yield* advance(2_000)

            const text = yield* PrometheusMetrics.format()
            assert.strictEqual(sample(text, "buildkite_limiter_max_in_flight"), 3)
            assert.strictEqual(sample(text, "buildkite_limiter_tokens_available"), 2)
            assert.strictEqual(sample(text, "buildkite_limiter_work_queue_length"), 0)
          }),
      ),
    )
  })
})
