/**
 * `agent-stack-k8s controller --sandbox`: the whole controller against the in-memory
 * doubles of Buildkite and Kubernetes, in real time, with a few example jobs. It prints
 * each job's way from scheduled to a created Job to finished, then a summary, and exits.
 * No cluster, no token, no network.
 */
import { Console, Effect, Layer, Logger, Redacted, References, Schedule } from "effect"
import { StackDoubleControl } from "../buildkite/StackDouble.ts"
import { StackModel } from "../buildkite/StackModel.ts"
import { ClusterEvents } from "../cluster/ClusterEvents.ts"
import { type ControllerConfig, toBuildConfig } from "../config/ControllerConfig.ts"
import { loadConfig } from "../config/loadConfig.ts"
import { runController } from "../controller/Controller.ts"
import { InFlight } from "../controller/InFlight.ts"
import { StackApis } from "../controller/StackApis.ts"
import { Kubernetes } from "../kubernetes/Kubernetes.ts"
import { Readiness } from "../observability/Readiness.ts"
import { PodSpecBuilder } from "../podspec/PodSpecBuilder.ts"
import { version } from "../version.ts"
import { simulateAgents } from "./AgentSimulation.ts"
import { examples, sandboxQueue } from "./examples.ts"

/** The longest the sandbox waits for its jobs to settle. */
export const sandboxTimeoutMillis = 20_000

const namespace = "sandbox"

const sandboxConfig = loadConfig({
  argv: ["--namespace", namespace, "--queue", sandboxQueue, "--tags", `queue=${sandboxQueue}`],
  env: {},
  readFile: () => Effect.fail("the sandbox reads no files"),
}).pipe(
  Effect.map(
    (config): ControllerConfig => ({ ...config, agentToken: Redacted.make("sandbox-token") }),
  ),
  Effect.orDie,
)

const layers = (config: ControllerConfig, model: StackModel) => {
  const kube = Kubernetes.layerTest({ namespace, ttlController: false })
  const events = ClusterEvents.layer({ controllerId: config.id }).pipe(Layer.provideMerge(kube))
  return Layer.mergeAll(
    InFlight.layer.pipe(Layer.provideMerge(events)),
    PodSpecBuilder.layerConfig(toBuildConfig(config), { controllerVersion: version }),
    Readiness.layer,
    StackApis.layerModel(model),
    StackDoubleControl.fromModel(model),
  )
}

const terminal = new Set(["finished", "canceled"])

/** Runs the sandbox; fails when a job did not end the way the example expects. */
export const runSandbox = Effect.gen(function* () {
  const config = yield* sandboxConfig
  const model = new StackModel()

  return yield* Effect.gen(function* () {
    const stack = yield* StackDoubleControl
    const kube = yield* Kubernetes
    yield* Console.log(`agent-stack-k8s ${version} sandbox: in-memory Buildkite and Kubernetes\n`)

    const seeded: Array<{
      readonly label: string
      readonly uuid: string
      readonly skipped: boolean
    }> = []
    for (const example of examples) {
      const uuid = yield* stack.addJob(example.spec)
      seeded.push({ label: example.label, uuid, skipped: example.skipped === true })
      yield* Console.log(`  scheduled   ${example.label.padEnd(22)} ${uuid}`)
    }
    const labelOf = (uuid: string) => seeded.find((job) => job.uuid === uuid)?.label ?? uuid
    const say = (uuid: string, what: string) => Console.log(`  ${what.padEnd(11)} ${labelOf(uuid)}`)

    yield* Effect.forkChild(simulateAgents(stack, say))
    yield* Effect.forkChild(Effect.scoped(runController(config)))

    const seen = new Map<string, string>()
    const watchStates = Effect.gen(function* () {
      for (const { uuid } of seeded) {
        const state = (yield* stack.state(uuid)) ?? "unknown"
        const before = seen.get(uuid)
        seen.set(uuid, state)
        if (before === undefined || before === state) continue
        if (state === "reserved") yield* say(uuid, "reserved")
        if (state === "finished" && before !== "running") yield* say(uuid, "failed")
      }
      const jobs = yield* kube.listJobs("")
      for (const job of jobs) {
        const uuid = job.metadata?.labels?.["buildkite.com/job-uuid"] ?? ""
        if (seen.get(`job:${uuid}`) === undefined) {
          seen.set(`job:${uuid}`, "created")
          yield* say(uuid, "Job created")
        }
      }
      const open = seeded.filter(
        ({ skipped, uuid }) => !skipped && !terminal.has(seen.get(uuid) ?? ""),
      )
      return open.length === 0
    })
    yield* watchStates.pipe(
      Effect.repeat({ schedule: Schedule.spaced(100), until: (done) => done }),
      Effect.timeout(sandboxTimeoutMillis),
      Effect.catch(() => Console.log("\n  (timed out waiting for the jobs to settle)")),
    )

    yield* Console.log("\nSummary")
    const finishes = yield* stack.calls("finishJob")
    for (const { label, uuid } of seeded) {
      const state = seen.get(uuid) ?? "unknown"
      const detail = finishes.find((call) => call.uuids?.[0] === uuid)?.detail
      const note =
        detail !== undefined
          ? `failed on Buildkite: ${detail.split("\n")[0]}`
          : seen.has(`job:${uuid}`)
            ? `ran as Job buildkite-${uuid}`
            : "skipped: not for this controller, left scheduled"
      yield* Console.log(`  ${label.padEnd(22)} ${state.padEnd(10)} ${note}`)
    }
  }).pipe(Effect.provide(layers(config, model)))
}).pipe(
  // The trail above is the output; the controller's own logs would drown it.
  Effect.provide(Layer.succeed(References.MinimumLogLevel, "Error")),
  Effect.provide(Logger.layer([Logger.consolePretty()])),
)
