import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { modelSpec, type TypeRef } from "../../src/kube/ModelType.ts"
import { requiredFields } from "../../src/kube/RequiredFields.ts"

const modelsDir = join(
  dirname(createRequire(import.meta.url).resolve("@kubernetes/client-node")),
  "gen",
  "models",
)

// Required keys are the ones declared without `?` in client-node's type declarations.
const declaredRequired = (model: string): ReadonlyArray<string> =>
  [...readFileSync(join(modelsDir, `${model}.d.ts`), "utf8").matchAll(/^\s+'([^']+)': /gm)]
    .map((match) => match[1] ?? "")
    .sort()

const modelsIn = (type: TypeRef): ReadonlyArray<string> =>
  type.kind === "model"
    ? [type.name]
    : type.kind === "array" || type.kind === "map" || type.kind === "patch"
      ? modelsIn(type.of)
      : []

const reachableFrom = (root: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const queue = [root]
  for (let model = queue.pop(); model !== undefined; model = queue.pop()) {
    if (seen.has(model)) continue
    seen.add(model)
    for (const field of modelSpec(model)?.fields ?? []) queue.push(...modelsIn(field.type))
  }
  return [...seen].sort()
}

describe("RequiredFields", () => {
  describe("requiredFields", () => {
    it("matches client-node's declarations for every model a pod template holds", () => {
      const models = reachableFrom("V1PodTemplateSpec")
      assert.isAbove(models.length, 100)
      for (const model of models) {
        assert.deepStrictEqual(
          [...(requiredFields[model] ?? [])].sort(),
          declaredRequired(model),
          `required fields of ${model}`,
        )
      }
      assert.deepStrictEqual(
        Object.keys(requiredFields).filter((model) => !models.includes(model)),
        [],
      )
    })
  })
})
