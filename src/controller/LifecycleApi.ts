/**
 * The Buildkite client the lifecycle watchers use when one process serves several queues.
 * A job can only be finished by the stack that reserved it, and a watcher only knows the
 * job's UUID, so a finish is offered to each stack in turn until one accepts it (a stack
 * that does not own the job answers with a permanent error). Everything else goes through
 * the first stack: job states and notifications are not tied to the reserving stack.
 */
import { Effect } from "effect"
import type { BuildkiteApiShape } from "../buildkite/ApiShape.ts"

/** One client for the lifecycle over the clients of every served stack (at least one). */
export const lifecycleApi = (
  first: BuildkiteApiShape,
  rest: ReadonlyArray<BuildkiteApiShape>,
): BuildkiteApiShape =>
  rest.length === 0
    ? first
    : {
        ...first,
        finishJob: (uuid, detail) =>
          rest.reduce(
            (attempt, api) =>
              attempt.pipe(
                Effect.catch((error) =>
                  error.retryable ? Effect.fail(error) : api.finishJob(uuid, detail),
                ),
              ),
            first.finishJob(uuid, detail),
          ),
      }
