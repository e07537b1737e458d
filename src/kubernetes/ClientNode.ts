/**
 * The real Kubernetes service on `@kubernetes/client-node`. Every request, including each
 * watch start, first takes a token from the client-side rate limiter; every rejection is
 * mapped to a typed error by `fromStatus`.
 */
import {
  ApiException,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1Job,
  type V1Pod,
  Watch,
} from "@kubernetes/client-node"
import { Cause, Effect, Queue, Stream } from "effect"
import type { KubernetesApi, ListWatch, RawWatchEvent } from "./Api.ts"
import {
  fromStatus,
  type KubernetesError,
  NetworkError,
  retryAfterFromHeader,
  type Subject,
} from "./errors.ts"
import { informer } from "./Informer.ts"
import { ignoreNotFound } from "./idempotent.ts"
import { makeJsonRequests } from "./JsonRequest.ts"
import { makeRateLimiter, type RateLimiterOptions } from "./RateLimiter.ts"
import { decodeSecret } from "./Secrets.ts"
import { withSharedConnections } from "./SharedConnections.ts"
import { stripJob, stripPod } from "./Strip.ts"

/** Options of the Kubernetes layers; the namespace is required, the rest have defaults. */
export interface KubernetesOptions extends RateLimiterOptions {
  /** Namespace every operation and watch is scoped to. */
  readonly namespace: string
  /** Server-side watch timeout, so connections are renewed regularly. Default 300 s. */
  readonly watchTimeoutSeconds?: number
  /** First delay before restarting a failed watch. Default 500 ms. */
  readonly watchInitialBackoff?: number
  /** Longest delay before restarting a failed watch. Default 30 s. */
  readonly watchMaxBackoff?: number
}

const describeThrown = (thrown: unknown): string =>
  thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)

/** Maps anything a client-node call rejects with to a typed error. */
export const toKubernetesError = (thrown: unknown, about: Subject): KubernetesError => {
  if (thrown instanceof ApiException) {
    const headers: Record<string, string> = thrown.headers ?? {}
    return fromStatus(thrown.code, thrown.body, about, retryAfterFromHeader(headers["retry-after"]))
  }
  if (typeof thrown === "object" && thrown !== null && "statusCode" in thrown) {
    const code = (thrown as { statusCode: unknown }).statusCode
    if (typeof code === "number")
      return fromStatus(code, { message: describeThrown(thrown) }, about)
  }
  return new NetworkError({ ...about, message: describeThrown(thrown) })
}

const isWatchTimeout = (thrown: unknown): boolean =>
  thrown instanceof Error && thrown.name === "TimeoutError"

