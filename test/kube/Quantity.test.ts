import { assert, describe, it } from "@effect/vitest"
import { isQuantity, parseQuantity, quantityError } from "../../src/kube/Quantity.ts"

const quantityValue = (text: string): number | undefined => {
  const result = parseQuantity(text)
  return "quantity" in result ? result.quantity.value : undefined
}

describe("Quantity", () => {
  describe("parseQuantity", () => {
    it("reads numbers with decimal, binary and exponent suffixes", () => {
      const table: ReadonlyArray<readonly [string, number]> = [
        ["200m", 0.2],
        ["1", 1],
        ["1.5", 1.5],
        [".5", 0.5],
        ["1.", 1],
        ["+2", 2],
        ["-1", -1],
        ["2e3", 2000],
        ["1E3", 1000],
        ["1e-3", 0.001],
        ["1k", 1000],
        ["1G", 1e9],
        ["1E", 1e18],
        ["128Mi", 128 * 2 ** 20],
        ["1Ki", 1024],
        ["0.5Gi", 2 ** 29],
        ["100n", 1e-7],
        ["3u", 3e-6],
      ]
      for (const [text, value] of table) {
        const parsed = quantityValue(text)
        assert.isDefined(parsed, text)
        assert.closeTo(parsed ?? Number.NaN, value, Math.abs(value) * 1e-12, text)
      }
    })

    it("rejects what the API server rejects, naming the text and the expected form", () => {
      for (const text of [
        "",
        "abc",
        "1.5.5",
        "1ki",
        "1 Mi",
        "Mi",
        "1MiB",
        "1e",
        "1e3m",
        "--1",
        ".",
        "1m2",
      ]) {
        assert.isFalse(isQuantity(text), text)
        const error = quantityError(text)
        assert.include(error ?? "", `invalid quantity ${JSON.stringify(text)}`)
        assert.include(error ?? "", "expected a number with an optional suffix")
      }
    })
  })

  describe("quantityError", () => {
    it("is undefined for a valid quantity", () => {
      assert.isUndefined(quantityError("500m"))
      assert.isTrue(isQuantity("500m"))
    })
  })
})
