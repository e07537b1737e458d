import { createHash } from "node:crypto"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { extractHelm, helm, helmBinary } from "./helm.ts"

const sha256 = async (path: string): Promise<string> =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex")

describe("helm test binary", () => {
  describe("helmBinary", () => {
    it("runs helm 4 from the npm package", async () => {
      const result = await helm(["version", "--short"])
      assert.isTrue(result.ok, result.stderr)
      assert.match(result.stdout, /^v4\./)
    })
  })

  describe("extractHelm", () => {
    it("extracts the same binary without unzip as with it", async () => {
      const dir = await mkdtemp(join(tmpdir(), "helm-zip-"))
      try {
        const withNode = await extractHelm(dir, false)
        assert.strictEqual(await sha256(withNode), await sha256(await helmBinary()))
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })
  })
})
