/**
 * Agent tags and query rules: parsing `k=v` pairs, resolving the queue, normalising the
 * rules a scheduled job carries, and deciding whether this controller may run a job.
 */

/** Queue names that Buildkite treats as "the cluster's default queue". */
export const defaultQueueAliases: ReadonlyArray<string> = ["_default", "~", "-"]

/** The queue key sent to Buildkite when no queue is configured. */
export const defaultQueue = "_default"

/** The tag that sizes a job's pod; every controller on the queue accepts it (spec 3.7). */
const resourceClassTag = "resource_class"

/**
 * Splits `k=v` at the first `=`: `queue=kubernetes=2` has the value `kubernetes=2`.
 * Returns `undefined` for a string without `=`.
 */
export const parseTag = (tag: string): readonly [string, string] | undefined => {
  const at = tag.indexOf("=")
  return at < 0 ? undefined : [tag.slice(0, at), tag.slice(at + 1)]
}

/** Parses `k=v` strings into a map, collecting the malformed ones (later keys win). */
export const parseTags = (
  tags: ReadonlyArray<string>,
): { readonly tags: ReadonlyMap<string, string>; readonly malformed: ReadonlyArray<string> } => {
  const parsed = new Map<string, string>()
  const malformed: Array<string> = []
  for (const tag of tags) {
    const pair = parseTag(tag)
    if (pair === undefined) malformed.push(tag)
    else parsed.set(pair[0], pair[1])
  }
  return { tags: parsed, malformed }
}

/**
 * The queue to poll: the `queue` option, else the `queue` tag, else the cluster default.
 */
export const resolveQueue = (queueOption: string, tags: ReadonlyMap<string, string>): string => {
  if (queueOption !== "") return queueOption
  return tags.get("queue") || defaultQueue
}

/** Whether a queue name means "the cluster's default queue". */
export const isDefaultQueue = (queue: string): boolean => defaultQueueAliases.includes(queue)

/**
 * Rewrites a job's rules so the queue matches the way this controller names it: jobs on the
 * default queue may omit the queue or name it by its real key, so for the default queue every
 * `queue=` rule is dropped; otherwise the `queue` rule is set to the configured queue.
 */
export const normaliseQueryRules = (
  rules: ReadonlyArray<string>,
  queue: string,
): ReadonlyArray<string> => {
  const others = rules.filter((rule) => parseTag(rule)?.[0] !== "queue")
  if (isDefaultQueue(queue)) return others
  const at = rules.findIndex((rule) => parseTag(rule)?.[0] === "queue")
  if (at < 0) return [...others, `queue=${queue}`]
  const result = [...rules]
  result[at] = `queue=${queue}`
  return result.filter((rule, index) => index === at || parseTag(rule)?.[0] !== "queue")
}

/**
 * Whether every tag the job asks for is offered by the controller, with an equal value or
 * the job's wildcard `*`. `resource_class` never takes part. A malformed rule never matches.
 */
export const matchesTags = (
  rules: ReadonlyArray<string>,
  controllerTags: ReadonlyMap<string, string>,
): boolean =>
  rules.every((rule) => {
    const pair = parseTag(rule)
    if (pair === undefined) return false
    const [key, value] = pair
    if (key === resourceClassTag) return true
    const offered = controllerTags.get(key)
    return offered !== undefined && (value === "*" || value === offered)
  })
