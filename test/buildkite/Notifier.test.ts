import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Metric } from "effect"
import { TestClock } from "effect/testing"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { defaultNotifierOptions, Notifier } from "../../src/buildkite/Notifier.ts"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import * as Metrics from "../../src/observability/Metrics.ts"

const withNotifier = <A, E>(
  self: Effect.Effect<A, E, Notifier | StackDoubleControl>,
  options = defaultNotifierOptions,
) =>
  self.pipe(
    Effect.provide(Notifier.layerWith(options).pipe(Layer.provideMerge(BuildkiteApi.layerTest))),
  )

const sentSizes = (control: StackDoubleControl["Service"]) =>
  Effect.map(control.calls("createNotifications"), (calls) =>
    calls.filter((call) => call.faulted !== true).map((call) => call.notifications?.length ?? 0),
  )

describe("Notifier", () => {
  describe("notify", () => {
    it.effect("sends 3 notifications in one request at the next 100 ms flush", () =>
      withNotifier(
        Effect.gen(function* () {
          const notifier = yield* Notifier
          const control = yield* StackDoubleControl
          const uuid = yield* control.addJob()

          for (const detail of ["one", "two", "three"]) yield* notifier.notify(uuid, detail)
          yield* TestClock.adjust(99)
          const before = yield* sentSizes(control)
          yield* TestClock.adjust(1)

          assert.deepStrictEqual(before, [])
          assert.deepStrictEqual(yield* sentSizes(control), [3])
          const [call] = yield* control.calls("createNotifications")
          assert.deepStrictEqual(
            call?.notifications?.map((n) => n.detail),
            ["one", "two", "three"],
          )
          assert.strictEqual(call?.notifications?.[0]?.timestampMillis, 0)
        }),
      ),
    )

    it.effect("splits 2,500 notifications into requests of 1000, 1000 and 500", () =>
      withNotifier(
        Effect.gen(function* () {
          const notifier = yield* Notifier
          const control = yield* StackDoubleControl
          const uuid = yield* control.addJob()

          for (let i = 0; i < 2_500; i++) yield* notifier.notify(uuid, `n${i}`)
          yield* TestClock.adjust(100)

          const sizes = yield* sentSizes(control)
          assert.deepStrictEqual(
            [...sizes].sort((a, b) => b - a),
            [1000, 1000, 500],
          )
        }),
      ),
    )

    it.effect("crops a long detail to 255 bytes without splitting a character", () =>
      withNotifier(
        Effect.gen(function* () {
          const notifier = yield* Notifier
          const control = yield* StackDoubleControl
          const uuid = yield* control.addJob()

          yield* notifier.notify(uuid, "é".repeat(200))
          yield* notifier.flush

          const [call] = yield* control.calls("createNotifications")
          const detail = call?.notifications?.[0]?.detail ?? ""
          assert.isTrue(detail.endsWith("… (cropped)"))
          assert.isAtMost(new TextEncoder().encode(detail).length, 255)
          assert.match(detail, /^é+… \(cropped\)$/)
        }),
      ),
    )

    it.effect("drops notifications beyond the capacity and logs how many", () => {
      const lines: Array<string> = []
      const capture = Logger.map(Logger.formatJson, (line) => {
        lines.push(line)
      })
      return withNotifier(
        Effect.gen(function* () {
          const notifier = yield* Notifier
          const control = yield* StackDoubleControl
          const uuid = yield* control.addJob()

          for (let i = 0; i < 5; i++) yield* notifier.notify(uuid, `n${i}`)
          yield* notifier.flush

          assert.deepStrictEqual(yield* sentSizes(control), [2])
          const warning = lines.find((line) => line.includes("Dropped stack notifications"))
          assert.include(warning ?? "", '"count":3')
        }),
        { ...defaultNotifierOptions, capacity: 2 },
      ).pipe(Effect.provide(Logger.layer([capture])))
    })

    it.effect("logs a failed request and keeps running", () => {
      const lines: Array<string> = []
      const capture = Logger.map(Logger.formatJson, (line) => {
        lines.push(line)
      })
      return withNotifier(
        Effect.gen(function* () {
          const notifier = yield* Notifier
          const control = yield* StackDoubleControl
          const uuid = yield* control.addJob()
          yield* control.fail("createNotifications", { status: 502, message: "bad gateway" })

          yield* notifier.notify(uuid, "lost")
          yield* TestClock.adjust(100)
          yield* notifier.notify(uuid, "sent")
          yield* TestClock.adjust(100)

          const calls = yield* control.calls("createNotifications")
          assert.deepStrictEqual(
            calls.map((call) => call.faulted ?? call.notifications?.map((n) => n.detail)),
            [true, ["sent"]],
          )
          assert.isTrue(lines.some((line) => line.includes("Failed to send stack notifications")))
        }),
      ).pipe(Effect.provide(Logger.layer([capture])))
    })
  })

  describe("metrics", () => {
    it.effect(
      "counts notifications sent, rejected by Buildkite and dropped from a full queue",
      () =>
        withNotifier(
          Effect.gen(function* () {
            const notifier = yield* Notifier
            const control = yield* StackDoubleControl
            const count = (metric: Metric.Metric<number, { readonly count: number }>) =>
              Effect.map(Metric.value(metric), (state) => state.count)
            const sent = count(Metrics.controller.notificationsSent)
            const rejected = count(Metrics.controller.notificationsDropped({ reason: "rejected" }))
            const full = count(Metrics.controller.notificationsDropped({ reason: "queue_full" }))
            const before = [yield* sent, yield* rejected, yield* full]

            const uuid = yield* control.addJob()
            yield* notifier.notify(uuid, "known job")
            yield* notifier.notify("unknown-job", "Buildkite refuses this one")
            yield* notifier.notify(uuid, "over capacity")
            yield* TestClock.adjust(100)

            const after = [yield* sent, yield* rejected, yield* full]
            assert.deepStrictEqual(
              after.map((value, index) => value - (before[index] ?? 0)),
              [1, 1, 1],
            )
          }),
          { ...defaultNotifierOptions, capacity: 2 },
        ),
    )
  })

  describe("layer", () => {
    it.effect("sends what is still queued when the layer shuts down", () =>
      Effect.gen(function* () {
        const control = yield* StackDoubleControl
        const uuid = yield* control.addJob()

        yield* Effect.gen(function* () {
          const notifier = yield* Notifier
          yield* notifier.notify(uuid, "last words")
        }).pipe(Effect.provide(Notifier.layer))

        const calls = yield* control.calls("createNotifications")
        assert.deepStrictEqual(
          calls.map((call) => call.notifications?.map((n) => n.detail)),
          [["last words"]],
        )
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )
  })
})
