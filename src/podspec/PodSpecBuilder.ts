/**
 * The PodSpec engine as a service. The built-in transforms run in their fixed order; users
 * add their own through `PodSpecTransforms` (after a named built-in step, or at the end)
 * without forking the controller.
 */
import type { V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Context, Effect, Layer } from "effect"
import type { BuildConfig } from "./BuildConfig.ts"
import type { BuildError } from "./BuildError.ts"
import { buildJobWithWarnings, defaultTransforms } from "./buildJob.ts"
import type { BuildOptions, ParsedJob } from "./JobInput.ts"
import type { PodSpecTransform } from "./transforms/BuildState.ts"

/** A user transform; `after` names the built-in step it follows (default: after all of them). */
export interface ExtraTransform extends PodSpecTransform {
  readonly after?: string
}

/** What the engine reads from the controller: its configuration and version. */
export class PodSpecSettings extends Context.Service<
  PodSpecSettings,
  { readonly config: BuildConfig; readonly options: BuildOptions }
>()("agent-stack-k8s/PodSpecSettings") {}

/** Extra transforms to run; none unless a Layer provides some. */
export const PodSpecTransforms = Context.Reference<ReadonlyArray<ExtraTransform>>(
  "agent-stack-k8s/PodSpecTransforms",
  { defaultValue: () => [] },
)

/**
 * A Layer adding transforms to those already provided (layers built with this compose: each
 * appends to what it is given).
 */
export const addTransforms = (...transforms: ReadonlyArray<ExtraTransform>) =>
  Layer.effect(
    PodSpecTransforms,
    Effect.map(Effect.service(PodSpecTransforms), (existing) => [...existing, ...transforms]),
  )

/**
 * The full ordered list: each extra goes right after the step it names (extras naming the
 * same step keep their given order), or at the end. Naming an unknown step is a
 * programming error, reported with the known names.
 */
export const orderTransforms = (
  builtIn: ReadonlyArray<PodSpecTransform>,
  extras: ReadonlyArray<ExtraTransform>,
): ReadonlyArray<PodSpecTransform> => {
  const known = new Set(builtIn.map((transform) => transform.name))
  for (const extra of extras) {
    if (extra.after !== undefined && !known.has(extra.after)) {
      throw new Error(
        `transform ${JSON.stringify(extra.name)} is placed after unknown step ` +
          `${JSON.stringify(extra.after)}; known steps: ${[...known].join(", ")}`,
      )
    }
  }
  const placed = builtIn.flatMap((step) => [
    step,
    ...extras.filter((extra) => extra.after === step.name),
  ])
  return [...placed, ...extras.filter((extra) => extra.after === undefined)]
}

export class PodSpecBuilder extends Context.Service<
  PodSpecBuilder,
  {
    /** Builds the `batch/v1` Job for a parsed job and its base PodSpec. */
    readonly build: (job: ParsedJob, basePodSpec: V1PodSpec) => Effect.Effect<V1Job, BuildError>
  }
>()("agent-stack-k8s/PodSpecBuilder") {
  static readonly make = Effect.gen(function* () {
    const { config, options } = yield* PodSpecSettings
    const extras = yield* PodSpecTransforms

    const transforms = yield* Effect.try({
      try: () => orderTransforms(defaultTransforms, extras),
      catch: (error) => error,
    }).pipe(Effect.orDie)

    const build = Effect.fn("PodSpecBuilder.build")(function* (
      job: ParsedJob,
      basePodSpec: V1PodSpec,
    ) {
      const output = yield* Effect.fromResult(
        buildJobWithWarnings(job, basePodSpec, config, options, transforms),
      )
      for (const warning of output.warnings) {
        yield* Effect.logWarning("Skipped part of the PodSpec").pipe(
          Effect.annotateLogs({ jobUuid: job.uuid, reason: warning }),
        )
      }
      return output.job
    })
    return PodSpecBuilder.of({ build })
  })

  /** The engine over `PodSpecSettings` and any `PodSpecTransforms`. */
  static readonly layer = Layer.effect(PodSpecBuilder, PodSpecBuilder.make)

  /** The engine with the given configuration and version. */
  static readonly layerConfig = (config: BuildConfig, options: BuildOptions) =>
    PodSpecBuilder.layer.pipe(Layer.provide(Layer.succeed(PodSpecSettings, { config, options })))
}
