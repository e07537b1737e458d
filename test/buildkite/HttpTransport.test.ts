import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Stream } from "effect"
import { BuildkiteApi, type BuildkiteApiOptions } from "../../src/buildkite/BuildkiteApi.ts"
import * as StacksApiFake from "../../src/testing/StacksApiFake.ts"
import { version } from "../../src/version.ts"

const token = "bkua_transport_token_abcdef"

/** The real client against a fresh fake; the test gets the fake to inspect. */
const withFake = <A, E>(
  body: (fake: StacksApiFake.StacksApiFake) => Effect.Effect<A, E, BuildkiteApi>,
  options: Partial<BuildkiteApiOptions> = {},
) =>
  Effect.gen(function* () {
    const fake = yield* StacksApiFake.scoped({ token })
    const layer = BuildkiteApi.layer({
      endpoint: fake.endpoint,
      token: Redacted.make(token),
      stackKey: "test-stack",
      httpTimeoutMillis: 5_000,
      ...options,
    })
    return yield* body(fake).pipe(Effect.provide(layer))
  })

describe("HttpTransport", () => {
  describe("requests", () => {
    it.live("sends the token, user agent and JSON headers under the endpoint's /v3 prefix", () =>
      withFake((fake) =>
        Effect.gen(function* () {
          const api = yield* BuildkiteApi

          yield* api.getTokenIdentity

          const [request] = fake.requests
          assert.isTrue(fake.endpoint.endsWith("/v3"))
          assert.strictEqual(request?.path, "/token")
          assert.isTrue(request?.authorized)
          assert.strictEqual(request?.headers.authorization, "<redacted>")
          assert.strictEqual(request?.headers["user-agent"], `agent-stack-k8s-ts/${version}`)
          assert.strictEqual(request?.headers.accept, "application/json")
          // Content-Type goes with a body; the empty-bodied GET carries none.
          yield* api.registerStack({ key: "k", queueKey: "q", metadata: {} })
          assert.strictEqual(fake.requests[1]?.headers["content-type"], "application/json")
          assert.deepStrictEqual(fake.requests[1]?.body, {
            key: "k",
            type: "kubernetes",
            queue_key: "q",
            metadata: {},
          })
        }),
      ),
    )

    it.live("escapes path parameters, writing '.' as %2E", () =>
      withFake(
        (fake) =>
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            fake.model.addJob({ id: "job.json" }, 0)

            const job = yield* api.getJob("job.json")

            assert.strictEqual(job.id, "job.json")
            assert.strictEqual(fake.requests[0]?.path, "/stacks/my%2Estack/jobs/job%2Ejson")
          }),
        { stackKey: "my.stack" },
      ),
    )

    it.live("sends query parameters and the page cursor", () =>
      withFake((fake) =>
        Effect.gen(function* () {
          const api = yield* BuildkiteApi
          fake.model.addJob({}, 0)
          fake.model.addJob({}, 0)

          yield* Stream.runDrain(api.scheduledJobs({ queueKey: "q", pageSize: 1, depthLimit: 2 }))

          assert.deepStrictEqual(fake.requests[0]?.query, { queue_key: "q", limit: "1" })
          assert.strictEqual(fake.requests[1]?.query.after, "0:1")
        }),
      ),
    )
  })

  describe("failures", () => {
    it.live("reports a wrong token as a permanent 401 with the server's message", () =>
      withFake(
        () =>
          Effect.gen(function* () {
            const api = yield* BuildkiteApi

            const error = yield* Effect.flip(api.getTokenIdentity)

            assert.strictEqual(error.status, 401)
            assert.strictEqual(error.serverMessage, "Invalid access token")
            assert.isFalse(error.retryable)
          }),
        { token: Redacted.make("wrong") },
      ),
    )

    it.live("quotes a non-JSON error body", () =>
      withFake((fake) =>
        Effect.gen(function* () {
          const api = yield* BuildkiteApi
          fake.model.addFault("getTokenIdentity", { status: 502, body: "<h1>Bad Gateway</h1>" })

          const error = yield* Effect.flip(api.getTokenIdentity)

          assert.strictEqual(error.serverMessage, "<h1>Bad Gateway</h1>")
          assert.isTrue(error.retryable)
        }),
      ),
    )

    it.live("names the field of a response that does not decode", () =>
      withFake((fake) =>
        Effect.gen(function* () {
          const api = yield* BuildkiteApi
          fake.model.addFault("scheduledJobs", { status: 200, body: '{"jobs":[{"id":5}]}' })

          const error = yield* Effect.flip(
            Stream.runDrain(api.scheduledJobs({ queueKey: "q", pageSize: 1, depthLimit: 1 })),
          )

          assert.strictEqual(error.reason, "Decode")
          assert.include(error.message, "scheduledJobs")
          assert.include(error.message, '["jobs"][0]["id"]')
          assert.isTrue(error.retryable)
        }),
      ),
    )

    it.live("times out a slow answer with a retryable error", () =>
      withFake(
        (fake) =>
          Effect.gen(function* () {
            const api = yield* BuildkiteApi
            fake.model.addFault("getTokenIdentity", { latencyMillis: 300 })

            const error = yield* Effect.flip(api.getTokenIdentity)

            assert.strictEqual(error.reason, "Timeout")
            assert.isTrue(error.retryable)
          }),
        { httpTimeoutMillis: 50 },
      ),
    )

    it.live("reports a reset connection as a retryable transport error", () =>
      withFake((fake) =>
        Effect.gen(function* () {
          const api = yield* BuildkiteApi
          fake.model.addFault("getTokenIdentity", { reset: true })

          const error = yield* Effect.flip(api.getTokenIdentity)

          assert.strictEqual(error.reason, "Transport")
          assert.isTrue(error.retryable)
        }),
      ),
    )

    it.live("fails fast when nothing listens at the endpoint", () =>
      Effect.gen(function* () {
        const api = yield* BuildkiteApi

        const error = yield* Effect.flip(api.getTokenIdentity)

        assert.strictEqual(error.reason, "Transport")
        assert.strictEqual(error.path, "/v3/token")
      }).pipe(
        Effect.provide(
          BuildkiteApi.layer({
            endpoint: "http://127.0.0.1:1/v3",
            token: Redacted.make(token),
            stackKey: "s",
            httpTimeoutMillis: 2_000,
          }),
        ),
      ),
    )
  })
})
