import { assert, describe, it } from "@effect/vitest"
import { cancelAction, decideStall, type LiveJob } from "../../src/lifecycle/jobChecks.ts"

const found = (uid: string, hasPod: boolean): LiveJob => ({ _tag: "Found", uid, hasPod })

describe("jobChecks", () => {
  describe("decideStall", () => {
    // Buildkite state, live GET ⇒ decision (the original's stall matrix).
    const matrix: ReadonlyArray<readonly [string | undefined, LiveJob | undefined, string]> = [
      ["running", found("u1", false), "Skip:agent_active"],
      ["accepted", found("u1", false), "Skip:agent_active"],
      ["canceling", found("u1", false), "Skip:agent_active"],
      ["timing_out", found("u1", false), "Skip:agent_active"],
      ["reserved", found("u1", false), "Reap"],
      ["scheduled", found("u1", false), "Reap"],
      ["finished", found("u1", false), "Reap"],
      ["canceled", found("u1", false), "Reap"],
      ["", found("u1", false), "Reap"],
      [undefined, undefined, "Keep"],
      ["reserved", found("u1", true), "Skip:pod_exists"],
      ["reserved", { _tag: "Error" }, "Keep"],
      ["reserved", { _tag: "NotFound" }, "Skip:job_gone"],
      ["reserved", found("u2", false), "Skip:job_replaced"],
    ]
    for (const [state, live, expected] of matrix) {
      it(`decides ${expected} for state ${String(state)} and live ${live?._tag ?? "none"}`, () => {
        const decision = decideStall(state, live, "u1")
        const text = decision._tag === "Skip" ? `Skip:${decision.reason}` : decision._tag
        assert.strictEqual(text, expected)
      })
    }
  })

  describe("cancelAction", () => {
    it("deletes cancelled jobs, waits on queued ones and forgets the rest", () => {
      assert.strictEqual(cancelAction("canceled"), "delete")
      assert.strictEqual(cancelAction("canceling"), "delete")
      assert.strictEqual(cancelAction("scheduled"), "wait")
      assert.strictEqual(cancelAction("reserved"), "wait")
      assert.strictEqual(cancelAction("running"), "forget")
      assert.strictEqual(cancelAction(""), "forget")
    })
  })
})
