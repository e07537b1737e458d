import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { withSharedConnections } from "../../src/kubernetes/SharedConnections.ts"
import { makeKubeApiFake } from "../../src/testing/KubeApiFake.ts"
import { makeJob, namespace } from "./contract.ts"

describe("SharedConnections", () => {
  describe("withSharedConnections", () => {
    it.live("serves 22 sequential calls of the real layer over kept-alive connections", () =>
      Effect.gen(function* () {
        const fake = yield* makeKubeApiFake()
        yield* Effect.gen(function* () {
          const kube = yield* Kubernetes
          yield* kube.createJob(makeJob("present", {}, { suspend: true }))
          for (let call = 0; call < 20; call++) yield* kube.getJob("present")
          yield* kube.listJobs("buildkite.com/job-uuid")
        }).pipe(
          Effect.provide(
            Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), { namespace, qps: 0 }),
          ),
        )
        // undici may open a second connection while the first is being returned to the pool.
        assert.isAtMost(fake.connections(), 2)
      }),
    )

    it.live("keeps calls working while a watch holds a connection of the same pool", () =>
      Effect.gen(function* () {
        const fake = yield* makeKubeApiFake()
        yield* Effect.gen(function* () {
          const kube = yield* Kubernetes
          const watch = yield* Effect.forkChild(Stream.runDrain(kube.watchJobs("a")))
          for (let call = 0; call < 10; call++) {
            const created = yield* kube.createJob(makeJob(`job-${call}`, {}, { suspend: true }))
            assert.strictEqual(created.metadata?.name, `job-${call}`)
          }
          yield* Fiber.interrupt(watch)
        }).pipe(
          Effect.provide(
            Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), { namespace, qps: 0 }),
          ),
        )
        // The watch holds one; the list and the calls share the others.
        assert.isAtMost(fake.connections(), 3)
      }),
    )

    it("leaves the given KubeConfig unchanged and reads it through", () => {
      return Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const fake = yield* makeKubeApiFake()
            const kc = fake.kubeConfig(namespace)
            const shared = withSharedConnections(kc)
            assert.notStrictEqual(shared, kc)
            assert.strictEqual(shared.getCurrentCluster()?.server, fake.url)
            assert.isFalse(Object.hasOwn(kc, "createDispatcher"))
          }),
        ),
      )
    })
  })
})
