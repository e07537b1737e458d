import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { BuildkiteApiShape } from "../../src/buildkite/ApiShape.ts"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { apiError } from "../../src/buildkite/errors.ts"
import { lifecycleApi } from "../../src/controller/LifecycleApi.ts"

const refusal = (status: number) =>
  apiError({ operation: "finishJob", method: "POST", path: "/finish", reason: "Status", status })

/** A stack client whose finish answers with `answer`, recording which stack was asked. */
const stack = (
  base: BuildkiteApiShape,
  name: string,
  asked: Array<string>,
  answer: number | "ok",
): BuildkiteApiShape => ({
  ...base,
  finishJob: () =>
    Effect.suspend(() => {
      asked.push(name)
      return answer === "ok" ? Effect.void : Effect.fail(refusal(answer))
    }),
})

describe("LifecycleApi", () => {
  describe("lifecycleApi", () => {
    it.effect("offers a finish to each stack until the one that owns the job accepts it", () =>
      Effect.gen(function* () {
        const base = yield* BuildkiteApi
        const asked: Array<string> = []
        const api = lifecycleApi(stack(base, "a", asked, 422), [
          stack(base, "b", asked, "ok"),
          stack(base, "c", asked, "ok"),
        ])
        yield* api.finishJob("uuid", "detail")
        assert.deepStrictEqual(asked, ["a", "b"])
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("stops at a retryable failure instead of asking other stacks", () =>
      Effect.gen(function* () {
        const base = yield* BuildkiteApi
        const asked: Array<string> = []
        const api = lifecycleApi(stack(base, "a", asked, 503), [stack(base, "b", asked, "ok")])
        const error = yield* Effect.flip(api.finishJob("uuid", "detail"))
        assert.strictEqual(error.status, 503)
        assert.deepStrictEqual(asked, ["a"])
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("returns the last refusal when no stack owns the job", () =>
      Effect.gen(function* () {
        const base = yield* BuildkiteApi
        const asked: Array<string> = []
        const api = lifecycleApi(stack(base, "a", asked, 422), [stack(base, "b", asked, 404)])
        const error = yield* Effect.flip(api.finishJob("uuid", "detail"))
        assert.strictEqual(error.status, 404)
        assert.deepStrictEqual(asked, ["a", "b"])
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )

    it.effect("is the first stack's client itself with one queue", () =>
      Effect.gen(function* () {
        const base = yield* BuildkiteApi
        assert.strictEqual(lifecycleApi(base, []), base)
      }).pipe(Effect.provide(BuildkiteApi.layerTest)),
    )
  })
})
