/**
 * The lifecycle on the doubles: the in-memory cluster (with its kubelet simulator), the
 * stack double, the real notifier, the shared watches and an always-leader election.
 */
import type { V1Container, V1Job } from "@kubernetes/client-node"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { BuildkiteApi } from "../../src/buildkite/BuildkiteApi.ts"
import { Notifier } from "../../src/buildkite/Notifier.ts"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import { ClusterEvents } from "../../src/cluster/ClusterEvents.ts"
import type { ClusterOptions } from "../../src/kubernetes/cluster/Cluster.ts"
import { outcomeLabel } from "../../src/kubernetes/cluster/Outcome.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { jobUuidLabel } from "../../src/kubernetes/LabelSelector.ts"
import { LeaderElection } from "../../src/lifecycle/LeaderElection.ts"
import { Lifecycle, type LifecycleOptions } from "../../src/lifecycle/Lifecycle.ts"

export const namespace = "buildkite"

export const defaultOptions: LifecycleOptions = {
  id: "",
  imagePullBackoffGracePeriodMillis: 30_000,
  podPendingTimeoutMillis: 15 * 60_000,
  emptyJobGracePeriodMillis: 30_000,
  jobCancelCheckerPollIntervalMillis: 5_000,
  enableCompletionWatcher: true,
  jobTtlMillis: 10 * 60_000,
  defaultTerminationGracePeriodSeconds: 60,
}

/** The lifecycle with its dependencies; the cluster runs no TTL controller by default. */
export const lifecycleLayer = (
  options: Partial<LifecycleOptions> = {},
  cluster: ClusterOptions = { ttlController: false },
) =>
  Lifecycle.layer({ ...defaultOptions, ...options }).pipe(
    Layer.provideMerge(ClusterEvents.layer({ controllerId: "" })),
    Layer.provideMerge(Notifier.layer),
    Layer.provideMerge(BuildkiteApi.layerTest),
    Layer.provideMerge(Kubernetes.layerTest({ namespace, ...cluster })),
    Layer.provideMerge(LeaderElection.layerTest),
  )

export interface Submission {
  readonly outcome: string
  readonly state?: string
  readonly initContainers?: Array<V1Container>
  readonly containers?: Array<V1Container>
  readonly suspend?: boolean
}

/** Adds a Buildkite job and creates its Kubernetes Job as the pipeline would. */
export const submit = (name: string, submission: Submission) =>
  Effect.gen(function* () {
    const stack = yield* StackDoubleControl
    const kube = yield* Kubernetes
    const api = yield* BuildkiteApi
    const uuid = yield* stack.addJob({ id: `uuid-${name}` })
    const state = submission.state ?? "reserved"
    // A real reservation: a job merely set to `reserved` would expire at once.
    if (state === "reserved") yield* api.reserveJobs([uuid], 3600)
    else if (state !== "scheduled") yield* stack.setState(uuid, state)
    const labels = { [jobUuidLabel]: uuid }
    const job: V1Job = {
      metadata: { name, labels },
      spec: {
        backoffLimit: 0,
        ttlSecondsAfterFinished: 600,
        ...(submission.suspend === true ? { suspend: true } : {}),
        template: {
          metadata: { labels: { ...labels, [outcomeLabel]: submission.outcome } },
          spec: {
            restartPolicy: "Never",
            initContainers: submission.initContainers ?? [
              { name: "copy-agent", image: "buildkite/agent:3" },
            ],
            containers: submission.containers ?? [
              { name: "agent", image: "buildkite/agent:3" },
              { name: "container-0", image: "alpine:3" },
            ],
          },
        },
      },
    }
    yield* kube.createJob(job)
    return uuid
  })

/** Moves virtual time in one-second steps so every sweep and kubelet step runs. */
export const advance = (seconds: number) =>
  Effect.gen(function* () {
    for (let step = 0; step < seconds; step++) yield* TestClock.adjust(1000)
  })

/** The finish details sent for a job. */
export const finishes = (uuid: string) =>
  Effect.map(
    Effect.flatMap(StackDoubleControl, (stack) => stack.calls("finishJob")),
    (calls) =>
      calls
        .filter((call) => call.uuids?.[0] === uuid && call.faulted !== true)
        .map((call) => call.detail ?? ""),
  )

/** The notification details sent for a job. */
export const notifications = (uuid: string) =>
  Effect.map(
    Effect.flatMap(StackDoubleControl, (stack) => stack.calls("createNotifications")),
    (calls) =>
      calls
        .flatMap((call) => call.notifications ?? [])
        .filter((item) => item.jobUuid === uuid)
        .map((item) => item.detail),
  )

/** Jobs and Pods of the controller still in the cluster. */
export const leftovers = Effect.gen(function* () {
  const kube = yield* Kubernetes
  const jobs = yield* kube.listJobs(jobUuidLabel)
  const pods = yield* kube.listPods(jobUuidLabel)
  return [...jobs, ...pods].map((object) => object.metadata?.name ?? "")
})
