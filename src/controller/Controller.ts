/**
 * The controller: start-up, the queues' pipelines on the shared watches and creation
 * pool, and graceful shutdown. Shutdown runs as the scope closes, in this order: polling
 * stops, creations under way get `shutdown-grace-period` to finish, queued notifications
 * are flushed, each stack is deregistered (5 s at most).
 */
import { Context, Duration, Effect, Layer, type Scope } from "effect"
import { BuildkiteApi } from "../buildkite/BuildkiteApi.ts"
import { Notifier } from "../buildkite/Notifier.ts"
import type { ClusterEvents } from "../cluster/ClusterEvents.ts"
import type { ControllerConfig } from "../config/ControllerConfig.ts"
import type { Kubernetes } from "../kubernetes/Kubernetes.ts"
import { runLifecycle } from "../lifecycle/Lifecycle.ts"
import * as Metrics from "../observability/Metrics.ts"
import { Readiness } from "../observability/Readiness.ts"
import type { PodSpecBuilder } from "../podspec/PodSpecBuilder.ts"
import { version } from "../version.ts"
import type { StackSide } from "./CreateJob.ts"
import { makeCreationPool } from "./CreationPool.ts"
import { type PermanentPollFailure, StartupFailure } from "./errors.ts"
import { InFlight, recordMaxInFlight } from "./InFlight.ts"
import { lifecycleApi } from "./LifecycleApi.ts"
import { runQueue } from "./QueuePipeline.ts"
import { StackApis } from "./StackApis.ts"
import { checkTokenIdentity, type QueueSpec, queueSpecs, readAgentToken } from "./Startup.ts"
import { isDefaultQueue } from "./Tags.ts"

/** How long deregistration may take at shutdown. */
export const deregisterTimeoutMillis = 5_000

/** The readiness check of the Kubernetes watches. */
export const watchesCheck = "watches"
/** The readiness check of a queue's stack registration. */
export const stackCheck = (queue: string) => `stack:${queue}`

/** Everything the pipeline runs on; the program provides these as Layers. */
export type ControllerServices =
  | Kubernetes
  | ClusterEvents
  | InFlight
  | PodSpecBuilder
  | Readiness
  | StackApis

/**
 * Which Jobs count against a queue's limit. With one queue, every Job of this controller;
 * with several, those whose queue label names the queue (Jobs of the default queue carry
 * no queue label, or one naming no other served queue).
 */
const countsFor = (spec: QueueSpec, all: ReadonlyArray<QueueSpec>) => {
  if (all.length === 1) return undefined
  const others = new Set(all.filter((other) => other !== spec).map((other) => other.queue))
  return isDefaultQueue(spec.queue)
    ? (label: string | undefined) => label === undefined || !others.has(label)
    : (label: string | undefined) => label === spec.queue
}

/** Registers one queue's stack, deregistering it when the scope closes. */
const openStack = (
  config: ControllerConfig,
  spec: QueueSpec,
  token: Parameters<StackApis["Service"]["make"]>[1],
) =>
  Effect.gen(function* () {
    const apis = yield* StackApis
    const readiness = yield* Readiness
    const api = yield* apis.make(spec.stackKey, token)
    yield* readiness.register(stackCheck(spec.queue))

    yield* Effect.acquireRelease(
      api.registerStack({
        key: spec.stackKey,
        queueKey: spec.queue,
        metadata: { version, namespace: config.namespace },
      }),
      () =>
        api.deregisterStack.pipe(
          Effect.timeout(Duration.millis(deregisterTimeoutMillis)),
          Effect.tap(() => Effect.logInfo("Deregistered stack")),
          Effect.catch((error) =>
            Effect.logWarning("Failed to deregister stack").pipe(
              Effect.annotateLogs({ error: String(error) }),
            ),
          ),
          Effect.annotateLogs({ stackKey: spec.stackKey, queue: spec.queue }),
        ),
    ).pipe(
      Effect.mapError(
        (error) =>
          new StartupFailure({
            step: "register stack",
            message: `Buildkite refused to register stack ${JSON.stringify(spec.stackKey)} for queue ${JSON.stringify(spec.queue)}: ${error.message}`,
          }),
      ),
    )
    yield* readiness.ready(stackCheck(spec.queue))
    yield* Effect.logInfo("Registered stack").pipe(
      Effect.annotateLogs({ stackKey: spec.stackKey, queue: spec.queue }),
    )

    // Built after registration, so its final flush runs before deregistration.
    const notifierContext = yield* Layer.build(
      Notifier.layer.pipe(Layer.provide(Layer.succeed(BuildkiteApi, api))),
    )
    const notifier = Context.get(notifierContext, Notifier)
    const side: StackSide & { readonly notifier: Notifier["Service"] } = {
      api,
      notifier,
      notify: notifier.notify,
      queue: spec.queue,
      reservationExpirySeconds: config.reservationExpirySeconds,
      prohibitKubernetesPlugin: config.prohibitKubernetesPlugin,
    }
    return side
  })

