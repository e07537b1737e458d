/**
 * Named retry Schedules for Buildkite API calls. All of them: grow exponentially with
 * jitter, are capped, stop after a few attempts, retry only errors marked `retryable`,
 * and wait at least as long as the server's `Retry-After` asked (capped, so a hostile or
 * broken header cannot park the controller for hours).
 *
 * Which call uses which (see docs/buildkite-api.md):
 * - `apiRetrySchedule`: registerStack, getJobStates, finishJob (inside the service);
 * - `getJobRetrySchedule`: getJob (inside the service);
 * - none: getTokenIdentity, scheduledJobs (the poller's next tick is the retry), reserveJobs
 *   (a retried reserve could reserve jobs twice over the caller's head), createNotifications
 *   (the notifier's next flush), deregisterStack (best effort at shutdown).
 */
import { Duration, Effect, Schedule } from "effect"
import type { BuildkiteApiError } from "./errors.ts"

/** The longest `Retry-After` honoured; longer requests are shortened to this. */
export const maxRetryAfterMillis = 5 * 60_000

/**
 * Makes a backoff schedule honour `Retry-After`: the wait before the next attempt is
 * `max(Retry-After, backoff)`. Applied after jitter, so the server's figure is a floor.
 */
export const honourRetryAfter = <Output, Error, Env>(
  self: Schedule.Schedule<Output, BuildkiteApiError, Error, Env>,
): Schedule.Schedule<Output, BuildkiteApiError, Error, Env> =>
  Schedule.modifyDelay(self, ({ duration, input }) =>
    Effect.succeed(
      Duration.millis(
        Math.max(
          Duration.toMillis(duration),
          Math.min(input.retryAfterMillis ?? 0, maxRetryAfterMillis),
        ),
      ),
    ),
  )

interface BackoffOptions {
  /** The first wait, before jitter. */
  readonly baseMillis: number
  readonly factor: number
  /** No wait exceeds this, before jitter. */
  readonly capMillis: number
  /** Attempts in total, the first one included. */
  readonly attempts: number
}

/** A jittered, capped, limited exponential backoff over retryable API errors. */
export const apiBackoff = (options: BackoffOptions) =>
  Schedule.min([
    Schedule.exponential(Duration.millis(options.baseMillis), options.factor),
    Schedule.spaced(Duration.millis(options.capMillis)),
  ]).pipe(
    Schedule.jittered,
    Schedule.upTo({ times: options.attempts - 1 }),
    Schedule.setInputType<BuildkiteApiError>(),
    Schedule.while(({ input }) => input.retryable),
    honourRetryAfter,
  )

/**
 * The default for calls that retry: 5 attempts, waits of about 1, 1.5, 2.25 and 3.4
 * seconds (each ×0.8–1.2), capped at 10 s. Close to Buildkite's own client library.
 */
export const apiRetrySchedule = apiBackoff({
  baseMillis: 1_000,
  factor: 1.5,
  capMillis: 10_000,
  attempts: 5,
})

/** Fetching job details: 5 attempts, waits of about 1, 2, 4 and 8 s (each ×0.8–1.2). */
export const getJobRetrySchedule = apiBackoff({
  baseMillis: 1_000,
  factor: 2,
  capMillis: 10_000,
  attempts: 5,
})
