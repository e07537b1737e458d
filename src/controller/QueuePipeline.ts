/**
 * One queue's pipeline: a Stream of polls paced by `pollSchedule`; for each poll, select
 * (tags, in flight, priority, free capacity), reserve only what was selected, and hand
 * each reserved job to the shared creation pool. A transient poll failure is logged and
 * the next poll goes on; a permanent one ends the pipeline with `PermanentPollFailure`.
 */
import { Clock, Effect, Metric, Stream } from "effect"
import { maxItemsPerRequest } from "../buildkite/ApiShape.ts"
import type { BuildkiteApiError } from "../buildkite/errors.ts"
import type { ScheduledJob } from "../buildkite/model.ts"
import type { Kubernetes } from "../kubernetes/Kubernetes.ts"
import * as Metrics from "../observability/Metrics.ts"
import { Readiness } from "../observability/Readiness.ts"
import type { PodSpecBuilder } from "../podspec/PodSpecBuilder.ts"
import { createJobFor, type StackSide } from "./CreateJob.ts"
import type { CreationPool } from "./CreationPool.ts"
import { PermanentPollFailure } from "./errors.ts"
import { InFlight } from "./InFlight.ts"
import { type PollResult, pollOnce, pollSchedule } from "./Poll.ts"
import { selectJobs } from "./Selection.ts"

/** How one queue is served. */
export interface QueueSettings {
  /** The queue key polled (`_default` for the cluster's default queue). */
  readonly queue: string
  /** The tags jobs must match, `queue` included. */
  readonly tags: ReadonlyMap<string, string>
  /** Most unfinished Jobs of this queue; 0 means unlimited. */
  readonly maxInFlight: number
  /** With no limit, the most creations waiting at once. */
  readonly workQueueLimit: number
  readonly pollIntervalMillis: number
  readonly pageSize: number
  readonly depthLimit: number
  /** Skip reservation and creation while the cluster queue is paused. */
  readonly enableQueuePause: boolean
  /**
   * Which Jobs count against `maxInFlight`, by their queue label; absent counts every Job
   * of this controller (one queue per process).
   */
  readonly countsJob?: (queueLabel: string | undefined) => boolean
}

/** The readiness check of a queue's polls. */
export const pollCheck = (queue: string) => `poll:${queue}`

/** A refusal (4xx other than 429) will not go away by polling again: bad token, no queue. */
const isPermanent = (error: BuildkiteApiError) => !error.retryable && error.reason === "Status"

/** One poll, with transient failures turned into an empty result. */
const safePoll = (stack: StackSide, settings: QueueSettings) =>
  Effect.gen(function* () {
    const readiness = yield* Readiness
    const check = pollCheck(settings.queue)
    return yield* pollOnce(stack.api, {
      queueKey: settings.queue,
      pageSize: settings.pageSize,
      depthLimit: settings.depthLimit,
    }).pipe(
      Effect.tap(() => readiness.ready(check)),
      Effect.catch((error) =>
        Effect.gen(function* () {
          if (isPermanent(error)) {
            yield* readiness.notReady(check, error.message)
            return yield* new PermanentPollFailure({
              queue: settings.queue,
              message: error.message,
            })
          }
          yield* readiness.notReady(check, error.message)
          yield* Effect.logWarning("Failed to poll scheduled jobs, retrying").pipe(
            Effect.annotateLogs({ error: error.message }),
          )
          const now = yield* Clock.currentTimeMillis
          const result: PollResult = {
            jobs: [],
            startedAtMillis: now,
            queuePaused: false,
            ...(error.retryAfterMillis === undefined
              ? {}
              : { retryAfterMillis: error.retryAfterMillis }),
          }
          return result
        }),
      ),
    )
  })

/**
 * Reserves in chunks of at most 1000, one after another. A failed chunk is logged and
 * skipped; the chunks reserved before it are kept (the original dropped them and let
 * their reservations expire).
 */
const reserve = (stack: StackSide, jobs: ReadonlyArray<ScheduledJob>) =>
  Effect.gen(function* () {
    const reserved = new Set<string>()
    for (let start = 0; start < jobs.length; start += maxItemsPerRequest) {
      const chunk = jobs.slice(start, start + maxItemsPerRequest).map((job) => job.id)
      const result = yield* Effect.result(
        stack.api.reserveJobs(chunk, stack.reservationExpirySeconds),
      )
      if (result._tag === "Success") for (const uuid of result.success.reserved) reserved.add(uuid)
      else {
        yield* Effect.logWarning("Failed to reserve jobs").pipe(
          Effect.annotateLogs({ jobs: chunk.length, error: result.failure.message }),
        )
      }
    }
    return reserved
  })

