/**
 * Leader election on a `coordination.k8s.io` Lease, so several replicas can run and only
 * one of them acts. `whileLeader(program)` runs `program` while this replica holds the
 * Lease and interrupts it as soon as leadership is lost (renewal failing for longer than
 * the renew deadline); when the lease is won again the program starts afresh, rebuilding
 * its view from the cluster and Buildkite.
 *
 * `layer` campaigns in the background for as long as its scope is open; `layerTest` and
 * `layerDisabled` make this replica the leader at once (a single replica).
 */
import { hostname } from "node:os"
import type { V1Lease } from "@kubernetes/client-node"
import { Clock, Context, Deferred, Effect, Layer, Metric, Option, Random, Ref } from "effect"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import * as Metrics from "../observability/Metrics.ts"
import { Readiness } from "../observability/Readiness.ts"
import { heldBy, mayTake, newLease, type Observed, observe, released } from "./leaderLease.ts"

export interface LeaderElectionOptions {
  /** Name of the Lease in the Kubernetes service's namespace. */
  readonly leaseName: string
  /** This replica's identity (see `makeIdentity`). */
  readonly identity: string
  /** How long a Lease lasts without renewal (default 15 s). */
  readonly leaseDurationMillis: number
  /** How long the leader keeps failing to renew before it stops acting (default 10 s). */
  readonly renewDeadlineMillis: number
  /** Time between attempts to take or renew the Lease (default 2 s). */
  readonly retryPeriodMillis: number
  /** Clear the holder when the layer's scope closes, so a standby takes over at once. */
  readonly releaseOnStop?: boolean
}

/** The readiness check this service reports. */
export const leaderCheck = "leader"

/** `<pod name or hostname>_<random suffix>`: unique even when a pod name is reused. */
export const makeIdentity: Effect.Effect<string> = Effect.map(
  Random.nextIntBetween(0, 0x1000000),
  (suffix) => `${process.env.POD_NAME ?? hostname()}_${suffix.toString(16).padStart(6, "0")}`,
)

/** The Lease name for a controller `id` (empty `id` ⇒ the plain name). */
export const leaseNameFor = (id: string): string =>
  id === "" ? "agent-stack-k8s-leader" : `agent-stack-k8s-leader-${id}`

