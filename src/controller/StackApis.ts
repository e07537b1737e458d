/**
 * Makes one Buildkite API client per stack key: each queue of the process registers its
 * own stack, so each needs a client bound to its key. `layer` builds real HTTP clients;
 * `layerModel` binds clients to one shared in-memory stack model (tests, sandbox).
 */
import { Context, Effect, Layer, type Redacted, type Scope } from "effect"
import { type BuildkiteApiShape, makeBuildkiteApi } from "../buildkite/ApiShape.ts"
import { BuildkiteApi } from "../buildkite/BuildkiteApi.ts"
import { makeDoubleTransport } from "../buildkite/StackDouble.ts"
import type { StackModel } from "../buildkite/StackModel.ts"

export interface StackApiOptions {
  readonly endpoint: string
  readonly httpTimeoutMillis: number
}

/** Makes the Buildkite API client of one stack key. */
export class StackApis extends Context.Service<
  StackApis,
  {
    readonly make: (
      stackKey: string,
      token: Redacted.Redacted<string>,
    ) => Effect.Effect<BuildkiteApiShape, never, Scope.Scope>
  }
>()("agent-stack-k8s/StackApis") {
  /** HTTP clients (undici, with keep-alive connection pools). */
  static readonly layer = (options: StackApiOptions): Layer.Layer<StackApis> =>
    Layer.succeed(StackApis, {
      make: (stackKey, token) =>
        Effect.map(
          Layer.build(
            BuildkiteApi.layer({
              endpoint: options.endpoint,
              token,
              stackKey,
              httpTimeoutMillis: options.httpTimeoutMillis,
            }),
          ),
          (context) => Context.get(context, BuildkiteApi),
        ),
    })

  /** Clients of one in-memory stack model, in virtual time. */
  static readonly layerModel = (model: StackModel): Layer.Layer<StackApis> =>
    Layer.succeed(StackApis, {
      make: (stackKey) => makeBuildkiteApi(makeDoubleTransport(model), { stackKey }),
    })
}
