import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Result } from "effect"
import { defaultTransforms } from "../../src/podspec/buildJob.ts"
import { addTransforms, orderTransforms, PodSpecBuilder } from "../../src/podspec/PodSpecBuilder.ts"
import { baseConfig, baseJob, buildOk, options } from "./fixtures.ts"

const mark = (name: string, after?: string) => ({
  name,
  ...(after === undefined ? {} : { after }),
  run: Result.succeed,
})

describe("PodSpecBuilder", () => {
  describe("build", () => {
    it.effect("builds the same Job as the pure function", () =>
      Effect.gen(function* () {
        const builder = yield* PodSpecBuilder
        assert.deepStrictEqual(yield* builder.build(baseJob, { containers: [] }), buildOk())
      }).pipe(Effect.provide(PodSpecBuilder.layerConfig(baseConfig, options))),
    )

    it.effect("fails with the BuildError of the pure function", () =>
      Effect.gen(function* () {
        const builder = yield* PodSpecBuilder
        const exit = yield* builder
          .build({ ...baseJob, agentQueryRules: ["resource_class=x"] }, { containers: [] })
          .pipe(Effect.exit)
        assert.isTrue(Exit.isFailure(exit))
      }).pipe(Effect.provide(PodSpecBuilder.layerConfig(baseConfig, options))),
    )

    it.effect("accumulates transforms from several layers", () =>
      Effect.gen(function* () {
        const builder = yield* PodSpecBuilder
        const job = yield* builder.build(baseJob, { containers: [] })
        assert.deepStrictEqual(job.spec?.template.spec?.nodeSelector, { a: "1", b: "2" })
      }).pipe(
        Effect.provide(
          PodSpecBuilder.layerConfig(baseConfig, options).pipe(
            Layer.provide(
              Layer.provideMerge(
                addTransforms({
                  name: "b",
                  run: (s) =>
                    Result.succeed({
                      ...s,
                      podSpec: {
                        ...s.podSpec,
                        nodeSelector: { ...s.podSpec.nodeSelector, b: "2" },
                      },
                    }),
                }),
                addTransforms({
                  name: "a",
                  run: (s) =>
                    Result.succeed({ ...s, podSpec: { ...s.podSpec, nodeSelector: { a: "1" } } }),
                }),
              ),
            ),
          ),
        ),
      ),
    )
  })

  describe("orderTransforms", () => {
    it("places extras after the step they name, or at the end", () => {
      const order = orderTransforms(defaultTransforms, [
        mark("x", "metadata"),
        mark("y"),
        mark("z", "metadata"),
      ])
      const names = order.map((t) => t.name)
      assert.deepStrictEqual(
        names.slice(names.indexOf("metadata"), names.indexOf("metadata") + 3),
        ["metadata", "x", "z"],
      )
      assert.strictEqual(names.at(-1), "y")
      assert.strictEqual(names.length, defaultTransforms.length + 3)
    })

    it("rejects an unknown step name, listing the known ones", () => {
      assert.throws(
        () => orderTransforms(defaultTransforms, [mark("x", "nope")]),
        /unknown step "nope"; known steps: skipCheckout/,
      )
    })
  })
})
