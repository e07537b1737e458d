/**
 * Readiness: components register named checks and report them; `/readyz`
 * answers 200 only while every registered check is ready.
 *
 * What each component registers is its own decision, e.g. `stack` (stack
 * registered with Buildkite), `watches` (Kubernetes watches synced), `poll`
 * (the last poll succeeded), `leader` (this replica leads or is a ready
 * standby).
 */
import { Context, Effect, Layer, Ref } from "effect"

/** The state of one check. `reason` is present while the check is not ready. */
export interface CheckStatus {
  readonly name: string
  readonly ready: boolean
  readonly reason?: string
}

/** What `/readyz` reports. */
export interface ReadinessReport {
  readonly ready: boolean
  readonly checks: ReadonlyArray<CheckStatus>
}

type Checks = ReadonlyMap<string, CheckStatus>

/** Builds the report; with no registered check nothing has started, so not ready. */
export const makeReport = (checks: Checks): ReadinessReport => {
  const list = [...checks.values()].sort((a, b) => a.name.localeCompare(b.name))
  return { ready: list.length > 0 && list.every((check) => check.ready), checks: list }
}

const notReported = "not reported yet"

/** The registry of readiness checks. */
export class Readiness extends Context.Service<
  Readiness,
  {
    /** Adds a check in the not-ready state; does nothing if it exists. */
    readonly register: (name: string) => Effect.Effect<void>
    /** Marks a check ready, registering it if needed. */
    readonly ready: (name: string) => Effect.Effect<void>
    /** Marks a check not ready with a reason a person can act on. */
    readonly notReady: (name: string, reason: string) => Effect.Effect<void>
    /** Removes a check, for a component that stopped on purpose. */
    readonly unregister: (name: string) => Effect.Effect<void>
    readonly report: Effect.Effect<ReadinessReport>
  }
>()("agent-stack-k8s/Readiness") {
  static readonly make = Effect.gen(function* () {
    const checks = yield* Ref.make<Checks>(new Map())

    // Logs only transitions, so a check reported on every poll stays quiet.
    const set = (status: CheckStatus) =>
      Effect.flatMap(
        Ref.modify(checks, (current): [CheckStatus | undefined, Checks] => [
          current.get(status.name),
          new Map(current).set(status.name, status),
        ]),
        (previous) => {
          const annotations = { check: status.name }
          if (status.ready && previous?.ready !== true) {
            return Effect.logInfo("Marked check ready").pipe(Effect.annotateLogs(annotations))
          }
          if (!status.ready && previous?.ready === true) {
            return Effect.logWarning("Marked check not ready").pipe(
              Effect.annotateLogs({ ...annotations, reason: status.reason ?? "" }),
            )
          }
          return Effect.void
        },
      )

    return Readiness.of({
      register: (name) =>
        Ref.update(checks, (current) =>
          current.has(name)
            ? current
            : new Map(current).set(name, { name, ready: false, reason: notReported }),
        ),
      ready: (name) => set({ name, ready: true }),
      notReady: (name, reason) => set({ name, ready: false, reason }),
      unregister: (name) =>
        Ref.update(checks, (current) => {
          const next = new Map(current)
          next.delete(name)
          return next
        }),
      report: Effect.map(Ref.get(checks), makeReport),
    })
  })

  /** The in-memory registry; it is the real implementation and the test one. */
  static readonly layer = Layer.effect(Readiness, Readiness.make)
}
