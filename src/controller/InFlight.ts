/**
 * How many of this controller's Kubernetes Jobs are unfinished, counted from the cluster
 * itself (the shared Jobs watch) plus the creations under way. Because the count is
 * rebuilt from the cluster, it survives restarts and cannot leak: a Job that finishes
 * (a `Complete` or `Failed` condition) or is deleted frees its slot, whatever happened
 * to the process that created it. The original counted tokens in memory and leaked them.
 *
 * A job UUID whose Job exists (finished or not) or is being created is "known": it is
 * never created again. The Job name derived from the UUID backs this up at the API
 * server, where a second create answers AlreadyExists.
 */
import type { V1Job } from "@kubernetes/client-node"
import { Context, Effect, Layer, Metric, Stream } from "effect"
import { ClusterEvents } from "../cluster/ClusterEvents.ts"
import { jobUuidLabel } from "../kubernetes/LabelSelector.ts"
import * as Metrics from "../observability/Metrics.ts"

/** The label the PodSpec engine derives from a job's `queue=` rule. */
export const queueLabel = "tag.buildkite.com/queue"

/** Whether a Job has ended: a `Complete` or `Failed` condition that is true. */
export const isFinished = (job: V1Job): boolean =>
  (job.status?.conditions ?? []).some(
    (condition) =>
      (condition.type === "Complete" || condition.type === "Failed") && condition.status === "True",
  )

interface Tracked {
  readonly queue: string | undefined
  readonly finished: boolean
}

interface Creating {
  readonly queue: string
  /** The watch reported the Job while it was being created. */
  seen: boolean
}

export interface InFlightShape {
  /** Completes once the Jobs watch has listed what exists. */
  readonly synced: Effect.Effect<void>
  /** Whether a Job exists for the UUID or is being created. */
  readonly isKnown: (uuid: string) => boolean
  /**
   * Unfinished Jobs plus creations under way; with `matchesQueue`, only those whose queue
   * label it accepts (`undefined` when the Job carries none).
   */
  readonly unfinished: (matchesQueue?: (queue: string | undefined) => boolean) => number
  /** Claims a slot for a creation; false when the UUID is already known. */
  readonly begin: (uuid: string, queue: string) => boolean
  /**
   * Ends a creation. A created Job keeps its slot until the watch sees it finish or go;
   * a failed creation frees it at once.
   */
  readonly end: (uuid: string, created: boolean) => void
}

const uuidOf = (job: V1Job): string | undefined => job.metadata?.labels?.[jobUuidLabel]

/** Tracks this controller's Jobs; builds the tracker and its watch in the current scope. */
export const makeInFlight = Effect.gen(function* () {
  const events = yield* ClusterEvents
  const jobs = new Map<string, Tracked>()
  const creating = new Map<string, Creating>()
  let unfinishedJobs = 0

  const forget = (uuid: string) => {
    const previous = jobs.get(uuid)
    if (previous !== undefined && !previous.finished) unfinishedJobs--
    jobs.delete(uuid)
  }
  const track = (uuid: string, tracked: Tracked) => {
    forget(uuid)
    jobs.set(uuid, tracked)
    if (!tracked.finished) unfinishedJobs++
  }
  const observe = (job: V1Job) => {
    const uuid = uuidOf(job)
    if (uuid === undefined) return
    const underway = creating.get(uuid)
    if (underway !== undefined) underway.seen = true
    track(uuid, { queue: job.metadata?.labels?.[queueLabel], finished: isFinished(job) })
  }

  yield* events.jobs.pipe(
    Stream.runForEach((event) =>
      Effect.gen(function* () {
        switch (event._tag) {
          case "Added":
            observe(event.object)
            return yield* Metrics.increment(Metrics.limiter.onAddEvents)
          case "Modified":
            observe(event.object)
            return yield* Metrics.increment(Metrics.limiter.onUpdateEvents)
          case "Deleted": {
            const uuid = uuidOf(event.object)
            if (uuid === undefined) return
            const underway = creating.get(uuid)
            if (underway !== undefined) underway.seen = true
            forget(uuid)
            return yield* Metrics.increment(Metrics.limiter.onDeleteEvents)
          }
          case "Synced":
            return yield* Effect.logInfo("Counted Jobs in flight").pipe(
              Effect.annotateLogs({ inFlight: unfinishedJobs, known: jobs.size }),
            )
        }
      }),
    ),
    Effect.forkScoped,
  )

  const unfinished = (matchesQueue?: (queue: string | undefined) => boolean): number => {
    let count = 0
    if (matchesQueue === undefined) count = unfinishedJobs
    else
      for (const tracked of jobs.values())
        if (!tracked.finished && matchesQueue(tracked.queue)) count++
    for (const [uuid, underway] of creating) {
      if (jobs.has(uuid)) continue
      if (matchesQueue === undefined || matchesQueue(underway.queue)) count++
    }
    return count
  }

  yield* Metrics.gaugeFromCallback(Metrics.deduper.jobsRunning, () => jobs.size + creating.size)

  return InFlight.of({
    synced: events.synced,
    isKnown: (uuid) => jobs.has(uuid) || creating.has(uuid),
    unfinished,
    begin: (uuid, queue) => {
      if (jobs.has(uuid) || creating.has(uuid)) return false
      creating.set(uuid, { queue, seen: false })
      return true
    },
    end: (uuid, created) => {
      const underway = creating.get(uuid)
      creating.delete(uuid)
      // Until the watch reports the new Job, count it here; if the watch already saw it
      // come (or even go), the watch's view is the truth.
      if (created && underway !== undefined && !underway.seen && !jobs.has(uuid)) {
        track(uuid, { queue: underway.queue, finished: false })
      }
    },
  })
})

/** This controller's unfinished Jobs and creations under way. */
export class InFlight extends Context.Service<InFlight, InFlightShape>()(
  "agent-stack-k8s/InFlight",
) {
  /** The tracker on the shared Jobs watch. */
  static readonly layer: Layer.Layer<InFlight, never, ClusterEvents> = Layer.effect(
    InFlight,
    makeInFlight,
  )
}

/** Records the configured limit, for the original's gauge. */
export const recordMaxInFlight = (limit: number) =>
  Metric.update(Metrics.limiter.maxInFlight, limit)
