/**
 * Scripted faults: the next `times` calls of an operation (named as the service's methods,
 * e.g. `createJob`, `listPods`, `watchJobs`) fail with an HTTP status, are delayed, or have
 * their connection reset. Shared by the double and the HTTP fake.
 */

export interface FaultSpec {
  /** Operation name: a method of the Kubernetes service, e.g. `getJob` or `watchPods`. */
  readonly operation: string
  /** How many calls the fault applies to. Default 1. */
  readonly times?: number
  /** Answer with this HTTP status (429, 500, 410 …) and a `Status` body. */
  readonly status?: number
  /** Message of the `Status` body. */
  readonly message?: string
  /** `Retry-After` seconds sent with the status. */
  readonly retryAfterSeconds?: number
  /** Delay before answering (Effect Clock). */
  readonly latencyMillis?: number
  /** Drop the connection without an answer (a network error). */
  readonly reset?: boolean
}

export class Faults {
  private readonly pending: Array<{ spec: FaultSpec; remaining: number }> = []

  add(spec: FaultSpec): void {
    this.pending.push({ spec, remaining: spec.times ?? 1 })
  }

  /** The fault for this call of `operation`, if one is scripted; uses it up. */
  take(operation: string): FaultSpec | undefined {
    const entry = this.pending.find(
      (candidate) => candidate.spec.operation === operation && candidate.remaining > 0,
    )
    if (entry === undefined) return undefined
    entry.remaining--
    if (entry.remaining === 0) this.pending.splice(this.pending.indexOf(entry), 1)
    return entry.spec
  }

  clear(): void {
    this.pending.length = 0
  }
}

/** Default message of a scripted status. */
export const faultMessage = (spec: FaultSpec): string =>
  spec.message ??
  (spec.status === 429
    ? "Too many requests, please try again later."
    : spec.status === 410
      ? "too old resource version"
      : `injected failure (HTTP ${spec.status ?? 500})`)

/** `Status.reason` for a scripted status code. */
export const faultReason = (status: number): string =>
  status === 429
    ? "TooManyRequests"
    : status === 410
      ? "Expired"
      : status === 404
        ? "NotFound"
        : status === 409
          ? "AlreadyExists"
          : status === 403
            ? "Forbidden"
            : status === 401
              ? "Unauthorized"
              : status >= 500
                ? "InternalError"
                : "BadRequest"
