/**
 * Removes the work of jobs cancelled on Buildkite before an agent started them: every
 * `job-cancel-checker-poll-interval` the states of all registered jobs (Jobs without a pod
 * yet, e.g. gated by Kueue or quota, and Jobs whose pod is Pending) are fetched in
 * requests of at most 1000, and each cancelled one has its Kubernetes Job deleted with
 * Background propagation and grace 0, so its pod goes too and nothing is left behind.
 *
 * Under a mass cancellation the checker stays polite: one pass at a time (a delete that
 * failed is tried again on the next pass, never stacked), at most `deleteConcurrency`
 * deletes in flight so Job creation is not starved behind the shared client rate limit,
 * and a delete of something already gone counts as done.
 */
import { Effect } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { KubernetesApi } from "../kubernetes/Api.ts"
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

export const makeCancelChecker = (
  kube: KubernetesApi,
  api: BuildkiteApiShape,
  deleteConcurrency: number,
): CancelChecker => {
  const targets = new Map<string, string>()

  const remove = (uuid: string, jobName: string) =>
    kube.deleteJob(jobName, { propagation: "Background", gracePeriodSeconds: 0 }).pipe(
      Effect.tap(() =>
        Effect.gen(function* () {
          // Only forget the target if it was not replaced by a newer Job meanwhile.
          if (targets.get(uuid) === jobName) targets.delete(uuid)
          yield* Metrics.increment(
            Metrics.jobWatcher.jobsForcefullyDeleted({ delete_reason: "job_cancelled" }),
          )
          yield* Effect.logInfo("Deleted Job of cancelled Buildkite job").pipe(
            Effect.annotateLogs({ jobUuid: uuid, job: jobName }),
          )
        }),
      ),
      Effect.catch((error) =>
        Effect.andThen(
          Metrics.increment(
            Metrics.jobWatcher.jobsForcefulDeletionErrors({
              delete_reason: "job_cancelled",
              error_reason: error._tag,
            }),
          ),
          Effect.logWarning(
            "Failed to delete Job of cancelled Buildkite job, retrying next pass",
          ).pipe(Effect.annotateLogs({ jobUuid: uuid, job: jobName, error: error.message })),
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

    const doomed: Array<readonly [string, string]> = []
    for (const [uuid, jobName] of snapshot) {
      const state = states[uuid]
      // Absent from the answer: unknown for now; the Job's own events will unregister it.
      if (state === undefined) continue
      const action = cancelAction(state)
      if (action === "delete") doomed.push([uuid, jobName])
      else if (action === "forget") targets.delete(uuid)
    }
    yield* Effect.forEach(doomed, ([uuid, jobName]) => remove(uuid, jobName), {
      concurrency: deleteConcurrency,
      discard: true,
    })
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
