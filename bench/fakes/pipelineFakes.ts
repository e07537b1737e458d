/**
 * The fakes' process of the pipeline benchmark: both local API fakes, the job source and
 * every time measurement, in one clock. Started by `bench/pipeline.ts`; it answers the
 * commands of `protocol.ts` and ends with its parent.
 */
import { Effect, Scope } from "effect"
import { jobs } from "../../src/kubernetes/cluster/Resources.ts"
import { jobUuidLabel } from "../../src/kubernetes/LabelSelector.ts"
import { makeKubeApiFake } from "../../src/testing/KubeApiFake.ts"
import { startStacksApiFake } from "../../src/testing/StacksApiFake.ts"
import { type Command, queue, type Stats, token } from "./protocol.ts"

const rules = [`queue=${queue}`]

/** A request's endpoint with the stack key and job UUID taken out, e.g. `GET jobs/:uuid`. */
const endpointOf = (method: string, path: string) =>
  `${method} ${path
    .replace(/^\/stacks\/(register|[^/]+)/, (_, key: string) =>
      key === "register" ? "stacks/register" : "stacks/:key",
    )
    .replace(/\/jobs\/(?!get-states)[^/]+/, "/jobs/:uuid")}`

const serveFakes = async () => {
  const buildkite = await startStacksApiFake({ token })
  const scope = Effect.runSync(Scope.make())
  // Pods stay Pending, so every Job stays unfinished: the in-flight figures need that.
  const kube = await Effect.runPromise(
    Scope.provide(scope)(
      makeKubeApiFake({
        ttlController: false,
        historyLimit: 200_000,
        outcome: () => ({ _tag: "Unschedulable" }),
        // Only counts are needed: the records are seen as they are logged, not kept.
        requestLogLimit: 0,
      }),
    ),
  )

  const kubeCalls: Record<string, number> = {}
  kube.onRequest((record) => {
    const key = record.operation ?? `${record.method} ${record.path} (not served)`
    kubeCalls[key] = (kubeCalls[key] ?? 0) + 1
  })
  let firstPollAt: number | undefined
  const scheduledJobs = buildkite.model.scheduledJobs.bind(buildkite.model)
  buildkite.model.scheduledJobs = (query, now) => {
    firstPollAt ??= performance.now()
    return scheduledJobs(query, now)
  }
  const addedAt = new Map<string, number>()
  const createdAt: Array<number> = []
  const latencies: Array<number> = []
  let onCreated = () => {}
  kube.cluster.store.subscribe((change) => {
    if (change.resource !== jobs || change.type !== "ADDED") return
    const now = performance.now()
    createdAt.push(now)
    const uuid = change.object.metadata?.labels?.[jobUuidLabel] ?? ""
    const added = addedAt.get(uuid)
    if (added !== undefined) latencies.push(now - added)
    onCreated()
  })
  const add = () => buildkite.model.addJob({ queueKey: queue, agentQueryRules: rules }, Date.now())

  const answer = async (command: Command): Promise<unknown> => {
    switch (command._tag) {
      case "Seed":
        for (let i = 0; i < command.count; i++) add()
        return command.count
      case "Arrive":
        for (let i = 0; i < command.count; i++) {
          addedAt.set(add().id, performance.now())
          await new Promise((resolve) => setTimeout(resolve, command.everyMillis))
        }
        return command.count
      case "AwaitPoll":
        while (firstPollAt === undefined) await new Promise((resolve) => setTimeout(resolve, 5))
        return firstPollAt
      case "AwaitCreated":
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, command.timeoutMillis)
          onCreated = () => {
            if (createdAt.length < command.count) return
            clearTimeout(timer)
            resolve()
          }
          onCreated()
        })
        return createdAt.length
      case "Stats": {
        const counts: Record<string, number> = {}
        for (const request of buildkite.requests) {
          const key = endpointOf(request.method, request.path)
          counts[key] = (counts[key] ?? 0) + 1
        }
        const stats: Stats = {
          created: createdAt.length,
          createdAfterPoll: createdAt.map((at) => at - (firstPollAt ?? at)),
          latencies,
          buildkiteCalls: counts,
          kubeCalls,
          rssBytes: process.memoryUsage().rss,
          cpuMillis: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
        }
        return stats
      }
    }
  }

  // The parent may end without a word (an error, Ctrl-C): never outlive it.
  process.on("disconnect", () => process.exit(0))
  process.on("message", (message: { id: number; command: Command }) => {
    answer(message.command).then((reply) => process.send?.({ id: message.id, reply }))
  })
  process.send?.({ id: 0, reply: { endpoint: buildkite.endpoint, kubeUrl: kube.url } })
}

await serveFakes()
