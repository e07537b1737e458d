/**
 * The Buildkite Agent ("stacks") API as a service. `layer` talks HTTP to Buildkite;
 * `layerTest` is the in-memory stack double, with `StackDoubleControl` beside it.
 * Behaviour per call (chunking, pagination, retries) is in `ApiShape.ts`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Context, Effect, Layer, type Redacted } from "effect"
import { version } from "../version.ts"
import { type BuildkiteApiShape, makeBuildkiteApi } from "./ApiShape.ts"
import { makeHttpTransport } from "./HttpTransport.ts"
import { userAgentFor } from "./httpWire.ts"
import { makeDoubleTransport, StackDoubleControl } from "./StackDouble.ts"
import { StackModel } from "./StackModel.ts"

/** Buildkite's agent API, used when `agent-config.endpoint` is not set. */
export const defaultEndpoint = "https://agent.buildkite.com/v3"

/** The stack key used when the configuration leaves `id` empty. */
export const defaultStackKey = "agent-stack-k8s"

export interface BuildkiteApiOptions {
  /** Base URL of the agent API; `defaultEndpoint` when empty. */
  readonly endpoint: string
  /** The cluster agent token. */
  readonly token: Redacted.Redacted<string>
  /** The stack key (`id`); `defaultStackKey` when empty. */
  readonly stackKey: string
  /** Per-request timeout (`http-timeout`). */
  readonly httpTimeoutMillis: number
  /** Overrides the `User-Agent` (default `agent-stack-k8s-ts/<version>`). */
  readonly userAgent?: string
}

/** The Buildkite Agent stacks API. */
export class BuildkiteApi extends Context.Service<BuildkiteApi, BuildkiteApiShape>()(
  "agent-stack-k8s/BuildkiteApi",
) {
  /** The real API over HTTP, using the HTTP client in the context. */
  static readonly layerWithoutHttpClient = (options: BuildkiteApiOptions) =>
    Layer.effect(
      BuildkiteApi,
      Effect.gen(function* () {
        const transport = yield* makeHttpTransport({
          endpoint: options.endpoint === "" ? defaultEndpoint : options.endpoint,
          token: options.token,
          httpTimeoutMillis: options.httpTimeoutMillis,
          userAgent: options.userAgent ?? userAgentFor(version),
        })
        return yield* makeBuildkiteApi(transport, {
          stackKey: options.stackKey === "" ? defaultStackKey : options.stackKey,
        })
      }),
    )

  /**
   * The real API over HTTP, on an undici connection pool of its own (keep-alive), closed
   * with the layer. Undici's request API costs less CPU per call than the WHATWG `fetch`
   * built on it, which adds Request/Response objects and web streams to every call.
   */
  static readonly layer = (options: BuildkiteApiOptions): Layer.Layer<BuildkiteApi> =>
    BuildkiteApi.layerWithoutHttpClient(options).pipe(Layer.provide(NodeHttpClient.layerUndici))

  /**
   * The in-memory stack double for a stack key, with its `StackDoubleControl`. Time
   * (reservation expiry, retry waits, scripted latency) follows the Effect `Clock`.
   */
  static readonly layerTestFor = (
    stackKey: string,
  ): Layer.Layer<BuildkiteApi | StackDoubleControl> =>
    Layer.effect(
      BuildkiteApi,
      Effect.gen(function* () {
        const control = yield* StackDoubleControl
        return yield* makeBuildkiteApi(makeDoubleTransport(control.model), { stackKey })
      }),
    ).pipe(Layer.provideMerge(Layer.suspend(() => StackDoubleControl.fromModel(new StackModel()))))

  /** The in-memory stack double (stack key `test-stack`), with its `StackDoubleControl`. */
  static readonly layerTest: Layer.Layer<BuildkiteApi | StackDoubleControl> =
    BuildkiteApi.layerTestFor("test-stack")
}
