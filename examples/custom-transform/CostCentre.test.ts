import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { PodSpecBuilder } from "../../src/podspec/PodSpecBuilder.ts"
import { baseConfig, baseJob, options, withPlugin } from "../../test/podspec/fixtures.ts"
import { layer } from "./CostCentre.ts"

const builderLayer = PodSpecBuilder.layerConfig(baseConfig, options).pipe(Layer.provide(layer))

describe("CostCentre", () => {
  describe("layer", () => {
    it.effect("labels the Job and pins the node pool over a plugin patch", () =>
      Effect.gen(function* () {
        const builder = yield* PodSpecBuilder
        const job = withPlugin(
          { podSpecPatch: { containers: [], nodeSelector: { "example.com/node-pool": "gpu" } } },
          baseJob,
        )
        const built = yield* builder.build(job, { containers: [] })
        assert.strictEqual(built.metadata?.labels?.["example.com/cost-centre"], "ci-platform")
        assert.strictEqual(
          built.spec?.template.metadata?.labels?.["example.com/cost-centre"],
          "ci-platform",
        )
        assert.deepStrictEqual(built.spec?.template.spec?.nodeSelector, {
          "example.com/node-pool": "ci",
        })
      }).pipe(Effect.provide(builderLayer)),
    )
  })
})
