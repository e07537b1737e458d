/**
 * Deletes finished Jobs once `job-ttl` has passed since they finished, even where
 * `ttlSecondsAfterFinished` does not act (no TTL controller, or a Job that lost the field).
 * Where the TTL controller works it usually gets there first; the delete is then a
 * NotFound, which counts as done.
 */
import type { V1Job } from "@kubernetes/client-node"
import { Clock, Effect } from "effect"
import type { KubernetesApi, WatchEvent } from "../kubernetes/Api.ts"
import { finishedAtMillis, isFinished, uuidOf } from "./jobChecks.ts"

export interface JobCleanup {
  readonly onEvent: (event: WatchEvent<V1Job>) => Effect.Effect<void>
  readonly sweep: Effect.Effect<void>
  readonly trackedCount: () => number
}

export const makeJobCleanup = (
  kube: KubernetesApi,
  ttlMillis: number,
  concurrency: number,
): JobCleanup => {
  // Job name → when it finished; bounded by the finished Jobs that still exist.
  const finished = new Map<string, number>()

  const onEvent = (event: WatchEvent<V1Job>): Effect.Effect<void> =>
    Effect.gen(function* () {
      if (event._tag === "Synced" || uuidOf(event.object) === undefined) return
      const name = event.object.metadata?.name ?? ""
      if (event._tag === "Deleted") {
        finished.delete(name)
        return
      }
      if (!isFinished(event.object) || finished.has(name)) return
      finished.set(name, finishedAtMillis(event.object) ?? (yield* Clock.currentTimeMillis))
    })

  const sweep = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const expired = [...finished.entries()].filter(([, at]) => now - at >= ttlMillis)
    yield* Effect.forEach(
      expired,
      ([name]) =>
        kube.deleteJob(name, { propagation: "Background" }).pipe(
          Effect.tap(() =>
            Effect.andThen(
              Effect.sync(() => finished.delete(name)),
              Effect.logInfo("Deleted finished Job after its TTL").pipe(
                Effect.annotateLogs({ job: name }),
              ),
            ),
          ),
          Effect.catch((error) =>
            Effect.logWarning("Failed to delete finished Job, retrying next sweep").pipe(
              Effect.annotateLogs({ job: name, error: error.message }),
            ),
          ),
        ),
      { concurrency, discard: true },
    )
  })

  return { onEvent, sweep, trackedCount: () => finished.size }
}
