/**
 * The Job-creation path shared by every queue of the process: creations run in the
 * background, at most `job-creation-concurrency` at once, so a slow job (details retried
 * for seconds) never holds up the next poll. At shutdown the pool stops taking work and
 * gives what runs a grace period to finish.
 */
import { Effect, FiberSet, type Scope, Semaphore } from "effect"

export interface CreationPool {
  /** Runs `work` in the background when a permit is free. */
  readonly submit: (work: Effect.Effect<void>) => Effect.Effect<void>
  /** Creations submitted and not yet finished (running or waiting for a permit). */
  readonly pending: () => number
  /** Waits for every submitted creation, at most `graceMillis`; true when all finished. */
  readonly drain: (graceMillis: number) => Effect.Effect<boolean>
}

/** A pool whose fibers are interrupted when the current scope closes. */
export const makeCreationPool = (
  concurrency: number,
): Effect.Effect<CreationPool, never, Scope.Scope> =>
  Effect.gen(function* () {
    const permits = yield* Semaphore.make(Math.max(1, concurrency))
    const fibers = yield* FiberSet.make<void, never>()
    let pending = 0

    const submit = (work: Effect.Effect<void>) =>
      Effect.suspend(() => {
        pending++
        return FiberSet.run(
          fibers,
          permits
            .withPermits(1)(work)
            .pipe(
              Effect.ensuring(
                Effect.sync(() => {
                  pending--
                }),
              ),
            ),
        )
      }).pipe(Effect.asVoid)

    const drain = (graceMillis: number) =>
      FiberSet.awaitEmpty(fibers).pipe(
        Effect.as(true),
        Effect.timeoutOrElse({ duration: graceMillis, orElse: () => Effect.succeed(false) }),
      )

    return { submit, pending: () => pending, drain }
  })