/** Builds the service over a loaded KubeConfig. */
export const makeClientNode = (
  loaded: KubeConfig,
  options: KubernetesOptions,
): Effect.Effect<KubernetesApi> =>
  Effect.gen(function* () {
    const kc = withSharedConnections(loaded)
    const limiter = yield* makeRateLimiter(options)
    const namespace = options.namespace
    const batch = kc.makeApiClient(BatchV1Api)
    const core = kc.makeApiClient(CoreV1Api)
    const coordination = kc.makeApiClient(CoordinationV1Api)
    const watcher = new Watch(kc)
    const json = makeJsonRequests(kc)

    const call = <A>(
      kind: string,
      name: string,
      request: () => Promise<A>,
    ): Effect.Effect<A, KubernetesError> =>
      limiter.take(kind, name).pipe(
        Effect.andThen(
          Effect.tryPromise({
            try: request,
            catch: (thrown) => toKubernetesError(thrown, { kind, name }),
          }),
        ),
      )

    /**
     * `strip` is applied as each event is parsed, before it is queued: the queue is not
     * bounded, and while the consumer lags (a drain keeps the process busy) it would
     * otherwise hold whole Pods and Jobs, templates and managedFields included.
     */
    const watchPath =
      <A extends KubernetesObject>(
        path: string,
        kind: string,
        labelSelector: string,
        strip: (object: A) => A,
      ) =>
      (resourceVersion: string) =>
        Stream.callback<RawWatchEvent<A>, KubernetesError>((queue) =>
          Effect.gen(function* () {
            const about = { kind, name: "" }
            yield* limiter.take(kind, "")
            const query = {
              labelSelector,
              resourceVersion,
              allowWatchBookmarks: true,
              timeoutSeconds: options.watchTimeoutSeconds ?? 300,
            }
            const onEvent = (phase: string, object: A & { code?: number }) => {
              if (
                phase === "ADDED" ||
                phase === "MODIFIED" ||
                phase === "DELETED" ||
                phase === "BOOKMARK"
              ) {
                Queue.offerUnsafe(queue, { type: phase, object: strip(object) })
              } else if (phase === "ERROR") {
                Queue.failCauseUnsafe(
                  queue,
                  Cause.fail(fromStatus(object.code ?? 500, object, about)),
                )
              }
            }
            const onDone = (thrown: unknown) => {
              // The client aborts a watch after 30 s without data; that is a quiet end, not a fault.
              if (thrown === null || thrown === undefined || isWatchTimeout(thrown))
                Queue.endUnsafe(queue)
              else Queue.failCauseUnsafe(queue, Cause.fail(toKubernetesError(thrown, about)))
            }
            yield* Effect.acquireRelease(
              Effect.tryPromise({
                try: () => watcher.watch(path, query, onEvent, onDone),
                catch: (thrown) => toKubernetesError(thrown, about),
              }),
              (controller) => Effect.sync(() => controller.abort()),
            )
          }),
        )

    const listWatch = <A extends KubernetesObject>(
      kind: string,
      path: string,
      labelSelector: string,
      strip: (object: A) => A,
      list: () => Promise<{ items: Array<A>; metadata?: { resourceVersion?: string } }>,
    ): ListWatch<A> => ({
      list: call(kind, "", list).pipe(
        Effect.map((result) => ({
          items: result.items,
          resourceVersion: result.metadata?.resourceVersion ?? "",
        })),
      ),
      watch: watchPath(path, kind, labelSelector, strip),
    })

    const backoff = {
      ...(options.watchInitialBackoff === undefined
        ? {}
        : { initialBackoff: options.watchInitialBackoff }),
      ...(options.watchMaxBackoff === undefined ? {} : { maxBackoff: options.watchMaxBackoff }),
    }
    const jobsPath = `/apis/batch/v1/namespaces/${namespace}/jobs`
    const podsPath = `/api/v1/namespaces/${namespace}/pods`

    const api: KubernetesApi = {
      namespace,
      // One per Job created, the hot path of a backlog drain: plain JSON both ways.
      createJob: (job) =>
        call("Job", job.metadata?.name ?? "", () => json.post(jobsPath, job) as Promise<V1Job>),
      getJob: (name) => call("Job", name, () => batch.readNamespacedJob({ name, namespace })),
      updateJob: (job) => {
        const name = job.metadata?.name ?? ""
        return call("Job", name, () => batch.replaceNamespacedJob({ name, namespace, body: job }))
      },
      deleteJob: (name, opts = {}) =>
        ignoreNotFound(
          call("Job", name, () =>
            batch.deleteNamespacedJob({
              name,
              namespace,
              propagationPolicy: opts.propagation ?? "Background",
              ...(opts.gracePeriodSeconds === undefined
                ? {}
                : { gracePeriodSeconds: opts.gracePeriodSeconds }),
            }),
          ),
        ),
      deleteJobs: (labelSelector, opts = {}) =>
        labelSelector.trim() === ""
          ? Effect.die(new Error("deleteJobs refused an empty selector: it matches every Job"))
          : call("Job", "", () =>
              batch.deleteCollectionNamespacedJob({
                namespace,
                labelSelector,
                propagationPolicy: opts.propagation ?? "Background",
                ...(opts.gracePeriodSeconds === undefined
                  ? {}
                  : { gracePeriodSeconds: opts.gracePeriodSeconds }),
              }),
            ).pipe(Effect.asVoid),
      getPod: (name) => call("Pod", name, () => core.readNamespacedPod({ name, namespace })),
      deletePod: (name, opts = {}) =>
        ignoreNotFound(
          call("Pod", name, () =>
            core.deleteNamespacedPod({
              name,
              namespace,
              ...(opts.gracePeriodSeconds === undefined
                ? {}
                : { gracePeriodSeconds: opts.gracePeriodSeconds }),
            }),
          ),
        ),
      listJobs: (labelSelector) =>
        call("Job", "", () => batch.listNamespacedJob({ namespace, labelSelector })).pipe(
          Effect.map((list) => list.items),
        ),
      listPods: (labelSelector) =>
        call("Pod", "", () => core.listNamespacedPod({ namespace, labelSelector })).pipe(
          Effect.map((list) => list.items),
        ),
      getPodTemplate: (name) =>
        call("PodTemplate", name, () => core.readNamespacedPodTemplate({ name, namespace })),
      getSecret: (name) =>
        call("Secret", name, () => core.readNamespacedSecret({ name, namespace })).pipe(
          Effect.map((secret) => decodeSecret(name, secret.data, secret.stringData)),
        ),
      listEvents: (about) =>
        call("Event", "", () =>
          core.listNamespacedEvent({
            namespace,
            fieldSelector: `involvedObject.kind=${about.kind},involvedObject.name=${about.name}`,
            // Served from the API server's watch cache instead of a quorum read from etcd.
            resourceVersion: "0",
          }),
        ).pipe(Effect.map((list) => list.items)),
      getLease: (name) =>
        call("Lease", name, () => coordination.readNamespacedLease({ name, namespace })),
      createLease: (lease) =>
        call("Lease", lease.metadata?.name ?? "", () =>
          coordination.createNamespacedLease({ namespace, body: lease }),
        ),
      updateLease: (lease) => {
        const name = lease.metadata?.name ?? ""
        return call("Lease", name, () =>
          coordination.replaceNamespacedLease({ name, namespace, body: lease }),
        )
      },
      watchJobs: (labelSelector) =>
        informer(
          listWatch<V1Job>("Job", jobsPath, labelSelector, stripJob, () =>
            batch.listNamespacedJob({ namespace, labelSelector }),
          ),
          { resource: "jobs", strip: stripJob, ...backoff },
        ),
      watchPods: (labelSelector) =>
        informer(
          listWatch<V1Pod>("Pod", podsPath, labelSelector, stripPod, () =>
            core.listNamespacedPod({ namespace, labelSelector }),
          ),
          { resource: "pods", strip: stripPod, ...backoff },
        ),
    }
    return api
  })
