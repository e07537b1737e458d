import { assert, describe, it } from "@effect/vitest"
import {
  cropFinishDetail,
  cropNotificationDetail,
  cropUtf8,
  utf8Length,
  utf8Prefix,
} from "../../src/buildkite/crop.ts"

describe("crop", () => {
  describe("utf8Prefix", () => {
    it("cuts before a character that would not fit whole", () => {
      // "€" is 3 bytes: 4 bytes hold "a€" exactly, 3 bytes only "a".
      assert.strictEqual(utf8Prefix("a€b", 4), "a€")
      assert.strictEqual(utf8Prefix("a€b", 3), "a")
      assert.strictEqual(utf8Prefix("😀😀", 5), "😀")
    })
  })

  describe("cropUtf8", () => {
    it("keeps text that fits, even right at the limit", () => {
      assert.strictEqual(cropUtf8("x".repeat(10), 10, "…"), "x".repeat(10))
    })

    it("keeps whole characters and the suffix within the limit", () => {
      assert.strictEqual(cropUtf8("ééééé", 8, "…"), "éé…")
    })
  })

  describe("cropNotificationDetail", () => {
    it("crops to 255 bytes with the suffix when a 4-byte character straddles the cut", () => {
      const detail = cropNotificationDetail(`${"a".repeat(241)}😀${"b".repeat(20)}`)

      assert.strictEqual(detail, `${"a".repeat(241)}… (cropped)`)
      assert.isAtMost(utf8Length(detail), 255)
    })

    it("leaves a 255-byte detail alone", () => {
      const detail = `${"ü".repeat(127)}a`
      assert.strictEqual(utf8Length(detail), 255)
      assert.strictEqual(cropNotificationDetail(detail), detail)
    })
  })

  describe("cropFinishDetail", () => {
    it("crops to 4096 bytes ending in the size notice", () => {
      const detail = cropFinishDetail("日本".repeat(1_000))

      assert.isAtMost(utf8Length(detail), 4096)
      assert.isAbove(utf8Length(detail), 4090)
      assert.match(detail, /^(日本)+日?… \(Message was cropped because it exceeded the max size\)$/)
    })
  })
})
