/**
 * The Buildkite stacks API over HTTP: one request per call, response bodies decoded with
 * the Schemas of `schemas.ts`, every failure turned into a `BuildkiteApiError`. This is
 * the only file that touches Effect's (unstable) HTTP client.
 */
import { Clock, Duration, Effect, Option, Redacted, Schema } from "effect"
import { Headers, HttpBody, HttpClient, HttpClientRequest } from "effect/http"
import { type ApiFailure, apiError, type BuildkiteApiError } from "./errors.ts"
import { escapePathSegment, joinUrl, parseRetryAfter } from "./httpWire.ts"
import * as Model from "./model.ts"
import type { StackTransport } from "./StackTransport.ts"
import * as Wire from "./schemas.ts"

export interface HttpTransportOptions {
  /** Base URL, e.g. `https://agent.buildkite.com/v3`. */
  readonly endpoint: string
  readonly token: Redacted.Redacted<string>
  readonly httpTimeoutMillis: number
  readonly userAgent: string
}

interface RequestSpec {
  readonly operation: string
  readonly method: "GET" | "POST" | "PUT"
  /** Relative to the endpoint, already escaped. */
  readonly path: string
  readonly query?: Readonly<Record<string, string>>
  /** Wire JSON; absent means an empty body. */
  readonly body?: unknown
}

interface RawResponse {
  readonly status: number
  readonly text: string
  readonly retryAfterMillis?: number
}

/** Longest piece of a non-JSON error body quoted in an error. */
const maxQuotedBody = 200

const serverMessageOf = (text: string): string | undefined => {
  if (text.trim() === "") return undefined
  const decoded = Schema.decodeUnknownOption(Schema.fromJsonString(Wire.ErrorBody))(text)
  return Option.isSome(decoded) ? decoded.value.message : text.slice(0, maxQuotedBody)
}

type Decoder = (text: string) => Effect.Effect<unknown, Schema.SchemaError>
const decoders = new WeakMap<Schema.Top, Decoder>()

/** Builds each response decoder once: compiling a Schema per request is costly. */
const decoderFor = <S extends Schema.Top & { readonly DecodingServices: never }>(
  schema: S,
): ((text: string) => Effect.Effect<S["Type"], Schema.SchemaError>) => {
  const known = decoders.get(schema)
  if (known !== undefined) return known
  const decoder: Decoder = Schema.decodeUnknownEffect(Schema.fromJsonString(schema))
  decoders.set(schema, decoder)
  return decoder
}

