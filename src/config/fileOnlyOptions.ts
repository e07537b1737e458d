/**
 * The options only the config file can set: objects handed to the PodSpec engine.
 */
import { Schema } from "effect"
import { AgentConfig } from "./AgentConfig.ts"
import { PodSpecPatchChecks } from "./checks.ts"
import { emptyAsAbsent, withDefault } from "./fields.ts"
import {
  CheckoutParamsSchema,
  CommandParamsSchema,
  MetadataSchema,
  PodSpecPatch,
  ResourceRequirements,
  SidecarParamsSchema,
  Volume,
} from "./kubeFields.ts"
import { option } from "./OptionDef.ts"
import { fileOnly } from "./optionBuilders.ts"

const StringMap = Schema.Record(Schema.String, Schema.String)

/** One entry of `resource-classes`. */
export const ResourceClassSchema = Schema.Struct({
  resource: Schema.optionalKey(ResourceRequirements),
  podResource: Schema.optionalKey(ResourceRequirements),
  nodeSelector: Schema.optionalKey(StringMap),
})

export const fileOnlyOptions = {
  // Pod spec defaults (config file only)
  podSpecPatch: option(
    fileOnly("pod-spec-patch", {
      type: "PodSpec (patch)",
      group: "Pod spec defaults",
      description: "Strategic merge patch applied to every pod spec",
    }),
    Schema.optionalKey(PodSpecPatch.check(PodSpecPatchChecks)),
  ),
  workspaceVolume: option(
    fileOnly("workspace-volume", {
      type: "Volume",
      group: "Pod spec defaults",
      description: "Volume used as `/workspace` instead of an `emptyDir`",
    }),
    Schema.optionalKey(Volume),
  ),
  workspaceMountSubPathExpr: option(
    fileOnly("workspace-mount-sub-path-expr", {
      type: "string",
      group: "Pod spec defaults",
      description: "`subPathExpr` of every `/workspace` mount, e.g. `$(POD_NAME)`",
    }),
    emptyAsAbsent(Schema.String),
  ),
  agentConfig: option(
    fileOnly("agent-config", {
      type: "object (see below)",
      group: "Pod spec defaults",
      description: "Settings for the agent in every pod",
    }),
    Schema.optionalKey(AgentConfig),
  ),
  defaultCheckoutParams: option(
    fileOnly("default-checkout-params", {
      type: "CheckoutParams",
      group: "Pod spec defaults",
      description: "Defaults for the checkout container (the plugin's `checkout`)",
    }),
    Schema.optionalKey(CheckoutParamsSchema),
  ),
  defaultCommandParams: option(
    fileOnly("default-command-params", {
      type: "CommandParams",
      group: "Pod spec defaults",
      description: "Defaults for command containers (the plugin's `commandParams`)",
    }),
    Schema.optionalKey(CommandParamsSchema),
  ),
  defaultSidecarParams: option(
    fileOnly("default-sidecar-params", {
      type: "SidecarParams",
      group: "Pod spec defaults",
      description: "Defaults for sidecars (the plugin's `sidecarParams`)",
    }),
    Schema.optionalKey(SidecarParamsSchema),
  ),
  defaultMetadata: option(
    fileOnly("default-metadata", {
      type: "`{labels, annotations}`",
      group: "Pod spec defaults",
      description: "Labels and annotations added to every Job and pod",
    }),
    Schema.optionalKey(MetadataSchema),
  ),
  additionalRedactedVars: option(
    fileOnly("additional-redacted-vars", {
      type: "list of strings",
      group: "Pod spec defaults",
      description: "More variable names whose values the agent redacts from logs",
    }),
    withDefault(Schema.Array(Schema.String), []),
    [],
  ),
  resourceClasses: option(
    fileOnly("resource-classes", {
      type: "map of `{resource, podResource, nodeSelector}`",
      group: "Pod spec defaults",
      description: "Named sizes a pipeline picks with the agent tag `resource_class`",
    }),
    Schema.optionalKey(Schema.Record(Schema.String, ResourceClassSchema)),
  ),
  defaultResourceClassName: option(
    fileOnly("default-resource-class-name", {
      type: "string",
      group: "Pod spec defaults",
      description: "Resource class of jobs that name none; must be a key of `resource-classes`",
    }),
    emptyAsAbsent(Schema.String),
  ),
}