/** What one poll's jobs become: selected, reserved, handed to the pool. */
const handlePoll = (
  stack: StackSide,
  settings: QueueSettings,
  pool: CreationPool,
  poll: PollResult,
) =>
  Effect.gen(function* () {
    const inFlight = yield* InFlight
    if (settings.enableQueuePause && poll.queuePaused) {
      return yield* Effect.logDebug("Skipped poll of paused queue")
    }

    const capacity =
      settings.maxInFlight > 0
        ? settings.maxInFlight - inFlight.unfinished(settings.countsJob)
        : settings.workQueueLimit - pool.pending()
    const selection = selectJobs({
      jobs: poll.jobs,
      queue: settings.queue,
      tags: settings.tags,
      isInFlight: inFlight.isKnown,
      capacity,
    })
    yield* Metric.update(Metrics.monitor.jobsFilteredOut, selection.mismatched.length)
    for (const job of selection.mismatched) {
      yield* Effect.logDebug("Skipped job whose tags do not match").pipe(
        Effect.annotateLogs({ jobUuid: job.id, rules: job.agentQueryRules.join(",") }),
      )
    }
    const logPoll = poll.jobs.length > 0 ? Effect.logInfo : Effect.logDebug
    yield* logPoll("Polled scheduled jobs").pipe(
      Effect.annotateLogs({
        returned: poll.jobs.length,
        mismatched: selection.mismatched.length,
        inFlight: selection.inFlight.length,
        taken: selection.take.length,
        deferred: selection.deferred,
      }),
    )
    const claimed = selection.take.filter((job) => inFlight.begin(job.id, settings.queue))
    if (claimed.length === 0) return

    yield* Metric.update(Metrics.monitor.jobsHandled, claimed.length)
    yield* Metrics.increment(Metrics.monitor.jobHandlerCalls)
    const reserved = yield* reserve(stack, claimed)
    const reservedAtMillis = yield* Clock.currentTimeMillis
    const refused = claimed.filter((job) => !reserved.has(job.id))
    for (const job of refused) inFlight.end(job.id, false)
    if (refused.length > 0) {
      yield* Metric.update(Metrics.monitor.jobsHandledErrors, refused.length)
      yield* Effect.logInfo("Skipped jobs not reserved").pipe(
        Effect.annotateLogs({ jobs: refused.map((job) => job.id).join(",") }),
      )
    }

    const context = yield* Effect.context<Kubernetes | PodSpecBuilder>()
    for (const job of claimed) {
      if (!reserved.has(job.id)) continue
      const work = createJobFor(stack, {
        job,
        polledAtMillis: poll.startedAtMillis,
        reservedAtMillis,
      }).pipe(
        Effect.tap((outcome) =>
          Effect.sync(() =>
            inFlight.end(job.id, outcome === "Created" || outcome === "AlreadyExists"),
          ),
        ),
        Effect.onInterrupt(() => Effect.sync(() => inFlight.end(job.id, false))),
        Effect.asVoid,
        Effect.provideContext(context),
      )
      yield* pool.submit(work)
    }
  })

/** Polls one queue until interrupted or until Buildkite refuses for good. */
export const runQueue = (
  stack: StackSide,
  settings: QueueSettings,
  pool: CreationPool,
): Effect.Effect<void, PermanentPollFailure, InFlight | Readiness | Kubernetes | PodSpecBuilder> =>
  Effect.gen(function* () {
    const readiness = yield* Readiness
    yield* readiness.register(pollCheck(settings.queue))
    yield* Metric.update(Metrics.monitor.up, 1)
    yield* Stream.fromEffectSchedule(
      safePoll(stack, settings),
      pollSchedule(settings.pollIntervalMillis),
    ).pipe(Stream.runForEach((poll) => handlePoll(stack, settings, pool, poll)))
  }).pipe(
    Effect.ensuring(Metric.update(Metrics.monitor.up, 0)),
    Effect.annotateLogs({ component: "monitor", queue: settings.queue }),
  )
