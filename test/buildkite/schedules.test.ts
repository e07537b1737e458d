import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import type { StackOperation } from "../../src/buildkite/StackModel.ts"

const attempts = (operation: StackOperation) =>
  Effect.flatMap(StackDoubleControl, (control) =>
    Effect.map(control.calls(operation), (calls) => calls.length),
  )

/** Moves the clock in 10 ms steps up to `untilMillis`, noting when each attempt happened. */
const attemptTimes = (operation: StackOperation, untilMillis: number) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    let seen = yield* attempts(operation)
    for (let now = 0; now <= untilMillis; now += 10) {
      const count = yield* attempts(operation)
      for (; seen < count; seen++) times.push(now)
      yield* TestClock.adjust(10)
    }
    return times
  })

describe("schedules", () => {
  describe("apiRetrySchedule", () => {
    it.effect("waits about 1 s, then about 1.5 s, between attempts of finishJob", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        const uuid = yield* control.addJob()
        yield* control.fail("finishJob", { status: 503 }, 2)

        const fiber = yield* Effect.forkChild(api.finishJob(uuid, "boom"))
        const [first = -1, second = -1, third = -1] = yield* attemptTimes("finishJob", 3_100)
        yield* Fiber.join(fiber)

        // Jitter scales each wait by 0.8-1.2: first 800-1200 ms, second 1200-1800 ms.
        assert.isAtMost(first, 10)
        assert.isTrue(second - first >= 800 && second - first <= 1_210, `${second - first}`)
        assert.isTrue(third - second >= 1_190 && third - second <= 1_810, `${third - second}`)
        assert.strictEqual(yield* attempts("finishJob"), 3)
        assert.strictEqual(yield* control.state(uuid), "finished")
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("gives up after 5 attempts with the last error", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        yield* control.fail("getJobStates", { status: 500, message: "still down" }, 10)

        const fiber = yield* Effect.forkChild(Effect.flip(api.getJobStates(["a"])))
        yield* TestClock.adjust(60_000)
        const error = yield* Fiber.join(fiber)

        assert.strictEqual(error.serverMessage, "still down")
        assert.strictEqual(yield* attempts("getJobStates"), 5)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("waits for Retry-After when it is longer than the backoff", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        yield* control.fail("registerStack", { status: 429, retryAfterSeconds: 30 })

        const fiber = yield* Effect.forkChild(
          api.registerStack({ key: "k", queueKey: "q", metadata: {} }),
        )
        yield* TestClock.adjust(29_999)
        assert.strictEqual(yield* attempts("registerStack"), 1)
        yield* TestClock.adjust(1)
        const stack = yield* Fiber.join(fiber)

        assert.strictEqual(stack.key, "k")
        assert.strictEqual(yield* attempts("registerStack"), 2)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("shortens a Retry-After of an hour to 5 minutes", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        const uuid = yield* control.addJob()
        yield* control.fail("finishJob", { status: 503, retryAfterSeconds: 3600 })

        const fiber = yield* Effect.forkChild(api.finishJob(uuid, "boom"))
        yield* TestClock.adjust(5 * 60_000)
        yield* Fiber.join(fiber)

        assert.strictEqual(yield* attempts("finishJob"), 2)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("does not retry a permanent error", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        yield* control.fail("registerStack", { status: 403, message: "forbidden" })

        const error = yield* Effect.flip(
          api.registerStack({ key: "k", queueKey: "", metadata: {} }),
        )

        assert.isFalse(error.retryable)
        assert.strictEqual(yield* attempts("registerStack"), 1)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )
  })

  describe("getJobRetrySchedule", () => {
    it.effect("waits about 1, 2, 4 s between attempts of getJob and retries network errors", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        const uuid = yield* control.addJob({ command: "echo" })
        yield* control.fail("getJob", { reset: true }, 3)

        const fiber = yield* Effect.forkChild(api.getJob(uuid))
        const times = yield* attemptTimes("getJob", 9_000)
        const job = yield* Fiber.join(fiber)

        const waits = times.slice(1).map((time, i) => time - (times[i] ?? 0))
        assert.strictEqual(waits.length, 3)
        ;[1_000, 2_000, 4_000].forEach((base, i) => {
          const wait = waits[i] ?? 0
          assert.isTrue(wait >= base * 0.8 - 10 && wait <= base * 1.2 + 10, `wait ${i}: ${wait}`)
        })
        assert.strictEqual(job.command, "echo")
        assert.strictEqual(yield* attempts("getJob"), 4)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )
  })

  describe("operations without retries", () => {
    it.effect("reserveJobs fails on the first 503", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi
        const control = yield* StackDoubleControl
        yield* control.fail("reserveJobs", { status: 503 })

        const error = yield* Effect.flip(api.reserveJobs(["a"], 60))

        assert.isTrue(error.retryable)
        assert.strictEqual(yield* attempts("reserveJobs"), 1)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )
  })
})
