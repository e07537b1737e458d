import { assert, describe, it } from "@effect/vitest"
import { Clock, Context, Effect, Exit, Layer, Ref, Scope } from "effect"
import { TestClock } from "effect/testing"
import { NetworkError } from "../../src/kubernetes/errors.ts"
import { Kubernetes } from "../../src/kubernetes/Kubernetes.ts"
import { LeaderElection } from "../../src/lifecycle/LeaderElection.ts"
import { Readiness } from "../../src/observability/Readiness.ts"
import { namespace } from "./harness.ts"

const timing = {
  leaseDurationMillis: 15_000,
  renewDeadlineMillis: 10_000,
  retryPeriodMillis: 2_000,
}

/** Starts one replica in its own scope on the shared Kubernetes service. */
const replica = (identity: string, kube: Kubernetes["Service"]) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(
      LeaderElection.layer({ leaseName: "leader", identity, ...timing, releaseOnStop: false }).pipe(
        Layer.provide(Readiness.layer),
        Layer.provide(Layer.succeed(Kubernetes, kube)),
      ),
      scope,
    )
    return { scope, election: Context.get(context, LeaderElection) }
  })

/** A pipeline stand-in: creates the Jobs of all jobs idempotently, every second. */
const program = (kube: Kubernetes["Service"], who: string, log: Ref.Ref<Array<string>>) =>
  Effect.gen(function* () {
    while (true) {
      for (const uuid of ["a", "b", "c"]) {
        yield* kube
          .createJob({
            metadata: { name: `job-${uuid}`, labels: { "buildkite.com/job-uuid": uuid } },
            spec: {
              suspend: true,
              template: {
                spec: { restartPolicy: "Never", containers: [{ name: "agent", image: "x" }] },
              },
            },
          })
          .pipe(
            Effect.andThen(Ref.update(log, (entries) => [...entries, `${who}:${uuid}`])),
            Effect.catchTag("AlreadyExists", () => Effect.void),
          )
      }
      yield* Effect.sleep(1000)
    }
  })

const step = (seconds: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < seconds * 2; i++) yield* TestClock.adjust(500)
  })

describe("LeaderElection", () => {
  describe("layer", () => {
    it.effect("lets a standby take over within the lease duration when the leader dies", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        const log = yield* Ref.make<Array<string>>([])
        const a = yield* replica("a", kube)
        yield* step(1)
        const b = yield* replica("b", kube)
        yield* Effect.forkChild(a.election.whileLeader(program(kube, "a", log)))
        yield* Effect.forkChild(b.election.whileLeader(program(kube, "b", log)))
        yield* step(5)
        assert.isTrue(yield* a.election.isLeader)
        assert.isFalse(yield* b.election.isLeader)

        // The leader dies without releasing the lease; its jobs are created again by nobody.
        yield* kube.deleteJob("job-c")
        yield* Scope.close(a.scope, Exit.void)
        const killedAt = yield* Clock.currentTimeMillis
        let tookOverAt = 0
        for (let i = 0; i < 40 && tookOverAt === 0; i++) {
          yield* step(0.5)
          if (yield* b.election.isLeader) tookOverAt = yield* Clock.currentTimeMillis
        }
        yield* step(2)
        assert.isAbove(tookOverAt, 0)
        assert.isAtMost(
          tookOverAt - killedAt,
          timing.leaseDurationMillis + timing.retryPeriodMillis,
        )
        const jobs = yield* kube.listJobs("buildkite.com/job-uuid")
        assert.deepStrictEqual(jobs.map((job) => job.metadata?.name).sort(), [
          "job-a",
          "job-b",
          "job-c",
        ])
        assert.deepStrictEqual(yield* Ref.get(log), ["a:a", "a:b", "a:c", "b:c"])
      }).pipe(Effect.provide(Kubernetes.layerTest({ namespace }))),
    )

    it.effect("interrupts the program when renewals fail past the renew deadline", () =>
      Effect.gen(function* () {
        const kube = yield* Kubernetes
        let broken = false
        const flaky: Kubernetes["Service"] = {
          ...kube,
          getLease: (name) =>
            broken
              ? Effect.fail(
                  new NetworkError({ kind: "Lease", name, message: "connection refused" }),
                )
              : kube.getLease(name),
        }
        const a = yield* replica("a", flaky)
        const ran = yield* Ref.make(0)
        const fiber = yield* Effect.forkChild(
          a.election.whileLeader(
            Effect.andThen(
              Ref.update(ran, (n) => n + 1),
              Effect.never,
            ),
          ),
        )
        yield* step(3)
        assert.strictEqual(yield* Ref.get(ran), 1)
        broken = true
        yield* step(14)
        assert.isFalse(yield* a.election.isLeader)
        broken = false
        yield* step(4)
        assert.isTrue(yield* a.election.isLeader)
        assert.strictEqual(yield* Ref.get(ran), 2)
        assert.isUndefined(fiber.pollUnsafe())
      }).pipe(Effect.provide(Kubernetes.layerTest({ namespace }))),
    )
  })
})
