/**
 * Renames the config file's keys to the configuration's field names before decoding.
 *
 * The original matched keys case-insensitively (Go's JSON decoding); this does too, and it
 * rejects unknown keys itself, suggesting the nearest known one. Renaming before decoding
 * (rather than inside the Schema) lets one decoding pass find every problem at once.
 */
import { nearest } from "../kube/Suggest.ts"
import { agentConfigFields } from "./AgentConfig.ts"
import type { ConfigProblem } from "./ConfigError.ts"
import { optionEntries } from "./ControllerConfig.ts"

/** The keys of one level of the file: file key → field name and what lies below it. */
export interface KeySpec {
  readonly fields: ReadonlyMap<string, { readonly field: string; readonly below?: Below }>
}
/** What a value holds: an object of known keys, a list or a map of such values. */
export type Below =
  | { readonly kind: "object"; readonly spec: KeySpec }
  | { readonly kind: "list"; readonly of: Below }
  | { readonly kind: "map"; readonly of: Below }

const spec = (
  pairs: ReadonlyArray<readonly [string, string]>,
  below: Readonly<Record<string, Below>> = {},
): KeySpec => ({
  fields: new Map(
    pairs.map(([field, key]) => {
      const child = below[field]
      return [key, child === undefined ? { field } : { field, below: child }]
    }),
  ),
})

const object = (keySpec: KeySpec): Below => ({ kind: "object", spec: keySpec })

const queueSpec = spec([
  ["queue", "queue"],
  ["tags", "tags"],
  ["maxInFlight", "max-in-flight"],
])
const resourceClassSpec = spec([
  ["resource", "resource"],
  ["podResource", "podResource"],
  ["nodeSelector", "nodeSelector"],
])

/** The file's top level. Nested Kubernetes objects keep their own (camelCase) keys. */
export const configKeySpec: KeySpec = spec(
  optionEntries.map(([field, def]) => [field, def.key]),
  {
    agentConfig: object(spec(agentConfigFields)),
    queues: { kind: "list", of: object(queueSpec) },
    resourceClasses: { kind: "map", of: object(resourceClassSpec) },
  },
)

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const joinPath = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`

const unknownKey = (path: string, key: string, known: ReadonlyArray<string>): ConfigProblem => {
  const suggestion = nearest(key, known)
  const where = path === "" ? "at top level" : `in ${path}`
  return {
    path: joinPath(path, key),
    message:
      `unknown key ${JSON.stringify(key)} ${where}` +
      (suggestion === undefined ? "" : `; did you mean ${JSON.stringify(suggestion)}?`),
  }
}

const renameBelow = (
  value: unknown,
  below: Below,
  path: string,
  problems: Array<ConfigProblem>,
): unknown => {
  switch (below.kind) {
    case "object":
      return isRecord(value) ? renameObject(value, below.spec, path, problems) : value
    case "list":
      return Array.isArray(value)
        ? value.map((item, index) => renameBelow(item, below.of, joinPath(path, index), problems))
        : value
    case "map":
      return isRecord(value)
        ? Object.fromEntries(
            Object.entries(value).map(([key, item]) => [
              key,
              renameBelow(item, below.of, joinPath(path, key), problems),
            ]),
          )
        : value
  }
}

const renameObject = (
  input: Readonly<Record<string, unknown>>,
  keySpec: KeySpec,
  path: string,
  problems: Array<ConfigProblem>,
): Record<string, unknown> => {
  const known = [...keySpec.fields.keys()]
  const byLowerCase = new Map(known.map((key) => [key.toLowerCase(), key]))
  const output: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    const canonical = keySpec.fields.has(key) ? key : byLowerCase.get(key.toLowerCase())
    const entry = canonical === undefined ? undefined : keySpec.fields.get(canonical)
    if (canonical === undefined || entry === undefined) {
      problems.push(unknownKey(path, key, known))
      continue
    }
    output[entry.field] =
      entry.below === undefined
        ? value
        : renameBelow(value, entry.below, joinPath(path, canonical), problems)
  }
  return output
}

/** Renames a parsed config file's keys to field names; unknown keys become problems. */
export const renameFileKeys = (
  input: Readonly<Record<string, unknown>>,
): {
  readonly renamed: Record<string, unknown>
  readonly problems: ReadonlyArray<ConfigProblem>
} => {
  const problems: Array<ConfigProblem> = []
  const renamed = renameObject(input, configKeySpec, "", problems)
  return { renamed, problems }
}

/**
 * Turns a decoding path (field names and indices) back into the file's spelling:
 * `["agentConfig", "additionalHooks", 0, "path"]` is `agent-config.additional-hooks[0].path`.
 */
export const filePath = (segments: ReadonlyArray<PropertyKey>): string => {
  let below: Below | undefined = object(configKeySpec)
  let path = ""
  for (const segment of segments) {
    if (typeof segment === "number") {
      path = joinPath(path, segment)
      below = below?.kind === "list" ? below.of : undefined
      continue
    }
    const name = String(segment)
    if (below?.kind === "map") {
      path = joinPath(path, name)
      below = below.of
      continue
    }
    const level: KeySpec | undefined = below?.kind === "object" ? below.spec : undefined
    const found =
      level === undefined ? undefined : [...level.fields].find(([, entry]) => entry.field === name)
    path = joinPath(path, found?.[0] ?? name)
    below = found?.[1].below
  }
  return path
}
