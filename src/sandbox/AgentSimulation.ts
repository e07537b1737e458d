/**
 * Plays the agent inside each pod: when a Job's pod starts running, its Buildkite job is
 * accepted and then running; when the pod succeeds or fails, the job is finished. Reads
 * the shared Pods watch, so it sees what the controller sees.
 */
import { Effect, Stream } from "effect"
import type { StackDoubleControl } from "../buildkite/StackDouble.ts"
import { ClusterEvents } from "../cluster/ClusterEvents.ts"
import { jobUuidLabel } from "../kubernetes/LabelSelector.ts"

/** Runs until interrupted, calling `onChange` for each job state it sets. */
export const simulateAgents = (
  stack: StackDoubleControl["Service"],
  onChange: (uuid: string, state: string) => Effect.Effect<void>,
) =>
  Effect.gen(function* () {
    const events = yield* ClusterEvents
    yield* events.pods.pipe(
      Stream.runForEach((event) =>
        Effect.gen(function* () {
          if (event._tag === "Synced" || event._tag === "Deleted") return
          const uuid = event.object.metadata?.labels?.[jobUuidLabel]
          const phase = event.object.status?.phase
          if (uuid === undefined) return
          const current = yield* stack.state(uuid)
          const move = (state: string) =>
            Effect.andThen(stack.setState(uuid, state), onChange(uuid, state))
          if (phase === "Running" && current === "reserved") {
            yield* move("accepted")
            yield* move("running")
          } else if ((phase === "Succeeded" || phase === "Failed") && current === "running") {
            yield* move("finished")
          }
        }),
      ),
    )
  })
