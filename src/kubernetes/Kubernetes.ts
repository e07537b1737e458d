/**
 * Kubernetes as a swappable service, scoped to one namespace: `layer` talks to the API
 * server through `@kubernetes/client-node`'s KubeConfig, `layerTest` to an in-memory cluster
 * with a simulated kubelet (and provides `ClusterDoubleControl` to steer it).
 */
import type { KubeConfig } from "@kubernetes/client-node"
import { Context, Effect, Layer, Schema } from "effect"
import type { KubernetesApi } from "./Api.ts"
import { type KubernetesOptions, makeClientNode } from "./ClientNode.ts"
import { ClusterDoubleControl, makeClusterDouble } from "./ClusterDouble.ts"
import { type ClusterOptions, makeCluster } from "./cluster/Cluster.ts"
import { loadKubeConfigClass } from "./KubeConfigClass.ts"

/** The kubeconfig (or in-cluster service account) could not be loaded. */
export class KubeConfigError extends Schema.TaggedError<KubeConfigError>()("KubeConfigError", {
  message: Schema.String,
}) {}

/** Loads kubeconfig from `KUBECONFIG`, `~/.kube/config` or the in-cluster service account. */
export const loadDefaultKubeConfig: Effect.Effect<KubeConfig, KubeConfigError> = Effect.tryPromise({
  try: async () => {
    const kc = new (await loadKubeConfigClass())()
    kc.loadFromDefault()
    if (kc.getCurrentCluster() === null) throw new Error("no current cluster in the kubeconfig")
    return kc
  },
  catch: (thrown) =>
    new KubeConfigError({
      message: `failed to load the Kubernetes configuration: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    }),
})

/** The namespaced Kubernetes operations and watches the controller uses. */
export class Kubernetes extends Context.Service<Kubernetes, KubernetesApi>()(
  "agent-stack-k8s/Kubernetes",
) {
  /** The real service on the default kubeconfig or in-cluster service account. */
  static readonly layer = (options: KubernetesOptions): Layer.Layer<Kubernetes, KubeConfigError> =>
    Layer.effect(
      Kubernetes,
      Effect.flatMap(loadDefaultKubeConfig, (kc) => makeClientNode(kc, options)),
    )

  /** The real service on a given KubeConfig (tests point it at the local fake API server). */
  static readonly layerFromKubeConfig = (
    kc: KubeConfig,
    options: KubernetesOptions,
  ): Layer.Layer<Kubernetes> => Layer.effect(Kubernetes, makeClientNode(kc, options))

  /** The in-memory cluster double; its controllers stop when the layer's scope closes. */
  static readonly layerTest = (
    options: { readonly namespace: string } & ClusterOptions,
  ): Layer.Layer<Kubernetes | ClusterDoubleControl> =>
    Layer.effectContext(
      Effect.gen(function* () {
        const cluster = yield* makeCluster(options)
        const { api, control } = makeClusterDouble(cluster, options.namespace)
        return Context.make(Kubernetes, api).pipe(Context.add(ClusterDoubleControl, control))
      }),
    )
}
