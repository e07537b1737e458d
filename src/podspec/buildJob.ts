/**
 * The PodSpec engine: from a parsed Buildkite job, its base PodSpec and the configuration to
 * the `batch/v1` Job, by running an ordered list of small transforms (upstream section 3.3).
 * Pure and deterministic: no clock, no I/O, and the inputs are never modified.
 */
import type { V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildConfig } from "./BuildConfig.ts"
import type { BuildError } from "./BuildError.ts"
import type { BuildOptions, ParsedJob } from "./JobInput.ts"
import { agentContainer } from "./transforms/agentContainer.ts"
import { agentTags } from "./transforms/agentTags.ts"
import type { BuildState, PodSpecTransform, Transform } from "./transforms/BuildState.ts"
import { checkoutContainer } from "./transforms/checkoutContainer.ts"
import { commandContainers } from "./transforms/commandContainers.ts"
import { copyAgent } from "./transforms/copyAgent.ts"
import { dedupeMounts } from "./transforms/dedupeMounts.ts"
import { imageChecks } from "./transforms/imageChecks.ts"
import { metadata, skipCheckout } from "./transforms/metadata.ts"
import { patchedImages } from "./transforms/patchedImages.ts"
import {
  controllerPatch,
  imageAttribute,
  pluginPatch,
  removeCheckout,
} from "./transforms/patches.ts"
import { resourceClass } from "./transforms/resourceClass.ts"
import { restricted } from "./transforms/restricted.ts"
import { sidecars } from "./transforms/sidecars.ts"
import { volumes } from "./transforms/volumes.ts"

export type { BuildState, PodSpecTransform, Transform }

/** The built-in steps, in the order the build runs them. Names are stable: users refer to them. */
export const defaultTransforms: ReadonlyArray<PodSpecTransform> = [
  { name: "skipCheckout", run: skipCheckout },
  { name: "metadata", run: metadata },
  { name: "volumes", run: volumes },
  { name: "commandContainers", run: commandContainers },
  { name: "sidecars", run: sidecars },
  { name: "agentTags", run: agentTags },
  { name: "resourceClass", run: resourceClass },
  { name: "agentContainer", run: agentContainer },
  { name: "checkoutContainer", run: checkoutContainer },
  { name: "copyAgent", run: copyAgent },
  { name: "imageChecks", run: imageChecks },
  { name: "controllerPatch", run: controllerPatch },
  { name: "imageAttribute", run: imageAttribute },
  { name: "pluginPatch", run: pluginPatch },
  { name: "removeCheckout", run: removeCheckout },
  { name: "patchedImages", run: patchedImages },
  { name: "dedupeMounts", run: dedupeMounts },
  { name: "restricted", run: restricted },
]

/** Where the base PodSpec comes from (upstream section 3.2). */
export type BasePodSpecSource =
  | { readonly _tag: "Plugin"; readonly podSpec: V1PodSpec }
  | { readonly _tag: "PodTemplate"; readonly name: string }
  | { readonly _tag: "Empty" }

/**
 * The plugin's `podSpec` wins; else a named PodTemplate, which the caller must fetch (its
 * `template.spec` is the base); else an empty PodSpec.
 */
export const basePodSpecSource = (job: ParsedJob): BasePodSpecSource => {
  const plugin = job.plugin
  if (plugin?.podSpec !== undefined) return { _tag: "Plugin", podSpec: plugin.podSpec }
  const name = plugin?.podTemplate ?? ""
  return name === "" ? { _tag: "Empty" } : { _tag: "PodTemplate", name }
}

/** A built Job with what the build skipped on purpose, for the caller to log. */
export interface BuildOutput {
  readonly job: V1Job
  readonly warnings: ReadonlyArray<string>
}

const initialState = (
  job: ParsedJob,
  basePodSpec: V1PodSpec,
  config: BuildConfig,
  options: BuildOptions,
): BuildState => ({
  job,
  config,
  options,
  podSpec: basePodSpec,
  name: "",
  labels: {},
  annotations: {},
  ttlSecondsAfterFinished: 0,
  activeDeadlineSeconds: 0,
  skipCheckout: false,
  sys: 1,
  mounts: [],
  agentTags: [],
  checkedImages: {},
  warnings: [],
})

const toJob = (state: BuildState): V1Job => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: state.name, labels: state.labels, annotations: state.annotations },
  spec: {
    backoffLimit: 0,
    ttlSecondsAfterFinished: state.ttlSecondsAfterFinished,
    activeDeadlineSeconds: state.activeDeadlineSeconds,
    template: {
      metadata: { labels: { ...state.labels }, annotations: { ...state.annotations } },
      spec: state.podSpec,
    },
  },
})

/**
 * A deep copy of plain data that drops keys whose value is `undefined`. Transforms share
 * unchanged parts with their inputs and with each other (one mount object in several
 * containers); the copy breaks every such link, so a caller may modify the Job freely.
 * Written out because a JSON round trip costs most of a build's time.
 */
const detach = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(detach) as T
  if (typeof value !== "object" || value === null) return value
  const source = value as Record<string, unknown>
  const copy: Record<string, unknown> = {}
  for (const key in source) {
    const entry = source[key]
    if (entry !== undefined) copy[key] = detach(entry)
  }
  return copy as T
}

/** Runs transforms in order, stopping at the first error. */
export const runTransforms = (
  transforms: ReadonlyArray<PodSpecTransform>,
  state: BuildState,
): Result.Result<BuildState, BuildError> => {
  let current = state
  for (const transform of transforms) {
    const next = transform.run(current)
    if (Result.isFailure(next)) return next
    current = next.success
  }
  return Result.succeed(current)
}

/** Builds the Job and reports what was skipped; `transforms` defaults to the built-in list. */
export const buildJobWithWarnings = (
  job: ParsedJob,
  basePodSpec: V1PodSpec,
  config: BuildConfig,
  options: BuildOptions,
  transforms: ReadonlyArray<PodSpecTransform> = defaultTransforms,
): Result.Result<BuildOutput, BuildError> =>
  Result.map(runTransforms(transforms, initialState(job, basePodSpec, config, options)), (s) => ({
    job: detach(toJob(s)),
    warnings: s.warnings,
  }))

/** Builds the `batch/v1` Job for one Buildkite job. */
export const buildJob = (
  job: ParsedJob,
  basePodSpec: V1PodSpec,
  config: BuildConfig,
  options: BuildOptions,
): Result.Result<V1Job, BuildError> =>
  Result.map(buildJobWithWarnings(job, basePodSpec, config, options), (output) => output.job)
