/**
 * The controller as a program: the real Layers composed around `runController`, the
 * pipeline run under leader election when `leader-election` is on, and the HTTP
 * endpoints. The lifecycle watchers run inside `runController`, beside the queues.
 */
import { Effect, Layer } from "effect"
import { ClusterEvents } from "../cluster/ClusterEvents.ts"
import { type ControllerConfig, toBuildConfig } from "../config/ControllerConfig.ts"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import { LeaderElection, leaseNameFor, makeIdentity } from "../lifecycle/LeaderElection.ts"
import { HttpEndpoints } from "../observability/HttpEndpoints.ts"
import * as Logging from "../observability/Logging.ts"
import { Readiness } from "../observability/Readiness.ts"
import * as Tracing from "../observability/Tracing.ts"
import { PodSpecBuilder } from "../podspec/PodSpecBuilder.ts"
import { version } from "../version.ts"
import { runController } from "./Controller.ts"
import { InFlight } from "./InFlight.ts"
import { StackApis } from "./StackApis.ts"

/** The default Buildkite agent endpoint when `agent-config.endpoint` is unset. */
const endpointOf = (config: ControllerConfig): string => config.agentConfig?.endpoint ?? ""

/** Runs `program` only while this replica leads, when leader election is on. */
export const underLeadership = <A, E, R>(
  config: ControllerConfig,
  program: Effect.Effect<A, E, R>,
) =>
  config.leaderElection
    ? Effect.gen(function* () {
        const election = yield* LeaderElection
        return yield* election.whileLeader(program)
      })
    : program

const leaderLayer = (config: ControllerConfig) =>
  config.leaderElection
    ? Layer.unwrap(
        Effect.map(makeIdentity, (identity) =>
          LeaderElection.layer({
            leaseName: leaseNameFor(config.id),
            identity,
            leaseDurationMillis: config.leaderElectionLeaseDurationMillis,
            renewDeadlineMillis: config.leaderElectionRenewDeadlineMillis,
            retryPeriodMillis: config.leaderElectionRetryPeriodMillis,
            releaseOnStop: true,
          }),
        ),
      )
    : LeaderElection.layerDisabled

/** The options of the real Kubernetes layers, from the configuration. */
export const kubernetesOptions = (config: ControllerConfig) => ({
  namespace: config.namespace,
  qps: config.k8sClientRateLimiterQps,
  burst: config.k8sClientRateLimiterBurst,
})

/** Every real service of the controller. */
export const controllerLayer = (config: ControllerConfig) =>
  controllerLayerOn(config, Kubernetes.layer(kubernetesOptions(config)))

/**
 * `controllerLayer` on a given Kubernetes layer, such as
 * `Kubernetes.layerFromKubeConfig` pointed at a local API server.
 */
export const controllerLayerOn = <E>(
  config: ControllerConfig,
  kube: Layer.Layer<Kubernetes, E>,
) => {
  const events = ClusterEvents.layer({ controllerId: config.id })
  const base = Layer.mergeAll(events, Readiness.layer).pipe(Layer.provideMerge(kube))
  return Layer.mergeAll(
    InFlight.layer,
    leaderLayer(config),
    HttpEndpoints.layer({ healthPort: config.healthPort, prometheusPort: config.prometheusPort }),
  ).pipe(
    Layer.provideMerge(base),
    Layer.merge(PodSpecBuilder.layerConfig(toBuildConfig(config), { controllerVersion: version })),
    Layer.merge(
      StackApis.layer({
        endpoint: endpointOf(config),
        httpTimeoutMillis: config.httpTimeoutMillis,
      }),
    ),
  )
}

/** The configured logger. */
export const loggingLayer = (config: ControllerConfig) =>
  Logging.layer({
    format: config.logFormat,
    level: config.logLevel,
    debug: config.debug,
    noColor: config.noColor,
  })

/** Exports a span per job over OTLP when `otlp-endpoint` is set; otherwise nothing. */
export const tracingLayer = (config: ControllerConfig) =>
  Tracing.layer({
    ...(config.otlpEndpoint === undefined ? {} : { otlpEndpoint: config.otlpEndpoint }),
    serviceVersion: version,
  })

/** The controller program: runs until a signal interrupts it or a permanent failure. */
export const controllerProgram = (config: ControllerConfig) =>
  controllerProgramOn(config, Kubernetes.layer(kubernetesOptions(config)))

/** `controllerProgram` on a given Kubernetes layer. */
export const controllerProgramOn = <E>(
  config: ControllerConfig,
  kube: Layer.Layer<Kubernetes, E>,
) =>
  underLeadership(config, Effect.scoped(runController(config))).pipe(
    Effect.provide(controllerLayerOn(config, kube)),
    Effect.provide(tracingLayer(config)),
    Effect.provide(loggingLayer(config)),
  )
