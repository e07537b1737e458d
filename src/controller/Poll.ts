/**
 * The poll: one pass over the scheduled-jobs pages of a queue, and `pollSchedule`, the
 * named Schedule that spaces passes (`poll-interval`, never under 1 s, and never sooner
 * than a page's `Retry-After` asked).
 */
import { Clock, Duration, Effect, Metric, Schedule, Stream } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { BuildkiteApiError } from "../buildkite/errors.ts"
import type { ScheduledJob } from "../buildkite/model.ts"
import * as Metrics from "../observability/Metrics.ts"

/** The shortest time between polls, whatever `poll-interval` says. */
export const minimumPollIntervalMillis = 1_000

/** What one pass returned. */
export interface PollResult {
  readonly jobs: ReadonlyArray<ScheduledJob>
  /** When the pass started (epoch ms): the start of each job's end-to-end time. */
  readonly startedAtMillis: number
  /** The last page asked to wait this long before the next poll. */
  readonly retryAfterMillis?: number
  readonly queuePaused: boolean
}

export interface PollOptions {
  readonly queueKey: string
  readonly pageSize: number
  readonly depthLimit: number
}

/**
 * Reads up to `depthLimit` pages from the first one. Restarting at the first page each
 * time keeps the highest priorities in view; the pages hold `pageSize × depthLimit` jobs.
 */
export const pollOnce = (
  api: BuildkiteApiShape,
  options: PollOptions,
): Effect.Effect<PollResult, BuildkiteApiError> =>
  Effect.gen(function* () {
    const startedAtMillis = yield* Clock.currentTimeMillis
    yield* Metrics.increment(Metrics.monitor.jobQueries)

    const pages = yield* api
      .scheduledJobs({
        queueKey: options.queueKey,
        pageSize: options.pageSize,
        depthLimit: options.depthLimit,
      })
      .pipe(
        Stream.runCollect,
        Metrics.timeSeconds(Metrics.monitor.jobQuerySeconds),
        Effect.tapError(() => Metrics.increment(Metrics.monitor.jobQueryErrors)),
      )

    const jobs = pages.flatMap((page) => page.jobs)
    yield* Metric.update(Metrics.monitor.jobsReturned, jobs.length)
    const last = pages.at(-1)
    return {
      jobs,
      startedAtMillis,
      queuePaused: last?.clusterQueuePaused ?? false,
      ...(last?.retryAfterMillis === undefined ? {} : { retryAfterMillis: last.retryAfterMillis }),
    }
  })

/** The outcome of a pass as the schedule sees it: only a requested wait matters. */
export interface PollPace {
  readonly retryAfterMillis?: number
}

/**
 * Spaces polls by `intervalMillis` (raised to 1 s) after the previous pass ended, or by
 * the `Retry-After` the previous pass reported, whichever is longer.
 */
export const pollSchedule = (intervalMillis: number) =>
  Schedule.spaced(Duration.millis(Math.max(minimumPollIntervalMillis, intervalMillis))).pipe(
    Schedule.setInputType<PollPace>(),
    Schedule.modifyDelay(({ duration, input }) =>
      Effect.succeed(
        Duration.millis(Math.max(Duration.toMillis(duration), input.retryAfterMillis ?? 0)),
      ),
    ),
  )
