/**
 * Effect Schemas for the Kubernetes model types the controller reads from jobs and from its
 * configuration. They are derived from `@kubernetes/client-node`'s model metadata by the
 * generic decoder of `ModelDecoder.ts`, so there is no hand-written PodSpec schema to drift
 * from the API. Each decodes to plain JSON typed as the client-node interface.
 *
 * - `PodSpec`, `Container`, … are lenient: Go's JSON rules, as the original controller
 *   applies them to the `kubernetes` plugin (unknown keys dropped, keys case-insensitive).
 * - `PodSpecStrict`, `ContainerStrict`, … report unknown keys with a suggestion (for `lint`
 *   and the configuration file).
 * - `PodSpecPatch` / `PodSpecPatchStrict` keep strategic-merge-patch directives and `null`s.
 */
import type {
  V1Container,
  V1EnvFromSource,
  V1EnvVar,
  V1ObjectMeta,
  V1PodSpec,
  V1PodTemplateSpec,
  V1ResourceRequirements,
  V1SecretVolumeSource,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node"
import { Effect, Schema, SchemaIssue } from "effect"
import type * as SchemaAST from "effect/SchemaAST"
import {
  type DecodeMode,
  type DecodeProblem,
  decode,
  lenient,
  patchLenient,
  patchStrict,
  strict,
} from "./ModelDecoder.ts"
import type { TypeRef } from "./ModelType.ts"

export { lenient, patchLenient, patchStrict, strict } from "./ModelDecoder.ts"
export { fieldType } from "./ModelType.ts"

/** A schema whose decoded type is `T` and whose input is any JSON value. */
export type KubeSchema<T> = Schema.declareConstructor<T, T, readonly []>

const toIssue = (
  problems: ReadonlyArray<DecodeProblem>,
  ast: SchemaAST.Declaration,
): SchemaIssue.Issue => {
  const issues = problems.map(
    (problem) =>
      new SchemaIssue.Pointer(
        problem.path,
        new SchemaIssue.InvalidValue({ message: problem.message }),
      ),
  )
  const [first, ...rest] = issues
  if (first === undefined) return new SchemaIssue.InvalidValue({ message: "invalid value" })
  return rest.length === 0 ? first : new SchemaIssue.Composite(ast, [first, ...rest])
}

/**
 * A Schema for any type the decoder knows (`V1…` client-node models or models registered by
 * this project), in the given mode. `T` is not checked against `type`: the caller names both.
 */
export const typeSchema = <T>(
  type: TypeRef,
  mode: DecodeMode,
  annotations: { readonly title: string; readonly description?: string },
): KubeSchema<T> =>
  Schema.declareConstructor<T, T>()(
    [],
    () => (input, ast) => {
      const result = decode(type, mode, input)
      // The decoder checked every key and value against the model, which is what T describes.
      return result.ok
        ? Effect.succeed(result.value as T)
        : Effect.fail(toIssue(result.problems, ast))
    },
    annotations,
  )

/** A Schema for the client-node model called `model` (e.g. `"V1PodSpec"`). */
export const modelSchema = <T>(model: string, mode: DecodeMode): KubeSchema<T> =>
  typeSchema<T>({ kind: "model", name: model }, mode, { title: model.replace(/^V1/, "") })

export const PodSpec = modelSchema<V1PodSpec>("V1PodSpec", lenient)
export const PodSpecStrict = modelSchema<V1PodSpec>("V1PodSpec", strict)
/** A PodSpec strategic merge patch, as jobs give it (unknown keys dropped). */
export const PodSpecPatch = modelSchema<V1PodSpec>("V1PodSpec", patchLenient)
/** A PodSpec strategic merge patch, as the configuration file gives it (unknown keys fail). */
export const PodSpecPatchStrict = modelSchema<V1PodSpec>("V1PodSpec", patchStrict)

export const PodTemplateSpec = modelSchema<V1PodTemplateSpec>("V1PodTemplateSpec", lenient)
export const PodTemplateSpecStrict = modelSchema<V1PodTemplateSpec>("V1PodTemplateSpec", strict)
export const ObjectMeta = modelSchema<V1ObjectMeta>("V1ObjectMeta", lenient)
export const ObjectMetaStrict = modelSchema<V1ObjectMeta>("V1ObjectMeta", strict)
export const Container = modelSchema<V1Container>("V1Container", lenient)
export const ContainerStrict = modelSchema<V1Container>("V1Container", strict)
export const EnvVar = modelSchema<V1EnvVar>("V1EnvVar", lenient)
export const EnvVarStrict = modelSchema<V1EnvVar>("V1EnvVar", strict)
export const EnvFromSource = modelSchema<V1EnvFromSource>("V1EnvFromSource", lenient)
export const EnvFromSourceStrict = modelSchema<V1EnvFromSource>("V1EnvFromSource", strict)
export const Volume = modelSchema<V1Volume>("V1Volume", lenient)
export const VolumeStrict = modelSchema<V1Volume>("V1Volume", strict)
export const VolumeMount = modelSchema<V1VolumeMount>("V1VolumeMount", lenient)
export const VolumeMountStrict = modelSchema<V1VolumeMount>("V1VolumeMount", strict)
export const SecretVolumeSource = modelSchema<V1SecretVolumeSource>("V1SecretVolumeSource", lenient)
export const SecretVolumeSourceStrict = modelSchema<V1SecretVolumeSource>(
  "V1SecretVolumeSource",
  strict,
)
export const ResourceRequirements = modelSchema<V1ResourceRequirements>(
  "V1ResourceRequirements",
  lenient,
)
export const ResourceRequirementsStrict = modelSchema<V1ResourceRequirements>(
  "V1ResourceRequirements",
  strict,
)
export const Toleration = modelSchema<V1Toleration>("V1Toleration", lenient)
export const TolerationStrict = modelSchema<V1Toleration>("V1Toleration", strict)
