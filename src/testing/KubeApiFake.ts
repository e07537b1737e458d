/**
 * A local fake of the kube-apiserver subset the controller uses, on 127.0.0.1 and an
 * ephemeral port, backed by the same in-memory cluster as `Kubernetes.layerTest`: Jobs,
 * Pods, PodTemplates, Secrets, Events and Leases with label and field selectors, DELETE
 * on a label-selected collection, `watch=true` NDJSON streams (headers flushed at once; a
 * too-old resourceVersion gets an `ERROR` event with a 410 Status), `Status` bodies for
 * failures, the cluster's fault script (statuses, latency, connection resets of the next
 * calls) and hooks that hit the watches already streaming (clean close, connection reset,
 * an `ERROR` event), and a log of the requests it answered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { KubeConfig, type KubernetesObject } from "@kubernetes/client-node"
import { Effect, FiberSet, type Scope } from "effect"
import { type Cluster, type ClusterOptions, makeCluster } from "../kubernetes/cluster/Cluster.ts"
import { faultMessage, faultReason } from "../kubernetes/cluster/Faults.ts"
import { jobs, pods } from "../kubernetes/cluster/Resources.ts"
import { notFound, StatusFailure } from "../kubernetes/cluster/StatusFailure.ts"
import type { Store } from "../kubernetes/cluster/Store.ts"
import { fakeKubeConfigYaml } from "./kube/kubeConfigYaml.ts"
import { type Route, route } from "./kube/routes.ts"

/** One request the fake answered (or dropped), as its request log keeps it. */
export interface RequestRecord {
  readonly method: string
  /** The URL path, e.g. `/apis/batch/v1/namespaces/ci/jobs`. */
  readonly path: string
  /** The query string without its `?`, as sent (percent-encoded); empty when there is none. */
  readonly query: string
  /** The service operation the request routed to, e.g. `createJob`; `undefined` when none (404). */
  readonly operation: string | undefined
  /** The status answered (200 for a watch that streamed); `undefined` for a reset connection. */
  readonly status: number | undefined
  /** When the request arrived, in milliseconds on the cluster's (Effect) clock. */
  readonly at: number
}

export interface KubeApiFakeOptions extends ClusterOptions {
  /**
   * How many of the latest requests `requests()` keeps. Default 1,000; 0 keeps none (the
   * `onRequest` listeners still see every one).
   */
  readonly requestLogLimit?: number
}

export interface KubeApiFake {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** The cluster behind it: store, fault script, outcomes. */
  readonly cluster: Cluster
  /** A KubeConfig pointing at the fake (plain HTTP, so `skipTLSVerify` is set). */
  readonly kubeConfig: (namespace: string) => KubeConfig
  /** The same as kubeconfig YAML, for tools that read a file. */
  readonly kubeConfigYaml: (namespace: string) => string
  /** TCP connections the server has accepted so far (shows whether clients keep them alive). */
  readonly connections: () => number
  /** Watch responses streaming right now. */
  readonly openWatches: () => number
  /** Ends every open watch response cleanly, as a server-side timeout does; returns how many. */
  readonly closeWatches: () => number
  /** Destroys the connection of every open watch without an answer; returns how many. */
  readonly resetWatches: () => number
  /**
   * Sends every open watch an `ERROR` event carrying a Status with `code` (410 means the
   * resourceVersion expired, 500 a server failure), then ends it; returns how many.
   */
  readonly failWatches: (code: number, message?: string) => number
  /** The latest requests answered, oldest first, at most `requestLogLimit` of them. */
  readonly requests: () => ReadonlyArray<RequestRecord>
  /** Calls `listener` with every request's record as it is logged; returns the unsubscribe. */
  readonly onRequest: (listener: (record: RequestRecord) => void) => () => void
}

/** A watch response being streamed, with the fault hooks' ways to end it. */
interface OpenWatch {
  readonly close: () => void
  readonly reset: () => void
  readonly fail: (status: object) => void
}

const sendJson = (
  response: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const text = JSON.stringify(body)
  // A length instead of chunked encoding, as the API server sends for a single object.
  response.writeHead(code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => {
      text += chunk
    })
    request.on("end", () => resolve(text))
    request.on("error", reject)
  })

export { fakeKubeConfigYaml }

/** The stored object for a read-only answer (it is only serialised). */
const stored = (store: Store, resource: Route["resource"], namespace: string, name: string) => {
  const found = store.peek(resource, namespace, name)
  if (found === undefined) throw notFound(resource, name)
  return found
}

