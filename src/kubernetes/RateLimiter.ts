/**
 * Client-side token bucket in front of every real API call. Calls reserve a token; when
 * none is left they wait for theirs, but at most `maxQueued` calls may wait at once: the
 * next one fails at once with a retryable client-side `Throttled` instead of queueing
 * without bound (an unbounded backlog under API-server throttling is how the original grew
 * to tens of gigabytes). Time comes from the Effect `Clock`.
 */
import { Clock, Effect } from "effect"
import { Throttled } from "./errors.ts"

export interface RateLimiterOptions {
  /** Sustained calls per second. Default 10. */
  readonly qps?: number
  /** Calls allowed at once after idling. Default 20. */
  readonly burst?: number
  /** Calls allowed to wait for a token; more fail with `Throttled`. Default 1000. */
  readonly maxQueued?: number
}

export interface RateLimiter {
  /** Waits for a token for a call about `kind`/`name`, or fails when the queue is full. */
  readonly take: (kind: string, name: string) => Effect.Effect<void, Throttled>
  /** Calls currently waiting for a token. */
  readonly queued: Effect.Effect<number>
}

export const defaultQps = 10
export const defaultBurst = 20
export const defaultMaxQueued = 1000

/** Makes a token bucket that starts full. Non-positive `qps` disables limiting. */
export const makeRateLimiter = (options: RateLimiterOptions = {}): Effect.Effect<RateLimiter> =>
  Effect.gen(function* () {
    const qps = options.qps ?? defaultQps
    const burst = Math.max(1, options.burst ?? defaultBurst)
    const maxQueued = options.maxQueued ?? defaultMaxQueued
    const perTokenMillis = 1000 / qps
    let tokens = burst
    let updatedAt = yield* Clock.currentTimeMillis
    let waiting = 0

    const refill = (now: number) => {
      tokens = Math.min(burst, tokens + (now - updatedAt) / perTokenMillis)
      updatedAt = now
    }

    const take = (kind: string, name: string): Effect.Effect<void, Throttled> =>
      qps <= 0
        ? Effect.void
        : Effect.gen(function* () {
            refill(yield* Clock.currentTimeMillis)
            if (tokens >= 1) {
              tokens -= 1
              return
            }
            if (waiting >= maxQueued) {
              return yield* new Throttled({
                kind,
                name,
                message: `client-side rate limit: ${waiting} calls already waiting (qps ${qps}, burst ${burst})`,
                clientSide: true,
                retryAfterMillis: Math.ceil((1 - tokens) * perTokenMillis),
              })
            }
            // Reserve the token now (the bucket may go negative) so waiters are served in order.
            tokens -= 1
            const delay = -tokens * perTokenMillis
            waiting++
            yield* Effect.sleep(delay).pipe(
              Effect.ensuring(
                Effect.sync(() => {
                  waiting--
                }),
              ),
            )
          })

    return { take, queued: Effect.sync(() => waiting) }
  })