/** Runs work only on the replica that holds the leader Lease. */
export class LeaderElection extends Context.Service<
  LeaderElection,
  {
    readonly identity: string
    /** Whether this replica holds the Lease now. */
    readonly isLeader: Effect.Effect<boolean>
    /**
     * Runs `program` whenever this replica leads, interrupting it when leadership is lost
     * and starting it again when it is regained. Ends with `program`'s own result or error.
     */
    readonly whileLeader: <A, E, R>(program: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  }
>()("agent-stack-k8s/LeaderElection") {
  /** Campaigns for the Lease in the background while the layer's scope is open. */
  static readonly layer = (
    options: LeaderElectionOptions,
  ): Layer.Layer<LeaderElection, never, Kubernetes | Readiness> =>
    Layer.effect(LeaderElection, makeLeaderElection(options))

  /** Always the leader: a single replica, or leader election turned off. */
  static readonly layerDisabled: Layer.Layer<LeaderElection> = Layer.succeed(
    LeaderElection,
    LeaderElection.of({
      identity: "single-replica",
      isLeader: Effect.succeed(true),
      whileLeader: (program) => program,
    }),
  )

  /** The double: always the leader. */
  static readonly layerTest: Layer.Layer<LeaderElection> = LeaderElection.layerDisabled
}

/** One period of leadership; `lost` completes when it ends. */
interface Term {
  readonly lost: Deferred.Deferred<void>
}

const makeLeaderElection = (options: LeaderElectionOptions) =>
  Effect.gen(function* () {
    const kube = yield* Kubernetes
    const readiness = yield* Readiness
    const annotations = { lease: options.leaseName, identity: options.identity }

    let observed: Observed | undefined
    let lastRenewMillis = 0
    let latest: V1Lease | undefined
    const term = yield* Ref.make<Term | undefined>(undefined)
    const started = yield* Deferred.make<Term>()
    let waiters = started

    yield* readiness.register(leaderCheck)
    yield* Metric.update(Metrics.controller.leaderIsLeader, 0)

    // One attempt to take or renew the Lease: true when this replica holds it afterwards.
    const attempt = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const current = yield* kube.getLease(options.leaseName).pipe(
        Effect.map(Option.some),
        Effect.catchTag("NotFound", () => Effect.succeed(Option.none<V1Lease>())),
      )
      if (Option.isNone(current)) {
        latest = yield* kube.createLease(
          newLease(options.leaseName, options.identity, now, options.leaseDurationMillis),
        )
        return true
      }
      observed = observe(observed, current.value, now)
      if (!mayTake(current.value, observed, options.identity, now, options.leaseDurationMillis)) {
        latest = current.value
        return false
      }
      // A Conflict here means another replica wrote first; it wins this round.
      latest = yield* kube.updateLease(
        heldBy(current.value, options.identity, now, options.leaseDurationMillis),
      )
      return true
    })

    const becomeLeader = Effect.gen(function* () {
      const lost = yield* Deferred.make<void>()
      const next: Term = { lost }
      yield* Ref.set(term, next)
      yield* Metric.update(Metrics.controller.leaderIsLeader, 1)
      yield* Effect.logInfo("Acquired leader lease").pipe(Effect.annotateLogs(annotations))
      const toWake = waiters
      waiters = yield* Deferred.make<Term>()
      yield* Deferred.succeed(toWake, next)
    })

    const stepDown = (reason: string) =>
      Effect.gen(function* () {
        const current = yield* Ref.getAndSet(term, undefined)
        if (current === undefined) return
        yield* Metric.update(Metrics.controller.leaderIsLeader, 0)
        yield* Effect.logWarning("Lost leader lease").pipe(
          Effect.annotateLogs({ ...annotations, reason }),
        )
        yield* Deferred.succeed(current.lost, undefined)
      })

    const round = Effect.gen(function* () {
      const leading = (yield* Ref.get(term)) !== undefined
      const now = yield* Clock.currentTimeMillis
      const outcome = yield* Effect.result(attempt)
      if (outcome._tag === "Success") {
        yield* readiness.ready(leaderCheck)
        if (outcome.success) {
          lastRenewMillis = now
          if (!leading) yield* becomeLeader
        } else if (leading) yield* stepDown("another replica holds the lease")
        return
      }
      const error = outcome.failure
      yield* Effect.logDebug("Failed to take or renew leader lease").pipe(
        Effect.annotateLogs({ ...annotations, error: error.message }),
      )
      if (leading && now - lastRenewMillis >= options.renewDeadlineMillis) {
        yield* stepDown(`renewal failed for ${options.renewDeadlineMillis} ms: ${error.message}`)
      }
      if (!leading && error._tag !== "Conflict") {
        yield* readiness.notReady(leaderCheck, `cannot reach the leader lease: ${error.message}`)
      }
    })

    yield* round.pipe(
      Effect.andThen(Effect.sleep(options.retryPeriodMillis)),
      Effect.forever,
      Effect.forkScoped,
    )

    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        const wasLeading = (yield* Ref.get(term)) !== undefined
        yield* stepDown("stopping")
        if (!wasLeading || options.releaseOnStop === false || latest === undefined) return
        yield* kube.updateLease(released(latest)).pipe(
          Effect.tap(() =>
            Effect.logInfo("Released leader lease").pipe(Effect.annotateLogs(annotations)),
          ),
          Effect.catch((error) =>
            Effect.logWarning("Failed to release leader lease").pipe(
              Effect.annotateLogs({ ...annotations, error: error.message }),
            ),
          ),
        )
      }),
    )

    const awaitTerm: Effect.Effect<Term> = Effect.flatMap(Ref.get(term), (current) =>
      current === undefined
        ? Effect.suspend(() => Deferred.await(waiters))
        : Effect.succeed(current),
    )

    const whileLeader = <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.gen(function* () {
        while (true) {
          const current = yield* awaitTerm
          const result = yield* Effect.raceFirst(
            Effect.map(program, Option.some),
            Effect.as(Deferred.await(current.lost), Option.none<A>()),
          )
          if (Option.isSome(result)) return result.value
          yield* Effect.logWarning("Stopped work after losing leadership").pipe(
            Effect.annotateLogs(annotations),
          )
        }
      })

    return LeaderElection.of({
      identity: options.identity,
      isLeader: Effect.map(Ref.get(term), (current) => current !== undefined),
      whileLeader,
    })
  })
