import { assert, describe, it } from "@effect/vitest"
import type { CoreV1Event, V1Job, V1Pod } from "@kubernetes/client-node"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { ClusterDoubleControl } from "../../../src/kubernetes/ClusterDouble.ts"
import type { Outcome } from "../../../src/kubernetes/cluster/Outcome.ts"
import { Kubernetes } from "../../../src/kubernetes/Kubernetes.ts"
import { makeJob, namespace } from "../contract.ts"

const settle = (millis: number) =>
  Effect.gen(function* () {
    for (let step = 0; step < 4; step++) yield* TestClock.adjust(millis / 4)
  })

/** Creates a Job whose pod follows `outcome`, lets `seconds` pass, and returns the Job and its pods. */
const runJob = (outcome: Outcome, seconds: number, spec: Partial<V1Job["spec"]> = {}) =>
  Effect.gen(function* () {
    const kube = yield* Kubernetes
    const control = yield* ClusterDoubleControl
    yield* control.setOutcome(() => outcome)
    const job = makeJob("job-x", {}, spec)
    const template = job.spec?.template.spec
    if (template !== undefined) {
      template.initContainers = [{ name: "copy-agent", image: "buildkite/agent:3" }]
      template.containers = [
        { name: "agent", image: "buildkite/agent:3" },
        { name: "container-0", image: "alpine:3" },
      ]
      template.volumes = []
    }
    yield* kube.createJob(job)
    yield* settle(seconds * 1000)
    const current = yield* kube.getJob("job-x")
    const pods = yield* kube.listPods("job-name=job-x")
    return { job: current, pods, kube }
  })

/** A fresh in-memory cluster for one scenario. */
const inCluster = Effect.provide(Kubernetes.layerTest({ namespace }))

const conditionOf = (job: V1Job) =>
  job.status?.conditions?.find((c) => c.type === "Complete" || c.type === "Failed")
const waitingReason = (pod: V1Pod | undefined, container: string) =>
  pod?.status?.containerStatuses?.find((s) => s.name === container)?.state?.waiting?.reason

