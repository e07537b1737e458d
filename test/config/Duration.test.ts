import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import fc from "fast-check"
import {
  DurationMillis,
  formatGoDuration,
  formatGoDurationNanos,
  parseGoDuration,
  parseGoDurationNanos,
} from "../../src/config/Duration.ts"

const nanos = (text: string): bigint => {
  const parsed = parseGoDurationNanos(text)
  if (Result.isFailure(parsed)) throw new Error(parsed.failure)
  return parsed.success
}

describe("Duration", () => {
  describe("parseGoDurationNanos", () => {
    it("parses every unit, compounds, fractions and signs", () => {
      assert.strictEqual(nanos("5ns"), 5n)
      assert.strictEqual(nanos("5us"), 5_000n)
      assert.strictEqual(nanos("5µs"), 5_000n)
      assert.strictEqual(nanos("5μs"), 5_000n)
      assert.strictEqual(nanos("500ms"), 500_000_000n)
      assert.strictEqual(nanos("30s"), 30_000_000_000n)
      assert.strictEqual(nanos("5m"), 300_000_000_000n)
      assert.strictEqual(nanos("2h"), 7_200_000_000_000n)
      assert.strictEqual(nanos("1h30m"), 5_400_000_000_000n)
      assert.strictEqual(nanos("1.5s"), 1_500_000_000n)
      assert.strictEqual(nanos(".5s"), 500_000_000n)
      assert.strictEqual(nanos("1.s"), 1_000_000_000n)
      assert.strictEqual(nanos("-1m"), -60_000_000_000n)
      assert.strictEqual(nanos("+1m"), 60_000_000_000n)
      assert.strictEqual(nanos("0"), 0n)
      assert.strictEqual(nanos("-0"), 0n)
    })

    it("rejects malformed text with a reason", () => {
      for (const bad of [
        "",
        "30",
        "1x",
        "s",
        ".s",
        "1h30",
        "--1s",
        "1.2.3s",
        "9223372036854775808ns",
      ]) {
        assert.isTrue(Result.isFailure(parseGoDurationNanos(bad)), bad)
      }
      const missing = parseGoDurationNanos("30")
      assert.isTrue(Result.isFailure(missing) && missing.failure.includes("missing unit"))
    })

    it("accepts the extremes of Go's signed 64-bit range", () => {
      assert.strictEqual(nanos("9223372036854775807ns"), 2n ** 63n - 1n)
      assert.strictEqual(nanos("-9223372036854775808ns"), -(2n ** 63n))
    })
  })

  describe("parseGoDuration", () => {
    it("returns milliseconds, fractional below one millisecond", () => {
      assert.deepStrictEqual(parseGoDuration("10m"), Result.succeed(600_000))
      assert.deepStrictEqual(parseGoDuration("1500ns"), Result.succeed(0.0015))
    })
  })

  describe("formatGoDurationNanos", () => {
    it("formats like Go's time.Duration.String", () => {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["0s", "0s"],
        ["30s", "30s"],
        ["5m", "5m0s"],
        ["1h", "1h0m0s"],
        ["1h30m", "1h30m0s"],
        ["1.5s", "1.5s"],
        ["500ms", "500ms"],
        ["1.5ms", "1.5ms"],
        ["1500ns", "1.5µs"],
        ["7ns", "7ns"],
        ["-90s", "-1m30s"],
        ["2h3m4.000000005s", "2h3m4.000000005s"],
        ["100h", "100h0m0s"],
      ]
      for (const [input, expected] of cases) {
        assert.strictEqual(formatGoDurationNanos(nanos(input)), expected, input)
      }
      assert.strictEqual(formatGoDurationNanos(-(2n ** 63n)), "-2562047h47m16.854775808s")
    })
  })

  describe("formatGoDuration", () => {
    it("formats milliseconds", () => {
      assert.strictEqual(formatGoDuration(600_000), "10m0s")
      assert.strictEqual(formatGoDuration(0.0015), "1.5µs")
    })
  })

  describe("round trips", () => {
    it("parse(format(n)) is n for every 64-bit nanosecond count", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
          const parsed = parseGoDurationNanos(formatGoDurationNanos(n))
          return Result.isSuccess(parsed) && parsed.success === n
        }),
      )
    })

    it("format(parse(s)) is stable for compound strings", () => {
      const component = fc.tuple(
        fc.nat({ max: 999 }),
        fc.constantFrom("ns", "us", "ms", "s", "m", "h"),
      )
      fc.assert(
        fc.property(fc.array(component, { minLength: 1, maxLength: 4 }), (parts) => {
          const text = parts.map(([n, unit]) => `${n}${unit}`).join("")
          const once = formatGoDurationNanos(nanos(text))
          return formatGoDurationNanos(nanos(once)) === once && nanos(once) === nanos(text)
        }),
      )
    })
  })

  describe("DurationMillis", () => {
    const decode = Schema.decodeUnknownExit(DurationMillis)

    it("decodes a Go duration string to milliseconds and a bare zero", () => {
      assert.strictEqual(Schema.decodeUnknownSync(DurationMillis)("1h30m"), 5_400_000)
      assert.strictEqual(Schema.decodeUnknownSync(DurationMillis)(0), 0)
    })

    it("rejects a bare number other than zero, saying why", () => {
      const exit = decode(30)
      assert.isTrue(exit._tag === "Failure")
      assert.include(String(exit), "a bare number is ambiguous")
    })

    it("rejects an unparseable string", () => {
      const exit = decode("ten minutes")
      assert.isTrue(exit._tag === "Failure")
      assert.include(String(exit), 'expected a duration such as "30s"')
    })

    it("encodes milliseconds back to Go text", () => {
      assert.strictEqual(Schema.encodeSync(DurationMillis)(300_000), "5m0s")
    })
  })
})
