import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { StackModel } from "../../src/buildkite/StackModel.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import {
  advance,
  configFrom,
  doublesLayer,
  StackDoubleControl,
  startController,
  withController,
} from "./harness.ts"

const queueArgs = ["--queue", "kubernetes", "--tags", "queue=kubernetes"]
const onQueue = ["queue=kubernetes"]
const plugins = (settings: unknown) =>
  JSON.stringify([{ "github.com/buildkite-plugins/kubernetes-buildkite-plugin": settings }])

const finishDetails = Effect.gen(function* () {
  const stack = yield* StackDoubleControl
  return (yield* stack.calls("finishJob")).map((call) => call.detail ?? "")
})

describe("controller pipeline failures (doubles)", () => {
  describe("createJobFor", () => {
    it.effect("fails a job whose plugin does not parse, and goes on with the next", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const bad = yield* stack.addJob({
            agentQueryRules: onQueue,
            env: { BUILDKITE_PLUGINS: "not json" },
          })
          const good = yield* stack.addJob({ agentQueryRules: onQueue })
          yield* advance(1500)

          const [detail] = yield* finishDetails
          assert.isTrue(
            detail?.startsWith("agent-stack-k8s failed to parse the job: failed parsing plugins:"),
          )
          assert.strictEqual(yield* stack.state(bad), "finished")
          assert.strictEqual(yield* stack.state(good), "reserved")
        }),
      ),
    )

    it.effect("fails a job whose PodTemplate is missing", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          yield* stack.addJob({
            agentQueryRules: onQueue,
            env: { BUILDKITE_PLUGINS: plugins({ podTemplate: "nope" }) },
          })
          yield* advance(1500)

          const [detail] = yield* finishDetails
          assert.isTrue(detail?.startsWith('Error fetching podTemplate "nope": '))
        }),
      ),
    )

    it.effect("fails a job whose PodSpec cannot be built", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          yield* stack.addJob({
            agentQueryRules: onQueue,
            env: {
              BUILDKITE_PLUGINS: plugins({ podSpec: { containers: [{ image: "UPPER CASE!!" }] } }),
            },
          })
          yield* advance(1500)

          const [detail] = yield* finishDetails
          assert.isTrue(
            detail?.startsWith("agent-stack-k8s failed to build a podSpec for the job: "),
            detail,
          )
        }),
      ),
    )

    it.effect("fails a job the API server rejects, with the error whole and the Job YAML", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          yield* stack.addJob({
            agentQueryRules: onQueue,
            env: {
              BUILDKITE_PLUGINS: plugins({
                podSpec: {
                  containers: [
                    {
                      image: "alpine",
                      volumeMounts: [{ name: "this-doesnt-exist", mountPath: "/x" }],
                    },
                  ],
                },
              }),
            },
          })
          yield* advance(1500)

          const [detail = ""] = yield* finishDetails
          const [head = "", yaml = ""] = detail.split("\n\n")
          assert.isTrue(
            head.startsWith("Kubernetes rejected the podSpec built by agent-stack-k8s: "),
            head,
          )
          assert.include(head, "this-doesnt-exist")
          assert.include(yaml, "kind: Job")
          assert.isAtMost(new TextEncoder().encode(detail).length, 4096)
        }),
      ),
    )
  })

  describe("runController", () => {
    it.effect("keeps polling after a transient poll failure", () =>
      withController(queueArgs, () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          yield* stack.fail("scheduledJobs", { status: 503 }, 1)
          const job = yield* stack.addJob({ agentQueryRules: onQueue })
          yield* advance(2500)

          assert.strictEqual(yield* stack.state(job), "reserved")
        }),
      ),
    )

    it.effect("stops with an error when Buildkite refuses the poll for good, deregistering", () =>
      Effect.gen(function* () {
        const config = yield* configFrom(queueArgs)
        yield* Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          yield* stack.fail("scheduledJobs", { status: 401, message: "bad token" }, 1)
          const fiber = yield* startController(config)
          yield* advance(500)
          const exit = yield* Fiber.await(fiber)

          assert.isTrue(Exit.isFailure(exit))
          assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "PermanentPollFailure")
          assert.strictEqual((yield* stack.calls("deregisterStack")).length, 1)
        }).pipe(Effect.provide(doublesLayer(config, new StackModel())))
      }),
    )

    it.effect("refuses an unclustered token at start-up", () =>
      Effect.gen(function* () {
        const model = new StackModel()
        model.identity = { ...model.identity, clusterUuid: "" }
        const config = yield* configFrom(queueArgs)
        const exit = yield* Effect.gen(function* () {
          const fiber = yield* startController(config)
          yield* advance(200)
          return yield* Fiber.await(fiber)
        }).pipe(Effect.provide(doublesLayer(config, model)))

        assert.isTrue(Exit.isFailure(exit))
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "not a cluster token")
      }),
    )

    it.effect("on shutdown flushes the created notification and deregisters the stack", () =>
      Effect.gen(function* () {
        const config = yield* configFrom(queueArgs)
        yield* Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const fiber = yield* startController(config)
          yield* advance(200)
          yield* stack.addJob({ agentQueryRules: onQueue })
          // The next poll is at 1 s; the notification batcher flushes every 100 ms.
          yield* advance(1000, 1000)
          yield* Fiber.interrupt(fiber)

          const notified = (yield* stack.calls("createNotifications")).flatMap(
            (call) => call.notifications ?? [],
          )
          assert.strictEqual(notified.length, 1)
          const operations = (yield* stack.calls()).map((call) => call.operation)
          assert.strictEqual(operations.at(-1), "deregisterStack")
        }).pipe(Effect.provide(doublesLayer(config, new StackModel())))
      }),
    )

    it.effect("serves several queues in one process, each with its own stack", () =>
      Effect.gen(function* () {
        const config = {
          ...(yield* configFrom(["--id", "ctl"])),
          queues: [
            { queue: "small", tags: [], maxInFlight: 1 },
            { queue: "large", tags: [] },
          ],
        }
        yield* Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const kube = yield* Kubernetes
          for (let i = 0; i < 3; i++)
            yield* stack.addJob({ agentQueryRules: ["queue=small"], queueKey: "small" })
          for (let i = 0; i < 3; i++)
            yield* stack.addJob({ agentQueryRules: ["queue=large"], queueKey: "large" })
          const fiber = yield* startController(config)
          yield* advance(500)

          const jobs = yield* kube.listJobs("")
          const byQueue = (queue: string) =>
            jobs.filter((job) => job.metadata?.labels?.["tag.buildkite.com/queue"] === queue).length
          assert.strictEqual(byQueue("small"), 1)
          assert.strictEqual(byQueue("large"), 3)
          const keys = new Set((yield* stack.calls("registerStack")).map((call) => call.stackKey))
          assert.deepStrictEqual([...keys].sort(), ["ctl-large", "ctl-small"])
          yield* Fiber.interrupt(fiber)
        }).pipe(Effect.provide(doublesLayer(config, new StackModel())))
      }),
    )
  })
})
