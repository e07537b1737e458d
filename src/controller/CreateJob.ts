/**
 * One reserved job's way to a Kubernetes Job: re-validate the reservation, fetch the
 * details, parse, choose the base PodSpec (fetching a named PodTemplate), build, create,
 * notify. Every failure the job itself causes is reported to Buildkite with the original's
 * message; every other failure is logged and the job is left for a later poll. Never
 * fails: one bad job never stops the pipeline.
 */
import type { V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Clock, Effect, Metric, Result } from "effect"
import { stringify as toYaml } from "yaml"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import type { ScheduledJob } from "../buildkite/model.ts"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import * as Metrics from "../observability/Metrics.ts"
import { basePodSpecSource } from "../podspec/buildJob.ts"
import type { ParsedJob } from "../podspec/JobInput.ts"
import { PodSpecBuilder } from "../podspec/PodSpecBuilder.ts"
import { parseJob } from "../podspec/parseJob.ts"
import {
  buildFailure,
  createdNotification,
  parseFailure,
  podTemplateFailure,
  rejectionFailure,
} from "./FailureMessages.ts"
import { stillReserved } from "./Revalidate.ts"

/** How a job's creation ended. */
export type CreateOutcome =
  | "Created"
  /** The Job existed already (a previous attempt or another replica made it). */
  | "AlreadyExists"
  /** The job could not run; Buildkite was told why. */
  | "FailedOnBuildkite"
  /** The reservation was lost; a later poll may see the job again. */
  | "LostReservation"
  /** A transient failure; a later poll sees the job again once its reservation lapses. */
  | "Error"

/** What the creation path needs of one queue's stack. */
export interface StackSide {
  readonly api: BuildkiteApiShape
  readonly notify: (jobUuid: string, detail: string) => Effect.Effect<void>
  readonly queue: string
  readonly reservationExpirySeconds: number
  readonly prohibitKubernetesPlugin: boolean
}

/** A job this stack reserved, with the times its latency and expiry are measured from. */
export interface ReservedJob {
  readonly job: ScheduledJob
  readonly polledAtMillis: number
  readonly reservedAtMillis: number
}

/** A job the controller refuses to run, with the detail Buildkite shows. */
interface Refusal {
  readonly _tag: "Refusal"
  readonly detail: string
}
const refusal = (detail: string): Refusal => ({ _tag: "Refusal", detail })

const failOnBuildkite = (stack: StackSide, uuid: string, detail: string) =>
  stack.api.finishJob(uuid, detail).pipe(
    Effect.tap(() => Metrics.increment(Metrics.scheduler.jobsFailedOnBuildkite)),
    Effect.tap(() =>
      Effect.logWarning("Failed job on Buildkite").pipe(Effect.annotateLogs({ detail })),
    ),
    Effect.catch((error) =>
      Metrics.increment(Metrics.scheduler.jobFailOnBuildkiteErrors).pipe(
        Effect.andThen(
          Effect.logError("Failed to fail job on Buildkite").pipe(
            Effect.annotateLogs({ error: error.message, detail }),
          ),
        ),
      ),
    ),
    Effect.as<CreateOutcome>("FailedOnBuildkite"),
  )

const basePodSpec = (job: ParsedJob) =>
  Effect.gen(function* () {
    const source = basePodSpecSource(job)
    if (source._tag === "Plugin") return source.podSpec
    if (source._tag === "Empty") return { containers: [] } satisfies V1PodSpec
    const kube = yield* Kubernetes
    const template = yield* kube
      .getPodTemplate(source.name)
      .pipe(Effect.mapError((error) => refusal(podTemplateFailure(source.name, error.message))))
    const spec = template.template?.spec
    if (spec === undefined) {
      return yield* Effect.fail(
        refusal(podTemplateFailure(source.name, "the PodTemplate has no template.spec")),
      )
    }
    return spec
  })

const create = (stack: StackSide, reserved: ReservedJob, built: V1Job) =>
  Effect.gen(function* () {
    const kube = yield* Kubernetes
    const uuid = reserved.job.id
    const name = built.metadata?.name ?? ""
    yield* Metrics.increment(Metrics.scheduler.jobCreateCalls)
    const result = yield* Effect.result(kube.createJob(built))
    if (Result.isSuccess(result)) {
      const now = yield* Clock.currentTimeMillis
      yield* Metrics.increment(Metrics.scheduler.jobCreateSuccess)
      yield* Metric.update(
        Metrics.scheduler.jobEndToEndSeconds,
        (now - reserved.polledAtMillis) / 1000,
      )
      yield* stack.notify(uuid, createdNotification)
      yield* Effect.logInfo("Created Job").pipe(Effect.annotateLogs({ job: name }))
      return "Created" as const
    }
    const error = result.failure
    yield* Metrics.increment(Metrics.scheduler.jobCreateErrors({ reason: error._tag }))
    if (error._tag === "AlreadyExists") {
      yield* Effect.logWarning("Skipped Job that already exists").pipe(
        Effect.annotateLogs({ job: name }),
      )
      return "AlreadyExists" as const
    }
    if (error._tag === "Invalid") {
      return yield* failOnBuildkite(stack, uuid, rejectionFailure(error.message, toYaml(built)))
    }
    yield* Effect.logWarning("Failed to create Job").pipe(
      Effect.annotateLogs({ job: name, error: error._tag, message: error.message }),
    )
    return "Error" as const
  })

/** Takes one reserved job to a created Job, or reports why it cannot run. */
export const createJobFor = (
  stack: StackSide,
  reserved: ReservedJob,
): Effect.Effect<CreateOutcome, never, Kubernetes | PodSpecBuilder> =>
  Effect.gen(function* () {
    const builder = yield* PodSpecBuilder
    const uuid = reserved.job.id

    const valid = yield* stillReserved(
      stack.api,
      uuid,
      reserved.reservedAtMillis,
      stack.reservationExpirySeconds,
    )
    if (!valid) return "LostReservation" as const

    const details = yield* Effect.result(stack.api.getJob(uuid))
    if (Result.isFailure(details)) {
      yield* Effect.logWarning("Failed to fetch job details").pipe(
        Effect.annotateLogs({ error: details.failure.message }),
      )
      return "Error" as const
    }

    const built = yield* Effect.gen(function* () {
      const parsed = yield* Effect.fromResult(
        parseJob(
          {
            uuid,
            priority: reserved.job.priority,
            agentQueryRules: reserved.job.agentQueryRules,
            command: details.success.command,
            env: details.success.env,
          },
          { prohibitKubernetesPlugin: stack.prohibitKubernetesPlugin },
        ),
      ).pipe(Effect.mapError((error) => refusal(parseFailure(error.message))))
      const base = yield* basePodSpec(parsed)
      return yield* builder
        .build(parsed, base)
        .pipe(Effect.mapError((error) => refusal(buildFailure(error.message))))
    }).pipe(Effect.result)

    if (Result.isFailure(built)) return yield* failOnBuildkite(stack, uuid, built.failure.detail)
    return yield* create(stack, reserved, built.success)
  }).pipe(
    Effect.annotateLogs({ jobUuid: reserved.job.id, queue: stack.queue }),
    Effect.withSpan("job", { attributes: { jobUuid: reserved.job.id, queue: stack.queue } }),
  )
