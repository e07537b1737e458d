/**
 * The controller's own HTTP endpoints: `/healthz` and `/readyz` on the health
 * port, `/metrics` (Prometheus text format) on the Prometheus port; one
 * server when both ports are the same. Plain `node:http` keeps this file
 * independent of Effect's unstable HTTP server API.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { PrometheusMetrics } from "effect/observability"
import { registerUnlabelled } from "./Metrics.ts"
import { Readiness, type ReadinessReport } from "./Readiness.ts"

/** A port to listen on: a number (0 disables the endpoint) or `"any"` for an ephemeral port. */
export type Port = number | "any"

export interface EndpointOptions {
  /** Serves `/healthz` and `/readyz`; 0 disables them. */
  readonly healthPort: Port
  /** Serves `/metrics`; 0 disables it, as in the original. */
  readonly prometheusPort: Port
  /** Interface to bind; all interfaces when absent, as in the original. */
  readonly host?: string
  /** How long a client may take to send its request headers (the original's 2 s). */
  readonly readHeaderTimeout?: Duration.Input
}

/** A server could not listen on its port (taken, not permitted, bad host). */
export class EndpointListenFailed extends Schema.TaggedError<EndpointListenFailed>()(
  "EndpointListenFailed",
  {
    port: Schema.String,
    host: Schema.String,
    message: Schema.String,
  },
) {}

/** The two groups of endpoints, each served on its own port or together. */
export type Route = "health" | "metrics"

/** Where replies get their content: the metric registry and the readiness registry. */
export interface Handlers {
  readonly metrics: () => string
  readonly readiness: () => ReadinessReport
}

interface Reply {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

const jsonReply = (status: number, body: unknown): Reply => ({
  status,
  contentType: "application/json; charset=utf-8",
  body: JSON.stringify(body),
})

/** Decides the reply to one request; pure apart from reading the handlers. */
export const reply = (
  method: string,
  path: string,
  routes: ReadonlySet<Route>,
  handlers: Handlers,
): Reply => {
  const route: Route | undefined =
    path === "/healthz" || path === "/readyz"
      ? "health"
      : path === "/metrics"
        ? "metrics"
        : undefined
  if (route === undefined || !routes.has(route)) return jsonReply(404, { error: "not found" })
  if (method !== "GET" && method !== "HEAD") {
    return jsonReply(405, { error: "method not allowed" })
  }

  // Liveness answers 200 whenever this server answers at all: the server
  // lives in the scope of the main fiber and closes with it. It must not
  // depend on Buildkite or Kubernetes being reachable, or an outage of
  // either would make Kubernetes restart every replica in a loop, which
  // helps nothing and loses the in-memory state.
  if (path === "/healthz") return jsonReply(200, { status: "ok" })
  if (path === "/readyz") {
    const report = handlers.readiness()
    return jsonReply(report.ready ? 200 : 503, report)
  }
  return {
    status: 200,
    contentType: "text/plain; version=0.0.4; charset=utf-8",
    body: handlers.metrics(),
  }
}

const handle =
  (routes: ReadonlySet<Route>, handlers: Handlers): Http.RequestListener =>
  (request, response) => {
    const method = request.method ?? "GET"
    const path = new URL(request.url ?? "/", "http://localhost").pathname
    const { status, contentType, body } = reply(method, path, routes, handlers)

    response.writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      ...(status === 405 ? { allow: "GET, HEAD" } : {}),
    })
    response.end(method === "HEAD" ? undefined : body)
  }

const listen = (
  port: Port,
  host: string | undefined,
  options: { readonly headersTimeout: number },
  listener: Http.RequestListener,
) =>
  Effect.acquireRelease(
    Effect.callback<Http.Server, EndpointListenFailed>((resume) => {
      const server = Http.createServer(
        {
          headersTimeout: options.headersTimeout,
          // Node enforces the header timeout only when it sweeps connections
          // (every 30 s by default); sweep often enough that a slow client is
          // dropped close to the configured timeout.
          connectionsCheckingInterval: Math.max(100, Math.floor(options.headersTimeout / 2)),
        },
        listener,
      )
      const onError = (error: Error) =>
        resume(
          Effect.fail(
            new EndpointListenFailed({
              port: String(port),
              host: host ?? "*",
              message: error.message,
            }),
          ),
        )
      server.once("error", onError)
      server.listen(
        { port: port === "any" ? 0 : port, ...(host === undefined ? {} : { host }) },
        () => {
          server.off("error", onError)
          resume(Effect.succeed(server))
        },
      )
    }),
    (server) =>
      Effect.callback<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      }),
  )

const boundPort = (server: Http.Server): number => (server.address() as AddressInfo).port

/** The ports the endpoints were bound to; `none` where an endpoint is disabled. */
export class HttpEndpoints extends Context.Service<
  HttpEndpoints,
  {
    readonly healthPort: Option.Option<number>
    readonly prometheusPort: Option.Option<number>
  }
>()("agent-stack-k8s/HttpEndpoints") {
  /** Serves the endpoints for as long as the layer's scope is open. */
  static readonly layer = (
    options: EndpointOptions,
  ): Layer.Layer<HttpEndpoints, EndpointListenFailed, Readiness> =>
    Layer.effect(
      HttpEndpoints,
      Effect.gen(function* () {
        const readiness = yield* Readiness
        const context = yield* Effect.context<never>()

        const handlers: Handlers = {
          metrics: () => PrometheusMetrics.formatUnsafe(context),
          readiness: () => Effect.runSyncWith(context)(readiness.report),
        }
        const headersTimeout = Duration.toMillis(
          Duration.fromInputUnsafe(options.readHeaderTimeout ?? "2 seconds"),
        )
        const wanted = new Map<Port, Set<Route>>()
        const want = (port: Port, route: Route) => {
          if (port === 0) return
          wanted.set(port, (wanted.get(port) ?? new Set<Route>()).add(route))
        }
        want(options.healthPort, "health")
        want(options.prometheusPort, "metrics")
        if (options.prometheusPort !== 0) yield* registerUnlabelled

        const bound = new Map<Route, number>()
        for (const [port, routes] of wanted) {
          const server = yield* listen(
            port,
            options.host,
            { headersTimeout },
            handle(routes, handlers),
          )
          for (const route of routes) bound.set(route, boundPort(server))
          yield* Effect.logInfo("Started HTTP endpoints").pipe(
            Effect.annotateLogs({ port: boundPort(server), endpoints: [...routes].join(",") }),
          )
        }

        return HttpEndpoints.of({
          healthPort: Option.fromUndefinedOr(bound.get("health")),
          prometheusPort: Option.fromUndefinedOr(bound.get("metrics")),
        })
      }),
    )
}
