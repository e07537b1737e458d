/**
 * Calls per second through the real Buildkite API layer against the local HTTP fake: job
 * details sequential, 16 and 64 at a time, and scheduled-jobs pages 16 at a time. The fake
 * runs in this process, so each figure pays for both ends of every call. Beside the rate,
 * each line prints the process CPU time per call (client and fake together): on a shared
 * machine the rate moves with the load, the CPU time much less.
 */
import { Effect, Redacted, Stream } from "effect"
import { BuildkiteApi } from "../src/buildkite/BuildkiteApi.ts"
import { startStacksApiFake } from "../src/testing/StacksApiFake.ts"

const calls = 2_000

const measure = async (
  label: string,
  program: Effect.Effect<void, unknown, BuildkiteApi>,
  layer: ReturnType<typeof BuildkiteApi.layer>,
) => {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Effect.runPromise(program.pipe(Effect.provide(layer)))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuMicrosPerCall = Math.round((used.user + used.system) / calls)
  process.stdout.write(
    `${label}: ${Math.round(calls / seconds)} calls/s (${calls} calls, ${cpuMicrosPerCall} µs CPU per call)\n`,
  )
}

export async function run(): Promise<void> {
  const fake = await startStacksApiFake({ token: "bench-token" })
  try {
    const uuid = fake.model.addJob({ env: { BUILDKITE_BRANCH: "main" }, command: "make" }, 0).id
    for (let i = 0; i < 100; i++) fake.model.addJob({ priority: i % 3 }, 0)
    const layer = BuildkiteApi.layer({
      endpoint: fake.endpoint,
      token: Redacted.make("bench-token"),
      stackKey: "bench",
      httpTimeoutMillis: 10_000,
    })
    const page = Effect.flatMap(BuildkiteApi, (api) =>
      Stream.runDrain(api.scheduledJobs({ queueKey: "q", pageSize: 100, depthLimit: 1 })),
    )
    const getJob = Effect.flatMap(BuildkiteApi, (api) => api.getJob(uuid))
    const times = Array.from({ length: calls }, (_, i) => i)

    await measure(
      "getJob, sequential",
      Effect.forEach(times, () => getJob, { discard: true }),
      layer,
    )
    await measure(
      "getJob, 16 concurrent",
      Effect.forEach(times, () => getJob, { concurrency: 16, discard: true }),
      layer,
    )
    await measure(
      "getJob, 64 concurrent",
      Effect.forEach(times, () => getJob, { concurrency: 64, discard: true }),
      layer,
    )
    await measure(
      "scheduled-jobs page of 100 jobs, 16 concurrent",
      Effect.forEach(times, () => page, { concurrency: 16, discard: true }),
      layer,
    )
  } finally {
    await fake.close()
  }
}
