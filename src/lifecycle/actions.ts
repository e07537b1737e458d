/**
 * The effects the watchers share: failing a Buildkite job, ending a Kubernetes Job by
 * deadline, and fetching the Events block. Each returns a plain outcome instead of
 * failing, so one job's trouble never stops a sweep.
 */
import type { V1Job } from "@kubernetes/client-node"
import { Clock, Effect, Schedule } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { KubernetesApi } from "../kubernetes/Api.ts"
import { eventsUnavailable, renderEvents } from "./eventsBlock.ts"

/** Annotation saying why the controller set a Job's deadline (`agent-finished` …). */
export const endedByAnnotation = "buildkite.com/ended-by"

/** The outcome of failing a job on Buildkite. */
export type FinishOutcome = "finished" | "permanent" | "transient"

/** Fails the Buildkite job with `detail`; logs and classifies any error. */
export const failJob = (
  api: BuildkiteApiShape,
  uuid: string,
  detail: string,
): Effect.Effect<FinishOutcome> =>
  api.finishJob(uuid, detail).pipe(
    Effect.as("finished" as const),
    Effect.tap(() =>
      Effect.logInfo("Failed Buildkite job").pipe(Effect.annotateLogs({ jobUuid: uuid })),
    ),
    Effect.catch((error) =>
      Effect.as(
        Effect.logWarning("Failed to fail Buildkite job").pipe(
          Effect.annotateLogs({ jobUuid: uuid, error: error.message, retryable: error.retryable }),
        ),
        error.retryable ? ("transient" as const) : ("permanent" as const),
      ),
    ),
  )

/** Retries only conflicts (another writer updated the Job between our GET and PUT). */
const onConflict = Schedule.recurs(4).pipe(
  Schedule.setInputType<{ readonly _tag: string }>(),
  Schedule.while(({ input }) => input._tag === "Conflict"),
)

/**
 * Sets `activeDeadlineSeconds` on the live Job (GET, then update, again on conflict), so
 * Kubernetes fails it and stops its pod with the pod's grace period. The annotation tells
 * this clean-up apart from a user's own deadline. A Job already gone counts as ended.
 */
export const endJobByDeadline = (
  kube: KubernetesApi,
  name: string,
  deadlineSeconds: number,
  reason: string,
): Effect.Effect<"ended" | "gone", { readonly _tag: string; readonly message: string }> =>
  Effect.gen(function* () {
    const live = yield* kube.getJob(name)
    const current = live.spec?.activeDeadlineSeconds
    if (current !== undefined && current <= deadlineSeconds) return "ended" as const
    const updated: V1Job = {
      ...live,
      metadata: {
        ...live.metadata,
        annotations: { ...live.metadata?.annotations, [endedByAnnotation]: reason },
      },
      spec: { ...(live.spec ?? { template: {} }), activeDeadlineSeconds: deadlineSeconds },
    }
    yield* kube.updateJob(updated)
    return "ended" as const
  }).pipe(
    Effect.retry(onConflict),
    Effect.catchTag("NotFound", () => Effect.succeed("gone" as const)),
  )

/** The Events block of a Job, or the line saying why it could not be listed. */
export const eventsOf = (kube: KubernetesApi, jobName: string): Effect.Effect<string> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    return yield* kube.listEvents({ kind: "Job", name: jobName }).pipe(
      Effect.map((events) => renderEvents(events, now)),
      Effect.catch((error) => Effect.succeed(eventsUnavailable(jobName, error.message))),
    )
  })

/** Logs and swallows whatever a sweep raised, so the loop goes on. */
export const survive =
  (what: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<void, never, R> =>
    self.pipe(
      Effect.asVoid,
      Effect.catchCause((cause) =>
        Effect.logError("Failed a lifecycle sweep, continuing").pipe(
          Effect.annotateLogs({ sweep: what, cause: String(cause) }),
        ),
      ),
    )
