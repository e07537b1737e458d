/**
 * The Kubernetes and plugin-parameter Schemas the configuration's structured options use,
 * gathered in one module so the config Schema names each once. The strict variants are
 * used: a misspelt key inside `pod-spec-patch`, a volume or a params object is an error
 * with a suggestion, as it was in the original's strict decoding.
 */
export {
  EnvFromSourceStrict as EnvFromSource,
  PodSpecPatchStrict as PodSpecPatch,
  ResourceRequirementsStrict as ResourceRequirements,
  SecretVolumeSourceStrict as SecretVolumeSource,
  VolumeMountStrict as VolumeMount,
  VolumeStrict as Volume,
} from "../kube/KubeSchema.ts"
export {
  CheckoutParamsStrict as CheckoutParamsSchema,
  CommandParamsStrict as CommandParamsSchema,
  MetadataStrict as MetadataSchema,
  SidecarParamsStrict as SidecarParamsSchema,
} from "../podspec/PluginSchema.ts"
