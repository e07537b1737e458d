import { assert, describe, it } from "@effect/vitest"
import {
  matchesTags,
  normaliseQueryRules,
  parseTag,
  parseTags,
  resolveQueue,
} from "../../src/controller/Tags.ts"

const tags = (...pairs: ReadonlyArray<string>) => parseTags(pairs).tags

describe("Tags", () => {
  describe("parseTag", () => {
    it("keeps everything after the first equals sign", () => {
      assert.deepStrictEqual(parseTag("queue=kubernetes=2"), ["queue", "kubernetes=2"])
      assert.deepStrictEqual(parseTag("empty="), ["empty", ""])
      assert.strictEqual(parseTag("no-equals"), undefined)
    })
  })

  describe("parseTags", () => {
    it("collects malformed tags instead of dropping them silently", () => {
      const result = parseTags(["queue=k8s", "oops", "os=linux"])
      assert.deepStrictEqual(
        [...result.tags],
        [
          ["queue", "k8s"],
          ["os", "linux"],
        ],
      )
      assert.deepStrictEqual(result.malformed, ["oops"])
    })
  })

  describe("resolveQueue", () => {
    it("prefers the option, then the queue tag, then the cluster default", () => {
      assert.strictEqual(resolveQueue("build", tags("queue=k8s")), "build")
      assert.strictEqual(resolveQueue("", tags("queue=k8s")), "k8s")
      assert.strictEqual(resolveQueue("", tags("os=linux")), "_default")
      assert.strictEqual(resolveQueue("", tags("queue=")), "_default")
    })
  })

  describe("normaliseQueryRules", () => {
    it("drops queue rules for the default queue and its aliases", () => {
      for (const queue of ["_default", "~", "-"]) {
        assert.deepStrictEqual(normaliseQueryRules(["queue=default", "os=linux"], queue), [
          "os=linux",
        ])
      }
    })

    it("sets the configured queue, adding the rule when the job has none", () => {
      assert.deepStrictEqual(normaliseQueryRules(["os=linux"], "k8s"), ["os=linux", "queue=k8s"])
      assert.deepStrictEqual(normaliseQueryRules(["queue=other", "os=linux"], "k8s"), [
        "queue=k8s",
        "os=linux",
      ])
    })

    it("leaves a single queue rule when the job repeats it", () => {
      assert.deepStrictEqual(normaliseQueryRules(["queue=a", "x=1", "queue=b"], "k8s"), [
        "queue=k8s",
        "x=1",
      ])
    })
  })

  describe("matchesTags", () => {
    const controller = tags("queue=k8s", "os=linux", "foo=bar")

    it("accepts a job whose tags are a subset of the controller's", () => {
      assert.isTrue(matchesTags(["queue=k8s", "os=linux"], controller))
      assert.isTrue(matchesTags([], controller))
    })

    it("accepts the wildcard value", () => {
      assert.isTrue(matchesTags(["os=*"], controller))
    })

    it("rejects a missing key, a different value and a malformed rule", () => {
      assert.isFalse(matchesTags(["arch=arm64"], controller))
      assert.isFalse(matchesTags(["os=windows"], controller))
      assert.isFalse(matchesTags(["broken"], controller))
    })

    it("ignores resource_class, which any controller on the queue accepts", () => {
      assert.isTrue(matchesTags(["queue=k8s", "resource_class=large"], controller))
    })
  })
})
