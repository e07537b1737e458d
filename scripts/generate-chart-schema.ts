/**
 * Writes chart/values.schema.json: the chart's own values described here, and the
 * `config` value taken from the controller's config JSON Schema, so that the chart
 * validates exactly what the controller accepts.
 *
 * Run with `npx node scripts/generate-chart-schema.ts`; a test fails when the
 * committed file differs from what this produces.
 */
import { writeFileSync } from "node:fs"
import { configJsonSchema } from "../src/config/jsonSchema.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }
type JsonObject = { readonly [k: string]: Json }

export const schemaPath = new URL("../chart/values.schema.json", import.meta.url)

const str = (description: string): JsonObject => ({ type: "string", description })

const bool = (description: string): JsonObject => ({ type: "boolean", description })

/** Metadata a user may merge into an object the chart names itself. */
const extraMetadata = (description: string): JsonObject => ({
  type: "object",
  description,
  properties: {
    labels: { $ref: "#/$defs/stringMap" },
    annotations: { $ref: "#/$defs/stringMap" },
  },
  // A key named here would replace the name the chart gives the object.
  propertyNames: { not: { enum: ["name", "namespace"] } },
})

const scrapeInterval: JsonObject = {
  type: "string",
  description: "Scrape interval such as 30s; empty uses Prometheus' default.",
  pattern: "^$|^([0-9]+(ms|s|m|h))+$",
}

/** Shapes of the Kubernetes types the values carry, checked loosely: the API server checks them in full. */
const kubernetesDefs: JsonObject = {
  stringMap: { type: "object", additionalProperties: { type: "string" } },
  resources: {
    type: "object",
    additionalProperties: false,
    properties: {
      limits: { $ref: "#/$defs/quantityMap" },
      requests: { $ref: "#/$defs/quantityMap" },
      claims: { type: "array", items: { type: "object" } },
    },
  },
  quantityMap: {
    type: "object",
    additionalProperties: { type: ["string", "number"] },
  },
  envVar: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1 },
      value: { type: "string" },
      valueFrom: { type: "object" },
    },
  },
  toleration: {
    type: "object",
    additionalProperties: false,
    properties: {
      key: { type: "string" },
      operator: { enum: ["Exists", "Equal"] },
      value: { type: "string" },
      effect: { enum: ["", "NoSchedule", "PreferNoSchedule", "NoExecute"] },
      tolerationSeconds: { type: "integer" },
    },
  },
}

const monitoring: JsonObject = {
  type: "object",
  description: "Prometheus Operator and Grafana objects.",
  additionalProperties: false,
  properties: {
    deployGrafanaDashboard: bool("Render a ConfigMap holding a Grafana dashboard."),
    namespace: str("Namespace of the monitoring objects; empty means the release namespace."),
    podMonitor: {
      type: "object",
      additionalProperties: false,
      properties: {
        deploy: bool("Render a PodMonitor (needs the Prometheus Operator CRDs)."),
        scrapeInterval,
      },
    },
    serviceMonitor: {
      type: "object",
      additionalProperties: false,
      properties: {
        deploy: bool("Render a Service and a ServiceMonitor (needs the Prometheus Operator CRDs)."),
        scrapeInterval,
      },
    },
  },
}

