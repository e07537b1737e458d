/**
 * A JSON Schema (draft 2020-12) of the config-file object, derived from the option table,
 * for the Helm chart's `values.schema.json` (the chart's `config` value).
 */
import { Schema } from "effect"
import { agentConfigKeys } from "./AgentConfig.ts"
import { optionEntries } from "./ControllerConfig.ts"
import type { OptionDef } from "./OptionDef.ts"

const durationPattern = "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$"

/** A Go duration string, or a bare 0 (the only unambiguous bare number). */
const duration = { anyOf: [{ type: "string", pattern: durationPattern }, { const: 0 }] }
const tag = { type: "string", pattern: "^[^=]+=.*$" }
const object = { type: "object" }

/** The JSON Schema of one option's value, from its Schema where that is exact enough. */
const valueSchema = (def: OptionDef): object => {
  switch (def.kind) {
    case "duration":
      return duration
    case "bool":
      return { type: "boolean" }
    case "list":
      return { type: "array", items: tag }
    case "secret":
      return { type: "string" }
    case "int":
    case "string": {
      const override = overrides[def.key]
      if (override !== undefined) return override
      const document = Schema.toJsonSchemaDocument(Schema.toEncoded(def.field))
      return document.schema
    }
    case "structured":
      return structured[def.key] ?? object
  }
}

const pullPolicy = { type: "string", enum: ["", "Always", "IfNotPresent", "Never"] }
const overrides: Readonly<Record<string, object>> = {
  "default-image-pull-policy": pullPolicy,
  "default-image-check-pull-policy": pullPolicy,
}

const structured: Readonly<Record<string, object>> = {
  queues: {
    type: "array",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["queue"],
      properties: {
        queue: { type: "string", minLength: 1 },
        tags: { type: "array", items: tag },
        "max-in-flight": { type: "integer", minimum: 0 },
      },
    },
  },
  "agent-config": {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(
      agentConfigKeys.map(({ key, description }) => [
        key,
        {
          description,
          ...(key === "container-start-timeout"
            ? duration
            : key.endsWith("Volume")
              ? object
              : ["experiment", "disable-warnings-for", "additional-hooks-paths"].includes(key)
                ? { type: "array", items: { type: "string" } }
                : key === "additional-hooks"
                  ? { type: "array", items: { type: "object", required: ["path", "volume"] } }
                  : {}),
        },
      ]),
    ),
  },
  "additional-redacted-vars": { type: "array", items: { type: "string" } },
  "resource-classes": {
    type: "object",
    additionalProperties: {
      type: "object",
      additionalProperties: false,
      properties: { resource: object, podResource: object, nodeSelector: object },
    },
  },
  "workspace-mount-sub-path-expr": { type: "string" },
  "default-resource-class-name": { type: "string" },
}

/** The config-file object's JSON Schema (draft 2020-12). */
export const configJsonSchema = (): object => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "agent-stack-k8s controller configuration",
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries(
    optionEntries.map(([, def]) => [
      def.key,
      {
        ...valueSchema(def),
        description: def.description,
        ...(def.default === undefined ? {} : { default: def.default }),
      },
    ]),
  ),
})
