/**
 * The Kubernetes and plugin-parameter Schemas the configuration's structured options use,
 * gathered in one module so the config Schema names each once.
 *
 * These are shape-only stand-ins (a JSON object is required, its fields are not checked)
 * until the strict Schemas of `src/kube/KubeSchema.ts` and `src/podspec/PluginSchema.ts`
 * are wired in here; until then a misspelt field inside `pod-spec-patch`, a volume or a
 * params object is not reported by the config loader.
 */
import type {
  V1EnvFromSource,
  V1PodSpec,
  V1ResourceRequirements,
  V1SecretVolumeSource,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node"
import { Schema } from "effect"
import type {
  CheckoutParams,
  CommandParams,
  Metadata,
  SidecarParams,
} from "../podspec/BuildConfig.ts"

const jsonObject = <A>(expected: string) =>
  Schema.declare<A>(
    (input): input is A => typeof input === "object" && input !== null && !Array.isArray(input),
    { expected },
  )

export const PodSpecPatch = jsonObject<V1PodSpec>("a Kubernetes PodSpec (patch)")
export const Volume = jsonObject<V1Volume>("a Kubernetes Volume")
export const VolumeMount = jsonObject<V1VolumeMount>("a Kubernetes VolumeMount")
export const EnvFromSource = jsonObject<V1EnvFromSource>("a Kubernetes EnvFromSource")
export const SecretVolumeSource = jsonObject<V1SecretVolumeSource>(
  "a Kubernetes SecretVolumeSource",
)
export const ResourceRequirements = jsonObject<V1ResourceRequirements>(
  "Kubernetes ResourceRequirements",
)
export const CheckoutParamsSchema = jsonObject<CheckoutParams>("checkout params")
export const CommandParamsSchema = jsonObject<CommandParams>("command params")
export const SidecarParamsSchema = jsonObject<SidecarParams>("sidecar params")
export const MetadataSchema = jsonObject<Metadata>("metadata ({labels, annotations})")
