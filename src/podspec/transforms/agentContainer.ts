/**
 * Step 14: the `agent` container, which runs `buildkite-agent start`, acquires this one job
 * and coordinates the other containers over the sockets in the workspace.
 */
import type { V1Container, V1EnvVar } from "@kubernetes/client-node"
import { Result } from "effect"
import { formatGoDuration } from "../../config/Duration.ts"
import type { AgentConfig, CheckoutParams } from "../BuildConfig.ts"
import { renderAgentTags } from "./agentTags.ts"
import type { BuildState } from "./BuildState.ts"
import { envVar, setEnv } from "./env.ts"
import {
  agentPaths,
  defaultGitMirrorsPath,
  defaultHooksPath,
  defaultPluginsPath,
  hookMounts,
  signingMounts,
  verificationMounts,
  workspacePath,
} from "./paths.ts"
import { stackPullPolicy } from "./pullPolicy.ts"

/** Patterns the agent redacts by default (agent 3.136), before `additional-redacted-vars`. */
export const defaultRedactedVars: ReadonlyArray<string> = [
  "*_PASSWORD",
  "*_SECRET",
  "*_TOKEN",
  "*_PRIVATE_KEY",
  "*_ACCESS_KEY",
  "*_SECRET_KEY",
  "*_CONNECTION_STRING",
  "*_API_KEY",
]

const fieldRef = (name: string, fieldPath: string): V1EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath } },
})

const bool = (value: boolean) => (value ? "true" : "false")

/** Optional settings as `[name, value]` pairs, in the order of upstream table 3.4.9. */
const agentConfigEnv = (config: AgentConfig): Array<readonly [string, string | undefined]> => {
  const paths = agentPaths(config)
  const additionalHooks = [
    ...(config.additionalHooksPaths ?? []),
    ...(config.additionalHooks ?? []).map((hook) => hook.path).filter((path) => path !== ""),
  ]
  const optionalBool = (value: boolean | undefined) =>
    value === undefined ? undefined : bool(value)
  const list = (value: ReadonlyArray<string> | undefined) =>
    value === undefined || value.length === 0 ? undefined : value.join(",")
  const verificationBehaviour =
    config.verificationFailureBehavior ??
    (config.verificationJwksFile === undefined ? "warn" : undefined)
  return [
    ["BUILDKITE_AGENT_ENDPOINT", config.endpoint],
    ["BUILDKITE_NO_HTTP2", optionalBool(config.noHttp2)],
    ["BUILDKITE_AGENT_EXPERIMENT", list(config.experiment)],
    ["BUILDKITE_SHELL", config.shell],
    ["BUILDKITE_AGENT_NO_COLOR", optionalBool(config.noColor)],
    ["BUILDKITE_STRICT_SINGLE_HOOKS", optionalBool(config.strictSingleHooks)],
    ["BUILDKITE_NO_MULTIPART_ARTIFACT_UPLOAD", optionalBool(config.noMultipartArtifactUpload)],
    ["BUILDKITE_TRACE_CONTEXT_ENCODING", config.traceContextEncoding],
    ["BUILDKITE_TRACING_BACKEND", config.tracingBackend],
    ["BUILDKITE_TRACING_SERVICE_NAME", config.tracingServiceName],
    ["BUILDKITE_TRACING_PROPAGATE_TRACEPARENT", optionalBool(config.tracingPropagateTraceparent)],
    ["BUILDKITE_AGENT_DISABLE_WARNINGS_FOR", list(config.disableWarningsFor)],
    ["BUILDKITE_AGENT_DEBUG_SIGNING", optionalBool(config.debugSigning)],
    ["BUILDKITE_GIT_SKIP_FETCH_EXISTING_COMMITS", optionalBool(config.gitSkipFetchExistingCommits)],
    [
      "BUILDKITE_KUBERNETES_CONTAINER_START_TIMEOUT",
      config.containerStartTimeoutMillis === undefined
        ? undefined
        : formatGoDuration(config.containerStartTimeoutMillis),
    ],
    ["BUILDKITE_HOOKS_PATH", paths.hooksPath],
    ["BUILDKITE_ADDITIONAL_HOOKS_PATHS", list(additionalHooks)],
    ["BUILDKITE_PLUGINS_PATH", paths.pluginsPath],
    ["BUILDKITE_NO_PTY", optionalBool(config.noPty)],
    ["BUILDKITE_NO_COMMAND_EVAL", optionalBool(config.noCommandEval)],
    ["BUILDKITE_NO_LOCAL_HOOKS", optionalBool(config.noLocalHooks)],
    ["BUILDKITE_NO_PLUGINS", optionalBool(config.noPlugins)],
    [
      "BUILDKITE_NO_PLUGIN_VALIDATION",
      config.pluginValidation === undefined ? undefined : bool(!config.pluginValidation),
    ],
    ["BUILDKITE_AGENT_SIGNING_JWKS_FILE", paths.signing?.file],
    ["BUILDKITE_AGENT_SIGNING_JWKS_KEY_ID", config.signingJwksKeyId],
    ["BUILDKITE_AGENT_VERIFICATION_JWKS_FILE", paths.verification?.file],
    ["BUILDKITE_AGENT_JOB_VERIFICATION_NO_SIGNATURE_BEHAVIOR", verificationBehaviour],
  ]
}

