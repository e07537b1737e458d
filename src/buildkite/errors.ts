/**
 * The one error of the Buildkite API service. It carries what a person needs to act on a
 * failed call (operation, method, URL path, status, the server's message) and what a
 * retry policy needs (`retryable`, the server's `Retry-After`). It never carries the
 * token, request headers or the full URL: it is safe to log and to serialise.
 */
import { Schema } from "effect"

/** Why a call failed. */
export const ApiFailureReason = Schema.Literals([
  /** The server answered with a non-2xx status. */
  "Status",
  /** The request never got an answer: connection refused or reset, DNS, TLS. */
  "Transport",
  /** No answer within the per-request timeout. */
  "Timeout",
  /** The server answered 2xx with a body that is not the expected JSON. */
  "Decode",
])
export type ApiFailureReason = typeof ApiFailureReason.Type

/** A Buildkite API call failed; `retryable` says whether trying again may help. */
export class BuildkiteApiError extends Schema.TaggedError<BuildkiteApiError>()(
  "BuildkiteApiError",
  {
    /** The service operation, e.g. `getJob`. */
    operation: Schema.String,
    method: Schema.String,
    /** The URL path (without scheme, host or query), e.g. `/v3/stacks/k/jobs/u`. */
    path: Schema.String,
    reason: ApiFailureReason,
    status: Schema.optionalKey(Schema.Int),
    /** The `message` of the server's JSON error body, or the start of a non-JSON body. */
    serverMessage: Schema.optionalKey(Schema.String),
    retryable: Schema.Boolean,
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    retryAfterMillis: Schema.optionalKey(Schema.Number),
    message: Schema.String,
  },
) {}

export interface ApiFailure {
  readonly operation: string
  readonly method: string
  readonly path: string
  readonly reason: ApiFailureReason
  readonly status?: number
  readonly serverMessage?: string
  readonly retryAfterMillis?: number
  /** What went wrong, for the reasons without a status (decode issue, timeout length). */
  readonly detail?: string
}

/** 5xx and 429 are worth retrying; other statuses are permanent. */
export const isRetryableStatus = (status: number): boolean => status >= 500 || status === 429

/** Builds the error, deciding `retryable` and writing a one-line message. */
export const apiError = (failure: ApiFailure): BuildkiteApiError => {
  const retryable = failure.reason === "Status" ? isRetryableStatus(failure.status ?? 0) : true
  const what =
    failure.reason === "Status"
      ? `${failure.status ?? 0}${failure.serverMessage === undefined ? "" : ` ${failure.serverMessage}`}`
      : `${failure.reason.toLowerCase()} error${failure.detail === undefined ? "" : `: ${failure.detail}`}`
  return new BuildkiteApiError({
    operation: failure.operation,
    method: failure.method,
    path: failure.path,
    reason: failure.reason,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.serverMessage === undefined ? {} : { serverMessage: failure.serverMessage }),
    retryable,
    ...(failure.retryAfterMillis === undefined
      ? {}
      : { retryAfterMillis: failure.retryAfterMillis }),
    message: `${failure.operation}: ${failure.method} ${failure.path}: ${what}`,
  })
}
