import { assert, describe, it } from "@effect/vitest"
import { escapePathSegment, joinUrl, parseRetryAfter } from "../../src/buildkite/httpWire.ts"

describe("httpWire", () => {
  describe("escapePathSegment", () => {
    it("writes dots as %2E and escapes slashes and spaces", () => {
      assert.strictEqual(escapePathSegment("my.stack/a b"), "my%2Estack%2Fa%20b")
    })

    it("keeps the characters a path segment allows and escapes the others", () => {
      assert.strictEqual(escapePathSegment("a:b@c+d=e$f&g"), "a:b@c+d=e$f&g")
      assert.strictEqual(escapePathSegment("x!y*z'(w)"), "x%21y%2Az%27%28w%29")
      assert.strictEqual(escapePathSegment("q?r#s;t,u"), "q%3Fr%23s%3Bt%2Cu")
    })
  })

  describe("joinUrl", () => {
    it("keeps the base path with or without slashes on either side", () => {
      const expected = "https://agent.buildkite.com/v3/stacks/register"
      assert.strictEqual(
        joinUrl("https://agent.buildkite.com/v3", "stacks/register").href,
        expected,
      )
      assert.strictEqual(
        joinUrl("https://agent.buildkite.com/v3/", "/stacks/register").href,
        expected,
      )
    })
  })

  describe("parseRetryAfter", () => {
    it("reads integer seconds and HTTP dates, and ignores garbage", () => {
      const now = Date.UTC(2026, 0, 1, 0, 0, 0)
      assert.strictEqual(parseRetryAfter("7", now), 7_000)
      assert.strictEqual(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000)
      assert.strictEqual(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), 0)
      assert.strictEqual(parseRetryAfter("soon", now), undefined)
      assert.strictEqual(parseRetryAfter("-3", now), undefined)
      assert.strictEqual(parseRetryAfter(undefined, now), undefined)
    })
  })
})
