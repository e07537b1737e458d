import { assert, describe, it } from "@effect/vitest"
import { interpose, isInterposer } from "../../src/podspec/Interposer.ts"

const command = ["one", "two", "five six"]
const args = ["nine", "eleven twelve"]

describe("Interposer", () => {
  describe("interpose", () => {
    it("puts each command on its own line and appends quoted args, for buildkite", () => {
      assert.strictEqual(
        interpose("buildkite", command, args),
        "one\ntwo\nfive six nine 'eleven twelve'",
      )
    })

    it("treats the empty interposer as buildkite", () => {
      assert.strictEqual(interpose("", command, args), interpose("buildkite", command, args))
    })

    it("omits the trailing space when there are no args, for buildkite", () => {
      assert.strictEqual(interpose("buildkite", ["echo hi", "ls"], []), "echo hi\nls")
    })

    it("returns only the quoted args when there is no command, for buildkite", () => {
      assert.strictEqual(interpose("buildkite", [], ["a b", "c"]), "'a b' c")
    })

    it("quotes every element as one argv, for vector", () => {
      assert.strictEqual(
        interpose("vector", command, args),
        "one two 'five six' nine 'eleven twelve'",
      )
    })

    it("joins everything with spaces without quoting, for legacy", () => {
      assert.strictEqual(interpose("legacy", command, args), "one two five six nine eleven twelve")
    })

    it("returns the empty string for an empty command and args", () => {
      assert.strictEqual(interpose("buildkite", [], []), "")
      assert.strictEqual(interpose("vector", [], []), "")
      assert.strictEqual(interpose("legacy", [], []), "")
    })
  })

  describe("isInterposer", () => {
    it("accepts the three interposers and the empty string", () => {
      for (const name of ["buildkite", "vector", "legacy", ""]) assert.isTrue(isInterposer(name))
    })

    it("rejects any other name", () => {
      for (const name of ["Buildkite", "shell", " vector"]) assert.isFalse(isInterposer(name))
    })
  })
})
