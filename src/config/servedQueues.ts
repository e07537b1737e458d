/**
 * The queues one controller process serves, with the tags each matches jobs against.
 * With `queues` empty this is the single queue of `queue` / `tags`, as in the original.
 */
import type { ControllerConfig } from "./ControllerConfig.ts"
import type { Tag } from "./fields.ts"

/** The literal the Buildkite API reads as "the cluster's default queue". */
export const defaultQueue = "_default"

export interface ServedQueue {
  readonly queue: string
  /** The tags jobs are matched against, with `queue=<queue>` written in. */
  readonly tags: ReadonlyArray<Tag>
  readonly maxInFlight: number
}

/** The queue option if set, else the `queue` tag, else the cluster's default queue. */
const chooseQueue = (queue: string, tags: ReadonlyArray<Tag>): string =>
  queue !== "" ? queue : (tags.find((tag) => tag.key === "queue")?.value ?? defaultQueue)

const served = (queue: string, tags: ReadonlyArray<Tag>, maxInFlight: number): ServedQueue => {
  const chosen = chooseQueue(queue, tags)
  return {
    queue: chosen,
    tags: [...tags.filter((tag) => tag.key !== "queue"), { key: "queue", value: chosen }],
    maxInFlight,
  }
}

/** Every queue this process serves; `max-in-flight` applies where an entry sets none. */
export const servedQueues = (config: ControllerConfig): ReadonlyArray<ServedQueue> =>
  config.queues.length === 0
    ? [served(config.queue, config.tags, config.maxInFlight)]
    : config.queues.map((entry) =>
        served(entry.queue, entry.tags ?? [], entry.maxInFlight ?? config.maxInFlight),
      )
