/**
 * The `kubernetes` plugin of a pipeline step and the parameter objects it shares with the
 * controller's configuration (`default-checkout-params`, `default-command-params`,
 * `default-sidecar-params`, `default-metadata`). They are described in the same form as the
 * Kubernetes models and decoded by the same engine, so Kubernetes objects nested anywhere in
 * them get the same checks and the same error paths.
 *
 * Lenient variants decode jobs (unknown keys ignored, keys case-insensitive, as the original
 * controller does); strict variants serve `lint` and the configuration file.
 */
import type {
  V1Container,
  V1EnvFromSource,
  V1PodSpec,
  V1VolumeMount,
} from "@kubernetes/client-node"
import { type KubeSchema, lenient, strict, typeSchema } from "../kube/KubeSchema.ts"
import type { DecodeMode } from "../kube/ModelDecoder.ts"
import { type FieldSpec, type ModelSpec, registerModel, type TypeRef } from "../kube/ModelType.ts"
import type {
  CheckoutParams as CheckoutParamsType,
  CommandParams as CommandParamsType,
  GitMirrors as GitMirrorsType,
  Metadata as MetadataType,
  SidecarParams as SidecarParamsType,
} from "./BuildConfig.ts"

/** The decoded `kubernetes` plugin (upstream section 3.9). */
export interface KubernetesPlugin {
  readonly podSpec?: V1PodSpec
  readonly podTemplate?: string
  /** May carry strategic-merge-patch directives and `null`s. */
  readonly podSpecPatch?: V1PodSpec
  readonly gitEnvFrom?: ReadonlyArray<V1EnvFromSource>
  readonly sidecars?: ReadonlyArray<V1Container>
  readonly metadata?: MetadataType
  readonly extraVolumeMounts?: ReadonlyArray<V1VolumeMount>
  readonly checkout?: CheckoutParamsType
  readonly commandParams?: CommandParamsType
  readonly sidecarParams?: SidecarParamsType
  readonly jobActiveDeadlineSeconds?: number
}

const string: TypeRef = { kind: "string" }
const boolean: TypeRef = { kind: "boolean" }
const integer: TypeRef = { kind: "number", format: "int64" }
const model = (name: string): TypeRef => ({ kind: "model", name })
const listOf = (of: TypeRef): TypeRef => ({ kind: "array", of })
const mapOf = (of: TypeRef): TypeRef => ({ kind: "map", of })

const field = (name: string, type: TypeRef, description: string): FieldSpec => ({
  name,
  type,
  description,
})

const define = (name: string, fields: ReadonlyArray<FieldSpec>): ModelSpec =>
  registerModel({ name, fields, required: [] })

const envFrom = (who: string) =>
  field("envFrom", listOf(model("V1EnvFromSource")), `Sources of environment variables for ${who}.`)
const extraVolumeMounts = (who: string) =>
  field("extraVolumeMounts", listOf(model("V1VolumeMount")), `Volume mounts added to ${who}.`)

export const GitMirrorsModel = define("GitMirrors", [
  field("path", string, "Path of the git mirrors directory inside the checkout container."),
  field("volume", model("V1Volume"), "Volume holding the git mirrors, shared between jobs."),
  field("cloneFlags", string, "Flags for `git clone` when creating a mirror."),
  field("lockTimeout", integer, "Seconds to wait for the lock on a mirror before giving up."),
  field("skipUpdate", boolean, "Use the mirror as it is, without fetching into it."),
])

export const CheckoutParamsModel = define("CheckoutParams", [
  field("skip", boolean, "Skip the checkout container entirely."),
  field("checkoutFlags", string, "Flags for `git checkout`."),
  field("cleanFlags", string, "Flags for `git clean`."),
  field("cloneFlags", string, "Flags for `git clone`."),
  field("fetchFlags", string, "Flags for `git fetch`."),
  field("noSubmodules", boolean, "Do not check out git submodules."),
  field("submoduleCloneConfig", listOf(string), "Git config (`key=value`) for cloning submodules."),
  field("gitMirrors", model("GitMirrors"), "Git mirror settings for the checkout."),
  field(
    "gitCredentialsSecret",
    model("V1SecretVolumeSource"),
    "Secret holding a git-credentials file, mounted into the checkout container.",
  ),
  envFrom("the checkout container"),
  extraVolumeMounts("the checkout container"),
])

