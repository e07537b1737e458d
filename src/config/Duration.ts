/**
 * Go-style durations (`30s`, `5m`, `1h30m`, `1.5s`, `500ms`) as the original controller's
 * config file, flags and environment variables spell them.
 *
 * Parsing works on nanoseconds held in a `bigint`, exactly as Go's `time.ParseDuration`
 * accepts them (including the signed 64-bit range), so formatting a parsed value gives
 * back Go's `time.Duration.String()` text. The configuration carries durations as
 * milliseconds in a `number`; sub-millisecond values keep their precision as a fraction
 * (`1500ns` is `0.0015` ms).
 */
import { Effect, Result, Schema, type SchemaAST, SchemaGetter, SchemaIssue } from "effect"

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 MICRO SIGN
  μs: 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}

const MAX_NANOS = 2n ** 63n - 1n

/** One number-with-unit component: integer part, optional fraction, unit letters. */
const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]+)/

/** Parses a Go duration string into nanoseconds, or explains what is wrong with it. */
export const parseGoDurationNanos = (text: string): Result.Result<bigint, string> => {
  let rest = text
  let negative = false
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-")
    rest = rest.slice(1)
  }
  // Go accepts a bare zero (signed or not) without a unit, and nothing else unit-less.
  if (rest === "0") return Result.succeed(0n)
  if (rest === "") return Result.fail(`invalid duration ${JSON.stringify(text)}`)

  let total = 0n
  while (rest !== "") {
    const match = COMPONENT.exec(rest)
    const [whole = "", intPart = "", fracPart = "", unit = ""] = match ?? []
    if (match === null) {
      return Result.fail(`missing unit in duration ${JSON.stringify(text)}`)
    }
    if (intPart === "" && fracPart === "") {
      return Result.fail(`invalid duration ${JSON.stringify(text)}`)
    }
    const perUnit = NANOS_PER_UNIT[unit]
    if (perUnit === undefined) {
      return Result.fail(`unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`)
    }
    // Fractions are exact: scale the decimal digits by the unit, truncating below 1ns as Go does.
    const scale = 10n ** BigInt(fracPart.length)
    const nanos = BigInt(intPart || "0") * perUnit + (BigInt(fracPart || "0") * perUnit) / scale
    total += nanos
    if (total > MAX_NANOS + (negative ? 1n : 0n)) {
      return Result.fail(`invalid duration ${JSON.stringify(text)}: out of range`)
    }
    rest = rest.slice(whole.length)
  }
  return Result.succeed(negative ? -total : total)
}

/** Parses a Go duration string into milliseconds (fractional below one millisecond). */
export const parseGoDuration = (text: string): Result.Result<number, string> =>
  Result.map(parseGoDurationNanos(text), nanosToMillis)

/** Converts nanoseconds to (possibly fractional) milliseconds. */
export const nanosToMillis = (nanos: bigint): number =>
  Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6

/** Converts milliseconds to whole nanoseconds, rounding to the nearest nanosecond. */
export const millisToNanos = (millis: number): bigint => {
  const whole = Math.trunc(millis)
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((millis - whole) * 1e6))
}

/** `value / 10^digits` with the fraction's trailing zeros dropped (no dot when it is zero). */
const withFraction = (value: bigint, digits: number): string => {
  const scale = 10n ** BigInt(digits)
  const fraction = (value % scale).toString().padStart(digits, "0").replace(/0+$/, "")
  return `${value / scale}${fraction === "" ? "" : `.${fraction}`}`
}

/** Formats nanoseconds exactly as Go's `time.Duration.String()` does. */
export const formatGoDurationNanos = (nanos: bigint): string => {
  if (nanos === 0n) return "0s"
  const sign = nanos < 0n ? "-" : ""
  const u = nanos < 0n ? -nanos : nanos

  if (u < 1_000n) return `${sign}${u}ns`
  if (u < 1_000_000n) return `${sign}${withFraction(u, 3)}µs`
  if (u < 1_000_000_000n) return `${sign}${withFraction(u, 6)}ms`

  const seconds = `${withFraction(u % 60_000_000_000n, 9)}s`
  const totalMinutes = u / 60_000_000_000n
  if (totalMinutes === 0n) return `${sign}${seconds}`
  const minutes = `${totalMinutes % 60n}m`
  const hours = totalMinutes / 60n
  return `${sign}${hours === 0n ? "" : `${hours}h`}${minutes}${seconds}`
}

/** Formats milliseconds as Go's `time.Duration.String()` would (`30s`, `5m0s`, `1h0m0s`). */
export const formatGoDuration = (millis: number): string =>
  formatGoDurationNanos(millisToNanos(millis))

const durationIssue = (input: unknown, message: string, options: SchemaAST.ParseOptions) =>
  new SchemaIssue.InvalidValue({ message }, input, options)

/**
 * A Go duration in the encoded form, milliseconds once decoded. A bare `0` is accepted (it
 * is unambiguous); any other bare number is rejected, because the original read it as
 * nanoseconds, which nobody means when writing `30`.
 */
export const DurationMillis = Schema.Union([Schema.String, Schema.Number]).pipe(
  Schema.decodeTo(Schema.Number, {
    decode: SchemaGetter.transformEffect((input: string | number, options) => {
      if (typeof input === "number") {
        return input === 0
          ? Effect.succeed(0)
          : Effect.fail(
              durationIssue(
                input,
                `expected a duration such as "30s" or "5m"; a bare number is ambiguous, got ${input}`,
                options,
              ),
            )
      }
      const parsed = parseGoDuration(input.trim())
      return Result.isSuccess(parsed)
        ? Effect.succeed(parsed.success)
        : Effect.fail(
            durationIssue(
              input,
              `expected a duration such as "30s", "5m" or "1h30m" (units ns, us, ms, s, m, h); ${parsed.failure}`,
              options,
            ),
          )
    }),
    encode: SchemaGetter.transform((millis: number) => formatGoDuration(millis)),
  }),
  Schema.annotate({ expected: 'a duration such as "30s" or "5m"' }),
)

/** A duration that must not be negative. */
export const NonNegativeDurationMillis = DurationMillis.check(
  Schema.makeFilter((millis: number) => millis >= 0 || "expected a duration of zero or more"),
)
