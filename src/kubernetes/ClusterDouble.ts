/**
 * The in-memory front of the cluster model: the Kubernetes service answered from
 * cluster/Cluster.ts, with scripted faults applied per operation, and a control handle
 * for tests (outcomes, faults, closing watches, compacting history, direct access).
 */
import type {
  CoreV1Event,
  KubernetesObject,
  V1Job,
  V1Lease,
  V1Pod,
  V1PodTemplate,
  V1Secret,
} from "@kubernetes/client-node"
import { Context, Effect, Queue, Stream } from "effect"
import type { KubernetesApi, ListWatch, RawWatchEvent } from "./Api.ts"
import type { Cluster } from "./cluster/Cluster.ts"
import { type FaultSpec, faultMessage } from "./cluster/Faults.ts"
import type { Outcome, OutcomeRule } from "./cluster/Outcome.ts"
import {
  events,
  jobs,
  leases,
  pods,
  podTemplates,
  type Resource,
  secrets,
} from "./cluster/Resources.ts"
import { StatusFailure } from "./cluster/StatusFailure.ts"
import type { Store } from "./cluster/Store.ts"
import { fromStatus, type KubernetesError, NetworkError } from "./errors.ts"
import { informer } from "./Informer.ts"
import { ignoreNotFound } from "./idempotent.ts"
import { decodeSecret } from "./Secrets.ts"
import { stripJob, stripPod } from "./Strip.ts"

/** Test handle on the in-memory cluster behind `Kubernetes.layerTest`. */
export class ClusterDoubleControl extends Context.Service<
  ClusterDoubleControl,
  {
    readonly namespace: string
    readonly cluster: Cluster
    readonly store: Store
    /** Scripts a fault for the next calls of an operation. */
    readonly fail: (fault: FaultSpec) => Effect.Effect<void>
    readonly setOutcome: (rule: OutcomeRule | undefined) => Effect.Effect<void>
    readonly setImageOutcome: (image: string, outcome: Outcome) => Effect.Effect<void>
    /** Ends every open watch as a clean server-side close. */
    readonly closeWatches: Effect.Effect<void>
    /** Forgets watch history so resuming a watch answers 410 Gone. */
    readonly compact: Effect.Effect<void>
    /** Stores any object directly (PodTemplates, Secrets, foreign Pods …). */
    readonly seed: (resource: Resource, object: KubernetesObject) => Effect.Effect<KubernetesObject>
  }
>()("agent-stack-k8s/ClusterDoubleControl") {}

const subjectOf = (resource: Resource, name: string) => ({ kind: resource.kind, name })

