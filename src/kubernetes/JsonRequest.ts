/**
 * A request whose body and answer are plain JSON, sent as `@kubernetes/client-node` sends
 * its own (same URL, headers, authentication and connection pool), but without its
 * ObjectSerializer. For a Job that serializer walks about 130 model classes on the way
 * out and again on the way back in; in the pipeline benchmark's profile `createJob` spent
 * more CPU there than in the HTTP exchange itself. The Job models have no renamed
 * attributes, so `JSON.stringify` writes the same document; the answer is the parsed JSON,
 * with timestamps as RFC 3339 strings as on watched objects (`src/kube/Timestamp.ts` reads
 * both). Failures reject with the same `ApiException` the generated client throws, so
 * `toKubernetesError` maps them unchanged.
 */
import { createRequire } from "node:module"
import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node"

/** What `KubeConfig.makeApiClient` clients send as User-Agent. */
const userAgent = (): string => {
  // client-node reads its version from its own package.json; so does this.
  const manifest: { readonly version?: unknown } = createRequire(import.meta.url)(
    "@kubernetes/client-node/package.json",
  )
  const version = manifest.version
  return `kubernetes-client-javascript/${typeof version === "string" ? version : ""}`
}

export interface JsonRequests {
  /** POSTs `body` as JSON to `path` (below the cluster's server URL); the parsed answer. */
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
  const send = async (context: RequestContext, body: string): Promise<Answer> => {
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
      body,
    })
    return {
      status: response.statusCode,
      headers: flatHeaders(response.headers),
      text: await response.body.text(),
    }
  }

  return {
    post: async (path, body) => {
      const context = new RequestContext(server() + path, HttpMethod.POST)
      const text = JSON.stringify(body)
      context.setHeaderParam("Accept", "application/json, */*;q=0.8")
      context.setHeaderParam("Content-Type", "application/json")
      context.setHeaderParam("User-Agent", agent)
      context.setBody(text)
      await kc.applySecurityAuthentication(context)
      const answer = await send(context, text)
      if (answer.status >= 200 && answer.status <= 299) return JSON.parse(answer.text)
      if (answer.status === 401) {
        throw new ApiException(answer.status, "Unauthorized", undefined, answer.headers)
      }
      throw new ApiException(answer.status, "Unknown API Status Code!", answer.text, answer.headers)
    },
  }
}
