import { readFile } from "node:fs/promises"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "yaml"
import { renderSchema, schemaPath } from "../../scripts/generate-chart-schema.ts"
import { lint, render } from "./helm.ts"
import { configFile } from "./objects.ts"

const exampleConfig = async (): Promise<Record<string, unknown>> =>
  parse(await readFile(new URL("../../examples/config.yaml", import.meta.url), "utf8"))

describe("chart values schema", () => {
  describe("values.schema.json", () => {
    it("is the generator's output for the current config options", async () => {
      const committed = await readFile(schemaPath, "utf8")
      assert.isTrue(
        committed === renderSchema(),
        "chart/values.schema.json is stale: run `npx node scripts/generate-chart-schema.ts`",
      )
    })

    it("spells the workspace volume as the controller does", async () => {
      const schema = JSON.parse(await readFile(schemaPath, "utf8"))
      const config = schema.properties.config.properties
      assert.property(config, "workspace-volume")
      assert.notProperty(config, "workspaceVolume")
    })

    it("accepts the example config file as config", async () => {
      const result = await lint({ agentToken: "bkct_secret", config: await exampleConfig() })
      assert.isTrue(result.ok, result.stdout + result.stderr)
    })

    it("rejects an unknown config key, naming it", async () => {
      const result = await lint({ agentToken: "bkct_secret", config: { workspaceVolume: {} } })
      assert.isFalse(result.ok)
      assert.include(result.stdout + result.stderr, "workspaceVolume")
    })
  })

  describe("examples/config.yaml as config", () => {
    it("renders into a config file that keeps every example value", async () => {
      const example = await exampleConfig()
      const config = configFile(await render({ agentToken: "bkct_secret", config: example }))
      for (const [key, value] of Object.entries(example)) {
        assert.deepStrictEqual(config[key], value, key)
      }
    })
  })
})
