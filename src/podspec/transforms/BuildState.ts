/**
 * The working state the transforms pass along. Each transform receives a state and returns a
 * new one (or a `BuildError`); none mutates the state it was given, so a transform can be
 * tested alone and the order of the list is the whole algorithm.
 */
import type { V1PodSpec, V1VolumeMount } from "@kubernetes/client-node"
import type { Result } from "effect"
import type { BuildConfig, PullPolicy } from "../BuildConfig.ts"
import type { BuildError } from "../BuildError.ts"
import type { BuildOptions, ParsedJob } from "../JobInput.ts"

/** What an image check saw for one container before the patches ran. */
export interface CheckedImage {
  readonly image: string
  readonly pullPolicy?: PullPolicy | string
}

export interface BuildState {
  readonly job: ParsedJob
  readonly config: BuildConfig
  readonly options: BuildOptions
  /** The pod spec being built; owned by this build (a deep copy of the base spec). */
  readonly podSpec: V1PodSpec
  readonly name: string
  /** Shared by the Job and its pod template. */
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly ttlSecondsAfterFinished: number
  readonly activeDeadlineSeconds: number
  readonly skipCheckout: boolean
  /** How many managed containers precede the command containers: 1 with checkout, else 0. */
  readonly sys: number
  /** Mounts every stack, command and sidecar container gets: the workspace, then extras. */
  readonly mounts: ReadonlyArray<V1VolumeMount>
  /** Tags handed to the agent, in a stable order. */
  readonly agentTags: ReadonlyArray<readonly [string, string]>
  /** Container name to the image and pull policy the pre-patch image check settled. */
  readonly checkedImages: Readonly<Record<string, CheckedImage>>
  /** Things skipped on purpose (invalid tag labels, shadowed mounts), for the log. */
  readonly warnings: ReadonlyArray<string>
}

/** One step of the build. */
export type Transform = (state: BuildState) => Result.Result<BuildState, BuildError>

/** A step with a name, so that other steps can be placed relative to it. */
export interface PodSpecTransform {
  readonly name: string
  readonly run: Transform
}