/**
 * Watch event lines. A change goes to all the watches it concerns one after another, so
 * the last object's JSON is kept and each change is serialised once however many watches
 * it goes to; keeping only the last one holds no memory per stored object. The type is per
 * watch (a label-selected watch can see a change as `ADDED` or `DELETED`). The same text
 * `JSON.stringify({ type, object })` gives.
 */
const makeEventLines = () => {
  let lastObject: object | undefined
  let lastText = ""
  return (type: string, object: object): string => {
    if (object !== lastObject) {
      lastText = JSON.stringify(object)
      lastObject = object
    }
    return `{"type":${JSON.stringify(type)},"object":${lastText}}\n`
  }
}

type EventLines = ReturnType<typeof makeEventLines>

const serve = (
  cluster: Cluster,
  eventLine: EventLines,
  openWatches: Set<OpenWatch>,
  found: Route,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
  text: string,
) => {
  const { store } = cluster
  const { resource, namespace } = found
  const name = found.name ?? ""
  const body = (): KubernetesObject => {
    try {
      return JSON.parse(text) as KubernetesObject
    } catch {
      throw new StatusFailure(
        400,
        "BadRequest",
        `the request body is not valid JSON: ${text.slice(0, 80)}`,
      )
    }
  }
  const selectors = {
    ...(url.searchParams.has("labelSelector")
      ? { labelSelector: url.searchParams.get("labelSelector") ?? "" }
      : {}),
    ...(url.searchParams.has("fieldSelector")
      ? { fieldSelector: url.searchParams.get("fieldSelector") ?? "" }
      : {}),
  }
  switch (found.verb) {
    case "get":
      return sendJson(response, 200, stored(store, resource, namespace, name))
    case "list": {
      const items = store.select(resource, namespace, selectors)
      return sendJson(response, 200, {
        apiVersion: resource.group === "" ? "v1" : `${resource.group}/v1`,
        kind: `${resource.kind}List`,
        metadata: { resourceVersion: String(store.resourceVersion) },
        items,
      })
    }
    case "create": {
      const object = body()
      return sendJson(
        response,
        201,
        resource === jobs
          ? cluster.createJob(namespace, object)
          : store.create(resource, namespace, object),
      )
    }
    case "update":
      return sendJson(
        response,
        200,
        store.update(resource, namespace, { ...body(), metadata: { ...body().metadata, name } }),
      )
    case "delete": {
      const options = text.length > 0 ? (body() as { propagationPolicy?: string }) : {}
      const policy =
        url.searchParams.get("propagationPolicy") ?? options.propagationPolicy ?? "Background"
      const deleted = stored(store, resource, namespace, name)
      if (resource === jobs)
        cluster.deleteJob(namespace, name, policy === "Foreground" ? "Foreground" : "Background")
      else if (resource === pods) cluster.deletePod(namespace, name)
      else store.remove(resource, namespace, name)
      return sendJson(response, 200, deleted)
    }
    case "deletecollection": {
      const options = text.length > 0 ? (body() as { propagationPolicy?: string }) : {}
      const policy =
        url.searchParams.get("propagationPolicy") ?? options.propagationPolicy ?? "Background"
      const labelSelector = selectors.labelSelector ?? ""
      const deleted =
        resource === jobs
          ? cluster.deleteJobs(
              namespace,
              labelSelector,
              policy === "Foreground" ? "Foreground" : "Background",
            )
          : store
              .select(resource, namespace, selectors)
              .map((object) => store.remove(resource, namespace, object.metadata?.name ?? ""))
      // The API server answers a collection delete with the list of what it deleted.
      return sendJson(response, 200, {
        apiVersion: resource.group === "" ? "v1" : `${resource.group}/v1`,
        kind: `${resource.kind}List`,
        metadata: {},
        items: deleted,
      })
    }
    case "watch": {
      response.writeHead(200, {
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      })
      // The client's watch promise resolves on the headers: send them before any event.
      response.flushHeaders()
      const write = (type: string, object: unknown) =>
        response.write(`${JSON.stringify({ type, object })}\n`)
      try {
        const handle = store.watch(
          resource,
          namespace,
          selectors.labelSelector,
          url.searchParams.get("resourceVersion") ?? "",
          (type, object) => response.write(eventLine(type, object)),
          () => response.end(),
          { shared: true },
        )
        const open: OpenWatch = {
          close: () => handle.close(),
          reset: () => request.socket.destroy(),
          fail: (status) => {
            write("ERROR", status)
            handle.close()
          },
        }
        openWatches.add(open)
        const seconds = Number(url.searchParams.get("timeoutSeconds") ?? "0")
        const timer = seconds > 0 ? setTimeout(() => handle.close(), seconds * 1000) : undefined
        timer?.unref()
        // The response closes when it has ended or its connection is gone, whichever side
        // ended it: only then is the watch no longer open.
        response.on("close", () => {
          if (timer !== undefined) clearTimeout(timer)
          openWatches.delete(open)
          handle.close()
        })
      } catch (thrown) {
        if (!(thrown instanceof StatusFailure)) throw thrown
        write("ERROR", thrown.toStatus())
        response.end()
      }
      return
    }
  }
}

