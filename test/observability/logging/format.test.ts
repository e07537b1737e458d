import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { formatJson, formatLogfmt } from "../../../src/observability/logging/format.ts"
import type { LogRecord } from "../../../src/observability/logging/LogRecord.ts"

const record = (fields: LogRecord["fields"], msg = "Created Job"): LogRecord => ({
  time: new Date("2026-01-02T03:04:05.678Z"),
  level: "info",
  msg,
  fields,
})

describe("format", () => {
  describe("formatLogfmt", () => {
    it("quotes values with spaces, quotes, equals signs or newlines", () => {
      const line = formatLogfmt(
        record([
          ["plain", "abc"],
          ["spaced", "a b"],
          ["quoted", 'say "hi"'],
          ["eq", "a=b"],
          ["multi", "line1\nline2"],
          ["empty", ""],
        ]),
        { colour: false },
      )

      assert.strictEqual(
        line,
        'time=2026-01-02T03:04:05.678Z level=info msg="Created Job" plain=abc spaced="a b" ' +
          'quoted="say \\"hi\\"" eq="a=b" multi="line1\\nline2" empty=""',
      )
    })

    it("renders numbers, objects and Redacted values", () => {
      const line = formatLogfmt(
        record(
          [
            ["count", 3],
            ["obj", { a: 1, token: Redacted.make("x") }],
            ["big", 10n],
          ],
          "Reserved",
        ),
        { colour: false },
      )

      assert.strictEqual(
        line,
        'time=2026-01-02T03:04:05.678Z level=info msg=Reserved count=3 obj="{\\"a\\":1,\\"token\\":\\"<redacted>\\"}" big=10',
      )
    })

    it("colours only the level, and only when asked", () => {
      const coloured = formatLogfmt(record([]), { colour: true })

      assert.include(coloured, "level=\u001b[32minfo\u001b[0m ")
      assert.notInclude(formatLogfmt(record([]), { colour: false }), "\u001b[")
    })
  })

  describe("formatJson", () => {
    it("keeps time, level and msg from being overwritten by fields", () => {
      const parsed: unknown = JSON.parse(
        formatJson(
          record([
            ["msg", "other"],
            ["jobUuid", "u1"],
          ]),
        ),
      )

      assert.deepStrictEqual(parsed, {
        time: "2026-01-02T03:04:05.678Z",
        level: "info",
        msg: "Created Job",
        jobUuid: "u1",
      })
    })
  })
})
