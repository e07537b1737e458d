import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { decodeConfig } from "../../src/config/decodeConfig.ts"
import { servedQueues } from "../../src/config/servedQueues.ts"

const queuesOf = (input: unknown) => servedQueues(Result.getOrThrow(decodeConfig(input)))

describe("servedQueues", () => {
  describe("servedQueues", () => {
    it("prefers the queue option, then the queue tag, then the default queue", () => {
      assert.strictEqual(queuesOf({ queue: "q", tags: ["queue=t"] })[0]?.queue, "q")
      assert.strictEqual(queuesOf({ tags: ["queue=t"] })[0]?.queue, "t")
      assert.strictEqual(queuesOf({})[0]?.queue, "_default")
    })

    it("writes the chosen queue into the tags", () => {
      assert.deepStrictEqual(queuesOf({ queue: "q", tags: ["queue=t", "os=linux"] })[0]?.tags, [
        { key: "os", value: "linux" },
        { key: "queue", value: "q" },
      ])
    })

    it("serves each entry of queues with its own limit or the global one", () => {
      const queues = queuesOf({
        "max-in-flight": 5,
        queues: [
          { queue: "a", "max-in-flight": 1 },
          { queue: "b", tags: ["os=linux"] },
        ],
      })
      assert.deepStrictEqual(
        queues.map((entry) => [entry.queue, entry.maxInFlight]),
        [
          ["a", 1],
          ["b", 5],
        ],
      )
    })
  })
})