/** Starts the fake; it stops, with its cluster, when the scope closes. */
export const makeKubeApiFake = (
  options: KubeApiFakeOptions = {},
): Effect.Effect<KubeApiFake, never, Scope.Scope> =>
  Effect.gen(function* () {
    const { requestLogLimit = 1_000, ...clusterOptions } = options
    const cluster = yield* makeCluster(clusterOptions)
    const run = yield* FiberSet.makeRuntime<never, void, never>()
    const openWatches = new Set<OpenWatch>()
    const eventLine = makeEventLines()
    let connections = 0
    // Records past the limit are dropped in batches, so keeping the latest costs no shifting
    // per request.
    const log: Array<RequestRecord> = []
    const listeners = new Set<(record: RequestRecord) => void>()
    const record = (entry: RequestRecord) => {
      if (requestLogLimit > 0) {
        log.push(entry)
        if (log.length >= 2 * requestLogLimit) log.splice(0, log.length - requestLogLimit)
      }
      for (const listener of listeners) listener(entry)
    }
    // Each hook works on a snapshot: ending a watch removes it from the set.
    const eachWatch = (act: (open: OpenWatch) => void): number => {
      const current = [...openWatches]
      for (const open of current) act(open)
      return current.length
    }

    const handle = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1")
      const found = route(request.method ?? "GET", url)
      const at = cluster.store.now()
      return Effect.gen(function* () {
        if (found === undefined) {
          return sendJson(
            response,
            404,
            new StatusFailure(
              404,
              "NotFound",
              `the server could not find the requested resource (${request.method} ${url.pathname})`,
            ).toStatus(),
          )
        }
        const text = yield* Effect.promise(() => readBody(request))
        const fault = cluster.faults.take(found.operation)
        if (fault?.latencyMillis !== undefined) yield* Effect.sleep(fault.latencyMillis)
        if (fault?.reset === true) return request.socket.destroy()
        if (fault?.status !== undefined) {
          const status = new StatusFailure(
            fault.status,
            faultReason(fault.status),
            faultMessage(fault),
          )
          const headers: Record<string, string> =
            fault.retryAfterSeconds === undefined
              ? {}
              : { "retry-after": String(fault.retryAfterSeconds) }
          return sendJson(response, fault.status, status.toStatus(), headers)
        }
        try {
          serve(cluster, eventLine, openWatches, found, url, request, response, text)
        } catch (thrown) {
          const failure =
            thrown instanceof StatusFailure
              ? thrown
              : new StatusFailure(500, "InternalError", String(thrown))
          sendJson(response, failure.code, failure.toStatus())
        }
      }).pipe(
        Effect.ensuring(
          Effect.sync(() =>
            record({
              method: request.method ?? "GET",
              path: url.pathname,
              query: url.search.slice(1),
              operation: found?.operation,
              status: response.headersSent ? response.statusCode : undefined,
              at,
            }),
          ),
        ),
      )
    }

    const server = createServer((request, response) => {
      run(handle(request, response))
    })
    server.on("connection", () => {
      connections++
    })
    yield* Effect.acquireRelease(
      Effect.callback<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        }),
    )
    const address = server.address() as AddressInfo
    const url = `http://127.0.0.1:${address.port}`

    return {
      url,
      cluster,
      kubeConfigYaml: (namespace) => fakeKubeConfigYaml(url, namespace),
      kubeConfig: (namespace) => {
        const kc = new KubeConfig()
        kc.loadFromString(fakeKubeConfigYaml(url, namespace))
        return kc
      },
      connections: () => connections,
      openWatches: () => openWatches.size,
      closeWatches: () => eachWatch((open) => open.close()),
      resetWatches: () => eachWatch((open) => open.reset()),
      failWatches: (code, message) =>
        eachWatch((open) =>
          open.fail(
            new StatusFailure(
              code,
              faultReason(code),
              message ?? faultMessage({ operation: "watch", status: code }),
            ).toStatus(),
          ),
        ),
      requests: () => log.slice(-requestLogLimit),
      onRequest: (listener) => {
        listeners.add(listener)
        return () => {
          listeners.delete(listener)
        }
      },
    }
  })
