/**
 * A local HTTP fake of the Buildkite stacks API on 127.0.0.1 (ephemeral port), serving
 * every endpoint the controller calls over real sockets. It answers from a `StackModel`,
 * the same in-memory stack behind `BuildkiteApi.layerTest`, so the HTTP client can be
 * tested against the behaviour the double promises. Faults scripted on the model (status,
 * body, `Retry-After`, latency, connection reset) are played here as real HTTP.
 *
 * `startStacksApiFake` is a plain async API; `StacksApiFake.scoped` wraps it as a scoped
 * Effect resource that closes the server when the scope ends.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Schema, type Scope } from "effect"
import * as Model from "../buildkite/model.ts"
import {
  isRefusal,
  type Refusal,
  StackModel,
  type StackOperation,
} from "../buildkite/StackModel.ts"
import * as Wire from "../buildkite/schemas.ts"

/** One request as the fake received it; the Authorization header is never kept. */
export interface FakeRequest {
  readonly method: string
  /** Path below the prefix, still escaped, e.g. `/stacks/k/jobs/u`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Lower-case header names; `authorization` reads `<redacted>` when sent. */
  readonly headers: Readonly<Record<string, string>>
  /** The parsed JSON body, or `undefined` for an empty one. */
  readonly body: unknown
  /** Whether the request carried the expected `Authorization: Token …`. */
  readonly authorized: boolean
}

export interface StacksApiFakeOptions {
  /** When set, requests must send `Authorization: Token <token>` or get 401. */
  readonly token?: string
  /** Path prefix of the API, like Buildkite's `/v3`. */
  readonly prefix?: string
  readonly model?: StackModel
  /** The model's clock (reservation expiry); wall time by default. */
  readonly now?: () => number
}

export interface StacksApiFake {
  /** The endpoint to configure a client with, e.g. `http://127.0.0.1:4711/v3`. */
  readonly endpoint: string
  readonly model: StackModel
  readonly requests: ReadonlyArray<FakeRequest>
  readonly close: () => Promise<void>
}

interface Reply {
  readonly status: number
  readonly body?: unknown
}

type Route = (request: FakeRequest, stackKey: string, uuid: string) => Reply

const ok = (body: unknown): Reply => ({ status: 200, body })
const refusal = (r: Refusal): Reply => ({ status: r.status, body: { message: r.message } })
const answer = <A>(value: A | Refusal, toWire: (v: A) => unknown = (v) => v): Reply =>
  isRefusal(value) ? refusal(value) : ok(toWire(value))

/** Decodes a request body or explains, as a 400, what is wrong with it. */
const decodeBody = <S extends Schema.Top & { readonly DecodingServices: never }>(
  schema: S,
  body: unknown,
): S["Type"] | Refusal => {
  const result = Schema.decodeUnknownExit(schema)(body)
  if (result._tag === "Success") return result.value
  return { _tag: "Refusal", status: 400, message: `invalid request body: ${String(result.cause)}` }
}

const routes = (model: StackModel, now: () => number) => {
  const table: Array<{
    readonly operation: StackOperation
    readonly methods: ReadonlyArray<string>
    readonly pattern: RegExp
    readonly route: Route
  }> = [
    {
      operation: "getTokenIdentity",
      methods: ["GET"],
      pattern: /^\/token$/,
      route: () => ok(Model.tokenIdentityToWire(model.tokenIdentity())),
    },
    {
      operation: "registerStack",
      methods: ["POST"],
      pattern: /^\/stacks\/register$/,
      route: (request) => {
        const body = decodeBody(Wire.RegisterRequest, request.body)
        if (isRefusal(body)) return refusal(body)
        const stack = model.register({
          key: body.key ?? "",
          queueKey: body.queue_key ?? "",
          metadata: body.metadata,
        })
        return ok(Model.registeredStackToWire(stack))
      },
    },
    {
      operation: "reserveJobs",
      methods: ["PUT", "POST"],
      pattern: /^\/stacks\/([^/]+)\/scheduled-jobs\/batch-reserve$/,
      route: (request, key) => {
        const body = decodeBody(Wire.ReserveRequest, request.body)
        if (isRefusal(body)) return refusal(body)
        const result = model.reserve(key, body.job_uuids, body.reservation_expiry_seconds, now())
        return answer(result, (r) => ({
          reserved: r.reserved,
          not_reserved: r.notReserved,
        }))
      },
    },
    {
      operation: "scheduledJobs",
      methods: ["GET"],
      pattern: /^\/stacks\/([^/]+)\/scheduled-jobs$/,
      route: (request, key) => {
        const limit = Number(request.query.limit ?? "0")
        const page = model.scheduledJobs(
          {
            stackKey: key,
            queueKey: request.query.queue_key ?? "",
            limit: Number.isInteger(limit) ? limit : 0,
            after: request.query.after ?? "",
          },
          now(),
        )
        return answer(page, Model.scheduledJobsPageToWire)
      },
    },
    {
      operation: "getJobStates",
      methods: ["POST"],
      pattern: /^\/stacks\/([^/]+)\/jobs\/get-states$/,
      route: (request, key) => {
        const body = decodeBody(Wire.JobStatesRequest, request.body)
        if (isRefusal(body)) return refusal(body)
        return ok({ states: model.states(key, body.job_uuids, now()) })
      },
    },
    {
      operation: "finishJob",
      methods: ["POST"],
      pattern: /^\/stacks\/([^/]+)\/jobs\/([^/]+)\/finish$/,
      route: (request, key, uuid) => {
        const body = decodeBody(Wire.FinishRequest, request.body)
        if (isRefusal(body)) return refusal(body)
        const refused = model.finish(key, uuid, body.exit_status ?? 0, body.detail)
        return refused === undefined ? { status: 204 } : refusal(refused)
      },
    },
    {
      operation: "getJob",
      methods: ["GET"],
      pattern: /^\/stacks\/([^/]+)\/jobs\/([^/]+)$/,
      route: (_request, key, uuid) => answer(model.job(key, uuid)),
    },
    {
      operation: "createNotifications",
      methods: ["POST"],
      pattern: /^\/stacks\/([^/]+)\/notifications$/,
      route: (request, key) => {
        const body = decodeBody(Wire.NotificationsRequest, request.body)
        if (isRefusal(body)) return refusal(body)
        return ok({ errors: model.notify(key, body.notifications.map(Model.notificationFromWire)) })
      },
    },
    {
      operation: "deregisterStack",
      methods: ["POST"],
      pattern: /^\/stacks\/([^/]+)\/deregister$/,
      route: (_request, key) => {
        model.deregister(key)
        return { status: 204 }
      },
    },
  ]
  return table
}

