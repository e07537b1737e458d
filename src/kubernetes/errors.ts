/**
 * Typed failures of Kubernetes API calls. Each carries the object it was about (`kind`,
 * `name`), the API server's message and whether the call is worth retrying. The real layer
 * and the in-memory double both build them from a status code and a `Status` body through
 * {@link fromStatus}, so callers see the same errors from either.
 */
import { Schema } from "effect"

const subject = {
  /** Resource kind the call was about, e.g. `Job`, `Pod`, `Lease`. */
  kind: Schema.String,
  /** Object name, empty for collection calls (list, watch). */
  name: Schema.String,
  /** The API server's message, verbatim. */
  message: Schema.String,
}

/** 409 on create: an object with that name already exists. */
export class AlreadyExists extends Schema.TaggedError<AlreadyExists>()("AlreadyExists", subject) {
  get retryable(): boolean {
    return false
  }
}

/** 404: the object (or the namespace) does not exist. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", subject) {
  get retryable(): boolean {
    return false
  }
}

/**
 * 422: the API server rejected the object. `message` is the full text, e.g.
 * `Job.batch "x" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "v"`.
 */
export class Invalid extends Schema.TaggedError<Invalid>()("Invalid", subject) {
  get retryable(): boolean {
    return false
  }
}

/** 409 on update: the object changed since the `resourceVersion` the caller sent. */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", subject) {
  get retryable(): boolean {
    return true
  }
}

/** 410: the requested `resourceVersion` is older than the server keeps; relist. */
export class Gone extends Schema.TaggedError<Gone>()("Gone", subject) {
  get retryable(): boolean {
    return true
  }
}

/**
 * 429 from the API server, or a call refused by the client-side rate limiter because its
 * queue was full (`clientSide: true`). Retry after `retryAfterMillis` when present.
 */
export class Throttled extends Schema.TaggedError<Throttled>()("Throttled", {
  ...subject,
  clientSide: Schema.Boolean,
  retryAfterMillis: Schema.optional(Schema.Number),
}) {
  get retryable(): boolean {
    return true
  }
}

/** 5xx (and 504 timeouts): the API server failed; worth retrying. */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...subject,
  status: Schema.Number,
  retryAfterMillis: Schema.optional(Schema.Number),
}) {
  get retryable(): boolean {
    return true
  }
}

/** 403: the service account lacks a permission (see `requiredPermissions`). */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", subject) {
  get retryable(): boolean {
    return false
  }
}

/** 401: the credentials were refused (expired token, wrong cluster). */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", subject) {
  get retryable(): boolean {
    return false
  }
}

/** Any other 4xx the controller does not expect (400 bad request, 405, 415 …). */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  ...subject,
  status: Schema.Number,
}) {
  get retryable(): boolean {
    return false
  }
}

/** The call did not get an HTTP answer: connection refused or reset, DNS, TLS, timeout. */
export class NetworkError extends Schema.TaggedError<NetworkError>()("NetworkError", subject) {
  get retryable(): boolean {
    return true
  }
}

/** Every failure a Kubernetes call can produce. */
export type KubernetesError =
  | AlreadyExists
  | NotFound
  | Invalid
  | Conflict
  | Gone
  | Throttled
  | ServerError
  | Forbidden
  | Unauthorized
  | BadRequest
  | NetworkError

/** What a failed call was about. */
export interface Subject {
  readonly kind: string
  readonly name: string
}

/** The parts of a Kubernetes `Status` body the mapping reads. */
export interface StatusBody {
  readonly reason?: string
  readonly message?: string
}

/** Reads a `Status` body that may be an object, a JSON string (client-node 2.x) or junk. */
export const parseStatusBody = (body: unknown): StatusBody => {
  if (typeof body === "string") {
    try {
      return parseStatusBody(JSON.parse(body))
    } catch {
      return body.length > 0 ? { message: body } : {}
    }
  }
  if (typeof body !== "object" || body === null) return {}
  const record = body as Record<string, unknown>
  return {
    ...(typeof record.reason === "string" ? { reason: record.reason } : {}),
    ...(typeof record.message === "string" ? { message: record.message } : {}),
  }
}

/**
 * Maps an HTTP status and `Status` body to the typed error. A 409 is `Conflict` when the
 * body's reason says so (an update against a stale `resourceVersion`), else `AlreadyExists`.
 */
export const fromStatus = (
  code: number,
  body: unknown,
  about: Subject,
  retryAfterMillis?: number,
): KubernetesError => {
  const status = parseStatusBody(body)
  const message = status.message ?? `HTTP ${code} from the Kubernetes API`
  const fields = { kind: about.kind, name: about.name, message }
  const retry = retryAfterMillis === undefined ? {} : { retryAfterMillis }
  if (code === 409) {
    return status.reason === "Conflict" ? new Conflict(fields) : new AlreadyExists(fields)
  }
  if (code === 404) return new NotFound(fields)
  if (code === 422) return new Invalid(fields)
  if (code === 410) return new Gone(fields)
  if (code === 429) return new Throttled({ ...fields, clientSide: false, ...retry })
  if (code === 403) return new Forbidden(fields)
  if (code === 401) return new Unauthorized(fields)
  if (code >= 500) return new ServerError({ ...fields, status: code, ...retry })
  return new BadRequest({ ...fields, status: code })
}

/** Parses a `Retry-After` header given in seconds; dates and junk are ignored. */
export const retryAfterFromHeader = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const seconds = Number(value.trim())
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
}