/** The interposers accepted for `commandParams.interposer` (the empty string means unset). */
export const interposers = ["buildkite", "vector", "legacy"] as const

export const CommandParamsModel = define("CommandParams", [
  field(
    "interposer",
    { kind: "oneOf", what: "interposer", values: interposers },
    "How a container's `command` and `args` become the job's command: buildkite, vector or legacy.",
  ),
  envFrom("the command containers"),
  extraVolumeMounts("the command containers"),
])

export const SidecarParamsModel = define("SidecarParams", [
  envFrom("the sidecar containers"),
  extraVolumeMounts("the sidecar containers"),
])

export const MetadataModel = define("Metadata", [
  field("labels", mapOf(string), "Labels added to the Job and its pod."),
  field("annotations", mapOf(string), "Annotations added to the Job and its pod."),
])

export const KubernetesPluginModel = define("KubernetesPlugin", [
  field(
    "podSpec",
    model("V1PodSpec"),
    "The pod spec to start from (takes precedence over podTemplate).",
  ),
  field(
    "podTemplate",
    string,
    "Name of a PodTemplate in the controller's namespace to start from.",
  ),
  field(
    "podSpecPatch",
    { kind: "patch", of: model("V1PodSpec") },
    "A strategic merge patch applied to the finished pod spec, after the controller's own patch.",
  ),
  field(
    "gitEnvFrom",
    listOf(model("V1EnvFromSource")),
    "Environment sources added to the checkout, command and sidecar containers.",
  ),
  field(
    "sidecars",
    listOf(model("V1Container")),
    "Containers run alongside the job as native sidecars.",
  ),
  field("metadata", model("Metadata"), "Labels and annotations for the Job and its pod."),
  field(
    "extraVolumeMounts",
    listOf(model("V1VolumeMount")),
    "Volume mounts added to the command, agent, checkout and sidecar containers.",
  ),
  field("checkout", model("CheckoutParams"), "Settings of the checkout container."),
  field("commandParams", model("CommandParams"), "Settings of the command containers."),
  field("sidecarParams", model("SidecarParams"), "Settings of the sidecar containers."),
  field(
    "jobActiveDeadlineSeconds",
    integer,
    "Maximum run time of the Job in seconds; overrides the controller's default when above 0.",
  ),
])

const schema = <T>(spec: ModelSpec, mode: DecodeMode): KubeSchema<T> =>
  typeSchema<T>(model(spec.name), mode, { title: spec.name })

export const GitMirrors = schema<GitMirrorsType>(GitMirrorsModel, lenient)
export const GitMirrorsStrict = schema<GitMirrorsType>(GitMirrorsModel, strict)
export const CheckoutParams = schema<CheckoutParamsType>(CheckoutParamsModel, lenient)
export const CheckoutParamsStrict = schema<CheckoutParamsType>(CheckoutParamsModel, strict)
export const CommandParams = schema<CommandParamsType>(CommandParamsModel, lenient)
export const CommandParamsStrict = schema<CommandParamsType>(CommandParamsModel, strict)
export const SidecarParams = schema<SidecarParamsType>(SidecarParamsModel, lenient)
export const SidecarParamsStrict = schema<SidecarParamsType>(SidecarParamsModel, strict)
export const Metadata = schema<MetadataType>(MetadataModel, lenient)
export const MetadataStrict = schema<MetadataType>(MetadataModel, strict)
/** The plugin as a job gives it: unknown keys ignored, keys matched case-insensitively. */
export const KubernetesPlugin = schema<KubernetesPlugin>(KubernetesPluginModel, lenient)
/** The plugin as `lint` checks it: unknown keys are errors with a suggestion. */
export const KubernetesPluginStrict = schema<KubernetesPlugin>(KubernetesPluginModel, strict)
