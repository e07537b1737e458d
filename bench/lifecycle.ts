/**
 * Lifecycle figures: how long 1,000 jobs cancelled at once on Buildkite take to lose their
 * Kubernetes Jobs and Pods, through the real Lifecycle and Kubernetes layers (client-side
 * limit 10 QPS, burst 20) against the local kube-apiserver fake, timed from the
 * cancellations, so it includes the wait for the cancel checker's next poll; and how long
 * a standby takes to lead after the leader dies (virtual time on the in-memory cluster).
 */
import type { V1Job } from "@kubernetes/client-node"
import { Clock, Context, Effect, Exit, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"
import { BuildkiteApi } from "../src/buildkite/BuildkiteApi.ts"
import { Notifier } from "../src/buildkite/Notifier.ts"
import { StackDoubleControl } from "../src/buildkite/StackDouble.ts"
import { ClusterEvents } from "../src/cluster/ClusterEvents.ts"
import { jobs, pods } from "../src/kubernetes/cluster/Resources.ts"
import { Kubernetes } from "../src/kubernetes/Kubernetes.ts"
import { jobUuidLabel, uuidsPerSelector } from "../src/kubernetes/LabelSelector.ts"
import { LeaderElection } from "../src/lifecycle/LeaderElection.ts"
import { Lifecycle } from "../src/lifecycle/Lifecycle.ts"
import { Readiness } from "../src/observability/Readiness.ts"
import { makeKubeApiFake } from "../src/testing/KubeApiFake.ts"

const namespace = "bench"
const count = 1_000

const jobFor = (uuid: string): V1Job => ({
  metadata: { name: `job-${uuid}`, labels: { [jobUuidLabel]: uuid } },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: {
        labels: { [jobUuidLabel]: uuid, "kubelet.agent-stack-k8s.test/outcome": "Unschedulable" },
      },
      spec: { restartPolicy: "Never", containers: [{ name: "agent", image: "buildkite/agent:3" }] },
    },
  },
})

const cancellation = Effect.scoped(
  Effect.gen(function* () {
    const fake = yield* makeKubeApiFake({ ttlController: false })
    const kube = Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), { namespace })
    const layer = Lifecycle.layer({
      id: "",
      imagePullBackoffGracePeriodMillis: 30_000,
      podPendingTimeoutMillis: 15 * 60_000,
      emptyJobGracePeriodMillis: 30_000,
      jobCancelCheckerPollIntervalMillis: 5_000,
      enableCompletionWatcher: true,
      jobTtlMillis: 10 * 60_000,
      defaultTerminationGracePeriodSeconds: 60,
    }).pipe(
      Layer.provideMerge(ClusterEvents.layer({ controllerId: "" })),
      Layer.provideMerge(Notifier.layer),
      Layer.provideMerge(BuildkiteApi.layerTest),
      Layer.provideMerge(kube),
      Layer.provideMerge(LeaderElection.layerDisabled),
    )
    const context = yield* Layer.build(layer)
    const stack = Context.get(context, StackDoubleControl)
    const api = Context.get(context, BuildkiteApi)

    const uuids: Array<string> = []
    for (let i = 0; i < count; i++) uuids.push(yield* stack.addJob({}))
    yield* api.reserveJobs(uuids, 3600)
    for (const uuid of uuids) fake.cluster.createJob(namespace, jobFor(uuid))
    const remaining = () =>
      fake.cluster.store.list(jobs, namespace, {}).items.length +
      fake.cluster.store.list(pods, namespace, {}).items.length
    while (fake.cluster.store.list(pods, namespace, {}).items.length < count)
      yield* Effect.sleep(100)
    yield* Effect.sleep(6_000)

    // Timed from the store's own changes, so the figures do not depend on a polling step.
    let left = remaining()
    let firstGone = 0
    let half = 0
    let allGone = 0
    const unsubscribe = fake.cluster.store.subscribe((change) => {
      if (change.type !== "DELETED" || (change.resource !== jobs && change.resource !== pods))
        return
      left--
      const now = performance.now()
      if (firstGone === 0) firstGone = now
      if (half === 0 && left <= count) half = now
      if (left === 0) allGone = now
    })
    const started = performance.now()
    for (const uuid of uuids) yield* stack.cancel(uuid)
    while (allGone === 0) yield* Effect.sleep(50)
    unsubscribe()
    const after = (at: number) => ((at - started) / 1000).toFixed(1)
    process.stdout.write(
      `cancel ${count} Pending jobs -> Jobs and Pods deleted: ${after(allGone)} s ` +
        `(first gone after ${after(firstGone)} s, half after ${after(half)} s; ` +
        `10 QPS, burst 20, one collection DELETE per ${uuidsPerSelector} Jobs, ` +
        `cancel checker polling every 5 s)\n`,
    )
  }),
)

const failover = Effect.scoped(
  Effect.gen(function* () {
    const kube = Context.get(yield* Layer.build(Kubernetes.layerTest({ namespace })), Kubernetes)
    const replica = (identity: string) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(
          LeaderElection.layer({
            leaseName: "leader",
            identity,
            leaseDurationMillis: 15_000,
            renewDeadlineMillis: 10_000,
            retryPeriodMillis: 2_000,
            releaseOnStop: identity === "graceful",
          }).pipe(Layer.provide(Readiness.layer), Layer.provide(Layer.succeed(Kubernetes, kube))),
          scope,
        )
        return { scope, election: Context.get(context, LeaderElection) }
      })
    const leader = yield* replica("killed")
    yield* TestClock.adjust(1_000)
    const standby = yield* replica("standby")
    yield* TestClock.adjust(5_000)
    yield* Scope.close(leader.scope, Exit.void)
    const killedAt = yield* Clock.currentTimeMillis
    while (!(yield* standby.election.isLeader)) yield* TestClock.adjust(100)
    const took = ((yield* Clock.currentTimeMillis) - killedAt) / 1000
    process.stdout.write(
      `leader killed without releasing -> standby leads after ${took.toFixed(1)} s (virtual; lease 15 s, retry 2 s)\n`,
    )
  }).pipe(Effect.provide(TestClock.layer())),
)

export async function run(): Promise<void> {
  await Effect.runPromise(failover)
  await Effect.runPromise(cancellation)
}
