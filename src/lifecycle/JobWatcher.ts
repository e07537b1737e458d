/**
 * Watches the controller's Kubernetes Jobs: fails the Buildkite job when a Job ended
 * without ever starting a pod, or its pod died before the agent acquired the job; reaps
 * Jobs stalled without a pod for `empty-job-grace-period` — but only once the Buildkite
 * state AND a live GET of the Job (never the watch cache alone, which lags under load)
 * confirm it; registers pod-less Jobs with the cancel checker. Events only update maps;
 * `sweep` makes the calls.
 */
import type { V1Job } from "@kubernetes/client-node"
import { Clock, Effect } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { KubernetesApi, WatchEvent } from "../kubernetes/Api.ts"
import * as Metrics from "../observability/Metrics.ts"
import { endJobByDeadline, eventsOf, failJob } from "./actions.ts"
import type { CancelChecker } from "./CancelChecker.ts"
import {
  decideStall,
  finishedKind,
  hasPod,
  isFinished,
  type LiveJob,
  startedAtMillis,
  uuidOf,
} from "./jobChecks.ts"
import { endedWithoutPodMessage, podFailedBeforeAgentMessage, stalledMessage } from "./messages.ts"

export interface JobWatcherOptions {
  readonly emptyJobGracePeriodMillis: number
  readonly handleConcurrency: number
}

export interface JobWatcher {
  readonly onEvent: (event: WatchEvent<V1Job>) => Effect.Effect<void>
  readonly sweep: Effect.Effect<void>
  readonly stallingCount: () => number
  readonly ignoredCount: () => number
}

/** The few fields of a Job the watcher keeps. */
interface Tracked {
  readonly name: string
  readonly uid: string
  readonly startedAt: number
}

