/**
 * Step 13: size the command containers, the pod and its node selection from a resource class
 * named by the job's `resource_class` tag or by `default-resource-class-name`.
 */
import type { V1Container, V1ResourceRequirements } from "@kubernetes/client-node"
import { Result } from "effect"
import type { ResourceClass } from "../BuildConfig.ts"
import { BuildError } from "../BuildError.ts"
import type { BuildState } from "./BuildState.ts"
import { hasEnv } from "./env.ts"

const fail = (message: string) => Result.fail(new BuildError({ reason: "ResourceClass", message }))

/** The class to apply, undefined when none is asked for, or the error naming what is wrong. */
export const selectResourceClass = (
  state: BuildState,
): Result.Result<ResourceClass | undefined, BuildError> => {
  const classes = state.config.resourceClasses
  const tag = state.agentTags.find(([key]) => key === "resource_class")?.[1]
  if (tag !== undefined) {
    if (classes === undefined) {
      return fail("resource classes not configured but resource_class tag specified")
    }
    const found = Object.hasOwn(classes, tag) ? classes[tag] : undefined
    return found === undefined ? fail(`resource class not found: ${tag}`) : Result.succeed(found)
  }
  const fallback = state.config.defaultResourceClassName ?? ""
  if (fallback === "") return Result.succeed(undefined)
  if (classes === undefined) {
    return fail("resource classes not configured but default-resource-class-name is set")
  }
  const found = Object.hasOwn(classes, fallback) ? classes[fallback] : undefined
  return found === undefined
    ? fail(`default resource class not found: ${fallback}`)
    : Result.succeed(found)
}

/** Merges requests and limits key by key; the class wins. Both maps exist afterwards. */
export const mergeResources = (
  original: V1ResourceRequirements | undefined,
  extra: V1ResourceRequirements,
): V1ResourceRequirements => ({
  ...original,
  requests: { ...original?.requests, ...extra.requests },
  limits: { ...original?.limits, ...extra.limits },
})

const sizeContainer = (container: V1Container, resource: V1ResourceRequirements | undefined) =>
  resource === undefined || !hasEnv(container.env, "BUILDKITE_COMMAND")
    ? container
    : { ...container, resources: mergeResources(container.resources, resource) }

export const resourceClass = (state: BuildState): Result.Result<BuildState, BuildError> =>
  Result.map(selectResourceClass(state), (chosen) => {
    if (chosen === undefined) return state
    const spec = state.podSpec
    return {
      ...state,
      podSpec: {
        ...spec,
        containers: (spec.containers ?? []).map((c) => sizeContainer(c, chosen.resource)),
        ...(chosen.nodeSelector === undefined
          ? {}
          : { nodeSelector: { ...spec.nodeSelector, ...chosen.nodeSelector } }),
        ...(chosen.podResource === undefined
          ? {}
          : { resources: mergeResources(spec.resources, chosen.podResource) }),
      },
    }
  })
