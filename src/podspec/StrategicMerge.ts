/**
 * Kubernetes strategic merge patch for a PodSpec, as a pure function.
 *
 * The merge keys of the PodSpec schema are built in (containers by `name`, container `env` by
 * `name`, `volumeMounts` by `mountPath`…). Beyond what a typed patch can say, the patch
 * directives work: `$patch: delete | replace`, `null` to delete a field, `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. Inputs are never
 * modified: the result of the public functions is a fresh copy. See docs/podspec-patches.md.
 */
import type { V1Container, V1PodSpec } from "@kubernetes/client-node"
import { Result, Schema } from "effect"
import { PatchFailure } from "./smp/Directives.ts"
import { copyJson, describe, isJsonData, isObject, type JsonObject } from "./smp/Json.ts"
import type { MergeType } from "./smp/MergeKeys.ts"
import { mergeField } from "./smp/MergeMap.ts"

/** A patch that cannot apply; `path` names the offending place in the patch (`containers[0]`). */
export class PatchError extends Schema.TaggedError<PatchError>()("PatchError", {
  path: Schema.String,
  reason: Schema.String,
  message: Schema.String,
}) {}

const patchError = (path: string, reason: string) =>
  new PatchError({ path, reason, message: path === "" ? reason : `${path}: ${reason}` })

/**
 * The merge never modifies its inputs and copies every object on the path to a change, so
 * the result shares only the branches the patch leaves alone with `base`.
 */
const apply = (
  base: unknown,
  patch: unknown,
  type: MergeType,
): Result.Result<JsonObject, PatchError> => {
  if (!isObject(patch))
    return Result.fail(patchError("", `expected an object, got ${describe(patch)}`))
  try {
    const merged = mergeField(isObject(base) ? (base as JsonObject) : undefined, patch, "", type)
    // `$patch: delete` on the whole spec leaves an empty one, as Kubernetes does.
    return Result.succeed(merged._tag === "Delete" ? {} : merged.value)
  } catch (error) {
    if (error instanceof PatchFailure) return Result.fail(patchError(error.path, error.reason))
    throw error
  }
}

/** Applies a strategic merge patch to a PodSpec; neither argument is modified. */
export const applyPodSpecPatch = (
  original: V1PodSpec,
  patch: unknown,
): Result.Result<V1PodSpec, PatchError> =>
  // The merge keeps the JSON shape of both inputs; it checks no field types of its own.
  Result.map(apply(copyJson(original), patch, "PodSpec"), (spec) => spec as unknown as V1PodSpec)

/**
 * As `applyPodSpecPatch`, with the same result, except that the branches of `original` the
 * patch leaves alone are shared rather than copied: for a caller that copies the final
 * result anyway. `original` is still copied first when it holds anything `copyJson` would
 * change (an `undefined` field, a class instance), so that the merge sees the same data.
 */
export const applyPodSpecPatchShared = (
  original: V1PodSpec,
  patch: unknown,
): Result.Result<V1PodSpec, PatchError> =>
  Result.map(
    apply(isJsonData(original) ? original : copyJson(original), patch, "PodSpec"),
    (spec) => spec as unknown as V1PodSpec,
  )

/** Applies a strategic merge patch to one container (`env` merges by name, and so on). */
export const applyContainerPatch = (
  original: V1Container,
  patch: unknown,
): Result.Result<V1Container, PatchError> =>
  Result.map(
    apply(copyJson(original), patch, "Container"),
    (container) => container as unknown as V1Container,
  )
