/**
 * What the pure PodSpec engine needs to know about the controller's configuration.
 *
 * The configuration loader (`src/config/`) decodes the kebab-case config file, environment
 * and flags into `ControllerConfig`, which must be assignable to this interface; the engine
 * never sees the file format. Every field mirrors one option of the Go controller; the
 * comments name the config-file key.
 */
import type {
  V1EnvFromSource,
  V1PodSpec,
  V1ResourceRequirements,
  V1SecretVolumeSource,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node"

export type PullPolicy = "Always" | "IfNotPresent" | "Never"

export type Interposer = "buildkite" | "vector" | "legacy"

/** `gitMirrors` inside checkout params. */
export interface GitMirrors {
  readonly path?: string
  readonly volume?: V1Volume
  readonly cloneFlags?: string
  readonly lockTimeout?: number
  readonly skipUpdate?: boolean
}

/** `default-checkout-params` and the plugin's `checkout`. */
export interface CheckoutParams {
  readonly skip?: boolean
  readonly checkoutFlags?: string
  readonly cleanFlags?: string
  readonly cloneFlags?: string
  readonly fetchFlags?: string
  readonly noSubmodules?: boolean
  readonly submoduleCloneConfig?: ReadonlyArray<string>
  readonly gitMirrors?: GitMirrors
  readonly gitCredentialsSecret?: V1SecretVolumeSource
  readonly envFrom?: ReadonlyArray<V1EnvFromSource>
  readonly extraVolumeMounts?: ReadonlyArray<V1VolumeMount>
}

/** `default-command-params` and the plugin's `commandParams`. */
export interface CommandParams {
  readonly interposer?: Interposer
  readonly envFrom?: ReadonlyArray<V1EnvFromSource>
  readonly extraVolumeMounts?: ReadonlyArray<V1VolumeMount>
}

/** `default-sidecar-params` and the plugin's `sidecarParams`. */
export interface SidecarParams {
  readonly envFrom?: ReadonlyArray<V1EnvFromSource>
  readonly extraVolumeMounts?: ReadonlyArray<V1VolumeMount>
}

/** `default-metadata` and the plugin's `metadata`. */
export interface Metadata {
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
}

/** One entry of `agent-config.additional-hooks`. */
export interface AdditionalHook {
  readonly path: string
  readonly volume: V1Volume
}

/** `agent-config`: settings handed to the agent in each pod (upstream section 4.3). */
export interface AgentConfig {
  readonly endpoint?: string
  readonly noHttp2?: boolean
  readonly experiment?: ReadonlyArray<string>
  readonly shell?: string
  readonly noColor?: boolean
  readonly strictSingleHooks?: boolean
  readonly noMultipartArtifactUpload?: boolean
  readonly traceContextEncoding?: string
  readonly tracingBackend?: string
  readonly tracingServiceName?: string
  readonly tracingPropagateTraceparent?: boolean
  readonly disableWarningsFor?: ReadonlyArray<string>
  readonly debugSigning?: boolean
  readonly gitSkipFetchExistingCommits?: boolean
  /** `container-start-timeout`, in milliseconds. */
  readonly containerStartTimeoutMillis?: number
  readonly noPty?: boolean
  readonly noCommandEval?: boolean
  readonly noLocalHooks?: boolean
  readonly noPlugins?: boolean
  readonly pluginValidation?: boolean
  readonly signingJwksFile?: string
  readonly signingJwksKeyId?: string
  readonly signingJWKSVolume?: V1Volume
  readonly hooksPath?: string
  readonly hooksVolume?: V1Volume
  readonly additionalHooksPaths?: ReadonlyArray<string>
  readonly additionalHooks?: ReadonlyArray<AdditionalHook>
  readonly pluginsPath?: string
  readonly pluginsVolume?: V1Volume
  readonly verificationJwksFile?: string
  readonly verificationFailureBehavior?: string
  readonly verificationJWKSVolume?: V1Volume
}

/** One entry of `resource-classes`. */
export interface ResourceClass {
  readonly resource?: V1ResourceRequirements
  readonly podResource?: V1ResourceRequirements
  readonly nodeSelector?: Readonly<Record<string, string>>
}

/** The configuration the engine reads. Key names are the camelCase of the config keys. */
export interface BuildConfig {
  /** `id`: controller instance id; label `buildkite.com/controller-id` when non-empty. */
  readonly id: string
  /** `namespace` */
  readonly namespace: string
  /** `image`: agent image for copy-agent, agent, checkout and the default container. */
  readonly image: string
  /** `agent-token-secret` */
  readonly agentTokenSecret: string
  /** `job-prefix` */
  readonly jobPrefix: string
  /** `job-ttl`, in milliseconds (rendered as whole seconds). */
  readonly jobTtlMillis: number
  /** `job-active-deadline-seconds` */
  readonly jobActiveDeadlineSeconds: number
  /** `default-termination-grace-period-seconds` */
  readonly defaultTerminationGracePeriodSeconds: number
  /** `default-image-pull-policy` */
  readonly defaultImagePullPolicy?: PullPolicy
  /** `default-image-check-pull-policy` */
  readonly defaultImageCheckPullPolicy?: PullPolicy
  /** `skip-image-check-containers` */
  readonly skipImageCheckContainers: boolean
  /** `image-check-container-cpu-limit` (Kubernetes quantity) */
  readonly imageCheckContainerCpuLimit: string
  /** `image-check-container-memory-limit` (Kubernetes quantity) */
  readonly imageCheckContainerMemoryLimit: string
  /** `prohibit-kubernetes-plugin` */
  readonly prohibitKubernetesPlugin: boolean
  /** `allow-pod-spec-patch-unsafe-command-modification` */
  readonly allowPodSpecPatchUnsafeCommandModification: boolean
  /** `pod-spec-patch`: controller-wide strategic merge patch (may carry `$patch` directives). */
  readonly podSpecPatch?: V1PodSpec
  /** `workspace-volume` */
  readonly workspaceVolume?: V1Volume
  /** `workspace-mount-sub-path-expr` */
  readonly workspaceMountSubPathExpr?: string
  /** `agent-config` */
  readonly agentConfig?: AgentConfig
  /** `default-checkout-params` */
  readonly defaultCheckoutParams?: CheckoutParams
  /** `default-command-params` */
  readonly defaultCommandParams?: CommandParams
  /** `default-sidecar-params` */
  readonly defaultSidecarParams?: SidecarParams
  /** `default-metadata` */
  readonly defaultMetadata?: Metadata
  /** `additional-redacted-vars` */
  readonly additionalRedactedVars: ReadonlyArray<string>
  /** `resource-classes` */
  readonly resourceClasses?: Readonly<Record<string, ResourceClass>>
  /** `default-resource-class-name` */
  readonly defaultResourceClassName?: string
  /**
   * `restricted` (this project's addition): every container the controller adds satisfies
   * the Pod Security Standard "restricted", and workspace ownership uses `fsGroup`.
   */
  readonly restricted: boolean
}