describe("JobController", () => {
  describe("makeJobController", () => {
    it.effect("creates one labelled pod and completes the Job when it succeeds", () =>
      Effect.gen(function* () {
        const { job, pods } = yield* inCluster(runJob({ _tag: "Succeed", runSeconds: 5 }, 10))
        assert.strictEqual(pods.length, 1)
        const pod = pods[0]
        assert.match(pod?.metadata?.name ?? "", /^job-x-[a-z0-9]{5}$/)
        assert.strictEqual(pod?.metadata?.labels?.["batch.kubernetes.io/job-name"], "job-x")
        assert.strictEqual(pod?.metadata?.labels?.["buildkite.com/job-uuid"], "uuid-job-x")
        assert.strictEqual(pod?.status?.phase, "Succeeded")
        assert.strictEqual(conditionOf(job)?.type, "Complete")
        assert.strictEqual(job.status?.succeeded, 1)
      }),
    )

    it.effect("fails the Job with BackoffLimitExceeded when the pod exits non-zero", () =>
      Effect.gen(function* () {
        const { job, pods } = yield* inCluster(
          runJob({ _tag: "Fail", exitCode: 3, container: "container-0" }, 10),
        )
        const terminated = pods[0]?.status?.containerStatuses?.find((s) => s.name === "container-0")
          ?.state?.terminated
        assert.strictEqual(terminated?.exitCode, 3)
        assert.strictEqual(conditionOf(job)?.reason, "BackoffLimitExceeded")
        assert.strictEqual(job.status?.failed, 1)
      }),
    )

    it.effect("alternates ErrImagePull and ImagePullBackOff on the named container", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const control = yield* ClusterDoubleControl
        yield* control.setImageOutcome("alpine:3", {
          _tag: "ImagePullBackOff",
          container: "container-0",
        })
        const job = makeJob("pull")
        const template = job.spec?.template.spec
        if (template !== undefined)
          template.containers = [{ name: "container-0", image: "alpine:3" }]
        yield* kube.createJob(job)
        yield* settle(2000)
        const first = (yield* kube.listPods("job-name=pull"))[0]
        assert.strictEqual(waitingReason(first, "container-0"), "ErrImagePull")
        assert.strictEqual(first?.status?.phase, "Pending")
        assert.isDefined(first?.status?.startTime)
        yield* settle(10_000)
        const later = (yield* kube.listPods("job-name=pull"))[0]
        assert.strictEqual(waitingReason(later, "container-0"), "ImagePullBackOff")
      }).pipe(Effect.provide(Kubernetes.layerTest({ namespace }))),
    )

    it.effect("reports InvalidImageName and CreateContainerConfigError as waiting reasons", () =>
      Effect.gen(function* () {
        const invalid = yield* inCluster(
          runJob({ _tag: "InvalidImageName", container: "container-0" }, 5),
        )
        assert.strictEqual(waitingReason(invalid.pods[0], "container-0"), "InvalidImageName")
        const config = yield* inCluster(
          runJob({ _tag: "CreateContainerConfigError", container: "agent" }, 5),
        )
        assert.strictEqual(waitingReason(config.pods[0], "agent"), "CreateContainerConfigError")
      }),
    )

    it.effect("keeps an unschedulable pod Pending with a PodScheduled=False condition", () =>
      Effect.gen(function* () {
        const { pods } = yield* inCluster(runJob({ _tag: "Unschedulable" }, 60))
        const condition = pods[0]?.status?.conditions?.find((c) => c.type === "PodScheduled")
        assert.strictEqual(pods[0]?.status?.phase, "Pending")
        assert.strictEqual(condition?.status, "False")
        assert.strictEqual(condition?.reason, "Unschedulable")
      }),
    )

    it.effect("fails the pod when an init container exits non-zero", () =>
      Effect.gen(function* () {
        const { pods, job } = yield* inCluster(
          runJob({ _tag: "InitContainerFails", container: "copy-agent", exitCode: 2 }, 5),
        )
        const init = pods[0]?.status?.initContainerStatuses?.[0]?.state?.terminated
        assert.strictEqual(init?.exitCode, 2)
        assert.strictEqual(pods[0]?.status?.phase, "Failed")
        assert.strictEqual(conditionOf(job)?.type, "Failed")
      }),
    )

    it.effect("marks an evicted pod Failed with reason Evicted", () =>
      Effect.gen(function* () {
        const { pods } = yield* inCluster(runJob({ _tag: "Evicted" }, 5))
        assert.strictEqual(pods[0]?.status?.reason, "Evicted")
        assert.strictEqual(pods[0]?.status?.phase, "Failed")
      }),
    )

    it.effect("counts a pod killed before the agent starts as a failure of the Job", () =>
      Effect.gen(function* () {
        const { pods, job } = yield* inCluster(runJob({ _tag: "KilledBeforeAgentStarts" }, 5))
        assert.strictEqual(pods.length, 0)
        assert.strictEqual(job.status?.failed, 1)
        assert.strictEqual(conditionOf(job)?.reason, "BackoffLimitExceeded")
      }),
    )

    it.effect(
      "keeps the pod Running when the agent exits but a sidecar runs, until the deadline ends the Job",
      () =>
        Effect.gen(function* () {
          const { pods, job, kube } = yield* runJob({ _tag: "AgentExitsSidecarRuns" }, 5, {
            activeDeadlineSeconds: 30,
          })
          const agent = pods[0]?.status?.containerStatuses?.find((s) => s.name === "agent")
          assert.strictEqual(pods[0]?.status?.phase, "Running")
          assert.isDefined(agent?.state?.terminated)
          assert.isUndefined(conditionOf(job))
          yield* settle(30_000)
          const ended = yield* kube.getJob("job-x")
          assert.strictEqual(conditionOf(ended)?.reason, "DeadlineExceeded")
          assert.strictEqual((yield* kube.listPods("job-name=job-x")).length, 0)
        }).pipe(Effect.provide(Kubernetes.layerTest({ namespace }))),
    )

    it.effect(
      "records FailedCreate events and never creates a pod, when the service account is missing",
      () =>
        Effect.gen(function* () {
          const { pods, job, kube } = yield* runJob(
            { _tag: "NoPod", serviceAccount: "builder" },
            45,
          )
          assert.strictEqual(pods.length, 0)
          assert.isDefined(job.status?.startTime)
          const events: ReadonlyArray<CoreV1Event> = yield* kube.listEvents({
            kind: "Job",
            name: "job-x",
          })
          const failed = events.find((event) => event.reason === "FailedCreate")
          assert.include(
            failed?.message ?? "",
            "error looking up service account buildkite/builder",
          )
          assert.isAbove(failed?.count ?? 0, 1)
        }).pipe(Effect.provide(Kubernetes.layerTest({ namespace }))),
    )

    it.effect(
      "deletes a finished Job after ttlSecondsAfterFinished, unless the TTL controller is off",
      () =>
        Effect.gen(function* () {
          const withTtl = yield* inCluster(
            runJob({ _tag: "Succeed" }, 70, { ttlSecondsAfterFinished: 60 }),
          ).pipe(
            Effect.flip,
            Effect.map((error) => error._tag),
          )
          assert.strictEqual(withTtl, "NotFound")
          const kept = yield* Effect.gen(function* () {
            const kube = yield* Kubernetes
            yield* kube.createJob(makeJob("kept", {}, { ttlSecondsAfterFinished: 60 }))
            yield* settle(120_000)
            return yield* kube.getJob("kept")
          }).pipe(Effect.provide(Kubernetes.layerTest({ namespace, ttlController: false })))
          assert.strictEqual(conditionOf(kept)?.type, "Complete")
        }),
    )

    it.effect("removes the Job's pods when the Job is deleted in the background", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        yield* kube.createJob(makeJob("gone"))
        yield* settle(100)
        assert.strictEqual((yield* kube.listPods("job-name=gone")).length, 1)
        yield* kube.deleteJob("gone", { propagation: "Background", gracePeriodSeconds: 0 })
        yield* settle(100)
        assert.strictEqual((yield* kube.listPods("job-name=gone")).length, 0)
      }).pipe(Effect.provide(Kubernetes.layerTest({ namespace }))),
    )
  })
})
