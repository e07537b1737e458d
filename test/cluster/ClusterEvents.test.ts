import { assert, describe, it } from "@effect/vitest"
import type { V1Job } from "@kubernetes/client-node"
import { Effect, Fiber, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { ClusterEvents, ClusterEventsControl } from "../../src/cluster/ClusterEvents.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { controllerIdLabel, jobUuidLabel } from "../../src/kubernetes/LabelSelector.ts"

const namespace = "buildkite"

const makeJob = (name: string, labels: Record<string, string>): V1Job => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, labels },
  spec: {
    template: {
      metadata: { labels },
      spec: {
        restartPolicy: "Never",
        containers: [{ name: "container-0", image: "alpine:3", command: ["true"] }],
      },
    },
  },
})

const ours = (uuid: string) => ({ [jobUuidLabel]: uuid, [controllerIdLabel]: "ctl" })

const layer = () =>
  ClusterEvents.layer({ controllerId: "ctl" }).pipe(
    Layer.provideMerge(Kubernetes.layerTest({ namespace, ttlController: false })),
  )

const tag = (event: { readonly _tag: string; readonly object?: V1Job }) =>
  event.object === undefined ? event._tag : `${event._tag}:${event.object.metadata?.name}`

describe("ClusterEvents", () => {
  describe("jobs", () => {
    it.effect("replays existing Jobs, then Synced, then later changes to a late subscriber", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const events = yield* ClusterEvents
        yield* kube.createJob(makeJob("job-a", ours("a")))
        yield* events.synced

        yield* kube.createJob(makeJob("job-b", ours("b")))
        yield* TestClock.adjust(10)
        const fiber = yield* events.jobs.pipe(
          Stream.filter((event) => event._tag !== "Modified"),
          Stream.take(4),
          Stream.runCollect,
          Effect.forkChild,
        )
        yield* TestClock.adjust(10)
        yield* kube.deleteJob("job-a")
        yield* TestClock.adjust(10)
        const seen = (yield* Fiber.join(fiber)).map(tag)

        assert.deepStrictEqual(seen, ["Added:job-a", "Added:job-b", "Synced", "Deleted:job-a"])
      }).pipe(Effect.provide(layer())),
    )

    it.effect("ignores Jobs of another controller", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const events = yield* ClusterEvents
        yield* kube.createJob(makeJob("job-mine", ours("a")))
        yield* kube.createJob(
          makeJob("job-other", { [jobUuidLabel]: "b", [controllerIdLabel]: "other" }),
        )
        yield* events.synced
        yield* TestClock.adjust(10)

        const names = (yield* events.allJobs).map((job) => job.metadata?.name)
        assert.deepStrictEqual(names, ["job-mine"])
        assert.isUndefined(yield* events.job("job-other"))
      }).pipe(Effect.provide(layer())),
    )

    it.effect("keeps cached Jobs stripped of their pod template", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const events = yield* ClusterEvents
        yield* kube.createJob(makeJob("job-a", ours("a")))
        yield* events.synced

        const cached = yield* events.job("job-a")
        assert.deepStrictEqual(cached?.spec?.template, {})
      }).pipe(Effect.provide(layer())),
    )
  })

  describe("layerTest", () => {
    it.effect("serves hand-fed events to two subscribers and syncs when both kinds listed", () =>
      Effect.gen(function* () {
        const control = yield* ClusterEventsControl
        const events = yield* ClusterEvents
        const first = yield* events.jobs.pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)
        const second = yield* events.jobs.pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)
        yield* Effect.yieldNow

        yield* control.emitJob({
          _tag: "Added",
          object: makeJob("job-a", ours("a")),
          initialList: true,
        })
        yield* control.emitJob({ _tag: "Synced" })
        yield* Effect.yieldNow
        assert.isFalse(yield* events.isSynced)
        yield* control.emitPod({ _tag: "Synced" })
        yield* events.synced

        assert.deepStrictEqual((yield* Fiber.join(first)).map(tag), ["Added:job-a", "Synced"])
        assert.deepStrictEqual((yield* Fiber.join(second)).map(tag), ["Added:job-a", "Synced"])
      }).pipe(Effect.provide(ClusterEvents.layerTest)),
    )
  })
})
