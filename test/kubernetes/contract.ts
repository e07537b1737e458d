/**
 * One contract suite for every implementation of the Kubernetes service: the in-memory
 * double and the real client-node layer against the local fake API server.
 */
import { assert, describe, it } from "@effect/vitest"
import type { V1Job } from "@kubernetes/client-node"
import { Context, Effect, Exit, Fiber, type Layer, Queue, Redacted, Schedule, Stream } from "effect"
import type { WatchEvent } from "../../src/kubernetes/Api.ts"
import type { Cluster } from "../../src/kubernetes/cluster/Cluster.ts"
import { events, podTemplates, secrets } from "../../src/kubernetes/cluster/Resources.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { controllerSelector, jobUuidIn, jobUuidLabel } from "../../src/kubernetes/LabelSelector.ts"

/** Access to the cluster model behind the implementation under test, for seeding. */
export class ContractCluster extends Context.Service<ContractCluster, Cluster>()(
  "test/ContractCluster",
) {}

export const namespace = "buildkite"

export const makeJob = (
  name: string,
  labels: Record<string, string> = {},
  extra: Partial<V1Job["spec"]> = {},
): V1Job => ({
  metadata: { name, labels: { "buildkite.com/job-uuid": `uuid-${name}`, ...labels } },
  spec: {
    backoffLimit: 0,
    ...extra,
    template: {
      metadata: { labels: { "buildkite.com/job-uuid": `uuid-${name}` } },
      spec: {
        restartPolicy: "Never",
        containers: [
          {
            name: "agent",
            image: "buildkite/agent:3",
            volumeMounts: [{ name: "workspace", mountPath: "/workspace" }],
          },
        ],
        volumes: [{ name: "workspace", emptyDir: {} }],
      },
    },
  },
})

const seed = (resource: typeof events, object: object) =>
  Effect.flatMap(ContractCluster, (cluster) =>
    Effect.sync(() => cluster.store.create(resource, namespace, object)),
  )

