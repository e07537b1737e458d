import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import packageJson from "../package.json" with { type: "json" }

describe("Cli", () => {
  it("prints the package version for `version`", () => {
    const out = execFileSync(process.execPath, ["bin/agent-stack-k8s.js", "version"], {
      encoding: "utf8",
    })
    assert.strictEqual(out.trim(), packageJson.version)
  })
})