/**
 * Runs the controller until interrupted or until a permanent failure. Shutdown happens
 * when the returned effect's scope closes.
 */
export const runController = (
  config: ControllerConfig,
): Effect.Effect<void, StartupFailure | PermanentPollFailure, ControllerServices | Scope.Scope> =>
  Effect.gen(function* () {
    const apis = yield* StackApis
    const readiness = yield* Readiness
    const inFlight = yield* InFlight

    const token = yield* readAgentToken(config)
    const specs = queueSpecs(config)
    const first = specs[0]
    if (first === undefined) return
    const identity = yield* checkTokenIdentity(yield* apis.make(first.stackKey, token))
    yield* Effect.logInfo("Starting controller").pipe(
      Effect.annotateLogs({
        cluster: identity.clusterName,
        organization: identity.organizationSlug,
        namespace: config.namespace,
        queues: specs.map((spec) => spec.queue).join(","),
        stacks: specs.map((spec) => spec.stackKey).join(","),
      }),
    )

    const stacks = yield* Effect.forEach(specs, (spec) => openStack(config, spec, token))

    yield* readiness.register(watchesCheck)
    yield* inFlight.synced
    yield* readiness.ready(watchesCheck)
    const limit = specs.reduce((sum, spec) => sum + spec.maxInFlight, 0)
    yield* recordMaxInFlight(limit)
    // The original's token bucket, read off the cluster-derived count; no bucket when any
    // queue is unlimited.
    if (specs.every((spec) => spec.maxInFlight > 0)) {
      yield* Metrics.gaugeFromCallback(Metrics.limiter.tokensAvailable, () =>
        Math.max(0, limit - inFlight.unfinished()),
      )
    }

    // The watchers that act on Jobs once they exist: failures, cancellation, clean-up.
    const [head, ...others] = stacks
    if (head !== undefined) {
      yield* runLifecycle(config).pipe(
        Effect.provideService(
          BuildkiteApi,
          lifecycleApi(
            head.api,
            others.map((s) => s.api),
          ),
        ),
        Effect.provideService(Notifier, head.notifier),
        Effect.forkScoped,
      )
    }

    // Registered last, so it runs first at shutdown: creations finish before the flush.
    const pool = yield* makeCreationPool(config.jobCreationConcurrency)
    yield* Metrics.gaugeFromCallback(Metrics.limiter.workQueueLength, pool.pending)
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        const pending = pool.pending()
        if (pending === 0) return
        yield* Effect.logInfo("Waiting for Job creations to finish").pipe(
          Effect.annotateLogs({ pending }),
        )
        const finished = yield* pool.drain(config.shutdownGracePeriodMillis)
        if (!finished) {
          yield* Effect.logWarning("Abandoned Job creations at shutdown").pipe(
            Effect.annotateLogs({ pending: pool.pending() }),
          )
        }
      }),
    )

    yield* Effect.forEach(
      specs,
      (spec, index) => {
        const stack = stacks[index]
        if (stack === undefined) return Effect.void
        const countsJob = countsFor(spec, specs)
        return runQueue(
          stack,
          {
            queue: spec.queue,
            tags: spec.tags,
            maxInFlight: spec.maxInFlight,
            workQueueLimit: config.workQueueLimit,
            pollIntervalMillis: config.pollIntervalMillis,
            pageSize: config.paginationPageSize,
            depthLimit: config.paginationDepthLimit,
            enableQueuePause: config.enableQueuePause,
            ...(countsJob === undefined ? {} : { countsJob }),
          },
          pool,
        )
      },
      { concurrency: "unbounded", discard: true },
    )
  })
