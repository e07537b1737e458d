/**
 * Turns list + watch into a stream of typed events that never fails: list, watch from the
 * list's resourceVersion, watch again after a clean close, relist after 410 Gone, and after
 * any other error wait (capped, jittered exponential backoff) and resume. The stream
 * remembers what the consumer has seen, so a relist emits only differences and a replayed
 * event is dropped: every change reaches the consumer exactly once.
 */
import type { KubernetesObject } from "@kubernetes/client-node"
import { Duration, Effect, Queue, Random, Stream } from "effect"
import type { ListWatch, RawWatchEvent, WatchEvent } from "./Api.ts"
import type { KubernetesError } from "./errors.ts"

export interface InformerOptions<A> {
  /** Resource name for logs, e.g. `jobs`. */
  readonly resource: string
  /** Applied to every object before it is kept or emitted. */
  readonly strip: (object: A) => A
  /** First retry delay after an error; doubles up to `maxBackoff`. Default 500 ms. */
  readonly initialBackoff?: Duration.Input
  /** Longest wait between retries. Default 30 s. */
  readonly maxBackoff?: Duration.Input
}

const nameOf = (object: KubernetesObject): string => object.metadata?.name ?? ""
const versionOf = (object: KubernetesObject): string => object.metadata?.resourceVersion ?? ""

/** Delay before retry number `attempt` (0-based): doubling, capped, times 0.8–1.2. */
export const backoffMillis = (
  attempt: number,
  initial: number,
  max: number,
  jitter: number,
): number => Math.min(max, initial * 2 ** Math.min(attempt, 30)) * (0.8 + 0.4 * jitter)

/** Builds the never-failing event stream of one resource. */
export const informer = <A extends KubernetesObject>(
  source: ListWatch<A>,
  options: InformerOptions<A>,
): Stream.Stream<WatchEvent<A>> =>
  Stream.callback<WatchEvent<A>>((queue) =>
    Effect.gen(function* () {
      const initial = Duration.toMillis(Duration.fromInputUnsafe(options.initialBackoff ?? 500))
      const max = Duration.toMillis(Duration.fromInputUnsafe(options.maxBackoff ?? 30_000))
      const seen = new Map<string, A>()
      let synced = false
      let resourceVersion: string | undefined
      let attempt = 0

      const offer = (event: WatchEvent<A>) => Queue.offer(queue, event)

      const relist = Effect.gen(function* () {
        const listed = yield* source.list
        const present = new Set<string>()
        for (const raw of listed.items) {
          const object = options.strip(raw)
          const name = nameOf(object)
          present.add(name)
          const previous = seen.get(name)
          seen.set(name, object)
          if (previous === undefined) yield* offer({ _tag: "Added", object, initialList: !synced })
          else if (versionOf(previous) !== versionOf(object))
            yield* offer({ _tag: "Modified", previous, object })
        }
        for (const [name, object] of seen) {
          if (present.has(name)) continue
          seen.delete(name)
          yield* offer({ _tag: "Deleted", object })
        }
        if (!synced) {
          synced = true
          yield* offer({ _tag: "Synced" })
        }
        resourceVersion = listed.resourceVersion
        attempt = 0
      })

      const apply = (event: RawWatchEvent<A>) =>
        Effect.gen(function* () {
          const object = options.strip(event.object)
          const version = versionOf(object)
          if (version !== "") resourceVersion = version
          attempt = 0
          if (event.type === "BOOKMARK") return
          const name = nameOf(object)
          const previous = seen.get(name)
          if (event.type === "DELETED") {
            if (previous === undefined) return
            seen.delete(name)
            return yield* offer({ _tag: "Deleted", object })
          }
          // An event whose version the consumer already saw is a replay: drop it.
          if (previous !== undefined && versionOf(previous) === version) return
          seen.set(name, object)
          if (previous === undefined)
            return yield* offer({ _tag: "Added", object, initialList: false })
          return yield* offer({ _tag: "Modified", previous, object })
        })

      const backoff = (error: KubernetesError) =>
        Effect.gen(function* () {
          const jitter = yield* Random.next
          const delay = backoffMillis(attempt, initial, max, jitter)
          attempt++
          yield* Effect.logWarning("Failed to watch resources, retrying").pipe(
            Effect.annotateLogs({
              resource: options.resource,
              error: error._tag,
              message: error.message,
              delay,
            }),
          )
          yield* Effect.sleep(delay)
        })

      const step: Effect.Effect<void> = Effect.suspend(() =>
        resourceVersion === undefined
          ? relist
          : Stream.runForEach(source.watch(resourceVersion), apply).pipe(
              Effect.catchTag("Gone", () => {
                resourceVersion = undefined
                return Effect.void
              }),
            ),
      ).pipe(Effect.catch(backoff))

      return yield* Effect.forever(step)
    }),
  )