export const makeHttpTransport = (
  options: HttpTransportOptions,
): Effect.Effect<StackTransport, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const headers = Headers.fromInput({
      authorization: `Token ${Redacted.value(options.token)}`,
      "user-agent": options.userAgent,
      accept: "application/json",
      "content-type": "application/json",
    })

    const send = (spec: RequestSpec): Effect.Effect<RawResponse, BuildkiteApiError> => {
      const url = joinUrl(options.endpoint, spec.path)
      const failure = (rest: Omit<ApiFailure, "operation" | "method" | "path">) =>
        apiError({ operation: spec.operation, method: spec.method, path: url.pathname, ...rest })
      const request = HttpClientRequest.make(spec.method)(url, {
        headers,
        ...(spec.query === undefined ? {} : { urlParams: spec.query }),
        body:
          spec.body === undefined
            ? HttpBody.empty
            : HttpBody.text(JSON.stringify(spec.body), "application/json"),
      })

      return client.execute(request).pipe(
        Effect.flatMap((response) => Effect.map(response.text, (text) => ({ response, text }))),
        Effect.mapError(() => failure({ reason: "Transport", detail: "no response" })),
        Effect.timeoutOrElse({
          duration: Duration.millis(options.httpTimeoutMillis),
          orElse: () =>
            Effect.fail(
              failure({
                reason: "Timeout",
                detail: `no answer in ${options.httpTimeoutMillis} ms`,
              }),
            ),
        }),
        Effect.flatMap(({ response, text }) =>
          Effect.gen(function* () {
            const now = yield* Clock.currentTimeMillis
            const retryAfterMillis = parseRetryAfter(
              Option.getOrUndefined(Headers.get(response.headers, "retry-after")),
              now,
            )
            const retryAfter = retryAfterMillis === undefined ? {} : { retryAfterMillis }
            if (response.status < 200 || response.status > 299) {
              const serverMessage = serverMessageOf(text)
              return yield* failure({
                reason: "Status",
                status: response.status,
                ...(serverMessage === undefined ? {} : { serverMessage }),
                ...retryAfter,
              })
            }
            return { status: response.status, text, ...retryAfter }
          }),
        ),
      )
    }

    /** Sends a request and decodes its 2xx body; an unexpected body is a retryable error. */
    const call = <S extends Schema.Top & { readonly DecodingServices: never }>(
      spec: RequestSpec,
      schema: S,
    ): Effect.Effect<readonly [S["Type"], RawResponse], BuildkiteApiError> =>
      Effect.flatMap(send(spec), (raw) =>
        decoderFor(schema)(raw.text).pipe(
          Effect.map((value) => [value, raw] as const),
          Effect.mapError((error) =>
            apiError({
              operation: spec.operation,
              method: spec.method,
              path: joinUrl(options.endpoint, spec.path).pathname,
              reason: "Decode",
              detail: `unexpected response body: ${error.message}`,
            }),
          ),
        ),
      )

    const stackPath = (key: string, rest: string) => `stacks/${escapePathSegment(key)}/${rest}`

    return {
      getTokenIdentity: call(
        { operation: "getTokenIdentity", method: "GET", path: "token" },
        Wire.TokenIdentityResponse,
      ).pipe(Effect.map(([wire]) => Model.tokenIdentityFromWire(wire))),

      registerStack: (input) =>
        call(
          {
            operation: "registerStack",
            method: "POST",
            path: "stacks/register",
            body: Model.registerRequestToWire(input),
          },
          Wire.RegisterResponse,
        ).pipe(Effect.map(([wire]) => Model.registeredStackFromWire(wire))),

      scheduledJobs: (query) =>
        call(
          {
            operation: "scheduledJobs",
            method: "GET",
            path: stackPath(query.stackKey, "scheduled-jobs"),
            query: {
              queue_key: query.queueKey,
              ...(query.limit > 0 ? { limit: String(query.limit) } : {}),
              ...(query.after === "" ? {} : { after: query.after }),
            },
          },
          Wire.ScheduledJobsResponse,
        ).pipe(
          Effect.map(([wire, raw]) => ({
            ...Model.scheduledJobsPageFromWire(wire),
            ...(raw.retryAfterMillis === undefined
              ? {}
              : { retryAfterMillis: raw.retryAfterMillis }),
          })),
        ),

      reserveJobs: (stackKey, uuids, expirySeconds) =>
        call(
          {
            operation: "reserveJobs",
            method: "PUT",
            path: stackPath(stackKey, "scheduled-jobs/batch-reserve"),
            body: {
              job_uuids: uuids,
              ...(expirySeconds === 0 ? {} : { reservation_expiry_seconds: expirySeconds }),
            },
          },
          Wire.ReserveResponse,
        ).pipe(Effect.map(([wire]) => Model.reserveResultFromWire(wire))),

      getJob: (stackKey, uuid) =>
        call(
          {
            operation: "getJob",
            method: "GET",
            path: stackPath(stackKey, `jobs/${escapePathSegment(uuid)}`),
          },
          Wire.JobResponse,
        ).pipe(Effect.map(([wire]) => Model.jobDetailsFromWire(wire))),

      getJobStates: (stackKey, uuids) =>
        call(
          {
            operation: "getJobStates",
            method: "POST",
            path: stackPath(stackKey, "jobs/get-states"),
            body: { job_uuids: uuids },
          },
          Wire.JobStatesResponse,
        ).pipe(Effect.map(([wire]) => wire.states ?? {})),

      createNotifications: (stackKey, items) =>
        call(
          {
            operation: "createNotifications",
            method: "POST",
            path: stackPath(stackKey, "notifications"),
            body: { notifications: items.map(Model.notificationToWire) },
          },
          Wire.NotificationsResponse,
        ).pipe(Effect.map(([wire]) => wire.errors ?? [])),

      finishJob: (stackKey, uuid, exitStatus, detail) =>
        send({
          operation: "finishJob",
          method: "POST",
          path: stackPath(stackKey, `jobs/${escapePathSegment(uuid)}/finish`),
          body: { ...(exitStatus === 0 ? {} : { exit_status: exitStatus }), detail },
        }).pipe(Effect.asVoid),

      deregisterStack: (stackKey) =>
        send({
          operation: "deregisterStack",
          method: "POST",
          path: stackPath(stackKey, "deregister"),
        }).pipe(Effect.asVoid),
    } satisfies StackTransport
  })