/** Checkout settings that travel to bootstrap through the agent (upstream table 3.4.10). */
export const checkoutEnv = (
  params: CheckoutParams | undefined,
): Array<readonly [string, string | undefined]> => {
  if (params === undefined) return []
  const mirrors = params.gitMirrors
  const lockTimeout = mirrors?.lockTimeout ?? 0
  const submodules = params.submoduleCloneConfig ?? []
  return [
    ["BUILDKITE_GIT_CHECKOUT_FLAGS", params.checkoutFlags],
    ["BUILDKITE_GIT_CLEAN_FLAGS", params.cleanFlags],
    ["BUILDKITE_GIT_CLONE_FLAGS", params.cloneFlags],
    ["BUILDKITE_GIT_FETCH_FLAGS", params.fetchFlags],
    [
      "BUILDKITE_NO_GIT_SUBMODULES",
      params.noSubmodules === undefined ? undefined : bool(params.noSubmodules),
    ],
    [
      "BUILDKITE_GIT_SUBMODULE_CLONE_CONFIG",
      submodules.length === 0 ? undefined : submodules.join(","),
    ],
    [
      "BUILDKITE_GIT_MIRRORS_PATH",
      mirrors?.path ?? (mirrors?.volume === undefined ? undefined : defaultGitMirrorsPath),
    ],
    ["BUILDKITE_GIT_CLONE_MIRROR_FLAGS", mirrors?.cloneFlags],
    ["BUILDKITE_GIT_MIRRORS_LOCK_TIMEOUT", lockTimeout > 0 ? String(lockTimeout) : undefined],
    [
      "BUILDKITE_GIT_MIRRORS_SKIP_UPDATE",
      mirrors?.skipUpdate === undefined ? undefined : bool(mirrors.skipUpdate),
    ],
  ]
}

const applyAll = (
  env: Array<V1EnvVar>,
  settings: ReadonlyArray<readonly [string, string | undefined]>,
): Array<V1EnvVar> =>
  settings.reduce(
    (acc, [name, value]) => (value === undefined ? acc : setEnv(acc, envVar(name, value))),
    env,
  )

export const agentContainer = (state: BuildState): Result.Result<BuildState, never> => {
  const { config, job } = state
  const containers = state.podSpec.containers ?? []
  const grace = state.podSpec.terminationGracePeriodSeconds ?? 0
  const base: Array<V1EnvVar> = [
    envVar("BUILDKITE_KUBERNETES_EXEC", "true"),
    envVar("BUILDKITE_CONTAINER_COUNT", String(containers.length + state.sys)),
    envVar("BUILDKITE_AGENT_TAGS", renderAgentTags(state.agentTags)),
    fieldRef("BUILDKITE_K8S_NODE", "spec.nodeName"),
    fieldRef("BUILDKITE_K8S_NAMESPACE", "metadata.namespace"),
    fieldRef("BUILDKITE_K8S_SERVICE_ACCOUNT", "spec.serviceAccountName"),
    envVar("BUILDKITE_BUILD_PATH", `${workspacePath}/build`),
    envVar("BUILDKITE_HOOKS_PATH", defaultHooksPath),
    envVar("BUILDKITE_PLUGINS_PATH", defaultPluginsPath),
    envVar("BUILDKITE_SOCKETS_PATH", `${workspacePath}/sockets/agent`),
    envVar("BUILDKITE_SHELL", "/bin/sh -ec"),
    {
      name: "BUILDKITE_AGENT_TOKEN",
      valueFrom: { secretKeyRef: { name: config.agentTokenSecret, key: "BUILDKITE_AGENT_TOKEN" } },
    },
    envVar("BUILDKITE_AGENT_ACQUIRE_JOB", job.uuid),
    envVar(
      "BUILDKITE_REDACTED_VARS",
      [...defaultRedactedVars, ...config.additionalRedactedVars].join(","),
    ),
    envVar("BUILDKITE_CANCEL_GRACE_PERIOD", String(Math.max(grace, 1))),
    envVar("BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS", String(Math.max(0, grace - 10))),
  ]
  const withAgentConfig =
    config.agentConfig === undefined ? base : applyAll(base, agentConfigEnv(config.agentConfig))
  const env = applyAll(
    applyAll(withAgentConfig, checkoutEnv(config.defaultCheckoutParams)),
    checkoutEnv(job.plugin?.checkout),
  )
  const agent: V1Container = {
    name: "agent",
    image: config.image,
    imagePullPolicy: stackPullPolicy(config.defaultImagePullPolicy, config.image),
    args: ["start"],
    workingDir: workspacePath,
    env,
    volumeMounts: [
      ...state.mounts,
      ...hookMounts(config.agentConfig),
      ...signingMounts(config.agentConfig),
      ...verificationMounts(config.agentConfig),
    ],
  }
  return Result.succeed({
    ...state,
    podSpec: { ...state.podSpec, containers: [...containers, agent] },
  })
}
