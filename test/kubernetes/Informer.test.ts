import { assert, describe, it } from "@effect/vitest"
import type { V1Job } from "@kubernetes/client-node"
import { Effect, Queue, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { WatchEvent } from "../../src/kubernetes/Api.ts"
import { ClusterDoubleControl } from "../../src/kubernetes/ClusterDouble.ts"
import { jobs } from "../../src/kubernetes/cluster/Resources.ts"
import { backoffMillis } from "../../src/kubernetes/Informer.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { makeJob, namespace } from "./contract.ts"

const describeEvent = (event: WatchEvent<V1Job>): string =>
  event._tag === "Synced" ? "Synced" : `${event._tag} ${event.object.metadata?.name ?? ""}`

/** Watches suspended Jobs (no controller writes) and collects what the consumer receives. */
const watching = Effect.gen(function* () {
  const kube = yield* Kubernetes
  const control = yield* ClusterDoubleControl
  const received = yield* Queue.unbounded<WatchEvent<V1Job>>()
  yield* Effect.forkChild(
    Stream.runForEach(kube.watchJobs("buildkite.com/job-uuid"), (event) =>
      Queue.offer(received, event),
    ),
  )
  // Start from an established watch: the empty initial list ends with Synced.
  assert.strictEqual((yield* Queue.take(received))._tag, "Synced")
  const drain = Effect.gen(function* () {
    // Several steps, so fibers woken late in one step (a relist) still run before reading.
    for (let step = 0; step < 5; step++) yield* TestClock.adjust(15_000)
    return (yield* Queue.clear(received)).map(describeEvent)
  })
  const create = (name: string) => kube.createJob(makeJob(name, {}, { suspend: true }))
  return { kube, control, drain, create }
})

const run = <A, E>(body: Effect.Effect<A, E, Kubernetes | ClusterDoubleControl>) =>
  Effect.provide(body, Kubernetes.layerTest({ namespace }))

describe("Informer", () => {
  describe("informer", () => {
    it.effect("keeps delivering every change exactly once across clean closes", () =>
      run(
        Effect.gen(function* () {
          const { control, drain, create } = yield* watching
          yield* create("a")
          assert.deepStrictEqual(yield* drain, ["Added a"])
          yield* control.closeWatches
          yield* create("b")
          yield* control.closeWatches
          yield* control.closeWatches
          yield* create("c")
          assert.deepStrictEqual(yield* drain, ["Added b", "Added c"])
        }),
      ),
    )

    it.effect("relists after 410 Gone and emits only the differences", () =>
      run(
        Effect.gen(function* () {
          const { kube, control, drain, create } = yield* watching
          const a = yield* create("a")
          yield* create("b")
          assert.deepStrictEqual(yield* drain, ["Added a", "Added b"])
          // While the watch is down the history is compacted: resuming answers 410.
          yield* control.fail({ operation: "watchJobs", status: 500 })
          yield* control.closeWatches
          yield* kube.deleteJob("b")
          yield* create("c")
          yield* kube.updateJob({
            ...a,
            spec: { ...a.spec, template: a.spec?.template ?? {}, activeDeadlineSeconds: 9 },
          })
          yield* control.compact
          assert.deepStrictEqual((yield* drain).sort(), ["Added c", "Deleted b", "Modified a"])
          yield* create("d")
          assert.deepStrictEqual(yield* drain, ["Added d"])
        }),
      ),
    )

    it.effect("restarts with backoff after errors and loses nothing", () =>
      run(
        Effect.gen(function* () {
          const { control, drain, create } = yield* watching
          yield* control.fail({ operation: "watchJobs", status: 500, times: 3 })
          yield* control.fail({ operation: "listJobs", status: 429, times: 2 })
          yield* control.closeWatches
          yield* create("a")
          yield* control.fail({ operation: "watchJobs", reset: true })
          yield* control.closeWatches
          yield* create("b")
          assert.deepStrictEqual(yield* drain, ["Added a", "Added b"])
        }),
      ),
    )

    it.effect("fails over to a relist when the watch answers 410 directly", () =>
      run(
        Effect.gen(function* () {
          const { control, drain, create } = yield* watching
          yield* create("a")
          assert.deepStrictEqual(yield* drain, ["Added a"])
          yield* control.fail({ operation: "watchJobs", status: 410 })
          yield* control.closeWatches
          yield* create("b")
          assert.deepStrictEqual(yield* drain, ["Added b"])
          assert.strictEqual(control.store.list(jobs, namespace).items.length, 2)
        }),
      ),
    )
  })

  describe("backoffMillis", () => {
    it("doubles from the initial delay, caps and jitters by ±20%", () => {
      assert.strictEqual(backoffMillis(0, 500, 30_000, 0.5), 500)
      assert.strictEqual(backoffMillis(3, 500, 30_000, 0.5), 4000)
      assert.strictEqual(backoffMillis(20, 500, 30_000, 0.5), 30_000)
      assert.strictEqual(backoffMillis(0, 500, 30_000, 0), 400)
      assert.closeTo(backoffMillis(0, 500, 30_000, 1), 600, 1e-9)
    })
  })
})
