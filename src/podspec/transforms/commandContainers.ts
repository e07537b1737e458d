/**
 * Steps 9-10: turn the user's containers into command containers that run the agent's
 * bootstrap, or add the default command container when there are none.
 */
import type { V1Container, V1EnvVar } from "@kubernetes/client-node"
import { Result } from "effect"
import type { Interposer } from "../BuildConfig.ts"
import { interpose } from "../Interposer.ts"
import type { BuildState } from "./BuildState.ts"
import { envFromField, envVar, withoutEnv } from "./env.ts"
import {
  bootstrapArgs,
  bootstrapCommand,
  hookMounts,
  signingMounts,
  workspacePath,
} from "./paths.ts"

/** Variables the controller sets on command containers; user values are dropped. */
export const commandReservedEnv: ReadonlySet<string> = new Set([
  "BUILDKITE_BOOTSTRAP_PHASES",
  "BUILDKITE_COMMAND",
  "BUILDKITE_CONTAINER_ID",
  "BUILDKITE_SOCKETS_PATH",
])

/** The plugin's interposer when non-empty, else the configured default, else `buildkite`. */
export const chosenInterposer = (state: BuildState): Interposer => {
  // The decoders only admit the three names, so "unset" is the only other case.
  return (
    state.job.plugin?.commandParams?.interposer ??
    state.config.defaultCommandParams?.interposer ??
    "buildkite"
  )
}

const commandParamMounts = (state: BuildState) => [
  ...hookMounts(state.config.agentConfig),
  ...signingMounts(state.config.agentConfig),
  ...(state.config.defaultCommandParams?.extraVolumeMounts ?? []),
  ...(state.job.plugin?.commandParams?.extraVolumeMounts ?? []),
]

const commandParamEnvFrom = (state: BuildState) => [
  ...(state.config.defaultCommandParams?.envFrom ?? []),
  ...(state.job.plugin?.commandParams?.envFrom ?? []),
]

const controllerEnv = (command: string, id: number, name: string): Array<V1EnvVar> => [
  envVar("BUILDKITE_BOOTSTRAP_PHASES", "plugin,command"),
  envVar("BUILDKITE_COMMAND", command),
  envVar("BUILDKITE_CONTAINER_ID", String(id)),
  envVar("BUILDKITE_SOCKETS_PATH", `${workspacePath}/sockets/${name}`),
]

const commandContainer = (state: BuildState, container: V1Container, index: number) => {
  const command =
    (container.command ?? []).length > 0
      ? interpose(chosenInterposer(state), container.command ?? [], container.args ?? [])
      : state.job.command
  const name = container.name ? container.name : `container-${index}`
  return {
    ...container,
    name,
    command: [...bootstrapCommand],
    args: [...bootstrapArgs],
    workingDir: container.workingDir ?? workspacePath,
    env: [
      ...withoutEnv(container.env, commandReservedEnv),
      ...controllerEnv(command, index + state.sys, name),
    ],
    ...envFromField([
      ...(container.envFrom ?? []),
      ...commandParamEnvFrom(state),
      ...(state.job.plugin?.gitEnvFrom ?? []),
    ]),
    volumeMounts: [
      ...(container.volumeMounts ?? []),
      ...commandParamMounts(state),
      ...state.mounts,
    ],
  }
}

const defaultContainer = (state: BuildState): V1Container => {
  const name = "container-0"
  return {
    name,
    image: state.config.image,
    command: [...bootstrapCommand],
    args: [...bootstrapArgs],
    workingDir: workspacePath,
    env: controllerEnv(state.job.command, state.sys, name),
    ...envFromField([...commandParamEnvFrom(state), ...(state.job.plugin?.gitEnvFrom ?? [])]),
    volumeMounts: [...state.mounts, ...commandParamMounts(state)],
  }
}

export const commandContainers = (state: BuildState): Result.Result<BuildState, never> => {
  const containers = state.podSpec.containers ?? []
  const built =
    containers.length === 0
      ? [defaultContainer(state)]
      : containers.map((container, index) => commandContainer(state, container, index))
  return Result.succeed({ ...state, podSpec: { ...state.podSpec, containers: built } })
}
