/**
 * The whole controller pipeline through its real Layers against the local HTTP fakes:
 * backlog drain rate (Kubernetes limit raised, then at the default 10 QPS / burst 20),
 * scheduled-to-Job-created latency at a steady arrival rate, API calls per job, and peak
 * RSS with 10,000 Jobs in flight.
 *
 * The fakes run in a child process (`fakes/pipelineFakes.ts`), so the controller has this
 * process to itself: its RSS is the controller's alone (this file loads only what the
 * controller loads), and on a 2-core machine the fakes do not take its CPU. Every time is taken in the child, where
 * jobs are added and Jobs appear, so the two processes' clocks never mix.
 */
import { type ChildProcess, fork } from "node:child_process"
import { Effect, Fiber, Redacted } from "effect"
import type { ControllerConfig } from "../src/config/ControllerConfig.ts"
import { loadConfig } from "../src/config/loadConfig.ts"
import { controllerProgramOn, kubernetesOptions } from "../src/controller/Main.ts"
import { loadKubeConfigClass } from "../src/kubernetes/KubeConfigClass.ts"
import { Kubernetes } from "../src/kubernetes/Kubernetes.ts"
import { fakeKubeConfigYaml } from "../src/testing/kube/kubeConfigYaml.ts"
import { type Command, namespace, queue, type Stats, token } from "./fakes/protocol.ts"

// ---- the parent: the controller on its real Layers ----

interface Fakes {
  readonly child: ChildProcess
  readonly endpoint: string
  readonly kubeUrl: string
  readonly ask: <A>(command: Command) => Promise<A>
}

const startFakes = async (): Promise<Fakes> => {
  const child = fork(new URL("./fakes/pipelineFakes.ts", import.meta.url).pathname, [], {
    stdio: "inherit",
    execArgv: [],
    // Heap limits given to the controller (NODE_OPTIONS) are not meant for the fakes.
    env: { ...process.env, NODE_OPTIONS: "" },
  })
  const waiting = new Map<number, (reply: unknown) => void>()
  let nextId = 1
  const ready = new Promise<{ endpoint: string; kubeUrl: string }>((resolve) => {
    waiting.set(0, (reply) => resolve(reply as { endpoint: string; kubeUrl: string }))
  })
  child.on("message", (message: { id: number; reply: unknown }) => {
    waiting.get(message.id)?.(message.reply)
    waiting.delete(message.id)
  })
  const { endpoint, kubeUrl } = await ready
  const ask = <A>(command: Command) =>
    new Promise<A>((resolve) => {
      const id = nextId++
      waiting.set(id, (reply) => resolve(reply as A))
      child.send({ id, command })
    })
  return { child, endpoint, kubeUrl, ask }
}

const configFor = async (fakes: Fakes, argv: ReadonlyArray<string>): Promise<ControllerConfig> => {
  const config = await Effect.runPromise(
    loadConfig({
      argv: ["--namespace", namespace, "--queue", queue, ...argv],
      env: {},
      readFile: () => Effect.fail("no configuration file in the benchmark"),
    }),
  )
  return {
    ...config,
    agentToken: Redacted.make(token),
    agentConfig: { ...config.agentConfig, endpoint: fakes.endpoint },
    leaderElection: false,
    healthPort: 0,
    prometheusPort: 0,
    logLevel: "error",
  }
}

/** Runs the controller against fresh fakes, holding `backlog` jobs, while `body` drives them. */
const withController = async <A>(
  argv: ReadonlyArray<string>,
  backlog: number,
  body: (fakes: Fakes) => Promise<A>,
): Promise<A> => {
  const fakes = await startFakes()
  await fakes.ask({ _tag: "Seed", count: backlog })
  const config = await configFor(fakes, argv)
  const KubeConfig = await loadKubeConfigClass()
  const kc = new KubeConfig()
  kc.loadFromString(fakeKubeConfigYaml(fakes.kubeUrl, namespace))
  const kube = Kubernetes.layerFromKubeConfig(kc, kubernetesOptions(config))
  const fiber = Effect.runFork(controllerProgramOn(config, kube))
  try {
    return await body(fakes)
  } finally {
    await Effect.runPromise(Fiber.interrupt(fiber))
    fakes.child.kill()
  }
}

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN

const perJob = (calls: Readonly<Record<string, number>>, jobsCreated: number) =>
  Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([endpoint, count]) => `    ${endpoint}: ${count} (${(count / jobsCreated).toFixed(3)}/job)`,
    )
    .join("\n")

const sum = (calls: Readonly<Record<string, number>>, keep: (key: string) => boolean) =>
  Object.entries(calls)
    .filter(([key]) => keep(key))
    .reduce((total, [, count]) => total + count, 0)

const isKubeWrite = (operation: string) => /^(create|update|delete)/.test(operation)

const write = (line: string) => process.stdout.write(`${line}\n`)

/** Flags that lift the Kubernetes client's rate limit out of the way. */
const raisedLimit = [
  "--k8s-client-rate-limiter-qps",
  "100000",
  "--k8s-client-rate-limiter-burst",
  "10000",
]

const gc = (globalThis as { gc?: () => void }).gc

/**
 * 10,000 queued jobs, Kubernetes limit raised, max-in-flight 0; RSS sampled throughout,
 * and the controller process's CPU time per Job created.
 */
