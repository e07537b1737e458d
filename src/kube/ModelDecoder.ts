/**
 * One decoder for every model type, driven by the metadata of `ModelType.ts`. Decoders are
 * compiled once per type and mode into closures over precomputed key tables, because every
 * Buildkite job's plugin runs through them.
 *
 * Modes:
 * - lenient (jobs): behaves like Go's `encoding/json`, which the original controller uses for
 *   the plugin: unknown keys are dropped, keys match case-insensitively with an exact match
 *   preferred, `null` leaves a field unset;
 * - strict (`lint`, the config file): unknown or duplicate keys are errors, with a suggestion;
 * - patch (either of the above, for strategic merge patches): `$patch`, `$retainKeys`,
 *   `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` are kept, `null` is kept
 *   (it deletes the field), and required fields may be missing.
 *
 * The result is plain JSON keyed by the Kubernetes field names; date-times stay strings.
 */
import { modelSpec, type TypeRef } from "./ModelType.ts"
import { nearest } from "./Suggest.ts"
import {
  absent,
  arrayDecoder,
  type Context,
  type DecodeMode,
  type DecodeProblem,
  type Decoder,
  describeValue,
  displayName,
  isObject,
  mapDecoder,
  mismatch,
  report,
  scalarDecoder,
} from "./ValueDecoders.ts"

export type { DecodeMode, DecodeProblem } from "./ValueDecoders.ts"

export const lenient: DecodeMode = { unknownKeys: "drop", patch: false }
export const strict: DecodeMode = { unknownKeys: "error", patch: false }
export const patchLenient: DecodeMode = { unknownKeys: "drop", patch: true }
export const patchStrict: DecodeMode = { unknownKeys: "error", patch: true }

export type DecodeResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problems: ReadonlyArray<DecodeProblem> }

interface CompiledField {
  readonly name: string
  readonly decode: Decoder
}

const directivePatterns: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  { pattern: /^\$retainKeys$/, what: "a list of field names" },
  { pattern: /^\$deleteFromPrimitiveList\/(.+)$/, what: "a list of values to delete" },
  { pattern: /^\$setElementOrder\/(.+)$/, what: "a list giving the element order" },
]

const patchStrategies = ["replace", "merge", "delete"]

/**
 * Checks a strategic-merge-patch directive: its value, `absent` after reporting a bad one, or
 * `undefined` when `key` is no directive.
 */
const decodeDirective = (
  key: string,
  input: unknown,
  fields: ReadonlyMap<string, CompiledField>,
  context: Context,
): unknown => {
  if (key === "$patch") {
    if (typeof input === "string" && patchStrategies.includes(input)) return input
    return report(
      context,
      `expected one of ${patchStrategies.map((name) => `"${name}"`).join(", ")}, got ${describeValue(input)}`,
      key,
    )
  }
  for (const { pattern, what } of directivePatterns) {
    const match = pattern.exec(key)
    if (match === null) continue
    const field = match[1]
    if (field !== undefined && !fields.has(field)) {
      return report(context, `unknown field ${JSON.stringify(field)} in patch directive`, key)
    }
    if (!Array.isArray(input))
      return report(context, `expected ${what}, got ${describeValue(input)}`, key)
    return input
  }
  return undefined
}

