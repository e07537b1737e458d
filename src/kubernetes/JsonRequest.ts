/**
 * Requests whose body and answer are plain JSON, sent as `@kubernetes/client-node`'s
 * generated API clients send theirs (same URL, query, headers, authentication and connection
 * pool), but without their ObjectSerializer and without loading them. For a Job that
 * serializer walks about 130 model classes on the way out and again on the way back in; in
 * the pipeline benchmark's profile `createJob` spent more CPU there than in the HTTP
 * exchange itself. And the generated clients are reachable only through the library's
 * index, which loads every model and API class (tens of megabytes of resident memory); the
 * pieces used here are imported from their own files. The models the controller sends have
 * no renamed attributes, so `JSON.stringify` writes the same document; the answer is the
 * parsed JSON, with timestamps as RFC 3339 strings as on watched objects
 * (`src/kube/Timestamp.ts` reads both). Failures reject with the same `ApiException` the
 * generated client throws, so `toKubernetesError` maps them unchanged.
 */
import { createRequire } from "node:module"
import type { KubeConfig } from "@kubernetes/client-node"
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js"
import { HttpMethod, RequestContext } from "@kubernetes/client-node/dist/gen/http/http.js"
import { IsomorphicFetchHttpLibrary } from "@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js"

/** What `KubeConfig.makeApiClient` clients send as User-Agent. */
const userAgent = (): string => {
  // client-node reads its version from its own package.json; so does this.
  const manifest: { readonly version?: unknown } = createRequire(import.meta.url)(
    "@kubernetes/client-node/package.json",
  )
  const version = manifest.version
  return `kubernetes-client-javascript/${typeof version === "string" ? version : ""}`
}

/** Query parameters; `undefined` ones are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>

export type Method = "GET" | "POST" | "PUT" | "DELETE"

export interface JsonRequests {
  /**
   * Sends `method` to `path` (below the cluster's server URL) with `query`, and `body` as
   * JSON when given; the parsed answer.
   */
  readonly request: (
    method: Method,
    path: string,
    query?: Query,
    body?: unknown,
  ) => Promise<unknown>
  /** POSTs `body` as JSON to `path`; the parsed answer. */
  readonly post: (path: string, body: unknown) => Promise<unknown>
}

interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly text: string
}

/** Node's header object (repeated headers as arrays) as the flat record ApiException carries. */
const flatHeaders = (headers: Record<string, string | Array<string> | undefined>) => {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return flat
}

export const makeJsonRequests = (kc: KubeConfig): JsonRequests => {
  const http = new IsomorphicFetchHttpLibrary()
  const agent = userAgent()
  const server = (): string => {
    const cluster = kc.getCurrentCluster()
    if (cluster === null) throw new Error("No active cluster!")
    return cluster.server
  }

  /**
   * Through the connection pool the KubeConfig hands out (every cluster entry with a TLS
   * option has one), with undici's `request`: the WHATWG streams, AbortSignal and Headers
   * of `fetch` cost more CPU than the exchange. Without a pool, client-node's own fetch.
   */
  const send = async (context: RequestContext, body: string | undefined): Promise<Answer> => {
    const dispatcher = context.getDispatcher()
    if (dispatcher === undefined) {
      const response = await http.send(context).toPromise()
      return {
        status: response.httpStatusCode,
        headers: response.headers,
        text: await response.body.text(),
      }
    }
    const url = new URL(context.getUrl())
    const response = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: context.getHttpMethod(),
      headers: context.getHeaders(),
      ...(body === undefined ? {} : { body }),
    })
    return {
      status: response.statusCode,
      headers: flatHeaders(response.headers),
      text: await response.body.text(),
    }
  }

  const request: JsonRequests["request"] = async (method, path, query = {}, body = undefined) => {
    const context = new RequestContext(server() + path, HttpMethod[method])
    // In the generated clients' order: query parameters, then headers.
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) context.setQueryParam(name, String(value))
    }
    context.setHeaderParam("Accept", "application/json, */*;q=0.8")
    const text = body === undefined ? undefined : JSON.stringify(body)
    if (text !== undefined) {
      context.setHeaderParam("Content-Type", "application/json")
      context.setBody(text)
    }
    context.setHeaderParam("User-Agent", agent)
    await kc.applySecurityAuthentication(context)
    const answer = await send(context, text)
    if (answer.status >= 200 && answer.status <= 299)
      return answer.text === "" ? undefined : JSON.parse(answer.text)
    if (answer.status === 401) {
      throw new ApiException(answer.status, "Unauthorized", undefined, answer.headers)
    }
    throw new ApiException(answer.status, "Unknown API Status Code!", answer.text, answer.headers)
  }

  return { request, post: (path, body) => request("POST", path, {}, body) }
}
