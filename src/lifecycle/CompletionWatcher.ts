/**
 * Ends pods whose `agent` container has finished while other containers (sidecars added
 * by a patch, or containers the agent does not manage) keep them running: the Job gets
 * `activeDeadlineSeconds = default-termination-grace-period-seconds`, as the original
 * does. The deadline counts from the Job's start, so Kubernetes usually ends the Job at
 * once and stops the remaining containers with their grace period; the Job is marked
 * with the `buildkite.com/ended-by` annotation so this clean-up is told apart from a
 * user's deadline. Setting a deadline rather than deleting the pod keeps the Job, its
 * status and logs until `job-ttl`, and cannot make the Job controller start a new pod.
 */
import type { V1Pod } from "@kubernetes/client-node"
import { Effect } from "effect"
import type { KubernetesApi, WatchEvent } from "../kubernetes/Api.ts"
import * as Metrics from "../observability/Metrics.ts"
import { endJobByDeadline } from "./actions.ts"
import { agentFinishedPodAlive } from "./podChecks.ts"

export interface CompletionWatcher {
  readonly onEvent: (event: WatchEvent<V1Pod>) => Effect.Effect<void>
  readonly sweep: Effect.Effect<void>
}

export const makeCompletionWatcher = (
  kube: KubernetesApi,
  deadlineSeconds: number,
  concurrency: number,
): CompletionWatcher => {
  // Pod name → Job name, for pods whose agent finished and whose Job is not ended yet.
  const due = new Map<string, string>()
  const done = new Set<string>()

  const onEvent = (event: WatchEvent<V1Pod>): Effect.Effect<void> =>
    Effect.gen(function* () {
      if (event._tag === "Synced") return
      const name = event.object.metadata?.name ?? ""
      if (event._tag === "Deleted") {
        due.delete(name)
        done.delete(name)
        return
      }
      yield* Metrics.increment(
        event._tag === "Added"
          ? Metrics.completionWatcher.onAddEvents
          : Metrics.completionWatcher.onUpdateEvents,
      )
      const jobName = event.object.metadata?.labels?.["job-name"]
      if (done.has(name) || jobName === undefined) return
      if (agentFinishedPodAlive(event.object)) due.set(name, jobName)
    })

  const end = (pod: string, jobName: string) =>
    endJobByDeadline(kube, jobName, deadlineSeconds, "agent-finished").pipe(
      Effect.tap(() =>
        Effect.gen(function* () {
          due.delete(pod)
          done.add(pod)
          yield* Metrics.increment(Metrics.completionWatcher.cleanups)
          yield* Effect.logInfo("Set deadline on Job whose agent finished").pipe(
            Effect.annotateLogs({ job: jobName, pod }),
          )
        }),
      ),
      Effect.catch((error) =>
        Effect.andThen(
          Metrics.increment(Metrics.completionWatcher.cleanupErrors({ reason: error._tag })),
          Effect.logWarning("Failed to set deadline on Job, retrying next sweep").pipe(
            Effect.annotateLogs({ job: jobName, error: error.message }),
          ),
        ),
      ),
    )

  // Suspended: the entries are read at each sweep, not once when the watcher is built.
  const sweep = Effect.suspend(() =>
    Effect.forEach([...due.entries()], ([pod, jobName]) => end(pod, jobName), {
      concurrency,
      discard: true,
    }),
  )

  return { onEvent, sweep: Effect.suspend(() => sweep) }
}
