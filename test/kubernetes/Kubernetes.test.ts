import { Effect, Layer } from "effect"
import { ClusterDoubleControl } from "../../src/kubernetes/ClusterDouble.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { makeKubeApiFake } from "../../src/testing/KubeApiFake.ts"
import { ContractCluster, contractSuite, namespace } from "./contract.ts"

const doubleLayer = () => {
  const double = Kubernetes.layerTest({ namespace })
  const cluster = Layer.effect(
    ContractCluster,
    Effect.map(ClusterDoubleControl, (control) => control.cluster),
  )
  return Layer.merge(double, Layer.provide(cluster, double))
}

const fakeLayer = () =>
  Layer.unwrap(
    Effect.map(makeKubeApiFake(), (fake) =>
      Layer.merge(
        Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), { namespace, qps: 0 }),
        Layer.succeed(ContractCluster, fake.cluster),
      ),
    ),
  )

contractSuite("Kubernetes (layerTest, in-memory double)", doubleLayer)
contractSuite("Kubernetes (layer on client-node, against KubeApiFake)", fakeLayer)
