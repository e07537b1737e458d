/**
 * Start-up (spec 1.2), step by step: the agent token, its identity (a cluster token is
 * required), the queues this process serves, each with its tags and stack key. Every
 * failure is a `StartupFailure` naming what to fix; the process then exits non-zero.
 */
import { Effect, Redacted } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"
import { defaultStackKey } from "../buildkite/BuildkiteApi.ts"
import type { TokenIdentity } from "../buildkite/model.ts"
import type { ControllerConfig } from "../config/ControllerConfig.ts"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import { StartupFailure } from "./errors.ts"
import { isDefaultQueue, resolveQueue } from "./Tags.ts"

/** The Secret key holding the agent token. */
export const tokenSecretKey = "BUILDKITE_AGENT_TOKEN"

/** The token from `agent-token` / `agent-token-file`, else from the Kubernetes Secret. */
export const readAgentToken = (
  config: Pick<ControllerConfig, "agentToken" | "agentTokenSecret">,
): Effect.Effect<Redacted.Redacted<string>, StartupFailure, Kubernetes> =>
  Effect.gen(function* () {
    if (config.agentToken !== undefined) return config.agentToken
    const kube = yield* Kubernetes
    const secret = yield* kube.getSecret(config.agentTokenSecret).pipe(
      Effect.mapError(
        (error) =>
          new StartupFailure({
            step: "agent token",
            message: `could not read Secret ${JSON.stringify(config.agentTokenSecret)} in namespace ${JSON.stringify(kube.namespace)}: ${error.message}`,
          }),
      ),
    )
    const token = secret.data[tokenSecretKey]
    if (token === undefined || Redacted.value(token).trim() === "") {
      return yield* new StartupFailure({
        step: "agent token",
        message: `Secret ${JSON.stringify(config.agentTokenSecret)} has no non-empty key ${tokenSecretKey}`,
      })
    }
    return token
  })

/** Asks Buildkite who the token is; an unclustered token is refused. */
export const checkTokenIdentity = (
  api: BuildkiteApiShape,
): Effect.Effect<TokenIdentity, StartupFailure> =>
  api.getTokenIdentity.pipe(
    Effect.mapError(
      (error) =>
        new StartupFailure({
          step: "token identity",
          message: `Buildkite refused the agent token: ${error.message}`,
        }),
    ),
    Effect.filterOrFail(
      (identity) => identity.clusterUuid !== "",
      () =>
        new StartupFailure({
          step: "token identity",
          message:
            "the agent token is not a cluster token; create an agent token for the Buildkite cluster of the queue and use it instead",
        }),
    ),
  )

/** One queue this process serves. */
export interface QueueSpec {
  readonly queue: string
  readonly tags: ReadonlyMap<string, string>
  readonly maxInFlight: number
  readonly stackKey: string
}

const tagMap = (tags: ReadonlyArray<{ readonly key: string; readonly value: string }>) =>
  new Map(tags.map((tag) => [tag.key, tag.value] as const))

/**
 * The stack key of a queue. One queue: `id` (or `agent-stack-k8s`), as in the original.
 * Several: `<id or agent-stack-k8s>-<queue>`, so each queue is its own stack and shows
 * separately in Buildkite; the default queue's suffix is `default`.
 */
export const stackKeyFor = (id: string, queue: string, many: boolean): string => {
  const base = id === "" ? defaultStackKey : id
  if (!many) return base
  const suffix = isDefaultQueue(queue) ? "default" : queue.replace(/[^A-Za-z0-9_-]/g, "-")
  return `${base}-${suffix}`
}

/** The queues to serve: `queues` when set, else `queue` with `tags`. */
export const queueSpecs = (
  config: Pick<ControllerConfig, "id" | "queue" | "tags" | "queues" | "maxInFlight">,
): ReadonlyArray<QueueSpec> => {
  const entries =
    config.queues.length > 0
      ? config.queues.map((entry) => ({
          option: entry.queue,
          tags: entry.tags ?? [],
          maxInFlight: entry.maxInFlight ?? config.maxInFlight,
        }))
      : [{ option: config.queue, tags: config.tags, maxInFlight: config.maxInFlight }]
  const many = entries.length > 1
  return entries.map((entry) => {
    const tags = tagMap(entry.tags)
    const queue = resolveQueue(entry.option, tags)
    tags.set("queue", queue)
    return {
      queue,
      tags,
      maxInFlight: entry.maxInFlight,
      stackKey: stackKeyFor(config.id, queue, many),
    }
  })
}
