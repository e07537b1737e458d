/**
 * One watch fanned out to many subscribers: the events of a never-failing watch Stream
 * are applied to a cache of (stripped) objects and published to every subscriber. A new
 * subscriber first gets the cache as `Added` events (`initialList: true`), then `Synced`
 * once the watch has listed, then every later event, each exactly once: events carry a
 * sequence number, and those already covered by the snapshot are dropped.
 */
import type { KubernetesObject } from "@kubernetes/client-node"
import { Deferred, Effect, PubSub, type Scope, Stream } from "effect"
import type { WatchEvent } from "../kubernetes/Api.ts"

/** A cache kept up to date by one watch, with a Stream of its events per subscriber. */
export interface WatchHub<A> {
  /** Cached objects by name, as the watch last reported them. */
  readonly cache: ReadonlyMap<string, A>
  /** Completes once the watch has listed every existing object. */
  readonly synced: Effect.Effect<void>
  /** Whether the initial list has been seen. */
  readonly isSynced: () => boolean
  /** The cache as `Added` events, `Synced` when listed, then every later event. */
  readonly events: Stream.Stream<WatchEvent<A>>
}

interface Envelope<A> {
  readonly sequence: number
  readonly event: WatchEvent<A>
}

const nameOf = (object: KubernetesObject): string => object.metadata?.name ?? ""

/**
 * Runs `source` in a fiber of the current scope and serves its events. The fiber ends
 * when the scope closes; `source` never fails (see `src/kubernetes/Informer.ts`).
 */
export const makeWatchHub = <A extends KubernetesObject>(
  source: Stream.Stream<WatchEvent<A>>,
): Effect.Effect<WatchHub<A>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const cache = new Map<string, A>()
    const pubsub = yield* PubSub.unbounded<Envelope<A>>()
    const synced = yield* Deferred.make<void>()
    let sequence = 0
    let isSynced = false

    // Cache update and publication happen in one synchronous step, so a subscriber's
    // snapshot and its subscription can be lined up by sequence number.
    const apply = (event: WatchEvent<A>) =>
      Effect.suspend(() => {
        sequence++
        if (event._tag === "Deleted") cache.delete(nameOf(event.object))
        else if (event._tag !== "Synced") cache.set(nameOf(event.object), event.object)
        PubSub.publishUnsafe(pubsub, { sequence, event })
        if (event._tag !== "Synced" || isSynced) return Effect.void
        isSynced = true
        return Deferred.succeed(synced, undefined)
      })

    yield* Stream.runForEach(source, apply).pipe(Effect.forkScoped)

    const events: Stream.Stream<WatchEvent<A>> = Stream.unwrap(
      Effect.gen(function* () {
        const subscription = yield* PubSub.subscribe(pubsub)
        const at = sequence
        const snapshot: Array<WatchEvent<A>> = [...cache.values()].map((object) => ({
          _tag: "Added",
          object,
          initialList: true,
        }))
        if (isSynced) snapshot.push({ _tag: "Synced" })
        const live = Stream.fromSubscription(subscription).pipe(
          Stream.filter((envelope) => envelope.sequence > at),
          Stream.map((envelope) => envelope.event),
        )
        return Stream.concat(Stream.fromIterable(snapshot), live)
      }),
    )

    return {
      cache,
      synced: Deferred.await(synced),
      isSynced: () => isSynced,
      events,
    }
  })
