/** Time to build one Job: a plain job, and a heavy one with sidecars, patches and a class. */
import type { V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import { toBuildConfig } from "../src/config/ControllerConfig.ts"
import { defaultConfig } from "../src/config/decodeConfig.ts"
import type { BuildConfig } from "../src/podspec/BuildConfig.ts"
import { buildJob } from "../src/podspec/buildJob.ts"
import type { ParsedJob } from "../src/podspec/JobInput.ts"

// The controller's own defaults, plus what makes a heavier build: a resource class, a
// controller patch, a hooks volume.
const config: BuildConfig = {
  ...toBuildConfig(defaultConfig),
  additionalRedactedVars: ["*_CUSTOM"],
  resourceClasses: {
    large: { resource: { requests: { cpu: "4", memory: "8Gi" } }, nodeSelector: { pool: "large" } },
  },
  podSpecPatch: { containers: [{ name: "checkout", envFrom: [{ secretRef: { name: "git" } }] }] },
  agentConfig: {
    hooksVolume: { name: "hooks", configMap: { name: "hooks" } },
    shell: "/bin/bash -c",
  },
}

const plain: ParsedJob = {
  uuid: "01234567-89ab-cdef-0123-456789abcdef",
  priority: 0,
  agentQueryRules: ["queue=kubernetes"],
  command: "echo hello",
  env: { BUILDKITE_BUILD_URL: "https://buildkite.com/acme/app/builds/7", BUILDKITE_BRANCH: "main" },
}

const heavySpec: V1PodSpec = {
  containers: ["golang:1.23.5", "node:22", "ruby:3.3", "postgres:16"].map((image, i) => ({
    name: `step-${i}`,
    image,
    command: ["make", `target-${i}`],
    env: [{ name: "CI", value: "true" }],
  })),
}

const heavy: ParsedJob = {
  ...plain,
  agentQueryRules: ["queue=kubernetes", "resource_class=large", "os=linux"],
  env: { ...plain.env, BUILDKITE_IMAGE: "golang:1.24" },
  plugin: {
    podSpec: heavySpec,
    sidecars: [
      { name: "redis", image: "redis:7" },
      { name: "db", image: "postgres:16", imagePullPolicy: "Always" },
    ],
    gitEnvFrom: [{ secretRef: { name: "ssh" } }],
    checkout: { cloneFlags: "--depth=1", gitMirrors: { volume: { name: "m", emptyDir: {} } } },
    podSpecPatch: {
      containers: [{ name: "step-0", command: ["make", "patched"] }],
      tolerations: [{ key: "ci", operator: "Exists" }],
    },
  },
}

/** CPU time of this thread in microseconds: time spent waiting for a core does not count. */
const cpuMicros = (): number => {
  const usage = process.threadCpuUsage()
  return usage.user + usage.system
}

const best = (times: ReadonlyArray<number>): number => Math.min(...times)

const median = (times: ReadonlyArray<number>): number =>
  [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0

/**
 * Several timed rounds, reported by the fastest and the median, in wall time and in CPU time
 * of the main thread. Other processes on a shared machine stretch wall time a lot and CPU
 * time a little (caches); CPU time of the main thread leaves out the garbage collector's
 * helper threads.
 */
const measure = (label: string, job: ParsedJob, base: V1PodSpec, iterations: number) => {
  for (let i = 0; i < 500; i++) buildJob(job, base, config, { controllerVersion: "bench" })
  const rounds = 15
  const perRound = Math.ceil(iterations / rounds)
  const wall: Array<number> = []
  const cpu: Array<number> = []
  let failures = 0
  for (let round = 0; round < rounds; round++) {
    const startWall = process.hrtime.bigint()
    const startCpu = cpuMicros()
    for (let i = 0; i < perRound; i++) {
      const result = buildJob(job, base, config, { controllerVersion: "bench" })
      if (Result.isFailure(result)) failures++
    }
    cpu.push((cpuMicros() - startCpu) / perRound)
    wall.push(Number(process.hrtime.bigint() - startWall) / 1000 / perRound)
  }
  const figure = (times: ReadonlyArray<number>) =>
    `${best(times).toFixed(1)} (median ${median(times).toFixed(1)})`
  process.stdout.write(
    `${label}: ${figure(wall)} µs/job wall, ${figure(cpu)} µs/job CPU; ` +
      `best of ${rounds} rounds of ${perRound} builds${failures > 0 ? ` (${failures} failed)` : ""}\n`,
  )
}

export async function run(): Promise<void> {
  measure("plain job", plain, { containers: [] }, 30_000)
  measure("heavy job", heavy, heavySpec, 15_000)
}
