/**
 * Kubernetes service figures: calls per second through the real layer against the local
 * fake API server (limit raised, then at the default 10 QPS / burst 20), with the CPU time
 * per call (the steadier figure on a shared machine), and heap held per watched Pod after
 * the watch has delivered 10,000 pods.
 */
import type { V1Pod } from "@kubernetes/client-node"
import { Effect, Layer, Stream } from "effect"
import { pods } from "../src/kubernetes/cluster/Resources.ts"
import { Kubernetes } from "../src/kubernetes/Kubernetes.ts"
import { makeKubeApiFake } from "../src/testing/KubeApiFake.ts"

const namespace = "bench"

const callsPerSecond = (qps: number, burst: number, calls: number) =>
  Effect.gen(function* () {
    const fake = yield* makeKubeApiFake()
    const layer = Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), {
      namespace,
      qps,
      burst,
      maxQueued: calls,
    })
    const finished: Array<number> = []
    let started = performance.now()
    let cpuBefore = process.cpuUsage()
    yield* Effect.gen(function* () {
      const kube = yield* Kubernetes
      yield* kube.createJob({
        metadata: { name: "present" },
        spec: {
          template: {
            spec: { restartPolicy: "Never", containers: [{ name: "a", image: "alpine:3" }] },
          },
          suspend: true,
        },
      })
      // Warm up (JIT, connections) outside the timed part; with the limiter on this would
      // spend the burst, so only the unlimited run does it.
      if (qps <= 0)
        yield* Effect.forEach(Array.from({ length: 200 }), () => kube.getJob("present"), {
          concurrency: 25,
          discard: true,
        })
      const get = Effect.andThen(
        kube.getJob("present"),
        Effect.sync(() => finished.push(performance.now())),
      )
      started = performance.now()
      cpuBefore = process.cpuUsage()
      yield* Effect.forEach(Array.from({ length: calls }), () => get, { concurrency: 25 })
    }).pipe(Effect.provide(layer))
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    // After the burst only the refill rate counts.
    const afterBurst = finished.slice(burst)
    const first = afterBurst[0] ?? started
    const last = afterBurst[afterBurst.length - 1] ?? started
    return {
      overall: calls / seconds,
      sustained: (afterBurst.length - 1) / ((last - first) / 1000),
      // Client and fake share this process: CPU per call does not depend on other load.
      cpuMicrosPerCall: (cpu.user + cpu.system) / calls,
    }
  }).pipe(Effect.scoped)

const podTemplate = (index: number): V1Pod => ({
  metadata: {
    name: `pod-${index}`,
    labels: { "buildkite.com/job-uuid": `uuid-${index}`, "job-name": `job-${index}` },
    annotations: { "kubectl.kubernetes.io/last-applied-configuration": "x".repeat(2000) },
  },
  spec: {
    initContainers: [
      {
        name: "copy-agent",
        image: "buildkite/agent:3",
        command: ["cp", "/usr/local/bin/buildkite-agent", "/workspace"],
      },
    ],
    containers: Array.from({ length: 3 }, (_, c) => ({
      name: `container-${c}`,
      image: "alpine:3",
      env: Array.from({ length: 30 }, (_, e) => ({ name: `ENV_${e}`, value: "value".repeat(10) })),
    })),
  },
  status: { phase: "Running" },
})

const heapPerPod = (count: number) =>
  Effect.gen(function* () {
    const fake = yield* makeKubeApiFake()
    for (let index = 0; index < count; index++)
      fake.cluster.store.create(pods, namespace, podTemplate(index))
    const layer = Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), { namespace, qps: 0 })
    const gc = (globalThis as { gc?: () => void }).gc
    const kept: Array<unknown> = []
    yield* Effect.gen(function* () {
      const kube = yield* Kubernetes
      // The informer keeps its own cache; the consumer keeps what it received, as watchers do.
      yield* kube.watchPods("buildkite.com/job-uuid").pipe(
        Stream.takeUntil((event) => event._tag === "Synced"),
        Stream.runForEach((event) => Effect.sync(() => kept.push(event))),
      )
    }).pipe(Effect.provide(Layer.fresh(layer)))
    // Heap with the received pods held, minus the heap once they are released.
    gc?.()
    const held = process.memoryUsage().heapUsed
    const received = kept.length
    kept.length = 0
    gc?.()
    const released = process.memoryUsage().heapUsed
    return { bytes: (held - released) / count, gcExposed: gc !== undefined, received }
  }).pipe(Effect.scoped)

export async function run(): Promise<void> {
  const raised = await Effect.runPromise(callsPerSecond(0, 20, 2000))
  process.stdout.write(
    `getJob through the real layer, limiter off, 25 concurrent: ${raised.overall.toFixed(0)} calls/s ` +
      `(${raised.cpuMicrosPerCall.toFixed(0)} µs CPU per call, client and fake together)\n`,
  )
  const limited = await Effect.runPromise(callsPerSecond(10, 20, 60))
  process.stdout.write(
    `getJob at the default 10 QPS / burst 20 (60 calls): ${limited.overall.toFixed(1)} calls/s overall, ` +
      `${limited.sustained.toFixed(1)} calls/s after the burst\n`,
  )
  const memory = await Effect.runPromise(heapPerPod(10_000))
  process.stdout.write(
    `heap held per watched pod (${memory.received} events, stripped): ${(memory.bytes / 1024).toFixed(2)} KiB/pod` +
      `${memory.gcExposed ? "" : " (run node with --expose-gc for a steadier figure)"}\n`,
  )
}
