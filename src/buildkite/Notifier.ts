/**
 * Stack notifications ("K8s Job created, waiting for Agent…") shown on a job's timeline
 * in Buildkite. Callers enqueue and move on; a background fiber sends what is queued
 * every 100 ms, in requests of at most 1000. Sending is best effort: a failed request is
 * logged and its notifications are dropped, as they only inform.
 *
 * Queue policy: at most `capacity` notifications wait (default 100,000, about the most
 * one flush sends). When the queue is full, new notifications are dropped and counted,
 * and the count is logged at the next flush: `notify` never blocks and memory stays
 * bounded. On shutdown, what is still queued is sent before the layer is released.
 */
import { Clock, Context, Duration, Effect, Layer, Metric } from "effect"
import * as Metrics from "../observability/Metrics.ts"
import { chunksOf, maxItemsPerRequest } from "./ApiShape.ts"
import { BuildkiteApi } from "./BuildkiteApi.ts"
import { cropNotificationDetail } from "./crop.ts"
import type { StackNotification } from "./model.ts"

export interface NotifierOptions {
  /** The most notifications waiting to be sent. */
  readonly capacity: number
  readonly flushIntervalMillis: number
  /** Requests in flight at once during one flush. */
  readonly concurrency: number
  /** How long the final flush at shutdown may take. */
  readonly shutdownFlushTimeoutMillis: number
}

export const defaultNotifierOptions: NotifierOptions = {
  capacity: 100_000,
  flushIntervalMillis: 100,
  concurrency: 4,
  shutdownFlushTimeoutMillis: 5_000,
}

const makeNotifier = (options: NotifierOptions) =>
  Effect.gen(function* () {
    const api = yield* BuildkiteApi
    let queued: Array<StackNotification> = []
    let dropped = 0

    const notify = (jobUuid: string, detail: string) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (queued.length >= options.capacity) {
          dropped++
          return
        }
        queued.push({ jobUuid, detail: cropNotificationDetail(detail), timestampMillis: now })
      })

    const sendBatch = (batch: ReadonlyArray<StackNotification>) =>
      api.createNotifications(batch).pipe(
        Effect.flatMap((errors) => {
          const rejected = errors.reduce((sum, error) => sum + error.indexes.length, 0)
          return Effect.all([
            Metric.update(Metrics.controller.notificationsSent, batch.length - rejected),
            Metric.update(
              Metrics.controller.notificationsDropped({ reason: "rejected" }),
              rejected,
            ),
            Effect.forEach(errors, (error) =>
              Effect.logWarning("Buildkite rejected stack notifications").pipe(
                Effect.annotateLogs({ error: error.error, count: error.indexes.length }),
              ),
            ),
          ])
        }),
        Effect.catch((error) =>
          Effect.andThen(
            Metric.update(
              Metrics.controller.notificationsDropped({ reason: "error" }),
              batch.length,
            ),
            Effect.logWarning("Failed to send stack notifications").pipe(
              Effect.annotateLogs({ error: error.message, count: batch.length }),
            ),
          ),
        ),
      )

    const flush = Effect.suspend(() => {
      const batch = queued
      const lost = dropped
      queued = []
      dropped = 0
      const warnDropped =
        lost === 0
          ? Effect.void
          : Effect.andThen(
              Metric.update(
                Metrics.controller.notificationsDropped({ reason: "queue_full" }),
                lost,
              ),
              Effect.logWarning("Dropped stack notifications, queue full").pipe(
                Effect.annotateLogs({ count: lost, capacity: options.capacity }),
              ),
            )
      return Effect.andThen(
        warnDropped,
        Effect.forEach(chunksOf(batch, maxItemsPerRequest), sendBatch, {
          concurrency: options.concurrency,
          discard: true,
        }),
      )
    })

    // Added before the loop is forked, so it runs after the loop is interrupted
    // (finalizers run in reverse order) and no flush of the loop races it.
    yield* Effect.addFinalizer(() =>
      flush.pipe(
        Effect.timeoutOrElse({
          duration: Duration.millis(options.shutdownFlushTimeoutMillis),
          orElse: () => Effect.logWarning("Gave up sending stack notifications at shutdown"),
        }),
      ),
    )

    yield* Effect.sleep(Duration.millis(options.flushIntervalMillis)).pipe(
      Effect.andThen(flush),
      Effect.forever,
      Effect.forkScoped,
    )

    return Notifier.of({ notify, flush })
  })

/** Batches stack notifications to Buildkite. */
export class Notifier extends Context.Service<
  Notifier,
  {
    /** Queues a notification for a job; the detail is cropped to 255 bytes. Never blocks. */
    readonly notify: (jobUuid: string, detail: string) => Effect.Effect<void>
    /** Sends everything queued now (the background loop does this every interval). */
    readonly flush: Effect.Effect<void>
  }
>()("agent-stack-k8s/Notifier") {
  static readonly layerWith = (options: NotifierOptions) =>
    Layer.effect(Notifier, makeNotifier(options))

  /** The notifier with the default interval, batch size and queue capacity. */
  static readonly layer: Layer.Layer<Notifier, never, BuildkiteApi> =
    Notifier.layerWith(defaultNotifierOptions)
}
