import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { renderKubeModels } from "../../scripts/generate-kube-models.ts"

describe("models.generated.ts", () => {
  it("is what the generator writes from the installed client-node", () => {
    const committed = readFileSync(
      new URL("../../src/kube/models.generated.ts", import.meta.url),
      "utf8",
    )
    assert.strictEqual(
      committed,
      renderKubeModels(),
      "src/kube/models.generated.ts is out of date: run `npx node scripts/generate-kube-models.ts`",
    )
  })
})
