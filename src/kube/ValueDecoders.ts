/**
 * Decoders for scalars, lists and maps, the leaves and containers of `ModelDecoder.ts`. Each
 * returns the decoded value, or `absent` after reporting a problem at the current path (or
 * when the value means "not set").
 */
import type { TypeRef } from "./ModelType.ts"
import { quantityError } from "./Quantity.ts"

// Enough to fix a pipeline in one go without flooding a Buildkite annotation.
export const maxProblems = 20

export const absent: unique symbol = Symbol("absent")

export type Path = Array<string | number>

/** A problem found in the input, at a path of keys and list indexes. */
export interface DecodeProblem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** Which of the decoding rules apply; see `ModelDecoder.ts`. */
export interface DecodeMode {
  readonly unknownKeys: "drop" | "error"
  readonly patch: boolean
}

export interface Context {
  readonly path: Path
  readonly problems: Array<DecodeProblem>
}

export type Decoder = (input: unknown, context: Context) => unknown

export const report = (context: Context, message: string, key?: string | number): typeof absent => {
  if (context.problems.length < maxProblems) {
    const path = key === undefined ? [...context.path] : [...context.path, key]
    context.problems.push({ path, message })
  }
  return absent
}

export const isObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

/** How a value reads in an error message: `the number 42`, `the string "x"`, `a list`. */
export const describeValue = (input: unknown): string => {
  if (input === null) return "null"
  if (Array.isArray(input)) return "a list"
  switch (typeof input) {
    case "string":
      return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`
    case "number":
    case "boolean":
      return `the ${typeof input} ${String(input)}`
    case "object":
      return "an object"
    default:
      return `a value of type ${typeof input}`
  }
}

/** A model's name as a reader knows it: `V1Container` reads `Container`. */
export const displayName = (model: string): string => model.replace(/^(?:[A-Z][a-z]+)?V\d+/, "")

export const mismatch = (expected: string) => (input: unknown, context: Context) =>
  report(context, `expected ${expected}, got ${describeValue(input)}`)

const int32 = (value: number) => value >= -(2 ** 31) && value < 2 ** 31

const numberDecoder = (format: string): Decoder => {
  const integer = format === "int32" || format === "int64"
  const expected = integer ? `an integer (${format})` : "a number"
  const fail = mismatch(expected)
  return (input, context) => {
    if (typeof input !== "number" || !Number.isFinite(input)) return fail(input, context)
    if (integer && !Number.isInteger(input)) return fail(input, context)
    if (format === "int32" && !int32(input)) return fail(input, context)
    return input
  }
}

export const scalarDecoder = (type: TypeRef): Decoder | undefined => {
  switch (type.kind) {
    case "string": {
      const fail = mismatch("a string")
      return (input, context) => (typeof input === "string" ? input : fail(input, context))
    }
    case "boolean": {
      const fail = mismatch("a boolean")
      return (input, context) => (typeof input === "boolean" ? input : fail(input, context))
    }
    case "number":
      return numberDecoder(type.format)
    case "any":
      return (input) => input
    case "date": {
      const fail = mismatch("an RFC 3339 date-time string")
      return (input, context) =>
        typeof input === "string" && !Number.isNaN(Date.parse(input)) ? input : fail(input, context)
    }
    case "intOrString": {
      const fail = mismatch("an integer or a string")
      return (input, context) =>
        typeof input === "string" || (Number.isInteger(input) && int32(Number(input)))
          ? input
          : fail(input, context)
    }
    case "quantity": {
      const fail = mismatch('a quantity (a string such as "500m" or "128Mi", or a number)')
      return (input, context) => {
        const text =
          typeof input === "string"
            ? input
            : typeof input === "number" && Number.isFinite(input)
              ? String(input)
              : undefined
        if (text === undefined) return fail(input, context)
        const error = quantityError(text)
        return error === undefined ? text : report(context, error)
      }
    }
    case "oneOf": {
      const fail = mismatch("a string")
      const choices = `[${type.values.join(" ")}]`
      // The empty string means "not set", as in the original's configuration.
      return (input, context) => {
        if (typeof input !== "string") return fail(input, context)
        if (input === "") return absent
        if (type.values.includes(input)) return input
        return report(
          context,
          `invalid ${type.what} ${JSON.stringify(input)}, must be one of: ${choices}`,
        )
      }
    }
    default:
      return undefined
  }
}

export const arrayDecoder = (element: Decoder): Decoder => {
  const fail = mismatch("a list")
  return (input, context) => {
    if (!Array.isArray(input)) return fail(input, context)
    const output: Array<unknown> = []
    for (let index = 0; index < input.length; index++) {
      context.path.push(index)
      const value = element(input[index], context)
      context.path.pop()
      if (value !== absent) output.push(value)
    }
    return output
  }
}

export const mapDecoder = (value: Decoder, type: TypeRef, mode: DecodeMode): Decoder => {
  const fail = mismatch("an object (a map)")
  // Go decodes a `null` map value as the element's zero value; YAML writes `key:` as null.
  const nullValue = mode.patch ? null : type.kind === "string" ? "" : absent
  return (input, context) => {
    if (!isObject(input)) return fail(input, context)
    const entries: Array<[string, unknown]> = []
    for (const key of Object.keys(input)) {
      const raw = input[key]
      context.path.push(key)
      const decoded = raw === null && nullValue !== absent ? nullValue : value(raw, context)
      context.path.pop()
      if (decoded !== absent) entries.push([key, decoded])
    }
    // fromEntries defines own properties, so a key like `__proto__` stays plain data.
    return Object.fromEntries(entries)
  }
}
