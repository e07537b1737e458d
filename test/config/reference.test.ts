import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { optionEntries } from "../../src/config/ControllerConfig.ts"
import { configReference, readmeWithReference } from "../../src/config/reference.ts"

describe("reference", () => {
  describe("configReference", () => {
    it("matches the committed docs/configuration.md", () => {
      const committed = readFileSync("docs/configuration.md", "utf8")
      assert.isTrue(
        committed === configReference(),
        "docs/configuration.md is out of date: run `npx node scripts/generate-config-docs.ts`",
      )
    })

    it("matches the configuration section of the committed README.md", () => {
      const committed = readFileSync("README.md", "utf8")
      assert.isTrue(
        committed === readmeWithReference(committed),
        "README.md's configuration reference is out of date: run `npx node scripts/generate-config-docs.ts`",
      )
    })

    it("documents every option's key and environment variable", () => {
      const text = configReference()
      for (const [, def] of optionEntries) {
        assert.include(text, `\`${def.key}\``)
        if (def.env !== undefined) assert.include(text, `\`${def.env}\``)
      }
    })
  })
})
