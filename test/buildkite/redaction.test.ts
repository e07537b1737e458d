/**
 * The agent token must never reach a log line or an error: a scenario that logs and fails
 * in every way the client can, through the real HTTP layer, then a scan of everything.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Layer, Logger, Redacted, Stream } from "effect"
import { TestClock } from "effect/testing"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { Notifier } from "../../src/buildkite/Notifier.ts"
import * as StacksApiFake from "../../src/testing/StacksApiFake.ts"

const token = "bkua_SECRET_do_not_leak_9f8e7d"

/** Lets socket I/O progress while virtual time moves, until the fiber is done. */
const driveUntilDone = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200 && fiber.pollUnsafe() === undefined; i++) {
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      yield* TestClock.adjust(500)
    }
    return yield* Fiber.await(fiber)
  })

describe("redaction", () => {
  describe("BuildkiteApi.layer", () => {
    it.effect("keeps the token out of every log line, error message and error JSON", () => {
      const lines: Array<string> = []
      const capture = Logger.map(Logger.formatJson, (line) => {
        lines.push(line)
      })
      const seen: Array<string> = []

      return Effect.gen(function* () {
        const fake = yield* StacksApiFake.scoped({ token })
        const uuid = fake.model.addJob({}, 0).id
        fake.model.addFault("finishJob", { status: 503, message: "try later" })
        fake.model.addFault("getTokenIdentity", { status: 401, message: "Invalid token" })
        fake.model.addFault("scheduledJobs", { reset: true })
        fake.model.addFault("createNotifications", { status: 500 })
        fake.model.addFault("getJob", { status: 200, body: "not json" }, 5)
        const layer = BuildkiteApi.layer({
          endpoint: fake.endpoint,
          token: Redacted.make(token),
          stackKey: "test-stack",
          httpTimeoutMillis: 5_000,
        })

        const scenario = Effect.gen(function* () {
          const api = yield* BuildkiteApi
          const notifier = yield* Notifier
          const failures = [
            yield* Effect.flip(api.getTokenIdentity),
            yield* Effect.flip(
              Stream.runDrain(api.scheduledJobs({ queueKey: "q", pageSize: 1, depthLimit: 1 })),
            ),
            yield* Effect.flip(api.getJob(uuid)),
          ]
          yield* api.finishJob(uuid, "failed")
          yield* notifier.notify(uuid, "hello")
          yield* notifier.flush
          for (const error of failures) {
            yield* Effect.logError("Failed Buildkite API call").pipe(Effect.annotateLogs({ error }))
            yield* Effect.logError(Cause.fail(error))
            seen.push(
              error.message,
              String(error),
              JSON.stringify(error),
              Cause.pretty(Cause.fail(error)),
            )
          }
          return failures.length
        }).pipe(
          Effect.provide(Notifier.layer.pipe(Layer.provideMerge(layer))),
          Effect.provide(Logger.layer([capture])),
        )

        const fiber = yield* Effect.forkChild(scenario)
        const exit = yield* driveUntilDone(fiber)

        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.isTrue(fake.requests.length >= 8)
        assert.isTrue(fake.requests.every((request) => request.authorized))
        assert.isTrue(lines.some((line) => line.includes("retrying")))
        assert.isTrue(lines.some((line) => line.includes("Failed to send stack notifications")))
        assert.isAtLeast(seen.length, 12)
        for (const text of [...lines, ...seen, JSON.stringify(fake.requests)]) {
          assert.notInclude(text, token)
          assert.notInclude(text, "SECRET")
        }
      })
    })
  })
})
