/** Deleting something that is already gone is the outcome the caller wanted. */
import { Effect } from "effect"
import type { KubernetesError } from "./errors.ts"

export const ignoreNotFound = <A, R>(
  effect: Effect.Effect<A, KubernetesError, R>,
): Effect.Effect<void, KubernetesError, R> =>
  effect.pipe(
    Effect.asVoid,
    Effect.catchTag("NotFound", () => Effect.void),
  )
