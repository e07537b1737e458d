/**
 * Watches the controller's pods and fails, notifies or ends what cannot run:
 * images that cannot be pulled or containers that cannot be created (after
 * `image-pull-backoff-grace-period`, at once for `InvalidImageName`), init containers that
 * failed, pods Pending longer than `pod-pending-timeout`, and pods whose job container
 * failed while the agent keeps them alive. Events only update maps (no I/O on the watch);
 * `sweep` (every second) does the calls, so one slow API never delays other events.
 */
import type { V1Pod } from "@kubernetes/client-node"
import { Clock, Effect } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { Notifier } from "../buildkite/Notifier.ts"
import type { KubernetesApi, WatchEvent } from "../kubernetes/Api.ts"
import * as Metrics from "../observability/Metrics.ts"
import { endJobByDeadline, failJob } from "./actions.ts"
import type { CancelChecker } from "./CancelChecker.ts"
import { imageFailureAction, uuidOf } from "./jobChecks.ts"
import {
  failedButRunningNotification,
  imageFailureMessage,
  imageFailureNotification,
  initFailureMessage,
  pendingTimeoutMessage,
} from "./messages.ts"
import {
  dueContainerProblems,
  failedButRunning,
  initContainerFailures,
  isPendingTimedOut,
  isPodOver,
  podAgeMillis,
} from "./podChecks.ts"

export interface PodWatcherOptions {
  readonly imagePullBackoffGracePeriodMillis: number
  readonly podPendingTimeoutMillis: number
  readonly stuckAgentGraceMillis: number
  readonly handleConcurrency: number
}

export interface PodWatcherDeps {
  readonly kube: KubernetesApi
  readonly api: BuildkiteApiShape
  readonly notifier: Notifier["Service"]
  readonly cancel: CancelChecker
}

export interface PodWatcher {
  readonly onEvent: (event: WatchEvent<V1Pod>) => Effect.Effect<void>
  readonly sweep: Effect.Effect<void>
  /** Jobs handled for good (failed, or over on Buildkite): no more checks until the pod goes. */
  readonly ignoredCount: () => number
  readonly watchedCount: () => number
}

type DeleteReason = "image_pull_failure" | "pending_timeout"

