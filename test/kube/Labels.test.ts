import { assert, describe, it } from "@effect/vitest"
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from "../../src/kube/Labels.ts"

const check = (
  validate: (value: string) => ReadonlyArray<string>,
  valid: ReadonlyArray<string>,
  invalid: ReadonlyArray<readonly [string, string]>,
) => {
  for (const value of valid) assert.deepStrictEqual(validate(value), [], JSON.stringify(value))
  for (const [value, problem] of invalid) {
    const problems = validate(value)
    assert.isTrue(
      problems.some((text) => text.includes(problem)),
      `${JSON.stringify(value)}: ${JSON.stringify(problems)}`,
    )
  }
}

describe("Labels", () => {
  describe("labelValueErrors", () => {
    it("accepts empty and well-formed values and explains bad ones", () => {
      check(
        labelValueErrors,
        ["", "a", "MyValue", "my_value", "v1.2-rc", "0", "x".repeat(63)],
        [
          ["*", "must be empty or consist of"],
          ["a=b", "must be empty or consist of"],
          ["-a", "begin and end with a letter or digit"],
          ["a.", "begin and end"],
          ["with space", "must be empty"],
          ["x".repeat(64), "at most 63 characters"],
        ],
      )
    })
  })

  describe("qualifiedNameErrors", () => {
    it("accepts names with an optional subdomain prefix and explains bad ones", () => {
      check(
        qualifiedNameErrors,
        ["app", "My.Name_1", "tag.buildkite.com/queue", "example.com/x", `a/${"x".repeat(63)}`],
        [
          ["", "name part must not be empty"],
          ["example.com/", "name part must not be empty"],
          ["/name", "prefix part must not be empty"],
          ["Example.com/name", "prefix part a DNS-1123 subdomain"],
          ["a/b/c", "optionally preceded by a DNS subdomain prefix"],
          ["tag.buildkite.com/*", "name part must consist of"],
          ["x".repeat(64), "name part must be at most 63 characters"],
          [`${"a".repeat(254)}/x`, "prefix part must be at most 253 characters"],
        ],
      )
    })
  })

  describe("dns1123LabelErrors", () => {
    it("accepts lowercase hostname parts and explains bad ones", () => {
      check(
        dns1123LabelErrors,
        ["a", "my-name", "abc-123", "0a", "x".repeat(63)],
        [
          ["", "must consist of lowercase"],
          ["My-name", "must consist of lowercase"],
          ["a.b", "must consist of lowercase"],
          ["-a", "must consist of lowercase"],
          ["x".repeat(64), "at most 63 characters"],
        ],
      )
    })
  })

  describe("dns1123SubdomainErrors", () => {
    it("accepts dotted lowercase names and explains bad ones", () => {
      check(
        dns1123SubdomainErrors,
        ["example.com", "a", "a-b.c-d.e", `${"a".repeat(63)}.${"b".repeat(63)}`],
        [
          ["", "must consist of lowercase"],
          ["Example.com", "must consist of lowercase"],
          ["a..b", "must consist of lowercase"],
          ["a.-b", "must consist of lowercase"],
          [`${"a.".repeat(127)}a`, "at most 253 characters"],
        ],
      )
    })
  })
})