const readBody = (incoming: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    incoming.on("data", (part: Buffer) => parts.push(part))
    incoming.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
    incoming.on("error", reject)
  })

const send = (
  response: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string> = {},
) => {
  const text =
    reply.body === undefined
      ? ""
      : typeof reply.body === "string"
        ? reply.body
        : JSON.stringify(reply.body)
  response.writeHead(reply.status, {
    ...(text === "" ? {} : { "content-type": "application/json" }),
    ...extraHeaders,
  })
  response.end(text)
}

/** Starts the fake; close it with `close()`. */
export const startStacksApiFake = async (
  options: StacksApiFakeOptions = {},
): Promise<StacksApiFake> => {
  const model = options.model ?? new StackModel()
  const now = options.now ?? Date.now
  const prefix = options.prefix ?? "/v3"
  const table = routes(model, now)
  const requests: Array<FakeRequest> = []

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1")
    const text = await readBody(incoming)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === "string") headers[name] = name === "authorization" ? "<redacted>" : value
    }
    let body: unknown
    try {
      body = text === "" ? undefined : JSON.parse(text)
    } catch {
      body = text
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname
    const request: FakeRequest = {
      method: incoming.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      authorized:
        options.token === undefined || incoming.headers.authorization === `Token ${options.token}`,
    }
    requests.push(request)

    if (!url.pathname.startsWith(prefix)) return send(response, refusal(notFound))
    if (!request.authorized) {
      return send(response, { status: 401, body: { message: "Invalid access token" } })
    }
    const entry = table.find((candidate) => candidate.pattern.test(path))
    if (entry === undefined) return send(response, refusal(notFound))
    if (!entry.methods.includes(request.method)) {
      return send(response, { status: 405, body: { message: "Method not allowed" } })
    }
    if (typeof body === "string") {
      return send(response, { status: 400, body: { message: "request body is not JSON" } })
    }

    const fault = model.takeFault(entry.operation)
    if (fault?.latencyMillis !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, fault.latencyMillis))
    }
    if (fault?.reset === true) {
      incoming.socket.destroy()
      return
    }
    const retryAfter: Record<string, string> =
      fault?.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(fault.retryAfterSeconds) }
    const faultStatus = fault?.status ?? 200
    const failing = faultStatus < 200 || faultStatus > 299
    // A 2xx fault without a body only adds its headers (and latency) to the real answer.
    if (fault !== undefined && (failing || fault.body !== undefined)) {
      const status = faultStatus
      const faultBody = fault.body ?? { message: fault.message ?? "scripted failure" }
      return send(response, { status, body: faultBody }, retryAfter)
    }
    const [, key = "", uuid = ""] = entry.pattern.exec(path) ?? []
    send(
      response,
      entry.route(request, decodeURIComponent(key), decodeURIComponent(uuid)),
      retryAfter,
    )
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      send(response, { status: 500, body: { message: `fake failed: ${String(error)}` } })
    })
  })
  // Node's default keep-alive timeout (5 s) is left alone on purpose: the server advertises
  // it as `Keep-Alive: timeout=…`, and clients subtract a safety margin from that hint
  // (undici 2 s, Node's agent 1 s). A 1 s timeout made every client drop the connection
  // after each response, so every call paid for a new TCP connection. `close()` ends idle
  // keep-alive sockets itself, so a long timeout does not delay it.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  return {
    endpoint: `http://127.0.0.1:${port}${prefix}`,
    model,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const notFound: Refusal = { _tag: "Refusal", status: 404, message: "Not Found" }

/** The fake as a scoped resource: started on acquisition, closed when the scope ends. */
export const scoped = (
  options: StacksApiFakeOptions = {},
): Effect.Effect<StacksApiFake, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => startStacksApiFake(options)),
    (fake) => Effect.promise(() => fake.close()),
  )
