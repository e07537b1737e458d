import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { endedByAnnotation } from "../../src/lifecycle/actions.ts"
import { advance, finishes, leftovers, lifecycleLayer, notifications, submit } from "./harness.ts"

/** Ten minutes of job-ttl plus a margin: everything finished must be gone by then. */
const pastTtl = 11 * 60

describe("Lifecycle", () => {
  describe("layer", () => {
    it.effect(
      "reports a failed init container and leaves nothing behind (broken-init-container)",
      () =>
        Effect.gen(function* () {
          const uuid = yield* submit("broken-init", {
            outcome: "InitContainerFails",
            initContainers: [{ name: "user-init", image: "alpine:3", command: ["nope"] }],
          })
          yield* advance(5)
          const details = yield* finishes(uuid)
          assert.strictEqual(details.length, 1)
          assert.isTrue(details[0]?.startsWith("The following init containers failed:\n\n"))
          assert.include(details[0] ?? "", "user-init")
          yield* advance(pastTtl)
          assert.deepStrictEqual(yield* leftovers, [])
          assert.strictEqual((yield* finishes(uuid)).length, 1)
        }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("deletes the Job and pod of a job cancelled while Pending (cancel-checker)", () =>
      Effect.gen(function* () {
        const stack = yield* StackDoubleControl
        const uuid = yield* submit("cancel-pending", { outcome: "Unschedulable" })
        yield* advance(3)
        assert.strictEqual((yield* leftovers).length, 2)
        yield* stack.cancel(uuid)
        yield* advance(6)
        assert.deepStrictEqual(yield* leftovers, [])
        assert.strictEqual(yield* stack.state(uuid), "canceled")
        assert.deepStrictEqual(yield* finishes(uuid), [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("deletes a Job that never got a pod (suspended) once its job is cancelled", () =>
      Effect.gen(function* () {
        const stack = yield* StackDoubleControl
        const uuid = yield* submit("cancel-suspended", { outcome: "Succeed", suspend: true })
        yield* advance(60)
        assert.deepStrictEqual(yield* leftovers, ["cancel-suspended"])
        yield* stack.cancel(uuid)
        yield* advance(6)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("ends a pod whose agent finished while a sidecar runs (completions-cleanup)", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const uuid = yield* submit("sidecar", {
          outcome: "AgentExitsSidecarRuns",
          state: "running",
        })
        yield* advance(70)
        const job = yield* kube.getJob("sidecar")
        assert.strictEqual(job.spec?.activeDeadlineSeconds, 60)
        assert.strictEqual(job.metadata?.annotations?.[endedByAnnotation], "agent-finished")
        const ended = job.status?.conditions?.find(
          (c) => c.type === "Failed" || c.type === "Complete",
        )
        assert.strictEqual(ended?.status, "True")
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
        assert.deepStrictEqual(yield* finishes(uuid), [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("fails a job whose container config is broken, after the grace period", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("config-error", { outcome: "CreateContainerConfigError" })
        yield* advance(20)
        assert.deepStrictEqual(yield* finishes(uuid), [])
        yield* advance(15)
        const details = yield* finishes(uuid)
        assert.strictEqual(details.length, 1)
        assert.isTrue(
          details[0]?.startsWith(
            "The following containers could not be created or their images could not be pulled:\n\n",
          ),
        )
        assert.include(details[0] ?? "", "CreateContainerConfigError")
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("fails a reserved job whose image cannot be pulled and deletes its pod", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("pull-failed", {
          outcome: "ImagePullBackOff",
          containers: [
            { name: "container-0", image: "buildkite/non-existant-image:latest" },
            { name: "agent", image: "buildkite/agent:3" },
          ],
        })
        yield* advance(35)
        const details = yield* finishes(uuid)
        assert.strictEqual(details.length, 1)
        assert.include(details[0] ?? "", '"buildkite/non-existant-image:latest"')
        assert.match(details[0] ?? "", /ErrImagePull|ImagePullBackOff/)
        const kube = yield* Kubernetes
        assert.deepStrictEqual(yield* kube.listPods("job-name=pull-failed"), [])
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
        assert.strictEqual((yield* finishes(uuid)).length, 1)
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("fails a job whose image is missing under pull policy Never (never-pull)", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("never-pull", {
          outcome: "ErrImageNeverPull",
          containers: [
            { name: "container-0", image: "buildkite/agent-extreme:never" },
            { name: "agent", image: "buildkite/agent:3" },
          ],
        })
        yield* advance(20)
        assert.deepStrictEqual(yield* finishes(uuid), [])
        yield* advance(15)
        const details = yield* finishes(uuid)
        assert.strictEqual(details.length, 1)
        assert.include(details[0] ?? "", '"buildkite/agent-extreme:never"')
        assert.include(details[0] ?? "", "ErrImageNeverPull")
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("notifies once when the agent already holds a job whose image cannot be pulled", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("pull-running", {
          outcome: "ImagePullBackOff",
          state: "running",
          containers: [
            { name: "container-0", image: "nope:latest" },
            { name: "agent", image: "buildkite/agent:3" },
          ],
        })
        yield* advance(60)
        const sent = yield* notifications(uuid)
        assert.strictEqual(sent.length, 1)
        assert.isTrue(
          sent[0]?.startsWith(
            "Image pull failure; the job will fail once the agent times out. container-0: ",
          ),
        )
        assert.match(sent[0] ?? "", /ErrImagePull|ImagePullBackOff/)
        assert.deepStrictEqual(yield* finishes(uuid), [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("fails a job with an invalid image name at once, without the grace period", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("invalid-image", { outcome: "InvalidImageName" })
        yield* advance(5)
        const details = yield* finishes(uuid)
        assert.strictEqual(details.length, 1)
        assert.include(details[0] ?? "", "InvalidImageName")
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect(
      "reaps a Job that never gets a pod and shows its events (missing-service-account)",
      () =>
        Effect.gen(function* () {
          const kube = yield* Kubernetes
          const uuid = yield* submit("no-sa", { outcome: "NoPod" })
          yield* advance(25)
          assert.deepStrictEqual(yield* finishes(uuid), [])
          yield* advance(10)
          const details = yield* finishes(uuid)
          assert.strictEqual(details.length, 1)
          assert.match(
            details[0] ?? "",
            /^The Kubernetes job spent 3\ds without starting a pod\.\n/,
          )
          assert.include(details[0] ?? "", "LAST EVENT | REPEATED | TYPE")
          assert.include(details[0] ?? "", "service account")
          const job = yield* kube.getJob("no-sa")
          assert.strictEqual(job.spec?.activeDeadlineSeconds, 1)
          yield* advance(pastTtl)
          assert.deepStrictEqual(yield* leftovers, [])
          assert.strictEqual((yield* finishes(uuid)).length, 1)
        }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("fails a reserved job whose pod was killed before the agent started", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("killed", { outcome: "KilledBeforeAgentStarts" })
        yield* advance(10)
        const details = yield* finishes(uuid)
        assert.strictEqual(details.length, 1)
        assert.include(details[0] ?? "", "pod failed before the buildkite-agent acquired")
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )

    it.effect("fails a job whose pod stays Pending past the timeout (pod-pending-timeout)", () =>
      Effect.gen(function* () {
        const uuid = yield* submit("pending", { outcome: "Unschedulable" })
        yield* advance(8)
        assert.deepStrictEqual(yield* finishes(uuid), [])
        yield* advance(4)
        const details = yield* finishes(uuid)
        assert.strictEqual(details.length, 1)
        assert.match(
          details[0] ?? "",
          /^The pod has been in Pending state for 1\ds without starting\.\n/,
        )
        assert.include(details[0] ?? "", "Pod Conditions:\n  - PodScheduled: False")
        yield* advance(pastTtl)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer({ podPendingTimeoutMillis: 10_000 }))),
    )

    it.effect("deletes finished Jobs after job-ttl when the cluster has no TTL controller", () =>
      Effect.gen(function* () {
        yield* submit("done", { outcome: "Succeed", state: "running" })
        yield* advance(9 * 60)
        assert.isTrue((yield* leftovers).includes("done"))
        yield* advance(2 * 60)
        assert.deepStrictEqual(yield* leftovers, [])
      }).pipe(Effect.provide(lifecycleLayer())),
    )
  })
})
