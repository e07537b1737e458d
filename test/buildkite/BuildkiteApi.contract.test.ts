/**
 * One suite, run twice: against the in-memory double (`layerTest`) and against the real
 * HTTP client talking to the local HTTP fake. If the double drifts from the client, one
 * of the two runs fails.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream } from "effect"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import * as StacksApiFake from "../../src/testing/StacksApiFake.ts"

type Api = BuildkiteApi | StackDoubleControl

const token = "bkua_contract_token_0123456789"

const viaHttpFake: Layer.Layer<Api> = Layer.unwrap(
  Effect.map(StacksApiFake.scoped({ token }), (fake) =>
    Layer.merge(
      BuildkiteApi.layer({
        endpoint: fake.endpoint,
        token: Redacted.make(token),
        stackKey: "test-stack",
        httpTimeoutMillis: 5_000,
      }),
      StackDoubleControl.fromModel(fake.model),
    ),
  ),
)

const run = <A, E>(self: Effect.Effect<A, E, Api>, layer: Layer.Layer<Api>) =>
  Effect.provide(self, layer)

const contract = (name: string, layer: Layer.Layer<Api>) =>
  describe(name, () => {
    describe("registerStack", () => {
      it.effect("returns the echoed key and cluster queue key, recording the request", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl

            const stack = yield* api.registerStack({
              key: "test-stack",
              queueKey: "linux",
              metadata: { version: "1" },
            })

            assert.strictEqual(stack.key, "test-stack")
            assert.strictEqual(stack.clusterQueueKey, "linux")
            assert.strictEqual(stack.state, "connected")
            const [call] = yield* control.calls("registerStack")
            assert.deepStrictEqual(call?.register, {
              key: "test-stack",
              queueKey: "linux",
              metadata: { version: "1" },
            })
          }),
          layer,
        ),
      )
    })

    describe("scheduledJobs", () => {
      it.effect("follows the cursor across 3 pages, highest priority first", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const low = yield* control.addJob({ priority: 1, agentQueryRules: ["queue=q"] })
            const high = yield* control.addJob({ priority: 5 })
            const rest = [yield* control.addJob(), yield* control.addJob(), yield* control.addJob()]

            const pages = yield* Stream.runCollect(
              api.scheduledJobs({ queueKey: "q", pageSize: 2, depthLimit: 10 }),
            )

            assert.deepStrictEqual(
              pages.map((page) => page.jobs.map((job) => job.id)),
              [[high, low], [rest[0], rest[1]], [rest[2]]],
            )
            assert.deepStrictEqual(
              pages.map((page) => page.hasNextPage),
              [true, true, false],
            )
            assert.deepStrictEqual(pages[0]?.jobs[1]?.agentQueryRules, ["queue=q"])
            assert.isFalse(pages[0]?.clusterQueuePaused)
            const afters = (yield* control.calls("scheduledJobs")).map((c) => c.query?.after)
            assert.deepStrictEqual(afters, ["", pages[0]?.endCursor, pages[1]?.endCursor])
          }),
          layer,
        ),
      )

      it.effect("stops at the depth limit and reports a paused queue", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            for (let i = 0; i < 5; i++) yield* control.addJob()
            yield* control.setQueuePaused(true)

            const pages = yield* Stream.runCollect(
              api.scheduledJobs({ queueKey: "q", pageSize: 2, depthLimit: 2 }),
            )

            assert.strictEqual(pages.length, 2)
            assert.isTrue(pages[1]?.clusterQueuePaused)
          }),
          layer,
        ),
      )

      it.effect("exposes Retry-After of a page and stops paginating there", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            for (let i = 0; i < 3; i++) yield* control.addJob()
            yield* control.fail("scheduledJobs", { status: 200, retryAfterSeconds: 7 })

            const pages = yield* Stream.runCollect(
              api.scheduledJobs({ queueKey: "q", pageSize: 1, depthLimit: 5 }),
            )

            assert.strictEqual(pages.length, 1)
            assert.strictEqual(pages[0]?.retryAfterMillis, 7_000)
            assert.strictEqual(pages[0]?.jobs.length, 1)
          }),
          layer,
        ),
      )

      it.effect("fails with a retryable error carrying status and message on a 500", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            yield* control.fail("scheduledJobs", { status: 500, message: "database on fire" })

            const error = yield* Effect.flip(
              Stream.runCollect(api.scheduledJobs({ queueKey: "q", pageSize: 10, depthLimit: 1 })),
            )

            assert.strictEqual(error._tag, "BuildkiteApiError")
            assert.strictEqual(error.status, 500)
            assert.strictEqual(error.serverMessage, "database on fire")
            assert.isTrue(error.retryable)
            assert.strictEqual(error.method, "GET")
            assert.isTrue(error.path.endsWith("/stacks/test-stack/scheduled-jobs"))
            assert.include(error.message, "database on fire")
          }),
          layer,
        ),
      )

      it.effect("keeps Retry-After of a 429", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            yield* control.fail("scheduledJobs", { status: 429, retryAfterSeconds: 12 })

            const error = yield* Effect.flip(
              Stream.runCollect(api.scheduledJobs({ queueKey: "q", pageSize: 10, depthLimit: 1 })),
            )

            assert.isTrue(error.retryable)
            assert.strictEqual(error.retryAfterMillis, 12_000)
          }),
          layer,
        ),
      )
    })

    describe("reserveJobs", () => {
      it.effect("sends 2,500 UUIDs as 1000, 1000 and 500, one after another", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const uuids: Array<string> = []
            for (let i = 0; i < 2_500; i++) uuids.push(yield* control.addJob())

            const result = yield* api.reserveJobs(uuids, 0)

            const calls = yield* control.calls("reserveJobs")
            assert.deepStrictEqual(
              calls.map((call) => call.uuids?.length),
              [1000, 1000, 500],
            )
            assert.strictEqual(result.reserved.length, 2_500)
            assert.strictEqual(result.notReserved.length, 0)
            assert.strictEqual(yield* control.state(uuids[0] ?? ""), "reserved")
          }),
          layer,
        ),
      )

      it.effect("forwards the expiry verbatim, omits it when 0, and reports the unreservable", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const free = yield* control.addJob()
            const running = yield* control.addJob({ state: "running" })

            const result = yield* api.reserveJobs([free, running, "unknown-uuid"], 1800)
            yield* api.reserveJobs([free], 0)

            assert.deepStrictEqual(result.reserved, [free])
            assert.deepStrictEqual(result.notReserved, [running, "unknown-uuid"])
            const calls = yield* control.calls("reserveJobs")
            assert.deepStrictEqual(
              calls.map((call) => call.expirySeconds),
              [1800, undefined],
            )
          }),
          layer,
        ),
      )
    })

    describe("getJob", () => {
      it.effect("returns the job's env and command", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const uuid = yield* control.addJob({
              env: { BUILDKITE_BRANCH: "main", BUILDKITE_PLUGINS: "[]" },
              command: "make test",
            })

            const job = yield* api.getJob(uuid)

            assert.deepStrictEqual(job, {
              id: uuid,
              env: { BUILDKITE_BRANCH: "main", BUILDKITE_PLUGINS: "[]" },
              command: "make test",
            })
          }),
          layer,
        ),
      )

      it.effect("fails permanently, without retrying, on a 404", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl

            const error = yield* Effect.flip(api.getJob("no-such-job"))

            assert.strictEqual(error.status, 404)
            assert.isFalse(error.retryable)
            assert.strictEqual((yield* control.calls("getJob")).length, 1)
          }),
          layer,
        ),
      )

      it.effect("fails with a retryable decode error naming the endpoint on garbage", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            // The token call is not retried, so one scripted garbage answer is enough.
            yield* control.fail("getTokenIdentity", { status: 200, body: "<html>oops" })

            const error = yield* Effect.flip(api.getTokenIdentity)

            assert.strictEqual(error.reason, "Decode")
            assert.isTrue(error.retryable)
            assert.strictEqual(error.operation, "getTokenIdentity")
            assert.isTrue(error.path.endsWith("/token"))
          }),
          layer,
        ),
      )
    })

    describe("getJobStates", () => {
      it.effect("returns the states of known jobs and leaves unknown UUIDs out", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const queued = yield* control.addJob()
            const held = yield* control.addJob({ state: "running" })
            yield* control.cancel(held)

            const states = yield* api.getJobStates([queued, held, "unknown-uuid"])

            assert.deepStrictEqual(states, { [queued]: "scheduled", [held]: "canceling" })
          }),
          layer,
        ),
      )
    })

    describe("finishJob", () => {
      it.effect("finishes a reserved job with exit status -1 and the detail", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const uuid = yield* control.addJob()
            yield* api.reserveJobs([uuid], 60)

            yield* api.finishJob(uuid, "failed to build a podSpec")

            assert.strictEqual(yield* control.state(uuid), "finished")
            const [call] = yield* control.calls("finishJob")
            assert.strictEqual(call?.exitStatus, -1)
            assert.strictEqual(call?.detail, "failed to build a podSpec")
          }),
          layer,
        ),
      )

      it.effect("is refused with a permanent error once an agent runs the job", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const uuid = yield* control.addJob()
            yield* control.setState(uuid, "running")

            const error = yield* Effect.flip(api.finishJob(uuid, "too late"))

            assert.strictEqual(error.status, 422)
            assert.isFalse(error.retryable)
            assert.strictEqual(yield* control.state(uuid), "running")
            assert.strictEqual((yield* control.calls("finishJob")).length, 1)
          }),
          layer,
        ),
      )
    })

    describe("createNotifications", () => {
      it.effect("sends 2,500 notifications as 1000, 1000 and 500 with global error indexes", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            const uuid = yield* control.addJob()
            const items = Array.from({ length: 2_500 }, (_, i) => ({
              jobUuid: i === 1_500 ? "unknown-uuid" : uuid,
              detail: `note ${i}`,
              timestampMillis: Date.UTC(2026, 0, 1),
            }))

            const errors = yield* api.createNotifications(items)

            const calls = yield* control.calls("createNotifications")
            assert.deepStrictEqual(
              calls.map((call) => call.notifications?.length),
              [1000, 1000, 500],
            )
            assert.deepStrictEqual(calls[0]?.notifications?.[0], items[0])
            assert.deepStrictEqual(errors, [{ error: "Job not found", indexes: [1_500] }])
          }),
          layer,
        ),
      )
    })

    describe("deregisterStack", () => {
      it.effect("deregisters the registered stack key", () =>
        run(
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            const control = yield* StackDoubleControl
            yield* api.registerStack({ key: "test-stack", queueKey: "q", metadata: {} })

            yield* api.deregisterStack

            const [call] = yield* control.calls("deregisterStack")
            assert.strictEqual(call?.stackKey, "test-stack")
            assert.strictEqual(control.model.stacks.get("test-stack")?.state, "disconnected")
          }),
          layer,
        ),
      )
    })
  })

describe("BuildkiteApi contract", () => {
  contract("in-memory double (layerTest)", BuildkiteApi.layerTest)
  contract("HTTP client against the local fake (layer)", viaHttpFake)
})
