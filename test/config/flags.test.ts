import { assert, describe, it } from "@effect/vitest"
import { optionEntries } from "../../src/config/ControllerConfig.ts"
import { helpText, parseFlags } from "../../src/config/flags.ts"

describe("flags", () => {
  describe("helpText", () => {
    it("lists every visible flag with its variable and default", () => {
      const text = helpText()
      for (const [, def] of optionEntries) {
        if (def.flag === undefined || def.hidden === true) continue
        assert.include(text, `--${def.flag}`)
      }
      assert.include(text, "--max-in-flight int")
      assert.include(text, "(default 25) [env MAX_IN_FLIGHT]")
      assert.include(text, "-f, --config path")
      assert.notInclude(text, "--buildkite-token")
    })
  })

  describe("parseFlags", () => {
    it("reads the config path from -f and --config=", () => {
      assert.strictEqual(parseFlags(["-f", "a.yaml"]).configFile, "a.yaml")
      assert.strictEqual(parseFlags(["--config=b.yaml"]).configFile, "b.yaml")
    })

    it("reports a value-taking flag without a value", () => {
      const parsed = parseFlags(["--namespace"])
      assert.deepStrictEqual(parsed.problems, [
        { path: "--namespace", message: "expected a value (string)" },
      ])
    })

    it("reports a flag that is not a boolean given a non-boolean", () => {
      const parsed = parseFlags(["--debug=yes"])
      assert.deepStrictEqual(parsed.problems, [
        { path: "--debug", message: 'expected true or false, got "yes"' },
      ])
    })
  })
})
