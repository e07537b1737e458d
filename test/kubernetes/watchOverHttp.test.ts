/**
 * Watch resilience of the real layer (client-node over HTTP) against the local API fake:
 * while the fake's watch connections fail in every way an API server's can, objects change
 * in the fake's cluster model, and the consumer must receive every change exactly once.
 * Real sockets on loopback, so waits poll for an observable state with a deadline.
 */
import { assert, describe, it } from "@effect/vitest"
import type { KubernetesObject, V1Job } from "@kubernetes/client-node"
import { Effect, Stream } from "effect"
import type { WatchEvent } from "../../src/kubernetes/Api.ts"
import { jobs } from "../../src/kubernetes/cluster/Resources.ts"
import type { Change } from "../../src/kubernetes/cluster/Store.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { type KubeApiFake, makeKubeApiFake } from "../../src/testing/KubeApiFake.ts"
import { makeJob, namespace } from "./contract.ts"

const selector = "buildkite.com/job-uuid"

const nameOf = (object: KubernetesObject): string => object.metadata?.name ?? ""
const versionOf = (object: KubernetesObject): string => object.metadata?.resourceVersion ?? ""

/** A deletion is compared by name: a relist only knows the last version it saw. */
const describeEvent = (event: WatchEvent<V1Job>): string =>
  event._tag === "Synced"
    ? "Synced"
    : event._tag === "Deleted"
      ? `Deleted ${nameOf(event.object)}`
      : `${event._tag} ${nameOf(event.object)}@${versionOf(event.object)}`

const describeChange = (change: Change): string =>
  change.type === "DELETED"
    ? `Deleted ${nameOf(change.object)}`
    : `${change.type === "ADDED" ? "Added" : "Modified"} ${nameOf(change.object)}@${versionOf(change.object)}`

/** Each object's own sequence of events. */
const byObject = (events: ReadonlyArray<string>): Record<string, Array<string>> => {
  const grouped: Record<string, Array<string>> = {}
  for (const event of events) {
    const name = (event.split(" ")[1] ?? "").split("@")[0] ?? ""
    grouped[name] = [...(grouped[name] ?? []), event]
  }
  return grouped
}

/** Polls `condition` every 2 ms; fails with `what` after `timeoutMillis`. */
const waitFor = (what: () => string, condition: () => boolean, timeoutMillis = 2_000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMillis
    while (!condition()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out: ${what()}`))
      yield* Effect.sleep(2)
    }
  })

interface Round {
  /** Breaks the open watch; returns how many watch connections it hit. */
  readonly fault: (fake: KubeApiFake) => number
  /**
   * Whether the layer resumes from the watch history, so the consumer's sequence must equal
   * the model's in order. After a relist only each object's own order is defined.
   */
  readonly resumes: boolean
}

/**
 * Watches suspended Jobs through the real layer, runs `rounds` faults with changes made in
 * the model right after each (while the watch is down), then checks the consumer received
 * exactly the model's history.
 */
const survives = (round: Round, rounds = 3) =>
  Effect.gen(function* () {
    const fake = yield* makeKubeApiFake()
    const store = fake.cluster.store
    const history: Array<string> = []
    const unsubscribe = store.subscribe((change) => {
      if (change.resource === jobs && change.object.metadata?.namespace === namespace)
        history.push(describeChange(change))
    })
    yield* Effect.addFinalizer(() => Effect.sync(unsubscribe))
    const received: Array<string> = []
    const layer = Kubernetes.layerFromKubeConfig(fake.kubeConfig(namespace), {
      namespace,
      qps: 0,
      watchInitialBackoff: 2,
      watchMaxBackoff: 10,
    })
    const create = (name: string) =>
      store.create(jobs, namespace, makeJob(name, {}, { suspend: true }))
    const modify = (name: string) =>
      store.mutate(jobs, namespace, name, (object) => {
        object.metadata = {
          ...object.metadata,
          annotations: { touched: String(Date.now()) },
        }
      })
    const state = () =>
      `open watches ${fake.openWatches()}, model ${JSON.stringify(history)}, received ${JSON.stringify(received)}`
    // The consumer has caught up with the model and a watch is streaming again.
    const settled = waitFor(
      state,
      () => received.length === history.length + 1 && fake.openWatches() === 1,
    )

    yield* Effect.gen(function* () {
      const kube = yield* Kubernetes
      yield* Effect.forkScoped(
        Stream.runForEach(kube.watchJobs(selector), (event) =>
          Effect.sync(() => {
            received.push(describeEvent(event))
          }),
        ),
      )
      create("kept")
      create("changed")
      create("removed")
      yield* waitFor(state, () => received.includes("Synced"))
      modify("changed")
      yield* settled
      for (let index = 0; index < rounds; index++) {
        assert.strictEqual(round.fault(fake), 1, "the fault hit the open watch")
        // One change per object while the watch is down, so a relist sees each of them.
        create(`new-${index}`)
        modify("changed")
        if (index === 0) store.remove(jobs, namespace, "removed")
        yield* settled
      }
      // Anything replayed twice would arrive before this last event.
      create("last")
      yield* settled
    }).pipe(Effect.provide(layer))

    assert.strictEqual(received.filter((event) => event === "Synced").length, 1)
    const delivered = received.filter((event) => event !== "Synced")
    assert.strictEqual(delivered.length, history.length, "no event lost or repeated")
    assert.deepStrictEqual(byObject(delivered), byObject(history))
    if (round.resumes) assert.deepStrictEqual(delivered, history)
  }).pipe(Effect.scoped)

describe("Kubernetes over HTTP", () => {
  describe("watchJobs", () => {
    it.live("delivers every change exactly once, when the watch closes cleanly", () =>
      survives({ fault: (fake) => fake.closeWatches(), resumes: true }),
    )

    it.live("delivers every change exactly once, when the watch connection is reset", () =>
      survives({ fault: (fake) => fake.resetWatches(), resumes: true }),
    )

    it.live("delivers every change exactly once, when the stream carries a 500 ERROR event", () =>
      survives({ fault: (fake) => fake.failWatches(500), resumes: true }),
    )

    it.live("delivers every change exactly once, when the watch request answers 500", () =>
      survives({
        fault: (fake) => {
          fake.cluster.faults.add({ operation: "watchJobs", status: 500, times: 2 })
          return fake.closeWatches()
        },
        resumes: true,
      }),
    )

    it.live(
      "relists and delivers every change exactly once, when the stream carries a 410 ERROR event",
      () =>
        survives({
          fault: (fake) => {
            // The server has compacted its history, so only a relist can catch up.
            fake.cluster.store.compact()
            return fake.failWatches(410)
          },
          resumes: false,
        }),
    )

    it.live(
      "relists and delivers every change exactly once, when the watch request answers 410",
      () =>
        survives({
          fault: (fake) => {
            fake.cluster.faults.add({ operation: "watchJobs", status: 410 })
            return fake.closeWatches()
          },
          resumes: false,
        }),
    )
  })
})
