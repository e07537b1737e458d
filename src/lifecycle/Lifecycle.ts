/**
 * Everything that happens after a Job exists, as one Layer for the controller to compose:
 * the pod watcher, the Job watcher, the cancel checker, the completion watcher and the
 * TTL clean-up, fed by the shared `ClusterEvents` watches and run only while this replica
 * leads (`LeaderElection.whileLeader`). Each new term subscribes afresh, so a new leader
 * rebuilds its view from the cluster (the watch starts with every existing object) and
 * from Buildkite (states are asked, never remembered).
 */
import { Context, Duration, Effect, Layer, Stream } from "effect"
import { BuildkiteApi } from "../buildkite/BuildkiteApi.ts"
import { Notifier } from "../buildkite/Notifier.ts"
import { ClusterEvents } from "../cluster/ClusterEvents.ts"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import * as Metrics from "../observability/Metrics.ts"
import { survive } from "./actions.ts"
import { makeCancelChecker } from "./CancelChecker.ts"
import { makeCompletionWatcher } from "./CompletionWatcher.ts"
import { makeJobCleanup } from "./JobCleanup.ts"
import { makeJobWatcher } from "./JobWatcher.ts"
import { LeaderElection } from "./LeaderElection.ts"
import { type LifecycleOptions, timings } from "./LifecycleOptions.ts"
import { makePodWatcher } from "./PodWatcher.ts"

export type { LifecycleOptions }

/** What the lifecycle needs from the rest of the process. */
export type LifecycleRequirements =
  | ClusterEvents
  | Kubernetes
  | BuildkiteApi
  | Notifier
  | LeaderElection

const every = (millis: number, name: string, sweep: Effect.Effect<void>) =>
  sweep.pipe(
    survive(name),
    Effect.andThen(Effect.sleep(Duration.millis(millis))),
    Effect.forever,
    Effect.forkScoped,
  )

/**
 * Runs every watcher until interrupted. Watch events only update in-memory maps; the
 * sweeps (every second; cancellation every poll interval) make the API calls.
 */
export const runLifecycle = (
  options: LifecycleOptions,
): Effect.Effect<never, never, Exclude<LifecycleRequirements, LeaderElection>> =>
  Effect.scoped(
    Effect.gen(function* () {
      const events = yield* ClusterEvents
      const kube = yield* Kubernetes
      const api = yield* BuildkiteApi
      const notifier = yield* Notifier

      const cancel = makeCancelChecker(kube, api, timings.deleteConcurrency)
      const pods = makePodWatcher(
        {
          imagePullBackoffGracePeriodMillis: options.imagePullBackoffGracePeriodMillis,
          podPendingTimeoutMillis: options.podPendingTimeoutMillis,
          stuckAgentGraceMillis: timings.stuckAgentGraceMillis,
          handleConcurrency: timings.handleConcurrency,
        },
        { kube, api, notifier, cancel },
      )
      const jobs = makeJobWatcher(
        {
          emptyJobGracePeriodMillis: options.emptyJobGracePeriodMillis,
          handleConcurrency: timings.handleConcurrency,
        },
        kube,
        api,
        cancel,
      )
      const completions = makeCompletionWatcher(
        kube,
        options.defaultTerminationGracePeriodSeconds,
        timings.handleConcurrency,
      )
      const cleanup = makeJobCleanup(kube, options.jobTtlMillis, timings.deleteConcurrency)

      yield* Metrics.gaugeFromCallback(Metrics.jobWatcher.numStallingJobs, jobs.stallingCount)
      yield* Metrics.gaugeFromCallback(Metrics.jobWatcher.numIgnoredJobs, jobs.ignoredCount)
      yield* Metrics.gaugeFromCallback(Metrics.podWatcher.numIgnoredJobs, pods.ignoredCount)
      yield* Metrics.gaugeFromCallback(Metrics.podWatcher.numJobCancelCheckers, cancel.size)
      yield* Metrics.gaugeFromCallback(
        Metrics.podWatcher.numWatchingForImageFailure,
        pods.watchedCount,
      )

      yield* events.pods.pipe(
        Stream.runForEach((event) =>
          options.enableCompletionWatcher
            ? Effect.andThen(pods.onEvent(event), completions.onEvent(event))
            : pods.onEvent(event),
        ),
        Effect.forkScoped,
      )
      yield* events.jobs.pipe(
        Stream.runForEach((event) => Effect.andThen(jobs.onEvent(event), cleanup.onEvent(event))),
        Effect.forkScoped,
      )

      yield* every(timings.sweepMillis, "pods", pods.sweep)
      yield* every(timings.sweepMillis, "jobs", jobs.sweep)
      yield* every(timings.sweepMillis, "cleanup", cleanup.sweep)
      if (options.enableCompletionWatcher) {
        yield* every(timings.sweepMillis, "completions", completions.sweep)
      }
      yield* every(options.jobCancelCheckerPollIntervalMillis, "cancel", cancel.check)
      yield* Effect.logInfo("Started lifecycle watchers")
      return yield* Effect.never
    }),
  )

/** The lifecycle watchers, running in the layer's scope whenever this replica leads. */
export class Lifecycle extends Context.Service<Lifecycle, { readonly options: LifecycleOptions }>()(
  "agent-stack-k8s/Lifecycle",
) {
  static readonly layer = (
    options: LifecycleOptions,
  ): Layer.Layer<Lifecycle, never, LifecycleRequirements> =>
    Layer.effect(
      Lifecycle,
      Effect.gen(function* () {
        const leader = yield* LeaderElection
        yield* leader.whileLeader(runLifecycle(options)).pipe(Effect.forkScoped)
        return Lifecycle.of({ options })
      }),
    )
}
