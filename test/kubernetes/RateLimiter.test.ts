import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { makeRateLimiter } from "../../src/kubernetes/RateLimiter.ts"

describe("RateLimiter", () => {
  describe("makeRateLimiter", () => {
    it.effect("lets a burst through at once, then holds the rate", () =>
      Effect.gen(function* () {
        const limiter = yield* makeRateLimiter({ qps: 10, burst: 20 })
        let done = 0
        const fiber = yield* Effect.forkChild(
          Effect.forEach(
            Array.from({ length: 40 }),
            () => Effect.map(limiter.take("Job", "x"), () => done++),
            { concurrency: "unbounded" },
          ),
        )
        yield* TestClock.adjust(0)
        assert.strictEqual(done, 20)
        yield* TestClock.adjust(1000)
        assert.strictEqual(done, 30)
        yield* TestClock.adjust(1000)
        assert.strictEqual(done, 40)
        yield* Fiber.join(fiber)
      }),
    )

    it.effect("fails fast with a retryable client-side Throttled, when the queue is full", () =>
      Effect.gen(function* () {
        const limiter = yield* makeRateLimiter({ qps: 1, burst: 1, maxQueued: 2 })
        yield* limiter.take("Pod", "p")
        yield* Effect.forkChild(limiter.take("Pod", "p"))
        yield* Effect.forkChild(limiter.take("Pod", "p"))
        yield* TestClock.adjust(0)
        assert.strictEqual(yield* limiter.queued, 2)
        const error = yield* Effect.flip(limiter.take("Pod", "p"))
        assert.strictEqual(error._tag, "Throttled")
        assert.isTrue(error.clientSide)
        assert.isTrue(error.retryable)
        yield* TestClock.adjust(2000)
        assert.strictEqual(yield* limiter.queued, 0)
      }),
    )

    it.effect("does not limit, when qps is zero", () =>
      Effect.gen(function* () {
        const limiter = yield* makeRateLimiter({ qps: 0, maxQueued: 0 })
        yield* Effect.forEach(Array.from({ length: 100 }), () => limiter.take("Job", "x"))
        assert.strictEqual(yield* limiter.queued, 0)
      }),
    )
  })
})
