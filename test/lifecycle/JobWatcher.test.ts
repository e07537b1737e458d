import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { makeCancelChecker } from "../../src/lifecycle/CancelChecker.ts"
import { makeJobWatcher } from "../../src/lifecycle/JobWatcher.ts"
import { advance, finishes, namespace, submit } from "./harness.ts"

const doubles = Layer.merge(BuildkiteApi.layerTest, Kubernetes.layerTest({ namespace }))

describe("JobWatcher", () => {
  describe("sweep", () => {
    it.effect("never reaps a healthy Job that a lagging watch still shows without a pod", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const api = yield* BuildkiteApi
        const cancel = makeCancelChecker(kube, api, 10)
        const watcher = makeJobWatcher(
          { emptyJobGracePeriodMillis: 30_000, handleConcurrency: 4 },
          kube,
          api,
          cancel,
        )
        const uuid = yield* submit("healthy", { outcome: "Succeed", state: "reserved" })
        yield* advance(1)
        const live = yield* kube.getJob("healthy")
        // The watch delivered only the first, pod-less state; every later event is late.
        const stale = { ...live, status: { startTime: live.status?.startTime ?? new Date(0) } }
        yield* watcher.onEvent({ _tag: "Added", object: stale, initialList: false })
        assert.strictEqual(watcher.stallingCount(), 1)

        yield* advance(40)
        yield* watcher.sweep
        assert.deepStrictEqual(yield* finishes(uuid), [])
        assert.isUndefined((yield* kube.getJob("healthy")).spec?.activeDeadlineSeconds)
        assert.strictEqual(watcher.stallingCount(), 0)
      }).pipe(Effect.provide(doubles)),
    )

    it.effect("keeps a stalled Job while Buildkite cannot be asked, and reaps it once it can", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const api = yield* BuildkiteApi
        const cancel = makeCancelChecker(kube, api, 10)
        const watcher = makeJobWatcher(
          { emptyJobGracePeriodMillis: 30_000, handleConcurrency: 4 },
          kube,
          api,
          cancel,
        )
        const stack = yield* StackDoubleControl
        const uuid = yield* submit("stuck", { outcome: "NoPod", state: "reserved" })
        yield* advance(1)
        yield* watcher.onEvent({
          _tag: "Added",
          object: yield* kube.getJob("stuck"),
          initialList: false,
        })
        yield* advance(35)
        yield* stack.fail("getJobStates", { status: 400, message: "bad request" })
        yield* watcher.sweep
        assert.deepStrictEqual(yield* finishes(uuid), [])
        assert.strictEqual(watcher.stallingCount(), 1)
        yield* watcher.sweep
        assert.strictEqual((yield* finishes(uuid)).length, 1)
        assert.strictEqual((yield* kube.getJob("stuck")).spec?.activeDeadlineSeconds, 1)
      }).pipe(Effect.provide(doubles)),
    )
  })
})
