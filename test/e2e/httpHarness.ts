/**
 * The controller over real sockets: the Buildkite stacks API fake and the Kubernetes API
 * server fake on loopback, and the controller program on its real Layers pointed at them.
 * Time is real here, so waits poll for a condition with a deadline instead of sleeping.
 */
import type { V1Job } from "@kubernetes/client-node"
import { Effect, Fiber, Redacted, type Scope } from "effect"
import type { ControllerConfig } from "../../src/config/ControllerConfig.ts"
import { controllerProgramOn, kubernetesOptions } from "../../src/controller/Main.ts"
import { jobs } from "../../src/kubernetes/cluster/Resources.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { jobUuidLabel } from "../../src/kubernetes/LabelSelector.ts"
import { type KubeApiFake, makeKubeApiFake } from "../../src/testing/KubeApiFake.ts"
import * as StacksApiFake from "../../src/testing/StacksApiFake.ts"
import { configFrom, namespace } from "./harness.ts"

export const agentToken = "test-token"

export interface Fakes {
  readonly buildkite: StacksApiFake.StacksApiFake
  readonly kube: KubeApiFake
}

/** Both fakes, closed when the scope ends; the cluster runs no TTL controller. */
export const startFakes: Effect.Effect<Fakes, never, Scope.Scope> = Effect.gen(function* () {
  const buildkite = yield* StacksApiFake.scoped({ token: agentToken })
  const kube = yield* makeKubeApiFake({ ttlController: false })
  return { buildkite, kube }
})

/**
 * The configuration from flags, aimed at the Buildkite fake, with the parts that need a
 * real cluster or open ports turned off (leader election, health endpoints) and only
 * errors logged.
 */
export const configOverHttp = (fakes: Fakes, argv: ReadonlyArray<string>) =>
  Effect.map(
    configFrom(argv),
    (config): ControllerConfig => ({
      ...config,
      agentToken: Redacted.make(agentToken),
      agentConfig: { ...config.agentConfig, endpoint: fakes.buildkite.endpoint },
      leaderElection: false,
      healthPort: 0,
      prometheusPort: 0,
      logLevel: "error",
    }),
  )

/** Runs the controller program on the real Layers in a child fiber. */
export const startControllerOverHttp = (config: ControllerConfig, fakes: Fakes) =>
  Effect.forkChild(
    controllerProgramOn(
      config,
      Kubernetes.layerFromKubeConfig(fakes.kube.kubeConfig(namespace), kubernetesOptions(config)),
    ),
  )

/** Stops the controller as a signal would: its scope closes and shutdown runs. */
export const stopController = <A, E>(fiber: Fiber.Fiber<A, E>) => Fiber.interrupt(fiber)

/**
 * Waits until `condition` holds, checking every 10 ms; dies naming `what` after
 * `timeoutMillis`.
 */
export const eventually = (what: string, condition: () => boolean, timeoutMillis = 3_000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMillis
    while (!condition()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`Timed out waiting: ${what}`))
      yield* Effect.sleep(10)
    }
  })

/** The job UUIDs of the Jobs stored in the fake cluster. */
export const jobUuidsInCluster = (fakes: Fakes): ReadonlyArray<string> =>
  fakes.kube.cluster.store
    .list(jobs, namespace, {})
    .items.map((job) => (job as V1Job).metadata?.labels?.[jobUuidLabel] ?? "")
