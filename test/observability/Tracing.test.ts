import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger, Tracer } from "effect"
import { OtlpExporter } from "effect/observability"
import * as Tracing from "../../src/observability/Tracing.ts"

interface Received {
  readonly path: string
  readonly body: string
}

// A stand-in OTLP collector on loopback that records every request.
const collector = Effect.acquireRelease(
  Effect.callback<{
    readonly port: number
    readonly received: Array<Received>
    readonly server: Http.Server
  }>((resume) => {
    const received: Array<Received> = []
    const server = Http.createServer((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString()
      })
      request.on("end", () => {
        received.push({ path: request.url ?? "", body })
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port
      resume(Effect.succeed({ port, received, server }))
    })
  }),
  ({ server }) =>
    Effect.callback<void>((resume) => {
      server.close(() => resume(Effect.void))
      server.closeAllConnections()
    }),
)

const job = Effect.logDebug("Handled job").pipe(
  Effect.withSpan("job", { attributes: { jobUuid: "0190-abc" } }),
)

describe("Tracing", () => {
  describe("tracesUrl", () => {
    it("appends the traces path to a base URL once", () => {
      assert.strictEqual(Tracing.tracesUrl("http://c:4318"), "http://c:4318/v1/traces")
      assert.strictEqual(Tracing.tracesUrl("http://c:4318/"), "http://c:4318/v1/traces")
      assert.strictEqual(Tracing.tracesUrl("http://c:4318/v1/traces"), "http://c:4318/v1/traces")
    })
  })

  describe("layer", () => {
    it.effect("builds without an endpoint and leaves the default tracer in place", () =>
      Effect.gen(function* () {
        const before = yield* Tracer.Tracer
        const after = yield* Effect.gen(function* () {
          const flusher = yield* OtlpExporter.Flusher
          yield* flusher.flush
          yield* job
          return yield* Tracer.Tracer
        }).pipe(Effect.provide(Tracing.layer({})))

        assert.strictEqual(after, before)
      }),
    )

    it.live("exports the job span with its jobUuid to the collector", () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { port, received } = yield* collector

          // Closing the layer's scope flushes the buffered spans.
          yield* job.pipe(
            Effect.provide(Tracing.layer({ otlpEndpoint: `http://127.0.0.1:${port}` })),
            Effect.provide(Logger.layer([])),
          )

          const traces = received.filter((request) => request.path === "/v1/traces")
          assert.strictEqual(traces.length, 1)
          const body = traces[0]?.body ?? ""
          assert.include(body, '"name":"job"')
          assert.include(body, '"key":"jobUuid"')
          assert.include(body, "0190-abc")
          assert.include(body, "agent-stack-k8s")
        }),
      ),
    )
  })
})
