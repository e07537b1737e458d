import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import { makeReport, Readiness } from "../../src/observability/Readiness.ts"

const withReadiness = <A, E>(self: Effect.Effect<A, E, Readiness>) =>
  Effect.provide(self, Layer.merge(Readiness.layer, Logger.layer([])))

describe("Readiness", () => {
  describe("makeReport", () => {
    it("is not ready when nothing is registered", () => {
      assert.deepStrictEqual(makeReport(new Map()), { ready: false, checks: [] })
    })
  })

  describe("report", () => {
    it.effect("is ready only when every registered check is ready", () =>
      withReadiness(
        Effect.gen(function* () {
          const readiness = yield* Readiness
          yield* readiness.register("watches")
          yield* readiness.ready("stack")
          const before = yield* readiness.report
          yield* readiness.ready("watches")
          const after = yield* readiness.report

          assert.isFalse(before.ready)
          assert.deepStrictEqual(before.checks, [
            { name: "stack", ready: true },
            { name: "watches", ready: false, reason: "not reported yet" },
          ])
          assert.isTrue(after.ready)
        }),
      ),
    )

    it.effect("turns not ready with the reason when a check fails again", () =>
      withReadiness(
        Effect.gen(function* () {
          const readiness = yield* Readiness
          yield* readiness.ready("poll")
          yield* readiness.notReady("poll", "Buildkite returned 503")
          const report = yield* readiness.report

          assert.deepStrictEqual(report, {
            ready: false,
            checks: [{ name: "poll", ready: false, reason: "Buildkite returned 503" }],
          })
        }),
      ),
    )

    it.effect("keeps a reported state when the check is registered later", () =>
      withReadiness(
        Effect.gen(function* () {
          const readiness = yield* Readiness
          yield* readiness.ready("leader")
          yield* readiness.register("leader")
          const report = yield* readiness.report

          assert.isTrue(report.ready)
        }),
      ),
    )

    it.effect("forgets an unregistered check", () =>
      withReadiness(
        Effect.gen(function* () {
          const readiness = yield* Readiness
          yield* readiness.ready("stack")
          yield* readiness.notReady("poll", "timed out")
          yield* readiness.unregister("poll")
          const report = yield* readiness.report

          assert.deepStrictEqual(report, { ready: true, checks: [{ name: "stack", ready: true }] })
        }),
      ),
    )
  })
})
