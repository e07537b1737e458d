/**
 * `agent-config`: settings handed to the agent in every pod. The keys are kebab-case except
 * the four volume keys, which the original spells in camelCase; both are kept as they are.
 */
import { Schema } from "effect"
import { DurationMillis } from "./Duration.ts"
import { RequiredString } from "./fields.ts"
import { Volume } from "./kubeFields.ts"

const optional = Schema.optionalKey

/** One entry of `additional-hooks`: a volume mounted at `path` whose hooks the agent runs. */
export const AdditionalHook = Schema.Struct({
  path: RequiredString,
  volume: Volume.check(
    Schema.makeFilter((volume) =>
      typeof volume.name === "string" && volume.name !== ""
        ? true
        : { path: ["name"], issue: "is required" },
    ),
  ),
})

const fields = {
  endpoint: optional(Schema.String),
  noHttp2: optional(Schema.Boolean),
  experiment: optional(Schema.Array(Schema.String)),
  shell: optional(Schema.String),
  noColor: optional(Schema.Boolean),
  strictSingleHooks: optional(Schema.Boolean),
  noMultipartArtifactUpload: optional(Schema.Boolean),
  traceContextEncoding: optional(Schema.String),
  tracingBackend: optional(Schema.String),
  tracingServiceName: optional(Schema.String),
  tracingPropagateTraceparent: optional(Schema.Boolean),
  disableWarningsFor: optional(Schema.Array(Schema.String)),
  debugSigning: optional(Schema.Boolean),
  gitSkipFetchExistingCommits: optional(Schema.Boolean),
  containerStartTimeoutMillis: optional(DurationMillis),
  noPty: optional(Schema.Boolean),
  noCommandEval: optional(Schema.Boolean),
  noLocalHooks: optional(Schema.Boolean),
  noPlugins: optional(Schema.Boolean),
  pluginValidation: optional(Schema.Boolean),
  signingJwksFile: optional(Schema.String),
  signingJwksKeyId: optional(Schema.String),
  signingJWKSVolume: optional(Volume),
  hooksPath: optional(Schema.String),
  hooksVolume: optional(Volume),
  additionalHooksPaths: optional(Schema.Array(Schema.String)),
  additionalHooks: optional(Schema.Array(AdditionalHook)),
  pluginsPath: optional(Schema.String),
  pluginsVolume: optional(Volume),
  verificationJwksFile: optional(Schema.String),
  verificationFailureBehavior: optional(Schema.Literals(["warn", "block"])),
  verificationJWKSVolume: optional(Volume),
}

/** `[field, config-file key, description]` for every `agent-config` key. */
const keys = [
  ["endpoint", "endpoint", "Agent API endpoint; also the controller's own Buildkite API base URL"],
  ["noHttp2", "no-http2", "Disable HTTP/2 in the agent"],
  ["experiment", "experiment", "Agent experiments to enable"],
  ["shell", "shell", "Shell the agent runs commands with"],
  ["noColor", "no-color", "Disable ANSI colours in agent output"],
  ["strictSingleHooks", "strict-single-hooks", "Run only one hook of each kind"],
  [
    "noMultipartArtifactUpload",
    "no-multipart-artifact-upload",
    "Disable multipart artifact uploads",
  ],
  ["traceContextEncoding", "trace-context-encoding", "Trace context encoding (`gob` or `json`)"],
  ["tracingBackend", "tracing-backend", "Agent tracing backend (`datadog`, `opentelemetry`)"],
  ["tracingServiceName", "tracing-service-name", "Service name in agent traces"],
  ["tracingPropagateTraceparent", "tracing-propagate-traceparent", "Propagate W3C traceparent"],
  ["disableWarningsFor", "disable-warnings-for", "Agent warnings to silence"],
  ["debugSigning", "debug-signing", "Log pipeline signing details"],
  [
    "gitSkipFetchExistingCommits",
    "git-skip-fetch-existing-commits",
    "Skip fetching commits already present",
  ],
  [
    "containerStartTimeoutMillis",
    "container-start-timeout",
    "How long the agent waits for containers to start (duration)",
  ],
  ["noPty", "no-pty", "Run commands without a pseudo-terminal"],
  ["noCommandEval", "no-command-eval", "Forbid arbitrary commands"],
  ["noLocalHooks", "no-local-hooks", "Forbid repository hooks"],
  ["noPlugins", "no-plugins", "Forbid plugins"],
  ["pluginValidation", "plugin-validation", "Validate plugin configuration"],
  ["signingJwksFile", "signing-jwks-file", "JWKS file used to sign pipelines"],
  ["signingJwksKeyId", "signing-jwks-key-id", "Key id in the signing JWKS"],
  ["signingJWKSVolume", "signingJWKSVolume", "Volume holding the signing JWKS"],
  ["hooksPath", "hooks-path", "Where agent hooks are mounted"],
  ["hooksVolume", "hooksVolume", "Volume holding agent hooks"],
  ["additionalHooksPaths", "additional-hooks-paths", "More hook directories"],
  ["additionalHooks", "additional-hooks", "More hook volumes: a list of `{path, volume}`"],
  ["pluginsPath", "plugins-path", "Where agent plugins are mounted"],
  ["pluginsVolume", "pluginsVolume", "Volume holding agent plugins"],
  ["verificationJwksFile", "verification-jwks-file", "JWKS file used to verify pipelines"],
  [
    "verificationFailureBehavior",
    "verification-failure-behavior",
    "What the agent does when verification fails",
  ],
  ["verificationJWKSVolume", "verificationJWKSVolume", "Volume holding the verification JWKS"],
] as const satisfies ReadonlyArray<readonly [keyof typeof fields, string, string]>

/** The `agent-config` keys with their descriptions, for the generated reference. */
export const agentConfigKeys: ReadonlyArray<{
  readonly key: string
  readonly description: string
}> = keys.map(([, key, description]) => ({ key, description }))

/** `[field, config-file key]` pairs, for renaming the file's keys. */
export const agentConfigFields: ReadonlyArray<readonly [string, string]> = keys.map(
  ([field, key]) => [field, key],
)

/** `agent-config` with camelCase keys (renamed from the file's keys by `fileKeys.ts`). */
export const AgentConfig = Schema.Struct(fields)
