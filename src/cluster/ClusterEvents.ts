/**
 * The one watch of this controller's Jobs and the one watch of its Pods, shared by every
 * part of the process that needs them (in-flight tracking, the lifecycle watchers):
 * Kubernetes is watched once per kind, objects are cached stripped, and each consumer
 * subscribes to a Stream of events that starts with the cache and a `Synced` marker.
 */
import type { V1Job, V1Pod } from "@kubernetes/client-node"
import { Context, Effect, Layer, Queue, Stream } from "effect"
import type { WatchEvent } from "../kubernetes/Api.ts"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import { controllerSelector } from "../kubernetes/LabelSelector.ts"
import { makeWatchHub } from "./WatchHub.ts"

export type { WatchEvent }

/** The shared watches of this controller's Jobs and Pods. */
export interface ClusterEventsShape {
  /**
   * Every Job as `Added` (`initialList: true`), `Synced` once listed, then each change.
   * Each subscriber gets its own Stream; subscribe as often as needed.
   */
  readonly jobs: Stream.Stream<WatchEvent<V1Job>>
  /** The same for Pods. */
  readonly pods: Stream.Stream<WatchEvent<V1Pod>>
  /** Completes once both watches have listed what exists. */
  readonly synced: Effect.Effect<void>
  /** Whether both watches have listed what exists. */
  readonly isSynced: Effect.Effect<boolean>
  /** The cached (stripped) Job of that name, if the watch knows it. */
  readonly job: (name: string) => Effect.Effect<V1Job | undefined>
  /** The cached (stripped) Pod of that name, if the watch knows it. */
  readonly pod: (name: string) => Effect.Effect<V1Pod | undefined>
  /** Every cached Job. */
  readonly allJobs: Effect.Effect<ReadonlyArray<V1Job>>
  /** Every cached Pod. */
  readonly allPods: Effect.Effect<ReadonlyArray<V1Pod>>
}

/** Feeds `ClusterEvents.layerTest` by hand: each call is one watch event. */
export class ClusterEventsControl extends Context.Service<
  ClusterEventsControl,
  {
    readonly emitJob: (event: WatchEvent<V1Job>) => Effect.Effect<void>
    readonly emitPod: (event: WatchEvent<V1Pod>) => Effect.Effect<void>
  }
>()("agent-stack-k8s/ClusterEventsControl") {}

/** Builds the service from two never-failing event sources, in the current scope. */
export const makeClusterEvents = (
  jobSource: Stream.Stream<WatchEvent<V1Job>>,
  podSource: Stream.Stream<WatchEvent<V1Pod>>,
) =>
  Effect.gen(function* () {
    const jobs = yield* makeWatchHub(jobSource)
    const pods = yield* makeWatchHub(podSource)

    const shape: ClusterEventsShape = {
      jobs: jobs.events,
      pods: pods.events,
      synced: Effect.andThen(jobs.synced, pods.synced),
      isSynced: Effect.sync(() => jobs.isSynced() && pods.isSynced()),
      job: (name) => Effect.sync(() => jobs.cache.get(name)),
      pod: (name) => Effect.sync(() => pods.cache.get(name)),
      allJobs: Effect.sync(() => [...jobs.cache.values()]),
      allPods: Effect.sync(() => [...pods.cache.values()]),
    }
    return shape
  })

export interface ClusterEventsOptions {
  /** The controller's `id`; selects its Jobs and Pods (spec 1.4). */
  readonly controllerId: string
}

/** The shared Job and Pod watches of this process. */
export class ClusterEvents extends Context.Service<ClusterEvents, ClusterEventsShape>()(
  "agent-stack-k8s/ClusterEvents",
) {
  /** Watches through the `Kubernetes` service, selecting this controller's objects. */
  static readonly layer = (
    options: ClusterEventsOptions,
  ): Layer.Layer<ClusterEvents, never, Kubernetes> =>
    Layer.effect(
      ClusterEvents,
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const selector = controllerSelector(options.controllerId)
        return yield* makeClusterEvents(kube.watchJobs(selector), kube.watchPods(selector))
      }),
    )

  /**
   * Events fed by hand through `ClusterEventsControl`, for watchers tested without a
   * cluster. Nothing is synced until the test emits `{ _tag: "Synced" }` for both kinds.
   */
  static readonly layerTest: Layer.Layer<ClusterEvents | ClusterEventsControl> =
    Layer.effectContext(
      Effect.gen(function* () {
        const jobQueue = yield* Queue.unbounded<WatchEvent<V1Job>>()
        const podQueue = yield* Queue.unbounded<WatchEvent<V1Pod>>()
        const shape = yield* makeClusterEvents(
          Stream.fromQueue(jobQueue),
          Stream.fromQueue(podQueue),
        )
        const control = ClusterEventsControl.of({
          emitJob: (event) => Effect.asVoid(Queue.offer(jobQueue, event)),
          emitPod: (event) => Effect.asVoid(Queue.offer(podQueue, event)),
        })
        return Context.make(ClusterEvents, shape).pipe(Context.add(ClusterEventsControl, control))
      }),
    )
}