const modelDecoder = (name: string, mode: DecodeMode): Decoder => {
  const spec = modelSpec(name)
  if (spec === undefined) throw new Error(`Unknown Kubernetes model type ${JSON.stringify(name)}`)

  const fields = new Map<string, CompiledField>()
  const folded = new Map<string, CompiledField>()
  for (const field of spec.fields) {
    const compiled = { name: field.name, decode: decoderFor(field.type, mode) }
    fields.set(field.name, compiled)
    if (!folded.has(field.name.toLowerCase())) folded.set(field.name.toLowerCase(), compiled)
  }
  const names = [...fields.keys()]
  const required = spec.required
  const strictKeys = mode.unknownKeys === "error"
  const fail = mismatch(`an object (${displayName(name)})`)

  return (input, context) => {
    if (!isObject(input)) return fail(input, context)
    const output: Record<string, unknown> = {}
    const seen = new Set<string>()
    for (const key of Object.keys(input)) {
      const value = input[key]
      let field = fields.get(key)
      if (field === undefined) {
        const directive = mode.patch ? decodeDirective(key, value, fields, context) : undefined
        if (directive !== undefined) {
          if (directive !== absent) output[key] = directive
          continue
        }
        field = folded.get(key.toLowerCase())
        if (field === undefined) {
          if (strictKeys) report(context, unknownKeyMessage(key, names), key)
          continue
        }
        // An exact match wins over any case-insensitive one, whatever the order.
        if (Object.hasOwn(input, field.name)) {
          if (strictKeys) report(context, duplicateMessage(key, field.name), key)
          continue
        }
      }
      if (seen.has(field.name) && strictKeys) {
        report(context, duplicateMessage(key, field.name), key)
        continue
      }
      seen.add(field.name)
      if (value === null) {
        // Go leaves a field untouched for `null`; in a patch, `null` deletes the field.
        if (mode.patch) output[field.name] = null
        continue
      }
      context.path.push(key)
      const decoded = field.decode(value, context)
      context.path.pop()
      if (decoded !== absent) output[field.name] = decoded
    }
    if (!mode.patch) {
      for (const name of required) {
        if (!(name in output)) report(context, `missing required field ${JSON.stringify(name)}`)
      }
    }
    return output
  }
}

const unknownKeyMessage = (key: string, names: ReadonlyArray<string>) => {
  const suggestion = nearest(key, names)
  return suggestion === undefined
    ? `unknown field ${JSON.stringify(key)}`
    : `unknown field ${JSON.stringify(key)}, did you mean ${JSON.stringify(suggestion)}?`
}

const duplicateMessage = (key: string, name: string) =>
  `key ${JSON.stringify(key)} duplicates field ${JSON.stringify(name)} (keys match case-insensitively)`

const caches = new Map<DecodeMode, Map<string, Decoder>>()

const typeKey = (type: TypeRef): string => {
  switch (type.kind) {
    case "array":
    case "map":
    case "patch":
      return `${type.kind}<${typeKey(type.of)}>`
    case "model":
      return `model:${type.name}`
    case "number":
      return `number:${type.format}`
    case "oneOf":
      return `oneOf:${type.what}:${type.values.join(",")}`
    default:
      return type.kind
  }
}

/** The compiled decoder for `type` in `mode`, built once and cached. */
const decoderFor = (type: TypeRef, mode: DecodeMode): Decoder => {
  let cache = caches.get(mode)
  if (cache === undefined) {
    cache = new Map()
    caches.set(mode, cache)
  }
  const key = typeKey(type)
  const cached = cache.get(key)
  if (cached !== undefined) return cached

  // Models may refer to themselves (directly or not), so the cache holds a forwarder first.
  let compiled: Decoder | undefined
  const forward: Decoder = (input, context) => (compiled ?? missingDecoder)(input, context)
  cache.set(key, forward)
  compiled =
    type.kind === "model"
      ? modelDecoder(type.name, mode)
      : type.kind === "array"
        ? arrayDecoder(decoderFor(type.of, mode))
        : type.kind === "map"
          ? mapDecoder(decoderFor(type.of, mode), type.of, mode)
          : type.kind === "patch"
            ? decoderFor(type.of, mode.unknownKeys === "error" ? patchStrict : patchLenient)
            : (scalarDecoder(type) ?? missingDecoder)
  cache.set(key, compiled)
  return compiled
}

const missingDecoder: Decoder = () => {
  throw new Error("A model decoder was used before it was compiled")
}

/** Decodes `input` as `type` in `mode`, returning the plain JSON value or every problem found. */
export const decode = (type: TypeRef, mode: DecodeMode, input: unknown): DecodeResult => {
  const context: Context = { path: [], problems: [] }
  const value = decoderFor(type, mode)(input, context)
  if (context.problems.length > 0) return { ok: false, problems: context.problems }
  return { ok: true, value: value === absent ? undefined : value }
}

/** Decodes `input` as the model called `model` (e.g. `V1PodSpec`). */
export const decodeModel = (model: string, mode: DecodeMode, input: unknown): DecodeResult =>
  decode({ kind: "model", name: model }, mode, input)
