/**
 * The shape of the Kubernetes service: the namespaced operations the controller performs
 * and typed watch events. Both the real layer and the in-memory cluster implement it.
 */
import type { CoreV1Event, V1Job, V1Lease, V1Pod, V1PodTemplate } from "@kubernetes/client-node"
import type { Effect, Redacted, Stream } from "effect"
import type { KubernetesError } from "./errors.ts"

/**
 * One change seen by a watch. `Added` during the initial list has `initialList: true`;
 * `Synced` follows the initial list once; `Modified` carries the previous state the consumer
 * saw; `Deleted` carries the last known state.
 */
export type WatchEvent<A> =
  | { readonly _tag: "Added"; readonly object: A; readonly initialList: boolean }
  | { readonly _tag: "Modified"; readonly previous: A; readonly object: A }
  | { readonly _tag: "Deleted"; readonly object: A }
  | { readonly _tag: "Synced" }

/** A Secret with its values decoded from base64 and kept `Redacted`. */
export interface Secret {
  readonly name: string
  readonly data: Readonly<Record<string, Redacted.Redacted<string>>>
}

/** How a Job's dependents are deleted: `Background` returns at once, `Foreground` waits. */
export type Propagation = "Background" | "Foreground"

export interface DeleteJobOptions {
  readonly propagation?: Propagation
  readonly gracePeriodSeconds?: number
}

export interface DeletePodOptions {
  readonly gracePeriodSeconds?: number
}

/** Selects the Events about one object. */
export interface InvolvedObject {
  readonly kind: string
  readonly name: string
}

/** The operations of the Kubernetes service, all scoped to `namespace`. */
export interface KubernetesApi {
  readonly namespace: string
  readonly createJob: (job: V1Job) => Effect.Effect<V1Job, KubernetesError>
  readonly getJob: (name: string) => Effect.Effect<V1Job, KubernetesError>
  /** Replaces the Job; fails with `Conflict` when `metadata.resourceVersion` is stale. */
  readonly updateJob: (job: V1Job) => Effect.Effect<V1Job, KubernetesError>
  /** Deletes the Job; a Job that is already gone counts as deleted. */
  readonly deleteJob: (
    name: string,
    options?: DeleteJobOptions,
  ) => Effect.Effect<void, KubernetesError>
  /**
   * Deletes every Job the label selector matches in one request (`deletecollection`), so a
   * batch costs one token of the client rate limit; none matching is a success. An empty
   * selector would match every Job in the namespace and is refused as a defect.
   */
  readonly deleteJobs: (
    labelSelector: string,
    options?: DeleteJobOptions,
  ) => Effect.Effect<void, KubernetesError>
  readonly getPod: (name: string) => Effect.Effect<V1Pod, KubernetesError>
  /** Deletes the Pod; a Pod that is already gone counts as deleted. */
  readonly deletePod: (
    name: string,
    options?: DeletePodOptions,
  ) => Effect.Effect<void, KubernetesError>
  readonly listJobs: (labelSelector: string) => Effect.Effect<ReadonlyArray<V1Job>, KubernetesError>
  readonly listPods: (labelSelector: string) => Effect.Effect<ReadonlyArray<V1Pod>, KubernetesError>
  readonly getPodTemplate: (name: string) => Effect.Effect<V1PodTemplate, KubernetesError>
  readonly getSecret: (name: string) => Effect.Effect<Secret, KubernetesError>
  /** Events about one object, served from the API server's watch cache (`resourceVersion=0`). */
  readonly listEvents: (
    about: InvolvedObject,
  ) => Effect.Effect<ReadonlyArray<CoreV1Event>, KubernetesError>
  readonly getLease: (name: string) => Effect.Effect<V1Lease, KubernetesError>
  readonly createLease: (lease: V1Lease) => Effect.Effect<V1Lease, KubernetesError>
  readonly updateLease: (lease: V1Lease) => Effect.Effect<V1Lease, KubernetesError>
  /** Label-selected Jobs, stripped (see Strip.ts); never fails, restarts itself. */
  readonly watchJobs: (labelSelector: string) => Stream.Stream<WatchEvent<V1Job>>
  /** Label-selected Pods, stripped (see Strip.ts); never fails, restarts itself. */
  readonly watchPods: (labelSelector: string) => Stream.Stream<WatchEvent<V1Pod>>
}

/** A raw event of one watch connection. */
export interface RawWatchEvent<A> {
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"
  readonly object: A
}

/** The two primitives an informer is built from. */
export interface ListWatch<A> {
  readonly list: Effect.Effect<
    { readonly items: ReadonlyArray<A>; readonly resourceVersion: string },
    KubernetesError
  >
  /** Events after `resourceVersion`; ends when the server closes the connection cleanly. */
  readonly watch: (resourceVersion: string) => Stream.Stream<RawWatchEvent<A>, KubernetesError>
}