const drainRaised = (count: number) =>
  withController(["--max-in-flight", "0", ...raisedLimit], count, async (fakes) => {
    let peakRss = process.memoryUsage.rss()
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
    }, 50)
    await fakes.ask({ _tag: "AwaitPoll" })
    const cpuBefore = process.cpuUsage()
    await fakes.ask({ _tag: "AwaitCreated", count, timeoutMillis: 90_000 })
    const cpu = process.cpuUsage(cpuBefore)
    // A few more samples with every Job in flight and watched.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    clearInterval(sampler)
    gc?.()
    const heapAfterGc = gc === undefined ? undefined : process.memoryUsage().heapUsed
    const stats = await fakes.ask<Stats>({ _tag: "Stats" })
    return { stats, peakRss, heapAfterGc, cpuMillis: (cpu.user + cpu.system) / 1000 }
  })

/** A smaller backlog at the default 10 QPS / burst 20. */
const drainDefault = (count: number) =>
  withController(["--max-in-flight", "0"], count, async (fakes) => {
    await fakes.ask({ _tag: "AwaitPoll" })
    await fakes.ask({ _tag: "AwaitCreated", count, timeoutMillis: 60_000 })
    return fakes.ask<Stats>({ _tag: "Stats" })
  })

/**
 * Jobs arriving one every `everyMillis` once the controller polls. The Kubernetes limit is
 * raised: at the default 10 QPS, 20 arrivals a second would queue without end.
 */
const steadyArrival = (count: number, everyMillis: number) =>
  withController(["--max-in-flight", "0", ...raisedLimit], 0, async (fakes) => {
    await fakes.ask({ _tag: "AwaitPoll" })
    await fakes.ask({ _tag: "Arrive", count, everyMillis })
    await fakes.ask({ _tag: "AwaitCreated", count, timeoutMillis: 10_000 })
    return fakes.ask<Stats>({ _tag: "Stats" })
  })

const rate = (stats: Stats, from = 0) => {
  const times = stats.createdAfterPoll.slice(from)
  const first = from === 0 ? 0 : (times[0] ?? 0)
  const last = times.at(-1) ?? 0
  return (times.length - (from === 0 ? 0 : 1)) / ((last - first) / 1000)
}

export async function run(): Promise<void> {
  const backlog = 10_000
  const raised = await drainRaised(backlog)
  const { stats } = raised
  write(
    `backlog drain, ${backlog} queued jobs, Kubernetes limit raised (100000 QPS), max-in-flight 0: ` +
      `${stats.created} Jobs created, ${rate(stats).toFixed(0)} jobs/s from the first poll (target ≥ 500 jobs/s)`,
  )
  const seconds = (stats.createdAfterPoll.at(-1) ?? 0) / 1000
  write(
    `  CPU during that drain: controller ${(raised.cpuMillis / stats.created).toFixed(2)} ms per Job ` +
      `(${((raised.cpuMillis / 1000 / seconds) * 100).toFixed(0)}% of one core); the fakes' process ` +
      `${(stats.cpuMillis / stats.created).toFixed(2)} ms per Job since it started`,
  )
  write(
    `peak RSS of the controller process with ${stats.created} Jobs in flight (pods Pending): ` +
      `${(raised.peakRss / 2 ** 20).toFixed(0)} MB (target < 150 MB); the fakes' process: ` +
      `${(stats.rssBytes / 2 ** 20).toFixed(0)} MB, not counted`,
  )
  if (raised.heapAfterGc !== undefined)
    write(`  controller JS heap after a full GC: ${(raised.heapAfterGc / 2 ** 20).toFixed(0)} MB`)
  const buildkiteTotal = sum(stats.buildkiteCalls, () => true)
  const kubeWrites = sum(stats.kubeCalls, isKubeWrite)
  write(
    `calls per created Job over that drain: Buildkite ${(buildkiteTotal / stats.created).toFixed(3)} ` +
      `(target ≤ 2), Kubernetes writes ${(kubeWrites / stats.created).toFixed(3)} (target ≤ 1)`,
  )
  write(`  Buildkite, by endpoint:\n${perJob(stats.buildkiteCalls, stats.created)}`)
  write(`  Kubernetes, by operation:\n${perJob(stats.kubeCalls, stats.created)}`)

  const small = 300
  const limited = await drainDefault(small)
  write(
    `backlog drain at the default 10 QPS / burst 20, ${small} queued jobs (fewer, so it ends in ` +
      `about 30 s): ${limited.created} Jobs, ${rate(limited).toFixed(2)} jobs/s from the first poll, ` +
      `${rate(limited, 20).toFixed(2)} jobs/s after the burst = ` +
      `${((rate(limited, 20) / 10) * 100).toFixed(1)}% of the configured QPS (target ≥ 95%)`,
  )

  const arrivals = 200
  const steady = await steadyArrival(arrivals, 50)
  const sorted = [...steady.latencies].sort((a, b) => a - b)
  write(
    `scheduled-to-Job-created latency, ${arrivals} jobs arriving at 20 jobs/s, poll interval 1 s, ` +
      `Kubernetes limit raised: ` +
      `p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p99 ${quantile(sorted, 0.99).toFixed(0)} ms, ` +
      `max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms over ${sorted.length} Jobs (target p99 < 1200 ms)`,
  )
  const steadyBuildkite = sum(steady.buildkiteCalls, () => true)
  write(
    `calls per created Job at 20 jobs/s: Buildkite ${(steadyBuildkite / steady.created).toFixed(3)}, ` +
      `Kubernetes writes ${(sum(steady.kubeCalls, isKubeWrite) / steady.created).toFixed(3)}`,
  )
}
