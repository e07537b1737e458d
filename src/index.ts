/**
 * The public surface for users who compose their own Layers: the configuration, the pure
 * PodSpec engine and its extension points, the two API services, and the controller
 * program. Test doubles and local API fakes are in `agent-stack-k8s/testing`.
 */

// Buildkite
export { BuildkiteApi } from "./buildkite/BuildkiteApi.ts"
export { BuildkiteApiError } from "./buildkite/errors.ts"
export { Notifier } from "./buildkite/Notifier.ts"
// Kubernetes
export { ClusterEvents } from "./cluster/ClusterEvents.ts"
// Configuration
export { ConfigError } from "./config/ConfigError.ts"
export { type ControllerConfig, toBuildConfig } from "./config/ControllerConfig.ts"
export { decodeConfig, defaultConfig } from "./config/decodeConfig.ts"
export { type ConfigSources, loadConfig, nodeFileReader } from "./config/loadConfig.ts"
// The controller
export { runController } from "./controller/Controller.ts"
export { controllerLayer, controllerProgram } from "./controller/Main.ts"
export type { KubernetesError } from "./kubernetes/errors.ts"
export { Kubernetes } from "./kubernetes/Kubernetes.ts"
export { requiredPermissions } from "./kubernetes/permissions.ts"
export { LeaderElection } from "./lifecycle/LeaderElection.ts"
export { runLifecycle } from "./lifecycle/Lifecycle.ts"
// The PodSpec engine (pure) and its extension points
export type * from "./podspec/BuildConfig.ts"
export { BuildError, failureDetail, JobParseError } from "./podspec/BuildError.ts"
export {
  basePodSpecSource,
  buildJob,
  buildJobWithWarnings,
  defaultTransforms,
} from "./podspec/buildJob.ts"
export { parseImageReference } from "./podspec/ImageReference.ts"
export { interpose } from "./podspec/Interposer.ts"
export type { BuildOptions, JobInput, ParsedJob } from "./podspec/JobInput.ts"
export {
  addTransforms,
  type ExtraTransform,
  PodSpecBuilder,
  PodSpecSettings,
  PodSpecTransforms,
} from "./podspec/PodSpecBuilder.ts"
export { parseJob } from "./podspec/parseJob.ts"
export { applyPodSpecPatch } from "./podspec/StrategicMerge.ts"
export type { BuildState, PodSpecTransform } from "./podspec/transforms/BuildState.ts"
export { version } from "./version.ts"
