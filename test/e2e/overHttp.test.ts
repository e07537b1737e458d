import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  configOverHttp,
  eventually,
  jobUuidsInCluster,
  startControllerOverHttp,
  startFakes,
  stopController,
} from "./httpHarness.ts"

const created = "K8s Job created successfully, waiting for Agent to start..."
const brokenDetail =
  "agent-stack-k8s failed to parse the job: failed parsing plugins: Unexpected token 'o', \"not json\" is not valid JSON"

describe("controller pipeline (HTTP fakes)", () => {
  describe("controllerProgramOn", () => {
    it.live(
      "creates Jobs for matching jobs of every queue, fails the broken one and deregisters at shutdown",
      () =>
        Effect.gen(function* () {
          const fakes = yield* startFakes
          const model = fakes.buildkite.model
          const config = yield* configOverHttp(fakes, ["--id", "ctl"])
          const served = {
            ...config,
            queues: [
              { queue: "kubernetes", tags: [] },
              { queue: "gpu", tags: [] },
            ],
          }
          const add = (queue: string, rules: ReadonlyArray<string>, env = {}) =>
            model.addJob({ queueKey: queue, agentQueryRules: rules, env }, Date.now()).id
          const plain = add("kubernetes", ["queue=kubernetes"])
          const gpu = add("gpu", ["queue=gpu"])
          const windows = add("kubernetes", ["queue=kubernetes", "os=windows"])
          const unserved = add("macos", ["queue=macos"])
          const broken = add("kubernetes", ["queue=kubernetes"], { BUILDKITE_PLUGINS: "not json" })

          const fiber = yield* startControllerOverHttp(served, fakes)
          yield* eventually("two Jobs created", () => jobUuidsInCluster(fakes).length === 2)
          yield* eventually("both created notifications", () => {
            const notified = model.callsOf("createNotifications").flatMap((c) => c.notifications)
            return notified.length === 2
          })
          // The first poll of each queue saw every job; the second shows nothing changed.
          const polls = () =>
            fakes.buildkite.requests.filter((r) => r.path.endsWith("/scheduled-jobs"))
          yield* eventually("a second poll of each queue", () => polls().length >= 4)

          assert.deepStrictEqual([...jobUuidsInCluster(fakes)].sort(), [plain, gpu].sort())
          const notified = model
            .callsOf("createNotifications")
            .flatMap((call) => call.notifications ?? [])
          assert.deepStrictEqual(
            notified.map((item) => [item.jobUuid, item.detail]).sort(),
            [
              [plain, created],
              [gpu, created],
            ].sort(),
          )
          const finishes = model.callsOf("finishJob")
          assert.deepStrictEqual(
            finishes.map((call) => [call.uuids?.[0], call.detail, call.exitStatus]),
            [[broken, brokenDetail, -1]],
          )
          assert.strictEqual(model.jobs.get(broken)?.state, "finished")
          assert.strictEqual(model.jobs.get(windows)?.state, "scheduled")
          assert.strictEqual(model.jobs.get(unserved)?.state, "scheduled")
          assert.strictEqual(model.jobs.get(plain)?.state, "reserved")

          yield* stopController(fiber)

          const deregistered = fakes.buildkite.requests
            .filter((request) => request.method === "POST" && request.path.endsWith("/deregister"))
            .map((request) => request.path)
          assert.deepStrictEqual(deregistered.sort(), [
            "/stacks/ctl-gpu/deregister",
            "/stacks/ctl-kubernetes/deregister",
          ])
          assert.deepStrictEqual(
            [...model.stacks.values()].map((stack) => [stack.key, stack.state]).sort(),
            [
              ["ctl-gpu", "disconnected"],
              ["ctl-kubernetes", "disconnected"],
            ],
          )
          assert.isTrue(fakes.buildkite.requests.every((request) => request.authorized))
        }),
      10_000,
    )
  })
})
