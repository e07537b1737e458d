/**
 * Steps 20-22: the controller's `pod-spec-patch`, the pipeline `image:` attribute, then the
 * plugin's `podSpecPatch`. Before a patch is merged, changes to the commands of the
 * controller's own containers are refused, and a new command for a command container is
 * turned into its `BUILDKITE_COMMAND` so that tini and the bootstrap stay its entrypoint.
 */
import type { V1Container, V1EnvVar, V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import { BuildError } from "../BuildError.ts"
import { interpose } from "../Interposer.ts"
import { applyPodSpecPatchShared } from "../StrategicMerge.ts"
import type { BuildState } from "./BuildState.ts"
import { chosenInterposer } from "./commandContainers.ts"
import { envVar, hasEnv, setEnv } from "./env.ts"
import { isBootstrapEntrypoint, sameList } from "./paths.ts"

type Source = "controller" | "plugin"

const sourceText: Record<Source, string> = { controller: "controller", plugin: "k8s plugin" }

const unsupported = (name: string): string => {
  switch (name) {
    case "agent":
      return "for the agent container, modifying container commands or args via podSpecPatch is not supported"
    case "checkout":
      return (
        "for the checkout container, modifying container commands or args via podSpecPatch is " +
        "not supported; instead consider configuring a checkout hook or skipping the checkout " +
        "container entirely"
      )
    default:
      return `for the ${name} init container, modifying container commands or args via podSpecPatch is not supported`
  }
}

/** A patch entry for a container: a partial container, possibly with patch directives. */
type PatchEntry = Partial<V1Container> & Record<string, unknown>

const isEntry = (value: unknown): value is PatchEntry =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const nonEmpty = (list: unknown): list is ReadonlyArray<string> =>
  Array.isArray(list) && list.length > 0

/** Whether the entry gives a command or args that differ from the original container's. */
const changesCommand = (entry: PatchEntry, original: V1Container | undefined): boolean =>
  (nonEmpty(entry.command) && !sameList(entry.command, original?.command)) ||
  (nonEmpty(entry.args) && !sameList(entry.args, original?.args))

const byName = (containers: ReadonlyArray<V1Container> | undefined) =>
  new Map((containers ?? []).map((container) => [container.name, container]))

const isProtectedInit = (name: string) => name === "copy-agent" || name.startsWith("imagecheck-")

const refuse = (source: Source, message: string) =>
  Result.fail(
    new BuildError({
      reason: source === "controller" ? "ControllerPatch" : "PluginPatch",
      message: `failed to apply podSpec patch from ${sourceText[source]}: ${message}`,
    }),
  )

/** The patch with command containers' new commands moved into `BUILDKITE_COMMAND`. */
const preparePatch = (
  state: BuildState,
  patch: V1PodSpec,
  source: Source,
): Result.Result<Record<string, unknown>, BuildError> => {
  const unsafe = state.config.allowPodSpecPatchUnsafeCommandModification
  const initContainers = byName(state.podSpec.initContainers)
  const containers = byName(state.podSpec.containers)
  for (const entry of (patch.initContainers ?? []) as ReadonlyArray<unknown>) {
    if (!isEntry(entry) || typeof entry.name !== "string") continue
    if (!unsafe && isProtectedInit(entry.name)) {
      if (changesCommand(entry, initContainers.get(entry.name))) {
        return refuse(source, unsupported(entry.name))
      }
    }
  }
  const converted: Array<unknown> = []
  for (const entry of (patch.containers ?? []) as ReadonlyArray<unknown>) {
    if (!isEntry(entry) || typeof entry.name !== "string") {
      converted.push(entry)
      continue
    }
    const original = containers.get(entry.name)
    if (!changesCommand(entry, original)) {
      converted.push(entry)
      continue
    }
    if (entry.name === "agent" || entry.name === "checkout") {
      if (!unsafe) return refuse(source, unsupported(entry.name))
      converted.push(entry)
      continue
    }
    if (original === undefined || !isBootstrapEntrypoint(original.command, original.args)) {
      converted.push(entry)
      continue
    }
    const { command, args, ...rest } = entry
    const text = interpose(
      chosenInterposer(state),
      nonEmpty(command) ? command : [],
      nonEmpty(args) ? args : [],
    )
    const env = (Array.isArray(rest.env) ? rest.env : []) as ReadonlyArray<V1EnvVar>
    converted.push({ ...rest, env: setEnv(env, envVar("BUILDKITE_COMMAND", text)) })
  }
  return Result.succeed({
    ...(patch as unknown as Record<string, unknown>),
    ...(patch.containers === undefined ? {} : { containers: converted }),
  })
}

const applyPatch = (
  state: BuildState,
  patch: V1PodSpec | undefined,
  source: Source,
): Result.Result<BuildState, BuildError> => {
  if (patch === undefined) return Result.succeed(state)
  return Result.flatMap(preparePatch(state, patch, source), (prepared) =>
    // The build copies the whole Job at the end, so the merge need not copy what it keeps.
    Result.match(applyPodSpecPatchShared(state.podSpec, prepared), {
      onFailure: (error) => refuse(source, error.message),
      onSuccess: (podSpec) => Result.succeed({ ...state, podSpec }),
    }),
  )
}

export const controllerPatch = (state: BuildState): Result.Result<BuildState, BuildError> =>
  applyPatch(state, state.config.podSpecPatch, "controller")

export const pluginPatch = (state: BuildState): Result.Result<BuildState, BuildError> =>
  applyPatch(state, state.job.plugin?.podSpecPatch, "plugin")

/**
 * The pipeline's `image:` (`BUILDKITE_IMAGE`) replaces the image of every command container.
 * It runs between the patches: the plugin's patch may override it, the controller's may not.
 */
export const imageAttribute = (state: BuildState): Result.Result<BuildState, never> => {
  const image = state.job.env.BUILDKITE_IMAGE ?? ""
  if (image === "") return Result.succeed(state)
  const containers = (state.podSpec.containers ?? []).map((container) =>
    hasEnv(container.env, "BUILDKITE_COMMAND") ? { ...container, image } : container,
  )
  return Result.succeed({ ...state, podSpec: { ...state.podSpec, containers } })
}

/** Step 23: a skipped checkout stays skipped, even if a patch added the container back. */
export const removeCheckout = (state: BuildState): Result.Result<BuildState, never> => {
  if (!state.skipCheckout) return Result.succeed(state)
  const containers = (state.podSpec.containers ?? []).filter((c) => c.name !== "checkout")
  return Result.succeed({ ...state, podSpec: { ...state.podSpec, containers } })
}
