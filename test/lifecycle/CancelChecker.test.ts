import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Metric } from "effect"
import { TestClock } from "effect/testing"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import type { KubernetesApi } from "../../src/kubernetes/Api.ts"
import { ClusterDoubleControl } from "../../src/kubernetes/ClusterDouble.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { jobUuidLabel, uuidsPerSelector } from "../../src/kubernetes/LabelSelector.ts"
import { makeCancelChecker } from "../../src/lifecycle/CancelChecker.ts"
import * as Metrics from "../../src/observability/Metrics.ts"
import { advance, leftovers, namespace, submit } from "./harness.ts"

const doubles = Layer.merge(BuildkiteApi.layerTest, Kubernetes.layerTest({ namespace }))

/** The service with every delete request it makes recorded. */
const recording = (kube: KubernetesApi) => {
  const deletes: Array<string> = []
  const api: KubernetesApi = {
    ...kube,
    deleteJob: (name, options) =>
      Effect.andThen(
        Effect.sync(() => deletes.push(`Job ${name}`)),
        kube.deleteJob(name, options),
      ),
    deleteJobs: (selector, options) =>
      Effect.andThen(
        Effect.sync(() => deletes.push(selector)),
        kube.deleteJobs(selector, options),
      ),
    deletePod: (name, options) =>
      Effect.andThen(
        Effect.sync(() => deletes.push(`Pod ${name}`)),
        kube.deletePod(name, options),
      ),
  }
  return { api, deletes }
}

/** Submits `count` Pending jobs and registers each with the checker as the watchers do. */
const pending = (count: number, register: (uuid: string, jobName: string) => void) =>
  Effect.forEach(
    Array.from({ length: count }, (_, i) => `pending-${i}`),
    (name) =>
      Effect.map(submit(name, { outcome: "Unschedulable" }), (uuid) => {
        register(uuid, name)
        return uuid
      }),
  )

const deletedCount = Effect.map(
  Metric.value(Metrics.jobWatcher.jobsForcefullyDeleted({ delete_reason: "job_cancelled" })),
  (state) => state.count,
)

describe("CancelChecker", () => {
  describe("check", () => {
    it.effect("clears 1,000 cancelled jobs with one collection delete per chunk of UUIDs", () =>
      Effect.gen(function* () {
        const stack = yield* StackDoubleControl
        const { api: kube, deletes } = recording(yield* Kubernetes)
        const cancel = makeCancelChecker(kube, yield* BuildkiteApi, 10)
        const uuids = yield* pending(1_000, cancel.register)
        yield* advance(1)
        assert.strictEqual((yield* leftovers).length, 2_000)

        for (const uuid of uuids) yield* stack.cancel(uuid)
        yield* cancel.check
        yield* advance(1)

        assert.isAtMost(deletes.length, Math.ceil(1_000 / uuidsPerSelector))
        assert.isTrue(deletes.every((selector) => selector.startsWith("buildkite.com/job-uuid in")))
        assert.deepStrictEqual(yield* leftovers, [])
        assert.strictEqual(cancel.size(), 0)
        assert.strictEqual(yield* deletedCount, 1_000)
      }).pipe(Effect.provide(doubles), Effect.provideService(Metric.MetricRegistry, new Map())),
    )

    it.effect("leaves waiting jobs alone and forgets jobs that went on", () =>
      Effect.gen(function* () {
        const stack = yield* StackDoubleControl
        const { api: kube, deletes } = recording(yield* Kubernetes)
        const cancel = makeCancelChecker(kube, yield* BuildkiteApi, 10)
        const [cancelled, waiting, running] = yield* pending(3, cancel.register)
        yield* advance(1)
        yield* stack.cancel(cancelled ?? "")
        yield* stack.setState(running ?? "", "running")

        yield* cancel.check
        yield* advance(1)

        assert.deepStrictEqual(deletes, [`buildkite.com/job-uuid in (${cancelled})`])
        const jobs = yield* kube.listJobs(jobUuidLabel)
        assert.deepStrictEqual(jobs.map((job) => job.metadata?.name).sort(), [
          "pending-1",
          "pending-2",
        ])
        assert.strictEqual(cancel.size(), 1, `only ${waiting} is still watched`)
      }).pipe(Effect.provide(doubles)),
    )

    it.effect("retries a failed delete on the next pass only", () =>
      Effect.gen(function* () {
        const stack = yield* StackDoubleControl
        const cluster = yield* ClusterDoubleControl
        const { api: kube, deletes } = recording(yield* Kubernetes)
        const cancel = makeCancelChecker(kube, yield* BuildkiteApi, 10)
        const [uuid] = yield* pending(1, cancel.register)
        yield* stack.cancel(uuid ?? "")
        yield* cluster.fail({ operation: "deleteJobs", status: 500 })

        yield* cancel.check
        assert.strictEqual(deletes.length, 1)
        assert.strictEqual((yield* kube.listJobs(`buildkite.com/job-uuid=${uuid}`)).length, 1)
        assert.strictEqual(cancel.size(), 1)

        yield* cancel.check
        assert.strictEqual(deletes.length, 2)
        assert.strictEqual((yield* kube.listJobs(`buildkite.com/job-uuid=${uuid}`)).length, 0)
        assert.strictEqual(cancel.size(), 0)
      }).pipe(Effect.provide(doubles)),
    )

    it.effect("sends a job's delete once, when a second pass runs while it is in flight", () =>
      Effect.gen(function* () {
        const stack = yield* StackDoubleControl
        const cluster = yield* ClusterDoubleControl
        const { api: kube, deletes } = recording(yield* Kubernetes)
        const cancel = makeCancelChecker(kube, yield* BuildkiteApi, 10)
        const [uuid] = yield* pending(1, cancel.register)
        yield* stack.cancel(uuid ?? "")
        yield* cluster.fail({ operation: "deleteJobs", latencyMillis: 5_000 })

        const first = yield* Effect.forkChild(cancel.check)
        yield* TestClock.adjust(1_000)
        yield* cancel.check
        assert.strictEqual(deletes.length, 1)

        yield* TestClock.adjust(5_000)
        yield* Fiber.join(first)
        assert.strictEqual(deletes.length, 1)
        assert.strictEqual(cancel.size(), 0)
      }).pipe(Effect.provide(doubles)),
    )
  })
})
