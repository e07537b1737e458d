/**
 * Re-validation before a Job is created (spec 5.3). Jobs are reserved only when they are
 * about to be created, so a reservation normally has minutes to spare. Only when a job has
 * waited long enough that its reservation may have lapsed is it reserved again: a lapsed
 * reservation of a job nobody took succeeds again, while a job another stack took (or
 * one still reserved by us in the last moments) is refused and left for a later poll.
 * Never creates a Job for a job this stack may not hold; costs nothing in the usual case.
 */
import { Clock, Effect } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"

/** The expiry assumed when the configuration leaves it to the server (the shorter one seen). */
export const assumedServerExpirySeconds = 300

/** How long before its expiry a reservation is treated as lost. */
export const expiryMarginMillis = (expirySeconds: number): number =>
  Math.min(30_000, expirySeconds * 100)

/** Whether a reservation taken at `reservedAtMillis` may have lapsed by `nowMillis`. */
export const mayHaveLapsed = (
  reservedAtMillis: number,
  nowMillis: number,
  expirySeconds: number,
): boolean => {
  const expiry = expirySeconds > 0 ? expirySeconds : assumedServerExpirySeconds
  return nowMillis - reservedAtMillis >= expiry * 1000 - expiryMarginMillis(expiry)
}

/**
 * Whether the job is still this stack's to run: true at once for a fresh reservation, else
 * after reserving it again. A failed re-reservation counts as lost.
 */
export const stillReserved = (
  api: BuildkiteApiShape,
  uuid: string,
  reservedAtMillis: number,
  expirySeconds: number,
): Effect.Effect<boolean> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    if (!mayHaveLapsed(reservedAtMillis, now, expirySeconds)) return true
    const result = yield* Effect.result(api.reserveJobs([uuid], expirySeconds))
    const ok = result._tag === "Success" && result.success.reserved.includes(uuid)
    yield* Effect.logInfo(
      ok ? "Renewed lapsed reservation" : "Skipped job with lost reservation",
    ).pipe(Effect.annotateLogs({ jobUuid: uuid }))
    return ok
  })