export const makePodWatcher = (options: PodWatcherOptions, deps: PodWatcherDeps): PodWatcher => {
  const { kube, api, notifier, cancel } = deps
  // Latest pod of each job still Pending or Running; bounded by live pods.
  const watched = new Map<string, V1Pod>()
  const ignored = new Set<string>()
  const notified = new Set<string>()
  // Pods whose job was failed but whose delete has not succeeded yet: retried every sweep.
  const toDelete = new Map<string, { readonly pod: string; readonly reason: DeleteReason }>()

  const onEvent = (event: WatchEvent<V1Pod>): Effect.Effect<void> =>
    Effect.gen(function* () {
      if (event._tag === "Synced") return
      const pod = event.object
      const uuid = uuidOf(pod)
      if (uuid === undefined) return
      if (event._tag === "Deleted") {
        yield* Metrics.increment(Metrics.podWatcher.onDeleteEvents)
        watched.delete(uuid)
        ignored.delete(uuid)
        notified.delete(uuid)
        toDelete.delete(uuid)
        cancel.unregister(uuid)
        return
      }
      yield* Metrics.increment(
        event._tag === "Added" ? Metrics.podWatcher.onAddEvents : Metrics.podWatcher.onUpdateEvents,
      )
      const phase = pod.status?.phase
      const jobName = pod.metadata?.labels?.["job-name"]
      if (phase === "Pending" && jobName !== undefined) cancel.register(uuid, jobName)
      else cancel.unregister(uuid)
      if (isPodOver(pod)) {
        watched.delete(uuid)
        notified.delete(uuid)
        // An init container failure ends the pod; it still has to be reported.
        if (initContainerFailures(pod).length > 0 && !ignored.has(uuid)) watched.set(uuid, pod)
        return
      }
      watched.set(uuid, pod)
    })

  const deletePod = (uuid: string, pod: string, reason: DeleteReason) =>
    kube.deletePod(pod, { gracePeriodSeconds: 0 }).pipe(
      Effect.tap(() =>
        Effect.andThen(
          Metrics.increment(Metrics.podWatcher.podsForcefullyDeleted({ delete_reason: reason })),
          Effect.sync(() => toDelete.delete(uuid)),
        ),
      ),
      Effect.catch((error) =>
        Effect.andThen(
          Metrics.increment(
            Metrics.podWatcher.podsForcefulDeletionErrors({
              delete_reason: reason,
              error_reason: error._tag,
            }),
          ),
          Effect.logWarning("Failed to delete pod, retrying next sweep").pipe(
            Effect.annotateLogs({ jobUuid: uuid, pod, error: error.message }),
          ),
        ),
      ),
    )

  /** Fails the job; on success (or a permanent refusal) stops checking it. */
  const fail = (uuid: string, detail: string) =>
    Effect.gen(function* () {
      const outcome = yield* failJob(api, uuid, detail)
      if (outcome === "finished") {
        yield* Metrics.increment(Metrics.podWatcher.jobsFailedOnBuildkite)
        ignored.add(uuid)
      } else {
        yield* Metrics.increment(Metrics.podWatcher.jobFailOnBuildkiteErrors)
        if (outcome === "permanent") ignored.add(uuid)
      }
      return outcome
    })

  const failAndDelete = (uuid: string, pod: V1Pod, detail: string, reason: DeleteReason) =>
    Effect.gen(function* () {
      if ((yield* fail(uuid, detail)) !== "finished") return
      const name = pod.metadata?.name ?? ""
      toDelete.set(uuid, { pod: name, reason })
      yield* deletePod(uuid, name, reason)
    })

  const handleImageFailures = (failing: ReadonlyArray<readonly [string, V1Pod]>) =>
    Effect.gen(function* () {
      if (failing.length === 0) return
      const states = yield* api
        .getJobStates(failing.map(([uuid]) => uuid))
        .pipe(
          Effect.catch((error) =>
            Effect.as(
              Effect.logWarning("Failed to get Buildkite job states for image failures").pipe(
                Effect.annotateLogs({ error: error.message }),
              ),
              undefined,
            ),
          ),
        )
      if (states === undefined) return
      const now = yield* Clock.currentTimeMillis
      yield* Effect.forEach(
        failing,
        ([uuid, pod]) => {
          const problems = dueContainerProblems(pod, now, options.imagePullBackoffGracePeriodMillis)
          const state = states[uuid] ?? ""
          switch (imageFailureAction(state)) {
            case "fail":
              return failAndDelete(uuid, pod, imageFailureMessage(problems), "image_pull_failure")
            case "notify":
              if (notified.has(uuid)) return Effect.void
              notified.add(uuid)
              return notifier.notify(uuid, imageFailureNotification(problems))
            case "ignore":
              return Effect.sync(() => ignored.add(uuid))
            case "warn":
              return Effect.logWarning("Saw image failure of job in unexpected state").pipe(
                Effect.annotateLogs({ jobUuid: uuid, state }),
              )
          }
        },
        { concurrency: options.handleConcurrency, discard: true },
      )
    })

  const endFailedButRunning = (uuid: string, pod: V1Pod, container: string) =>
    Effect.gen(function* () {
      ignored.add(uuid)
      const jobName = pod.metadata?.labels?.["job-name"]
      if (jobName === undefined) return
      yield* endJobByDeadline(kube, jobName, 1, "container-failed").pipe(
        Effect.tap(() =>
          Effect.logWarning("Stopped pod whose job container failed while the agent ran").pipe(
            Effect.annotateLogs({ jobUuid: uuid, pod: pod.metadata?.name ?? "", container }),
          ),
        ),
        Effect.andThen(notifier.notify(uuid, failedButRunningNotification(container))),
        Effect.catch((error) =>
          Effect.andThen(
            Effect.sync(() => ignored.delete(uuid)),
            Effect.logWarning("Failed to stop pod, retrying next sweep").pipe(
              Effect.annotateLogs({ jobUuid: uuid, error: error.message }),
            ),
          ),
        ),
      )
    })

  const sweep = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const work: Array<Effect.Effect<void>> = []
    const imageFailing: Array<readonly [string, V1Pod]> = []

    for (const [uuid, { pod, reason }] of toDelete) work.push(deletePod(uuid, pod, reason))
    for (const [uuid, pod] of watched) {
      if (ignored.has(uuid)) continue
      const initFailures = initContainerFailures(pod)
      if (initFailures.length > 0) {
        work.push(Effect.asVoid(fail(uuid, initFailureMessage(initFailures))))
        continue
      }
      if (dueContainerProblems(pod, now, options.imagePullBackoffGracePeriodMillis).length > 0) {
        imageFailing.push([uuid, pod])
        continue
      }
      if (isPendingTimedOut(pod, now, options.podPendingTimeoutMillis)) {
        const detail = pendingTimeoutMessage(pod, podAgeMillis(pod, now))
        work.push(failAndDelete(uuid, pod, detail, "pending_timeout"))
        continue
      }
      const container = failedButRunning(pod, now, options.stuckAgentGraceMillis)
      if (container !== undefined) work.push(endFailedButRunning(uuid, pod, container))
    }

    yield* Effect.all(work, { concurrency: options.handleConcurrency, discard: true })
    yield* handleImageFailures(imageFailing)
  })

  return {
    onEvent,
    sweep,
    ignoredCount: () => ignored.size,
    watchedCount: () => watched.size,
  }
}