export const makeJobWatcher = (
  options: JobWatcherOptions,
  kube: KubernetesApi,
  api: BuildkiteApiShape,
  cancel: CancelChecker,
): JobWatcher => {
  const stalling = new Map<string, Tracked>()
  const ignored = new Set<string>()
  const endedWithoutPod = new Map<string, string>()
  const podFailed = new Map<string, string>()

  const onEvent = (event: WatchEvent<V1Job>): Effect.Effect<void> =>
    Effect.gen(function* () {
      if (event._tag === "Synced") return
      const job = event.object
      const uuid = uuidOf(job)
      if (uuid === undefined) return
      const name = job.metadata?.name ?? ""
      if (event._tag === "Deleted") {
        yield* Metrics.increment(Metrics.jobWatcher.onDeleteEvents)
        if (stalling.get(uuid)?.uid === job.metadata?.uid) stalling.delete(uuid)
        cancel.unregister(uuid)
        ignored.delete(uuid)
        endedWithoutPod.delete(uuid)
        podFailed.delete(uuid)
        return
      }
      yield* Metrics.increment(
        event._tag === "Added" ? Metrics.jobWatcher.onAddEvents : Metrics.jobWatcher.onUpdateEvents,
      )
      if (ignored.has(uuid)) return
      if (isFinished(job)) {
        stalling.delete(uuid)
        cancel.unregister(uuid)
        const kind = finishedKind(job)
        if (kind === "noPod") endedWithoutPod.set(uuid, name)
        else if (kind === "podFailed") podFailed.set(uuid, name)
        return
      }
      if (hasPod(job)) {
        stalling.delete(uuid)
        return
      }
      cancel.register(uuid, name)
      const startedAt = startedAtMillis(job)
      // Not started yet (suspended, e.g. by Kueue): not stalling, but cancellable.
      if (startedAt === undefined) return
      stalling.set(uuid, { name, uid: job.metadata?.uid ?? "", startedAt })
    })

  const reportFailure = (uuid: string, detail: string) =>
    Effect.gen(function* () {
      const outcome = yield* failJob(api, uuid, detail)
      yield* Metrics.increment(
        outcome === "finished"
          ? Metrics.jobWatcher.jobsFailedOnBuildkite
          : Metrics.jobWatcher.jobFailOnBuildkiteErrors,
      )
      // Reported once: later updates of the same Job do not call finish again.
      if (outcome !== "transient") ignored.add(uuid)
    })

  const handleEndedWithoutPod = (uuid: string, name: string) =>
    Effect.gen(function* () {
      endedWithoutPod.delete(uuid)
      yield* Metrics.increment(Metrics.jobWatcher.jobsFinishedWithoutPod)
      yield* reportFailure(uuid, endedWithoutPodMessage(yield* eventsOf(kube, name)))
    })

  const handlePodFailed = (uuid: string, name: string, state: string | undefined) =>
    Effect.gen(function* () {
      if (state === undefined) return
      podFailed.delete(uuid)
      // Only a job still reserved was never acquired; otherwise the agent reports.
      if (state !== "reserved") return
      yield* Metrics.increment(Metrics.jobWatcher.jobsFailedBeforeAgentAcquire)
      yield* reportFailure(uuid, podFailedBeforeAgentMessage(yield* eventsOf(kube, name)))
    })

  const liveJob = (name: string): Effect.Effect<LiveJob> =>
    kube.getJob(name).pipe(
      Effect.map(
        (job): LiveJob => ({ _tag: "Found", uid: job.metadata?.uid ?? "", hasPod: hasPod(job) }),
      ),
      Effect.catchTag("NotFound", () => Effect.succeed<LiveJob>({ _tag: "NotFound" })),
      Effect.catch(() => Effect.succeed<LiveJob>({ _tag: "Error" })),
    )

  const checkStalled = (uuid: string, tracked: Tracked, state: string | undefined, now: number) =>
    Effect.gen(function* () {
      const live = state === undefined ? undefined : yield* liveJob(tracked.name)
      const decision = decideStall(state, live, tracked.uid)
      if (decision._tag === "Keep") return
      if (decision._tag === "Skip") {
        yield* Metrics.increment(
          Metrics.jobWatcher.stalledCleanupSkipped({ reason: decision.reason }),
        )
        // A replacement Job that arrived meanwhile keeps its own entry.
        if (stalling.get(uuid)?.uid === tracked.uid) stalling.delete(uuid)
        return
      }
      ignored.add(uuid)
      stalling.delete(uuid)
      cancel.unregister(uuid)
      yield* Metrics.increment(Metrics.jobWatcher.jobsStalledWithoutPod)
      const events = yield* eventsOf(kube, tracked.name)
      // The zombie is ended whatever Buildkite answers.
      yield* failJob(api, uuid, stalledMessage(now - tracked.startedAt, events))
      // A deadline, not a delete: the Job (and so the de-duplication of its UUID) stays
      // until its TTL, so a still-cached poll result cannot recreate it.
      yield* endJobByDeadline(kube, tracked.name, 1, "stalled").pipe(
        Effect.andThen(Metrics.increment(Metrics.jobWatcher.cleanups)),
        Effect.catch((error) =>
          Metrics.increment(Metrics.jobWatcher.cleanupErrors({ reason: error._tag })),
        ),
      )
      yield* Effect.logWarning("Reaped Job stalled without a pod").pipe(
        Effect.annotateLogs({ jobUuid: uuid, job: tracked.name }),
      )
    })

  const sweep = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const candidates = [...stalling.entries()].filter(
      ([, tracked]) => now - tracked.startedAt >= options.emptyJobGracePeriodMillis,
    )
    const ended = [...endedWithoutPod.entries()]
    const failed = [...podFailed.entries()]
    const asked = [...candidates.map(([uuid]) => uuid), ...failed.map(([uuid]) => uuid)]
    if (asked.length === 0 && ended.length === 0) return

    const states =
      asked.length === 0
        ? {}
        : yield* api
            .getJobStates(asked)
            .pipe(
              Effect.catch((error) =>
                Effect.as(
                  Effect.logWarning("Failed to get Buildkite job states for Jobs").pipe(
                    Effect.annotateLogs({ error: error.message }),
                  ),
                  undefined,
                ),
              ),
            )
    // "" for a job Buildkite does not know; undefined when the call failed.
    const stateOf = (uuid: string) => (states === undefined ? undefined : (states[uuid] ?? ""))
    const concurrency = { concurrency: options.handleConcurrency, discard: true } as const
    yield* Effect.forEach(ended, ([uuid, name]) => handleEndedWithoutPod(uuid, name), concurrency)
    yield* Effect.forEach(
      failed,
      ([uuid, name]) => handlePodFailed(uuid, name, stateOf(uuid)),
      concurrency,
    )
    yield* Effect.forEach(
      candidates,
      ([uuid, tracked]) => checkStalled(uuid, tracked, stateOf(uuid), now),
      concurrency,
    )
  })

  return {
    onEvent,
    sweep,
    stallingCount: () => stalling.size,
    ignoredCount: () => ignored.size,
  }
}
