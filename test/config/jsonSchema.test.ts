import { assert, describe, it } from "@effect/vitest"
import { optionEntries } from "../../src/config/ControllerConfig.ts"
import { configJsonSchema } from "../../src/config/jsonSchema.ts"

const properties = (): Readonly<Record<string, Readonly<Record<string, unknown>>>> => {
  const schema: Readonly<Record<string, unknown>> = { ...configJsonSchema() }
  const value = schema.properties
  assert.isTrue(typeof value === "object" && value !== null)
  return value as Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

describe("jsonSchema", () => {
  describe("configJsonSchema", () => {
    it("is a closed draft 2020-12 object schema with every config-file key", () => {
      const schema: Readonly<Record<string, unknown>> = { ...configJsonSchema() }
      assert.strictEqual(schema.$schema, "https://json-schema.org/draft/2020-12/schema")
      assert.strictEqual(schema.additionalProperties, false)
      assert.deepStrictEqual(
        Object.keys(properties()),
        optionEntries.map(([, def]) => def.key),
      )
    })

    it("carries ranges, enums, defaults and descriptions", () => {
      const props = properties()
      assert.deepInclude(props["reservation-expiry-seconds"], {
        type: "integer",
        minimum: 0,
        maximum: 3600,
        default: 0,
      })
      assert.deepInclude(props["log-level"], { enum: ["debug", "info", "warn", "error"] })
      assert.deepInclude(props["default-image-pull-policy"], {
        enum: ["", "Always", "IfNotPresent", "Never"],
      })
      assert.strictEqual(props["job-ttl"]?.default, "10m")
      assert.isString(props["max-in-flight"]?.description)
    })
  })
})
