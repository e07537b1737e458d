/**
 * Removes the work of jobs cancelled on Buildkite before an agent started them: every
 * `job-cancel-checker-poll-interval` the states of all registered jobs (Jobs without a pod
 * yet, e.g. gated by Kueue or quota, and Jobs whose pod is Pending) are fetched in
 * requests of at most 1000, and the Jobs of the cancelled ones are deleted with Background
 * propagation and grace 0, so their pods go too and nothing is left behind.
 *
 * The deletes are collection deletes selected by job UUID, `uuidsPerSelector` jobs per
 * request: the shared client rate limiter (10 QPS by default) would otherwise spend 100 s
 * on 1,000 cancellations, one DELETE each, and starve Job creation meanwhile. The checker
 * stays polite: one pass at a time (a delete that failed is tried again on the next pass,
 * never stacked), a job whose delete is in flight is not sent again, at most
 * `deleteConcurrency` requests in flight, and Jobs already gone count as deleted.
 */
import { Array as Arr, Effect, Metric } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { KubernetesApi } from "../kubernetes/Api.ts"
import { jobUuidIn, uuidsPerSelector } from "../kubernetes/LabelSelector.ts"
import * as Metrics from "../observability/Metrics.ts"
import { cancelAction } from "./jobChecks.ts"

export interface CancelChecker {
  /** Watches `uuid`, whose Kubernetes Job is `jobName`, for cancellation. */
  readonly register: (uuid: string, jobName: string) => void
  readonly unregister: (uuid: string) => void
  readonly size: () => number
  /** One pass: fetch states, delete the cancelled, forget the started or over. */
  readonly check: Effect.Effect<void>
}

/** A registered job: its Buildkite UUID and the name of its Kubernetes Job. */
type Target = readonly [uuid: string, jobName: string]

export const makeCancelChecker = (
  kube: KubernetesApi,
  api: BuildkiteApiShape,
  deleteConcurrency: number,
): CancelChecker => {
  const targets = new Map<string, string>()
  const deleting = new Set<string>()

  /** Deletes the Jobs of one chunk of cancelled jobs with a single request. */
  const removeChunk = (chunk: ReadonlyArray<Target>) =>
    kube
      .deleteJobs(jobUuidIn(chunk.map(([uuid]) => uuid)), {
        propagation: "Background",
        gracePeriodSeconds: 0,
      })
      .pipe(
        Effect.tap(() =>
          Effect.gen(function* () {
            // Only forget a target if it was not replaced by a newer Job meanwhile.
            for (const [uuid, jobName] of chunk)
              if (targets.get(uuid) === jobName) targets.delete(uuid)
            yield* Metric.update(
              Metrics.jobWatcher.jobsForcefullyDeleted({ delete_reason: "job_cancelled" }),
              chunk.length,
            )
            yield* Effect.logInfo("Deleted Jobs of cancelled Buildkite jobs").pipe(
              Effect.annotateLogs({ count: chunk.length }),
            )
          }),
        ),
        Effect.catch((error) =>
          Effect.andThen(
            Metric.update(
              Metrics.jobWatcher.jobsForcefulDeletionErrors({
                delete_reason: "job_cancelled",
                error_reason: error._tag,
              }),
              chunk.length,
            ),
            Effect.logWarning(
              "Failed to delete Jobs of cancelled Buildkite jobs, retrying next pass",
            ).pipe(Effect.annotateLogs({ count: chunk.length, error: error.message })),
          ),
        ),
      )

  const check = Effect.gen(function* () {
    if (targets.size === 0) return
    const snapshot = [...targets.entries()]

    const states = yield* api
      .getJobStates(snapshot.map(([uuid]) => uuid))
      .pipe(
        Effect.catch((error) =>
          Effect.as(
            Effect.logWarning("Failed to get Buildkite job states for cancellation").pipe(
              Effect.annotateLogs({ error: error.message, count: snapshot.length }),
            ),
            {} as Readonly<Record<string, string>>,
          ),
        ),
      )

    const doomed: Array<Target> = []
    for (const [uuid, jobName] of snapshot) {
      const state = states[uuid]
      // Absent from the answer: unknown for now; the Job's own events will unregister it.
      if (state === undefined) continue
      const action = cancelAction(state)
      if (action === "delete" && !deleting.has(uuid)) doomed.push([uuid, jobName])
      else if (action === "forget") targets.delete(uuid)
    }
    yield* Effect.acquireUseRelease(
      Effect.sync(() => {
        for (const [uuid] of doomed) deleting.add(uuid)
      }),
      () =>
        Effect.forEach(Arr.chunksOf(doomed, uuidsPerSelector), removeChunk, {
          concurrency: deleteConcurrency,
          discard: true,
        }),
      () =>
        Effect.sync(() => {
          for (const [uuid] of doomed) deleting.delete(uuid)
        }),
    )
  })

  return {
    register: (uuid, jobName) => {
      targets.set(uuid, jobName)
    },
    unregister: (uuid) => {
      targets.delete(uuid)
    },
    size: () => targets.size,
    check,
  }
}
