/**
 * Connection reuse for `@kubernetes/client-node` 2.0.1. Its KubeConfig builds a new undici
 * Agent for every request whenever the cluster entry carries any TLS option (a CA, a client
 * certificate, `skipTLSVerify`), which is every real cluster: no connection is ever reused,
 * so each call pays a TCP connect (and, against a real API server, a TLS handshake) and
 * leaves an idle socket behind. The view returned here hands out one dispatcher per
 * distinct set of TLS options instead, so calls and watches share keep-alive connections,
 * and a rotated client certificate still gets a fresh pool.
 */
import type { Cluster, KubeConfig } from "@kubernetes/client-node"

interface Dispatcher {
  readonly close: () => Promise<void>
}

type CreateDispatcher = (cluster: Cluster | null, agentOptions: object) => Dispatcher | undefined

/** A stable text for dispatcher options; Buffers (CA, certificate, key) as base64. */
const fingerprint = (options: unknown): string =>
  JSON.stringify(options, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key]
    return Buffer.isBuffer(raw) ? raw.toString("base64") : value
  })

/**
 * A view of `kc` (it reads everything else through to `kc`, which is left unchanged) whose
 * requests share one connection pool while the TLS options stay the same.
 */
export const withSharedConnections = (kc: KubeConfig): KubeConfig => {
  const original = (kc as unknown as { readonly createDispatcher?: unknown }).createDispatcher
  // Another client-node version may not have the per-request hook: then nothing to fix.
  if (typeof original !== "function") return kc
  const create = original as CreateDispatcher
  let current: { readonly key: string; readonly dispatcher: Dispatcher | undefined } | undefined
  const shared: KubeConfig = Object.create(kc)
  const createDispatcher: CreateDispatcher = (cluster, agentOptions) => {
    const key = fingerprint(kc.createDispatcherOptions(cluster, agentOptions))
    if (current !== undefined && current.key === key) return current.dispatcher
    const previous = current?.dispatcher
    current = { key, dispatcher: create.call(kc, cluster, agentOptions) }
    // Requests still running on the old pool finish; it then closes its sockets.
    previous?.close().catch(() => undefined)
    return current.dispatcher
  }
  Object.defineProperty(shared, "createDispatcher", { value: createDispatcher })
  return shared
}