const chartValues: Record<string, JsonObject> = {
  agentToken: str("Buildkite cluster agent token, stored in a Secret the chart creates."),
  agentStackSecret: str(
    "Existing Secret holding the agent token under BUILDKITE_AGENT_TOKEN; replaces agentToken.",
  ),
  graphqlToken: {
    ...str("Ignored: the controller never used a GraphQL token. Accepted for old values files."),
    deprecated: true,
  },
  image: str("Controller image; empty means agent-stack-k8s:<appVersion>."),
  imagePullPolicy: { enum: ["", "Always", "IfNotPresent", "Never"] },
  imagePullSecrets: {
    type: "array",
    items: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" } },
    },
  },
  nameOverride: str("Replaces the chart name in object names."),
  fullnameOverride: str("Replaces the whole generated object name."),
  replicaCount: {
    type: "integer",
    minimum: 1,
    description: "Controller pods; above 1 turns on leader election.",
  },
  nodeSelector: { $ref: "#/$defs/stringMap" },
  tolerations: { type: "array", items: { $ref: "#/$defs/toleration" } },
  affinity: { type: "object", description: "Affinity of the controller pod." },
  priorityClassName: str("Priority class of the controller pod."),
  resources: { $ref: "#/$defs/resources" },
  labels: {
    $ref: "#/$defs/stringMap",
    description: "Extra labels of the controller pod; app is reserved for the selector.",
    propertyNames: { not: { const: "app" } },
  },
  annotations: { $ref: "#/$defs/stringMap" },
  secretsMetadata: extraMetadata("Extra labels and annotations of the token Secret."),
  serviceAccountMetadata: extraMetadata(
    "Extra labels and annotations of the ServiceAccount and Role.",
  ),
  serviceAccount: {
    type: "object",
    additionalProperties: false,
    properties: {
      create: bool("Create the controller's ServiceAccount."),
      name: str("ServiceAccount name; empty means <fullname>-controller."),
    },
  },
  podSecurityContext: {
    type: "object",
    description: "Merged over the hardened pod security context.",
  },
  securityContext: {
    type: "object",
    description: "Merged over the hardened container security context.",
  },
  controllerEnv: { type: "array", items: { $ref: "#/$defs/envVar" } },
  podDisruptionBudget: {
    type: "object",
    additionalProperties: false,
    properties: {
      enabled: bool("Add a PodDisruptionBudget when replicaCount is above 1."),
      maxUnavailable: { type: ["integer", "string"] },
    },
  },
  monitoring,
  global: { type: "object", description: "Values shared with parent charts." },
}

/** Config keys the chart derives from the release. */
const injectedKeys: ReadonlyArray<string> = ["agent-token-secret", "namespace", "id"]

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Rewrites `#/definitions/...` references, which would otherwise point into the chart's root. */
const rewriteRefs = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === "$ref" && typeof inner === "string"
        ? [key, inner.replace(/^#\/definitions\//, "#/$defs/")]
        : [key, rewriteRefs(inner)],
    ),
  )
}

/**
 * Builds the values schema around a config schema. The config schema's own
 * definitions move to the root, where its `#/...` references resolve once embedded.
 */
export const chartValuesSchema = (config: object): JsonObject => {
  const {
    $schema: _s,
    $id: _i,
    $defs,
    definitions,
    required: configRequired,
    ...configBody
  } = rewriteRefs(config as JsonObject) as Record<string, Json>
  const configDefs = {
    ...(isObject(definitions) ? definitions : {}),
    ...(isObject($defs) ? $defs : {}),
  }
  const clash = Object.keys(configDefs).filter((name) => name in kubernetesDefs)
  if (clash.length > 0) {
    throw new Error(`Config schema definitions clash with the chart's: ${clash.join(", ")}`)
  }
  // The chart supplies these itself, so a values file need not.
  const required = Array.isArray(configRequired)
    ? configRequired.filter((key) => typeof key !== "string" || !injectedKeys.includes(key))
    : []
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "agent-stack-k8s Helm values",
    type: "object",
    additionalProperties: false,
    required: ["config"],
    properties: {
      ...chartValues,
      config: {
        ...configBody,
        ...(required.length > 0 ? { required } : {}),
        description:
          "The controller's config file; the chart adds agent-token-secret, namespace and id.",
      },
    },
    $defs: { ...kubernetesDefs, ...configDefs },
  }
}

export const renderSchema = (): string =>
  `${JSON.stringify(chartValuesSchema(configJsonSchema()), null, 2)}\n`

if (import.meta.main) {
  writeFileSync(schemaPath, renderSchema())
  process.stdout.write(`Wrote ${schemaPath.pathname}\n`)
}
