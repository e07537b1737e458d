import * as Net from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Logger, Metric, Option } from "effect"
import { type EndpointOptions, HttpEndpoints } from "../../src/observability/HttpEndpoints.ts"
import * as Metrics from "../../src/observability/Metrics.ts"
import { Readiness } from "../../src/observability/Readiness.ts"

const host = "127.0.0.1"

// Starts the endpoints on loopback with their own metric registry and a fresh
// readiness registry, runs `self`, and stops them.
const serve = <A, E>(
  options: Omit<EndpointOptions, "host">,
  self: Effect.Effect<A, E, HttpEndpoints | Readiness>,
) =>
  self.pipe(
    Effect.provide(
      HttpEndpoints.layer({ host, ...options }).pipe(Layer.provideMerge(Readiness.layer)),
    ),
    Effect.provideService(Metric.MetricRegistry, new Map()),
    Effect.provide(Logger.layer([])),
  )

const get = (port: Option.Option<number>, path: string, method = "GET") =>
  Effect.promise(async () => {
    const bound = Option.getOrThrow(port)
    const response = await fetch(`http://${host}:${bound}${path}`, { method })
    return { status: response.status, body: await response.text() }
  })

describe("HttpEndpoints", () => {
  describe("layer", () => {
    it.live("serves all three endpoints from one server when the ports are the same", () =>
      serve(
        { healthPort: "any", prometheusPort: "any" },
        Effect.gen(function* () {
          const endpoints = yield* HttpEndpoints
          const readiness = yield* Readiness
          yield* readiness.ready("stack")
          yield* Metrics.increment(Metrics.monitor.jobQueries)

          const health = yield* get(endpoints.healthPort, "/healthz")
          const ready = yield* get(endpoints.healthPort, "/readyz")
          const metrics = yield* get(endpoints.prometheusPort, "/metrics")

          assert.deepStrictEqual(endpoints.healthPort, endpoints.prometheusPort)
          assert.strictEqual(health.status, 200)
          assert.strictEqual(ready.status, 200)
          assert.deepStrictEqual(JSON.parse(ready.body), {
            ready: true,
            checks: [{ name: "stack", ready: true }],
          })
          assert.strictEqual(metrics.status, 200)
          assert.include(metrics.body, "# TYPE buildkite_monitor_job_queries_total counter\n")
          assert.include(metrics.body, "\nbuildkite_monitor_job_queries_total 1\n")
          // Unlabelled series are registered when the server starts.
          assert.include(metrics.body, "\nbuildkite_monitor_job_query_errors_total 0\n")
        }),
      ),
    )

    it.live("answers /readyz with 503 and the failing checks while not ready", () =>
      serve(
        { healthPort: "any", prometheusPort: 0 },
        Effect.gen(function* () {
          const endpoints = yield* HttpEndpoints
          const readiness = yield* Readiness
          yield* readiness.ready("stack")
          yield* readiness.notReady("poll", "Buildkite returned 503")

          const ready = yield* get(endpoints.healthPort, "/readyz")
          const health = yield* get(endpoints.healthPort, "/healthz")

          assert.strictEqual(ready.status, 503)
          assert.deepStrictEqual(JSON.parse(ready.body), {
            ready: false,
            checks: [
              { name: "poll", ready: false, reason: "Buildkite returned 503" },
              { name: "stack", ready: true },
            ],
          })
          assert.strictEqual(health.status, 200)
        }),
      ),
    )

    it.live("disables /metrics at port 0 and health at port 0", () =>
      Effect.gen(function* () {
        const healthOnly = yield* serve(
          { healthPort: "any", prometheusPort: 0 },
          Effect.gen(function* () {
            const endpoints = yield* HttpEndpoints
            const metrics = yield* get(endpoints.healthPort, "/metrics")
            return { endpoints, metrics }
          }),
        )
        const metricsOnly = yield* serve(
          { healthPort: 0, prometheusPort: "any" },
          Effect.gen(function* () {
            const endpoints = yield* HttpEndpoints
            const health = yield* get(endpoints.prometheusPort, "/healthz")
            return { endpoints, health }
          }),
        )

        assert.isTrue(Option.isNone(healthOnly.endpoints.prometheusPort))
        assert.strictEqual(healthOnly.metrics.status, 404)
        assert.isTrue(Option.isNone(metricsOnly.endpoints.healthPort))
        assert.strictEqual(metricsOnly.health.status, 404)
      }),
    )

    it.live("rejects other methods and unknown paths", () =>
      serve(
        { healthPort: "any", prometheusPort: "any" },
        Effect.gen(function* () {
          const endpoints = yield* HttpEndpoints

          const post = yield* get(endpoints.healthPort, "/healthz", "POST")
          const unknown = yield* get(endpoints.healthPort, "/debug/pprof/")

          assert.strictEqual(post.status, 405)
          assert.strictEqual(unknown.status, 404)
        }),
      ),
    )

    it.live("fails with EndpointListenFailed when the port is taken", () =>
      serve(
        { healthPort: "any", prometheusPort: 0 },
        Effect.gen(function* () {
          const endpoints = yield* HttpEndpoints
          const taken = Option.getOrThrow(endpoints.healthPort)

          const exit = yield* Effect.exit(
            Layer.build(HttpEndpoints.layer({ host, healthPort: taken, prometheusPort: 0 })).pipe(
              Effect.scoped,
            ),
          )

          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) {
            assert.include(String(exit.cause), "EndpointListenFailed")
          }
        }),
      ),
    )

    it.live("drops a client that does not finish its headers in time", () =>
      serve(
        { healthPort: "any", prometheusPort: 0, readHeaderTimeout: "200 millis" },
        Effect.gen(function* () {
          const endpoints = yield* HttpEndpoints
          const port = Option.getOrThrow(endpoints.healthPort)

          const reply = yield* Effect.promise(
            () =>
              new Promise<string>((resolve) => {
                let received = ""
                const socket = Net.connect({ host, port }, () => {
                  socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n")
                })
                socket.on("data", (chunk) => {
                  received += chunk.toString()
                })
                socket.on("close", () => resolve(received))
              }),
          )

          assert.match(reply, /^HTTP\/1\.1 408/)
        }),
      ),
    )
  })
})
