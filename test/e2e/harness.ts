import { Effect, Fiber, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { StackDoubleControl } from "../../src/buildkite/StackDouble.ts"
import { StackModel } from "../../src/buildkite/StackModel.ts"
import { ClusterEvents } from "../../src/cluster/ClusterEvents.ts"
import { type ControllerConfig, toBuildConfig } from "../../src/config/ControllerConfig.ts"
import { loadConfig } from "../../src/config/loadConfig.ts"
import { runController } from "../../src/controller/Controller.ts"
import { InFlight } from "../../src/controller/InFlight.ts"
import { StackApis } from "../../src/controller/StackApis.ts"
import { ClusterDoubleControl } from "../../src/kubernetes/ClusterDouble.ts"
import { outcomeLabel } from "../../src/kubernetes/cluster/Outcome.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { Readiness } from "../../src/observability/Readiness.ts"
import { kubernetesPluginReference } from "../../src/podspec/JobInput.ts"
import { PodSpecBuilder } from "../../src/podspec/PodSpecBuilder.ts"

export const namespace = "buildkite"

/** The configuration from flags, as a user would give it. */
export const configFrom = (argv: ReadonlyArray<string>): Effect.Effect<ControllerConfig> =>
  loadConfig({
    argv: ["--namespace", namespace, ...argv],
    env: {},
    readFile: () => Effect.fail("no files"),
  }).pipe(
    Effect.map((config) => ({ ...config, agentToken: Redacted.make("test-token") })),
    Effect.orDie,
  )

/** Every service the controller runs on, over the doubles, sharing one stack model. */
export const doublesLayer = (config: ControllerConfig, model: StackModel) => {
  const kube = Kubernetes.layerTest({ namespace, ttlController: false })
  const events = ClusterEvents.layer({ controllerId: config.id }).pipe(Layer.provideMerge(kube))
  return Layer.mergeAll(
    InFlight.layer.pipe(Layer.provideMerge(events)),
    PodSpecBuilder.layerConfig(toBuildConfig(config), { controllerVersion: "test" }),
    Readiness.layer,
    StackApis.layerModel(model),
    StackDoubleControl.fromModel(model),
  )
}

export type DoubleServices = Layer.Success<ReturnType<typeof doublesLayer>>

/** Starts the controller in a fiber; the returned fiber ends with its result. */
export const startController = (config: ControllerConfig) =>
  Effect.forkChild(Effect.scoped(runController(config)))

/** Moves virtual time in small steps so every fiber gets to run in between. */
export const advance = (millis: number, step = 100) =>
  Effect.gen(function* () {
    for (let elapsed = 0; elapsed < millis; elapsed += step) yield* TestClock.adjust(step)
  })

/** Runs `body` with the controller started on the doubles, then stops it. */
export const withController = <A, E>(
  argv: ReadonlyArray<string>,
  body: (config: ControllerConfig) => Effect.Effect<A, E, DoubleServices>,
  model: StackModel = new StackModel(),
) =>
  Effect.gen(function* () {
    const config = yield* configFrom(argv)
    return yield* Effect.gen(function* () {
      const fiber = yield* startController(config)
      const result = yield* body(config)
      yield* Fiber.interrupt(fiber)
      return result
    }).pipe(Effect.provide(doublesLayer(config, model)))
  })

/** The names of the Jobs in the cluster. */
export const jobNames = Effect.gen(function* () {
  const kube = yield* Kubernetes
  const jobs = yield* kube.listJobs("")
  return jobs.map((job) => job.metadata?.name ?? "")
})

export { ClusterDoubleControl, StackDoubleControl }

/** A job on queue `kubernetes` whose pod the kubelet double moves through `outcome`. */
export const jobWithOutcome = (outcome: string) => ({
  agentQueryRules: ["queue=kubernetes"],
  command: "make",
  env: {
    BUILDKITE_PLUGINS: JSON.stringify([
      { [kubernetesPluginReference]: { metadata: { labels: { [outcomeLabel]: outcome } } } },
    ]),
  },
})