export const contractSuite = (
  name: string,
  layer: () => Layer.Layer<Kubernetes | ContractCluster>,
) =>
  describe(name, () => {
    const run = <A, E>(body: Effect.Effect<A, E, Kubernetes | ContractCluster>) =>
      Effect.provide(body, layer())

    describe("createJob", () => {
      it.live("stores the Job with uid, resourceVersion and creationTimestamp", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            const created = yield* kube.createJob(makeJob("job-a"))
            const fetched = yield* kube.getJob("job-a")
            assert.strictEqual(fetched.metadata?.uid, created.metadata?.uid)
            assert.isString(created.metadata?.resourceVersion)
            assert.isDefined(created.metadata?.creationTimestamp)
            assert.strictEqual(fetched.metadata?.namespace, namespace)
          }),
        ),
      )

      it.live("fails with AlreadyExists naming the Job, when the name is taken", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            yield* kube.createJob(makeJob("job-a"))
            const error = yield* Effect.flip(kube.createJob(makeJob("job-a")))
            assert.strictEqual(error._tag, "AlreadyExists")
            assert.strictEqual(error.message, 'jobs.batch "job-a" already exists')
            assert.strictEqual(error.name, "job-a")
            assert.isFalse(error.retryable)
          }),
        ),
      )

      it.live(
        "fails with Invalid carrying the API server's message, when a mount names no volume",
        () =>
          run(
            Effect.gen(function* () {
              const kube = yield* Kubernetes
              const job = makeJob("bad")
              const container = job.spec?.template.spec?.containers[0]
              if (container !== undefined)
                container.volumeMounts = [{ name: "this-doesnt-exist", mountPath: "/x" }]
              const error = yield* Effect.flip(kube.createJob(job))
              assert.strictEqual(error._tag, "Invalid")
              assert.strictEqual(
                error.message,
                'Job.batch "bad" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "this-doesnt-exist"',
              )
            }),
          ),
      )

      it.live("fails with Invalid, when the name is not a DNS-1123 label", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            const error = yield* Effect.flip(kube.createJob(makeJob("Not_Valid")))
            assert.strictEqual(error._tag, "Invalid")
            assert.include(error.message, 'metadata.name: Invalid value: "Not_Valid"')
          }),
        ),
      )
    })

    describe("getJob", () => {
      it.live("fails with NotFound, when the Job does not exist", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            const error = yield* Effect.flip(kube.getJob("missing"))
            assert.strictEqual(error._tag, "NotFound")
            assert.strictEqual(error.message, 'jobs.batch "missing" not found')
            assert.strictEqual(error.kind, "Job")
          }),
        ),
      )
    })

    describe("updateJob", () => {
      it.live(
        "replaces the Job at the current resourceVersion and fails with Conflict at a stale one",
        () =>
          run(
            Effect.gen(function* () {
              const kube = yield* Kubernetes
              const created = yield* kube.createJob(makeJob("job-u", {}, { suspend: true }))
              const updated = yield* kube.updateJob({
                ...created,
                spec: {
                  ...created.spec,
                  template: created.spec?.template ?? {},
                  activeDeadlineSeconds: 1,
                },
              })
              assert.strictEqual(updated.spec?.activeDeadlineSeconds, 1)
              assert.notStrictEqual(
                updated.metadata?.resourceVersion,
                created.metadata?.resourceVersion,
              )
              const error = yield* Effect.flip(kube.updateJob(created))
              assert.strictEqual(error._tag, "Conflict")
              assert.include(error.message, 'Operation cannot be fulfilled on jobs.batch "job-u"')
              assert.isTrue(error.retryable)
            }),
          ),
      )
    })

    describe("deleteJob", () => {
      it.live("deletes the Job and succeeds again when it is already gone", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            yield* kube.createJob(makeJob("job-d", {}, { suspend: true }))
            yield* kube.deleteJob("job-d", { propagation: "Background", gracePeriodSeconds: 0 })
            yield* kube.deleteJob("job-d", { propagation: "Foreground" })
            const error = yield* Effect.flip(kube.getJob("job-d"))
            assert.strictEqual(error._tag, "NotFound")
            yield* kube.deletePod("no-such-pod", { gracePeriodSeconds: 0 })
          }),
        ),
      )
    })

    describe("deleteJobs", () => {
      it.live("deletes the selected Jobs with their pods, and succeeds when none match", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            const cluster = yield* ContractCluster
            cluster.setOutcome(() => ({ _tag: "Unschedulable" }))
            for (const name of ["gone-a", "gone-b", "kept"]) yield* kube.createJob(makeJob(name))
            const selected = jobUuidIn(["uuid-gone-a", "uuid-gone-b", "uuid-never-created"])
            const pods = kube
              .listPods(jobUuidLabel)
              .pipe(
                Effect.map((items) =>
                  items.map((pod) => pod.metadata?.labels?.["job-name"]).sort(),
                ),
              )
            assert.deepStrictEqual(yield* pods, ["gone-a", "gone-b", "kept"])

            yield* kube.deleteJobs(selected, { propagation: "Background", gracePeriodSeconds: 0 })
            const jobsLeft = yield* kube.listJobs(jobUuidLabel)
            assert.deepStrictEqual(
              jobsLeft.map((job) => job.metadata?.name),
              ["kept"],
            )
            // Background: the garbage collector removes the pods just after the Jobs.
            const podsLeft = yield* pods.pipe(
              Effect.repeat({
                until: (names) => names.length === 1,
                schedule: Schedule.spaced("5 millis"),
                times: 200,
              }),
            )
            assert.deepStrictEqual(podsLeft, ["kept"])
            yield* kube.deleteJobs(selected, { propagation: "Background", gracePeriodSeconds: 0 })
          }),
        ),
      )

      it.live("dies without deleting anything, when the selector is empty", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            yield* kube.createJob(makeJob("kept", {}, { suspend: true }))
            const exit = yield* Effect.exit(kube.deleteJobs(" "))
            assert.isTrue(Exit.hasDies(exit))
            assert.strictEqual((yield* kube.listJobs(jobUuidLabel)).length, 1)
          }),
        ),
      )
    })

    describe("listJobs", () => {
      it.live("returns only the Jobs the label selector matches", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            yield* kube.createJob(
              makeJob("mine", { "buildkite.com/controller-id": "c1" }, { suspend: true }),
            )
            yield* kube.createJob(
              makeJob("theirs", { "buildkite.com/controller-id": "c2" }, { suspend: true }),
            )
            yield* kube.createJob(makeJob("unowned", {}, { suspend: true }))
            const mine = yield* kube.listJobs(controllerSelector("c1"))
            assert.deepStrictEqual(
              mine.map((job) => job.metadata?.name),
              ["mine"],
            )
            const unowned = yield* kube.listJobs(controllerSelector(""))
            assert.deepStrictEqual(
              unowned.map((job) => job.metadata?.name),
              ["unowned"],
            )
          }),
        ),
      )
    })

    describe("listEvents", () => {
      it.live("returns the Events about the named object only", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            const about = (kind: string, name: string, reason: string) => ({
              metadata: { name: `${name}.${reason}` },
              involvedObject: { kind, name, namespace },
              reason,
              message: `${reason} happened`,
              type: "Warning",
            })
            yield* seed(events, about("Job", "job-e", "FailedCreate"))
            yield* seed(events, about("Job", "other", "FailedCreate"))
            yield* seed(events, about("Pod", "job-e", "Scheduled"))
            const found = yield* kube.listEvents({ kind: "Job", name: "job-e" })
            assert.deepStrictEqual(
              found.map((event) => event.reason),
              ["FailedCreate"],
            )
          }),
        ),
      )
    })

    describe("getPodTemplate / getSecret", () => {
      it.live("reads a PodTemplate and a Secret with its values Redacted", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            yield* seed(podTemplates, {
              metadata: { name: "tpl" },
              template: { spec: { containers: [{ name: "templated", image: "alpine:latest" }] } },
            })
            yield* seed(secrets, {
              metadata: { name: "token" },
              data: { BUILDKITE_AGENT_TOKEN: Buffer.from("s3cret").toString("base64") },
            })
            const template = yield* kube.getPodTemplate("tpl")
            assert.strictEqual(template.template?.spec?.containers[0]?.name, "templated")
            const secret = yield* kube.getSecret("token")
            const token = secret.data.BUILDKITE_AGENT_TOKEN
            assert.isDefined(token)
            if (token !== undefined) assert.strictEqual(Redacted.value(token), "s3cret")
            assert.notInclude(String(token), "s3cret")
            const missing = yield* Effect.flip(kube.getSecret("nope"))
            assert.strictEqual(missing.message, 'secrets "nope" not found')
          }),
        ),
      )
    })

    describe("leases", () => {
      it.live("creates, reads and updates a Lease, refusing a stale update", () =>
        run(
          Effect.gen(function* () {
            const kube = yield* Kubernetes
            const created = yield* kube.createLease({
              metadata: { name: "leader" },
              spec: { holderIdentity: "a", leaseDurationSeconds: 15 },
            })
            const exists = yield* Effect.flip(
              kube.createLease({ metadata: { name: "leader" }, spec: {} }),
            )
            assert.strictEqual(exists._tag, "AlreadyExists")
            const fetched = yield* kube.getLease("leader")
            assert.strictEqual(fetched.spec?.holderIdentity, "a")
            const updated = yield* kube.updateLease({
              ...fetched,
              spec: { ...fetched.spec, holderIdentity: "b" },
            })
            assert.strictEqual(updated.spec?.holderIdentity, "b")
            const stale = yield* Effect.flip(
              kube.updateLease({ ...created, spec: { holderIdentity: "c" } }),
            )
            assert.strictEqual(stale._tag, "Conflict")
          }),
        ),
      )
    })

    describe("watchJobs", () => {
      it.live(
        "delivers the initial list, Synced, then additions, modifications and deletions",
        () =>
          run(
            Effect.gen(function* () {
              const kube = yield* Kubernetes
              const selector = controllerSelector("c1")
              const labels = { "buildkite.com/controller-id": "c1" }
              yield* kube.createJob(makeJob("before", labels, { suspend: true }))
              const seen = yield* Queue.unbounded<WatchEvent<V1Job>>()
              const fiber = yield* Effect.forkChild(
                Stream.runForEach(kube.watchJobs(selector), (event) => Queue.offer(seen, event)),
              )
              const next = Queue.take(seen)

              const first = yield* next
              assert.strictEqual(first._tag, "Added")
              if (first._tag === "Added") assert.isTrue(first.initialList)
              assert.strictEqual((yield* next)._tag, "Synced")

              const created = yield* kube.createJob(makeJob("after", labels, { suspend: true }))
              yield* kube.createJob(makeJob("not-selected", {}, { suspend: true }))
              const added = yield* next
              assert.strictEqual(added._tag, "Added")
              if (added._tag === "Added") {
                assert.isFalse(added.initialList)
                assert.strictEqual(added.object.metadata?.name, "after")
                assert.isUndefined(added.object.spec?.template.spec, "the pod template is stripped")
              }
              yield* kube.updateJob({
                ...created,
                spec: {
                  ...created.spec,
                  template: created.spec?.template ?? {},
                  activeDeadlineSeconds: 5,
                },
              })
              const modified = yield* next
              assert.strictEqual(modified._tag, "Modified")
              if (modified._tag === "Modified") {
                assert.isUndefined(modified.previous.spec?.activeDeadlineSeconds)
                assert.strictEqual(modified.object.spec?.activeDeadlineSeconds, 5)
              }
              yield* kube.deleteJob("after")
              const deleted = yield* next
              assert.strictEqual(deleted._tag, "Deleted")
              if (deleted._tag === "Deleted")
                assert.strictEqual(deleted.object.metadata?.name, "after")
              yield* Fiber.interrupt(fiber)
            }),
          ),
      )
    })
  })
