import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import {
  hasDigest,
  type ImageReference,
  parseImageReference,
} from "../../src/podspec/ImageReference.ts"

const sha256 = `sha256:${"a1b2c3d4".repeat(8)}`

const valid: ReadonlyArray<readonly [string, ImageReference]> = [
  ["alpine", { path: "alpine" }],
  ["alpine:3.20", { path: "alpine", tag: "3.20" }],
  ["buildkite/agent:3.92.1", { domain: "buildkite", path: "agent", tag: "3.92.1" }],
  ["ghcr.io/org/team/image:v1", { domain: "ghcr.io", path: "org/team/image", tag: "v1" }],
  ["localhost:5000/repo", { domain: "localhost:5000", path: "repo" }],
  ["test.com:5000", { path: "test.com", tag: "5000" }],
  ["test_com", { path: "test_com" }],
  ["foo/foo_bar.com:8080", { domain: "foo", path: "foo_bar.com", tag: "8080" }],
  ["Registry.Example.COM/repo", { domain: "Registry.Example.COM", path: "repo" }],
  ["lowercase:Uppercase", { path: "lowercase", tag: "Uppercase" }],
  // `a__b` is no host name (underscores), so it is the first path component.
  ["a__b/c---d/e.f_g", { path: "a__b/c---d/e.f_g" }],
  ["foo_bar.com:8080", { path: "foo_bar.com", tag: "8080" }],
  ["[2001:db8::1]:5000/repo", { domain: "[2001:db8::1]:5000", path: "repo" }],
  ["[::1]/repo:tag", { domain: "[::1]", path: "repo", tag: "tag" }],
  [`golang@${sha256}`, { path: "golang", digest: sha256 }],
  [`r.io/golang:1.23@${sha256}`, { domain: "r.io", path: "golang", tag: "1.23", digest: sha256 }],
  [`x@sha512:${"0f".repeat(64)}`, { path: "x", digest: `sha512:${"0f".repeat(64)}` }],
  [`x:${"t".repeat(128)}`, { path: "x", tag: "t".repeat(128) }],
  [`${"a".repeat(255)}`, { path: "a".repeat(255) }],
]

const invalid: ReadonlyArray<readonly [string, string]> = [
  ["", "repository name must have at least one component"],
  ["buildkite/agent:latest plus some extra junk", "invalid reference format"],
  ["Uppercase:tag", "repository name must be lowercase"],
  ["buildkite/Agent", "repository name must be lowercase"],
  ["test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"],
  ["a".repeat(256), "repository name must not be more than 255 characters"],
  [`r.io/${"a".repeat(251)}:tag`, "repository name must not be more than 255 characters"],
  [`x:${"t".repeat(129)}`, "invalid reference format"],
  [":tag", "invalid reference format"],
  ["repo/", "invalid reference format"],
  ["-repo", "invalid reference format"],
  ["repo_", "invalid reference format"],
  ["a___b", "invalid reference format"],
  ["[2001:db8::1]:5000", "invalid reference format"],
  ["[fe80::1%eth0]:5000/repo", "invalid reference format"],
  ["-host.io/repo", "invalid reference format"],
  ["repo@sha256:abc", "invalid reference format"],
  [`repo@sha256:${"a".repeat(32)}`, "invalid checksum digest length"],
  [`repo@sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
  [`repo@md5:${"a".repeat(32)}`, "unsupported digest algorithm"],
  [`Repo@sha256:${"a".repeat(64)}`, "repository name must be lowercase"],
]

describe("ImageReference", () => {
  describe("parseImageReference", () => {
    for (const [reference, expected] of valid) {
      it(`parses ${JSON.stringify(reference.slice(0, 60))}`, () => {
        const result = parseImageReference(reference)
        assert.isTrue(Result.isSuccess(result))
        if (Result.isSuccess(result)) assert.deepStrictEqual(result.success, expected)
      })
    }

    for (const [reference, message] of invalid) {
      it(`rejects ${JSON.stringify(reference.slice(0, 60))} with "${message}"`, () => {
        const result = parseImageReference(reference)
        assert.isTrue(Result.isFailure(result))
        if (Result.isFailure(result)) {
          assert.strictEqual(result.failure.message, message)
          assert.strictEqual(result.failure.reference, reference)
          assert.strictEqual(result.failure._tag, "InvalidImageReference")
        }
      })
    }
  })

  describe("hasDigest", () => {
    it("is true for a reference with a valid digest", () => {
      assert.isTrue(hasDigest(`golang@${sha256}`))
      assert.isTrue(hasDigest(`golang:1.23@${sha256}`))
    })

    it("is false without a digest or for an invalid reference", () => {
      assert.isFalse(hasDigest("golang:1.23.5"))
      assert.isFalse(hasDigest(`Golang@${sha256}`))
      assert.isFalse(hasDigest("golang@sha256:short"))
    })
  })
})
