/**
 * The real Kubernetes service on `@kubernetes/client-node`'s KubeConfig (authentication,
 * TLS, connection pools) and Watch. Requests are plain JSON (`JsonRequest.ts`) rather than
 * calls of the generated API classes, which are reachable only through the library's index
 * and would load every model and API class it has. Every request, including each watch
 * start, first takes a token from the client-side rate limiter; every rejection is mapped
 * to a typed error by `fromStatus`.
 */
import type {
  CoreV1Event,
  KubeConfig,
  KubernetesObject,
  V1Job,
  V1Lease,
  V1Pod,
  V1PodTemplate,
  V1Secret,
} from "@kubernetes/client-node"
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js"
import { Watch } from "@kubernetes/client-node/dist/watch.js"
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
import { makeJsonRequests, type Query } from "./JsonRequest.ts"
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
    const ns = encodeURIComponent(namespace)
    const jobsPath = `/apis/batch/v1/namespaces/${ns}/jobs`
    const podsPath = `/api/v1/namespaces/${ns}/pods`
    const podTemplatesPath = `/api/v1/namespaces/${ns}/podtemplates`
    const secretsPath = `/api/v1/namespaces/${ns}/secrets`
    const eventsPath = `/api/v1/namespaces/${ns}/events`
    const leasesPath = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`
    const named = (path: string, name: string) => `${path}/${encodeURIComponent(name)}`

    // The answers are the API server's JSON, typed as the models the generated client returns.
    const get = <A>(path: string, query?: Query) => json.request("GET", path, query) as Promise<A>
    const list = <A>(path: string, query: Query) =>
      get<{ items: Array<A>; metadata?: { resourceVersion?: string } }>(path, query)
    const send = <A>(method: "POST" | "PUT", path: string, body: A) =>
      json.request(method, path, {}, body) as Promise<A>

    const api: KubernetesApi = {
      namespace,
      // One per Job created, the hot path of a backlog drain.
      createJob: (job) => call("Job", job.metadata?.name ?? "", () => send("POST", jobsPath, job)),
      getJob: (name) => call("Job", name, () => get<V1Job>(named(jobsPath, name))),
      updateJob: (job) => {
        const name = job.metadata?.name ?? ""
        return call("Job", name, () => send("PUT", named(jobsPath, name), job))
      },
      deleteJob: (name, opts = {}) =>
        ignoreNotFound(
          call("Job", name, () =>
            json.request("DELETE", named(jobsPath, name), {
              gracePeriodSeconds: opts.gracePeriodSeconds,
              propagationPolicy: opts.propagation ?? "Background",
            }),
          ),
        ),
      deleteJobs: (labelSelector, opts = {}) =>
        labelSelector.trim() === ""
          ? Effect.die(new Error("deleteJobs refused an empty selector: it matches every Job"))
          : call("Job", "", () =>
              json.request("DELETE", jobsPath, {
                gracePeriodSeconds: opts.gracePeriodSeconds,
                labelSelector,
                propagationPolicy: opts.propagation ?? "Background",
              }),
            ).pipe(Effect.asVoid),
      getPod: (name) => call("Pod", name, () => get<V1Pod>(named(podsPath, name))),
      deletePod: (name, opts = {}) =>
        ignoreNotFound(
          call("Pod", name, () =>
            json.request("DELETE", named(podsPath, name), {
              gracePeriodSeconds: opts.gracePeriodSeconds,
            }),
          ),
        ),
      listJobs: (labelSelector) =>
        call("Job", "", () => list<V1Job>(jobsPath, { labelSelector })).pipe(
          Effect.map((result) => result.items),
        ),
      listPods: (labelSelector) =>
        call("Pod", "", () => list<V1Pod>(podsPath, { labelSelector })).pipe(
          Effect.map((result) => result.items),
        ),
      getPodTemplate: (name) =>
        call("PodTemplate", name, () => get<V1PodTemplate>(named(podTemplatesPath, name))),
      getSecret: (name) =>
        call("Secret", name, () => get<V1Secret>(named(secretsPath, name))).pipe(
          Effect.map((secret) => decodeSecret(name, secret.data, secret.stringData)),
        ),
      listEvents: (about) =>
        call("Event", "", () =>
          list<CoreV1Event>(eventsPath, {
            fieldSelector: `involvedObject.kind=${about.kind},involvedObject.name=${about.name}`,
            // Served from the API server's watch cache instead of a quorum read from etcd.
            resourceVersion: "0",
          }),
        ).pipe(Effect.map((result) => result.items)),
      getLease: (name) => call("Lease", name, () => get<V1Lease>(named(leasesPath, name))),
      createLease: (lease) =>
        call("Lease", lease.metadata?.name ?? "", () => send("POST", leasesPath, lease)),
      updateLease: (lease) => {
        const name = lease.metadata?.name ?? ""
        return call("Lease", name, () => send("PUT", named(leasesPath, name), lease))
      },
      watchJobs: (labelSelector) =>
        informer(
          listWatch<V1Job>("Job", jobsPath, labelSelector, stripJob, () =>
            list<V1Job>(jobsPath, { labelSelector }),
          ),
          { resource: "jobs", strip: stripJob, ...backoff },
        ),
      watchPods: (labelSelector) =>
        informer(
          listWatch<V1Pod>("Pod", podsPath, labelSelector, stripPod, () =>
            list<V1Pod>(podsPath, { labelSelector }),
          ),
          { resource: "pods", strip: stripPod, ...backoff },
        ),
    }
    return api
  })
