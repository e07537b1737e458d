import { assert } from "@effect/vitest"
import { Schema } from "effect"

/** The decoded value, or the thrown error's message prefixed with `FAILED:`. */
export const attempt = (schema: Schema.Decoder<unknown>, input: unknown): unknown => {
  try {
    return Schema.decodeUnknownSync(schema)(input)
  } catch (error) {
    return `FAILED: ${error instanceof Error ? error.message : String(error)}`
  }
}

/** The error message of a decode that must fail; throws when it succeeds. */
export const failure = (schema: Schema.Decoder<unknown>, input: unknown): string => {
  const result = attempt(schema, input)
  if (typeof result === "string" && result.startsWith("FAILED: ")) return result.slice(8)
  throw new Error(`expected decoding to fail, got ${JSON.stringify(result)}`)
}

/** Compares decoded JSON with the expected JSON, whatever static types either side has. */
export const assertJson = (actual: unknown, expected: unknown, message?: string): void =>
  assert.deepStrictEqual(actual, expected, message)
