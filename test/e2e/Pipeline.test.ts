import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { StackModel } from "../../src/buildkite/StackModel.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { jobUuidLabel } from "../../src/kubernetes/LabelSelector.ts"
import {
  advance,
  configFrom,
  doublesLayer,
  jobNames,
  StackDoubleControl,
  startController,
  withController,
} from "./harness.ts"

const queueArgs = ["--queue", "kubernetes", "--tags", "queue=kubernetes"]
const onQueue = ["queue=kubernetes"]

describe("controller pipeline (doubles)", () => {
  describe("runController", () => {
    it.effect("creates a Job for each scheduled job and notifies Buildkite", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const a = yield* stack.addJob({ agentQueryRules: onQueue, command: "echo a" })
          const b = yield* stack.addJob({ agentQueryRules: onQueue, command: "echo b" })
          yield* advance(1500)

          const names = yield* jobNames
          assert.deepStrictEqual([...names].sort(), [`buildkite-${a}`, `buildkite-${b}`].sort())
          yield* advance(500)
          const notified = (yield* stack.calls("createNotifications")).flatMap(
            (call) => call.notifications ?? [],
          )
          assert.deepStrictEqual(
            notified.map((item) => item.detail),
            [
              "K8s Job created successfully, waiting for Agent to start...",
              "K8s Job created successfully, waiting for Agent to start...",
            ],
          )
        }),
      ),
    )

    it.effect("skips jobs whose tags do not match, leaving them scheduled", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const other = yield* stack.addJob({ agentQueryRules: ["queue=kubernetes", "os=windows"] })
          yield* advance(2500)

          assert.deepStrictEqual(yield* jobNames, [])
          assert.strictEqual(yield* stack.state(other), "scheduled")
        }),
      ),
    )

    it.effect("creates the highest priorities first and reserves only what fits", () =>
      withController([...queueArgs, "--max-in-flight", "2"], () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const low = yield* stack.addJob({ agentQueryRules: onQueue, priority: 1 })
          const high = yield* stack.addJob({ agentQueryRules: onQueue, priority: 5 })
          const mid = yield* stack.addJob({ agentQueryRules: onQueue, priority: 3 })
          yield* advance(500)

          assert.deepStrictEqual(
            [...(yield* jobNames)].sort(),
            [`buildkite-${high}`, `buildkite-${mid}`].sort(),
          )
          const reserved = (yield* stack.calls("reserveJobs")).flatMap((call) => call.uuids ?? [])
          assert.deepStrictEqual(reserved, [high, mid])
          assert.strictEqual(yield* stack.state(low), "scheduled")
        }),
      ),
    )

    it.effect("holds max-in-flight and frees a slot when a Job finishes", () =>
      withController([...queueArgs, "--max-in-flight", "1"], () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const first = yield* stack.addJob({ agentQueryRules: onQueue, priority: 2 })
          const second = yield* stack.addJob({ agentQueryRules: onQueue, priority: 1 })
          yield* advance(500)
          assert.deepStrictEqual(yield* jobNames, [`buildkite-${first}`])

          // The simulated kubelet runs the pod for about 2 s, then the Job completes.
          yield* advance(6000)
          assert.deepStrictEqual(
            [...(yield* jobNames)].sort(),
            [`buildkite-${first}`, `buildkite-${second}`].sort(),
          )
        }),
      ),
    )

    it.effect("creates no duplicate after a restart and counts existing Jobs in flight", () =>
      Effect.gen(function* () {
        const model = new StackModel()
        const config = yield* configFrom([...queueArgs, "--max-in-flight", "1"])
        yield* Effect.gen(function* () {
          const kube = yield* Kubernetes
          const stack = yield* StackDoubleControl
          const running = yield* stack.addJob({ agentQueryRules: onQueue })
          const waiting = yield* stack.addJob({ agentQueryRules: onQueue })
          // A Job left by the previous process: unfinished, its job still listed as scheduled.
          yield* kube.createJob({
            metadata: { name: `buildkite-${running}`, labels: { [jobUuidLabel]: running } },
            spec: {
              template: {
                metadata: {
                  labels: {
                    [jobUuidLabel]: running,
                    "kubelet.agent-stack-k8s.test/outcome": "Unschedulable",
                  },
                },
                spec: { restartPolicy: "Never", containers: [{ name: "c", image: "alpine" }] },
              },
            },
          })
          const fiber = yield* startController(config)
          yield* advance(3000)

          assert.deepStrictEqual(yield* jobNames, [`buildkite-${running}`])
          const reserved = (yield* stack.calls("reserveJobs")).flatMap((call) => call.uuids ?? [])
          assert.deepStrictEqual(reserved, [])
          assert.strictEqual(yield* stack.state(waiting), "scheduled")
          yield* Fiber.interrupt(fiber)
        }).pipe(Effect.provide(doublesLayer(config, model)))
      }),
    )
  })
})
