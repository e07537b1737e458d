import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { advance, jobNames, jobWithOutcome, StackDoubleControl, withController } from "./harness.ts"

const queueArgs = ["--queue", "kubernetes", "--tags", "queue=kubernetes"]

describe("controller with its lifecycle watchers (doubles)", () => {
  describe("runController", () => {
    it.effect("deletes the Job of a job cancelled on Buildkite while its pod is Pending", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const uuid = yield* stack.addJob(jobWithOutcome("Unschedulable"))
          yield* advance(2_000)
          assert.deepStrictEqual(yield* jobNames, [`buildkite-${uuid}`])

          yield* stack.cancel(uuid)
          yield* advance(12_000)

          assert.deepStrictEqual(yield* jobNames, [])
          const kube = yield* Kubernetes
          assert.deepStrictEqual(yield* kube.listPods(""), [])
        }),
      ),
    )

    it.effect("fails on Buildkite a reserved job whose init container failed", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const uuid = yield* stack.addJob(jobWithOutcome("InitContainerFails"))
          yield* advance(5_000)

          const finishes = (yield* stack.calls("finishJob")).filter((call) =>
            call.uuids?.includes(uuid),
          )
          assert.strictEqual(finishes.length, 1)
          assert.isTrue(finishes[0]?.detail?.startsWith("The following init containers failed:"))
        }),
      ),
    )
  })
})