/** Builds the service and its control handle over a cluster, scoped to `namespace`. */
export const makeClusterDouble = (cluster: Cluster, namespace: string) => {
  const { store, faults } = cluster

  const applyFault = (
    operation: string,
    resource: Resource,
    name: string,
  ): Effect.Effect<void, KubernetesError> =>
    Effect.suspend(() => {
      const fault = faults.take(operation)
      if (fault === undefined) return Effect.void
      const about = subjectOf(resource, name)
      const delay =
        fault.latencyMillis === undefined ? Effect.void : Effect.sleep(fault.latencyMillis)
      const outcome: Effect.Effect<void, KubernetesError> =
        fault.reset === true
          ? Effect.fail(
              new NetworkError({ ...about, message: "socket hang up (connection reset)" }),
            )
          : fault.status === undefined
            ? Effect.void
            : Effect.fail(
                fromStatus(
                  fault.status,
                  { message: faultMessage(fault) },
                  about,
                  fault.retryAfterSeconds === undefined
                    ? undefined
                    : fault.retryAfterSeconds * 1000,
                ),
              )
      return Effect.andThen(delay, outcome)
    })

  /** Runs a model call, turning a refusal into the typed error. */
  const attempt = <A>(
    resource: Resource,
    name: string,
    body: () => A,
  ): Effect.Effect<A, KubernetesError> =>
    Effect.suspend(() => {
      try {
        return Effect.succeed(body())
      } catch (thrown) {
        if (thrown instanceof StatusFailure) {
          return Effect.fail(fromStatus(thrown.code, thrown.toStatus(), subjectOf(resource, name)))
        }
        return Effect.die(thrown)
      }
    })

  const call = <A>(
    operation: string,
    resource: Resource,
    name: string,
    body: () => A,
  ): Effect.Effect<A, KubernetesError> =>
    applyFault(operation, resource, name).pipe(Effect.andThen(attempt(resource, name, body)))

  const listWatch = <A extends KubernetesObject>(
    resource: Resource,
    operation: string,
    labelSelector: string,
  ): ListWatch<A> => ({
    list: call(operation.replace("watch", "list"), resource, "", () =>
      store.list(resource, namespace, { labelSelector }),
    ).pipe(
      Effect.map((listed) => ({
        items: listed.items as Array<A>,
        resourceVersion: listed.resourceVersion,
      })),
    ),
    watch: (resourceVersion) =>
      Stream.callback<RawWatchEvent<A>, KubernetesError>((queue) =>
        Effect.gen(function* () {
          yield* applyFault(operation, resource, "")
          const handle = yield* attempt(resource, "", () =>
            store.watch(
              resource,
              namespace,
              labelSelector,
              resourceVersion,
              (type, object) => {
                Queue.offerUnsafe(queue, { type, object: object as A })
              },
              () => {
                Queue.endUnsafe(queue)
              },
            ),
          )
          yield* Effect.addFinalizer(() => Effect.sync(() => handle.close()))
        }).pipe(Effect.catch((error) => Queue.fail(queue, error))),
      ),
  })

  const api: KubernetesApi = {
    namespace,
    createJob: (job) =>
      call(
        "createJob",
        jobs,
        job.metadata?.name ?? "",
        () => cluster.createJob(namespace, job) as V1Job,
      ),
    getJob: (name) => call("getJob", jobs, name, () => store.get(jobs, namespace, name) as V1Job),
    updateJob: (job) =>
      call(
        "updateJob",
        jobs,
        job.metadata?.name ?? "",
        () => store.update(jobs, namespace, job) as V1Job,
      ),
    deleteJob: (name, options = {}) =>
      ignoreNotFound(
        call("deleteJob", jobs, name, () =>
          cluster.deleteJob(namespace, name, options.propagation ?? "Background"),
        ),
      ),
    deleteJobs: (labelSelector, options = {}) =>
      labelSelector.trim() === ""
        ? Effect.die(new Error("deleteJobs refused an empty selector: it matches every Job"))
        : call("deleteJobs", jobs, "", () => {
            cluster.deleteJobs(namespace, labelSelector, options.propagation ?? "Background")
          }),
    getPod: (name) => call("getPod", pods, name, () => store.get(pods, namespace, name) as V1Pod),
    deletePod: (name) =>
      ignoreNotFound(call("deletePod", pods, name, () => cluster.deletePod(namespace, name))),
    listJobs: (labelSelector) =>
      call(
        "listJobs",
        jobs,
        "",
        () => store.list(jobs, namespace, { labelSelector }).items as Array<V1Job>,
      ),
    listPods: (labelSelector) =>
      call(
        "listPods",
        pods,
        "",
        () => store.list(pods, namespace, { labelSelector }).items as Array<V1Pod>,
      ),
    getPodTemplate: (name) =>
      call(
        "getPodTemplate",
        podTemplates,
        name,
        () => store.get(podTemplates, namespace, name) as V1PodTemplate,
      ),
    getSecret: (name) =>
      call("getSecret", secrets, name, () => {
        const secret = store.get(secrets, namespace, name) as V1Secret
        return decodeSecret(name, secret.data, secret.stringData)
      }),
    listEvents: (about) =>
      call(
        "listEvents",
        events,
        "",
        () =>
          store.list(events, namespace, {
            fieldSelector: `involvedObject.kind=${about.kind},involvedObject.name=${about.name}`,
          }).items as Array<CoreV1Event>,
      ),
    getLease: (name) =>
      call("getLease", leases, name, () => store.get(leases, namespace, name) as V1Lease),
    createLease: (lease) =>
      call(
        "createLease",
        leases,
        lease.metadata?.name ?? "",
        () => store.create(leases, namespace, lease) as V1Lease,
      ),
    updateLease: (lease) =>
      call(
        "updateLease",
        leases,
        lease.metadata?.name ?? "",
        () => store.update(leases, namespace, lease) as V1Lease,
      ),
    watchJobs: (labelSelector) =>
      informer(listWatch<V1Job>(jobs, "watchJobs", labelSelector), {
        resource: "jobs",
        strip: stripJob,
      }),
    watchPods: (labelSelector) =>
      informer(listWatch<V1Pod>(pods, "watchPods", labelSelector), {
        resource: "pods",
        strip: stripPod,
      }),
  }

  const control: ClusterDoubleControl["Service"] = {
    namespace,
    cluster,
    store,
    fail: (fault) => Effect.sync(() => faults.add(fault)),
    setOutcome: (rule) => Effect.sync(() => cluster.setOutcome(rule)),
    setImageOutcome: (image, outcome) => Effect.sync(() => cluster.setImageOutcome(image, outcome)),
    closeWatches: Effect.sync(() => store.closeWatches()),
    compact: Effect.sync(() => store.compact()),
    seed: (resource, object) => Effect.sync(() => store.create(resource, namespace, object)),
  }
  return { api, control }
}
