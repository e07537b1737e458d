/**
 * Label selectors: the one the controller watches with, and a small matcher for the
 * selector syntax the API server accepts (`k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`), used by the in-memory cluster.
 */

/** Label holding the Buildkite job UUID on every Job and Pod the controller creates. */
export const jobUuidLabel = "buildkite.com/job-uuid"
/** Label naming the controller instance that created the Job (`id` option). */
export const controllerIdLabel = "buildkite.com/controller-id"

/**
 * The selector of the controller's watches: the job-UUID label exists, and the
 * controller-id label equals `id` (or is absent when `id` is empty).
 */
export const controllerSelector = (id: string): string =>
  id === "" ? `${jobUuidLabel},!${controllerIdLabel}` : `${jobUuidLabel},${controllerIdLabel}=${id}`

/**
 * How many job UUIDs one set-based selector names. Each UUID costs 39 bytes of the query
 * string once its comma is percent-encoded (`%2C`), so 150 of them come to about 5.9 KB
 * and, with the path and the other parameters, the request line stays well under the
 * 8 KiB that common proxies and load balancers in front of an API server accept.
 */
export const uuidsPerSelector = 150

/** Selects the Jobs and Pods of the given job UUIDs: `buildkite.com/job-uuid in (a,b)`. */
export const jobUuidIn = (uuids: ReadonlyArray<string>): string =>
  `${jobUuidLabel} in (${uuids.join(",")})`

type Requirement =
  | { readonly op: "exists" | "absent"; readonly key: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: ReadonlyArray<string> }

/** A parsed selector: every requirement must hold. */
export type LabelSelector = ReadonlyArray<Requirement>

/** Splits on commas that are not inside a parenthesised value list. */
const splitTopLevel = (text: string): Array<string> => {
  const parts: Array<string> = []
  let depth = 0
  let current = ""
  for (const char of text) {
    if (char === "(") depth++
    if (char === ")") depth--
    if (char === "," && depth === 0) {
      parts.push(current)
      current = ""
    } else {
      current += char
    }
  }
  parts.push(current)
  return parts.map((part) => part.trim()).filter((part) => part.length > 0)
}

const setPattern = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/

const parseRequirement = (part: string): Requirement | string => {
  const set = setPattern.exec(part)
  if (set !== null) {
    const [, key = "", op = "", list = ""] = set
    const values = list.split(",").map((value) => value.trim())
    return { op: op === "in" ? "in" : "notin", key, values }
  }
  const inequality = part.indexOf("!=")
  if (inequality > 0) {
    return {
      op: "notin",
      key: part.slice(0, inequality).trim(),
      values: [part.slice(inequality + 2).trim()],
    }
  }
  const equality = part.indexOf("=")
  if (equality > 0) {
    const value = part.slice(part.startsWith("==", equality) ? equality + 2 : equality + 1)
    return { op: "in", key: part.slice(0, equality).trim(), values: [value.trim()] }
  }
  if (part.startsWith("!")) return { op: "absent", key: part.slice(1).trim() }
  if (/^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(part)) return { op: "exists", key: part }
  return `unable to parse requirement: ${JSON.stringify(part)}`
}

/** Parses a selector; a string result is the reason it is malformed. */
export const parseLabelSelector = (text: string): LabelSelector | string => {
  const requirements: Array<Requirement> = []
  for (const part of splitTopLevel(text)) {
    const parsed = parseRequirement(part)
    if (typeof parsed === "string") return parsed
    requirements.push(parsed)
  }
  return requirements
}

/** Whether `labels` satisfy every requirement of the selector. */
export const matchesLabels = (
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean =>
  selector.every((requirement) => {
    const value = labels?.[requirement.key]
    if (requirement.op === "exists") return value !== undefined
    if (requirement.op === "absent") return value === undefined
    if (requirement.op === "in") return value !== undefined && requirement.values.includes(value)
    return (
      requirement.op === "notin" && (value === undefined || !requirement.values.includes(value))
    )
  })
