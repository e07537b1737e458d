import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { shellQuote, shellQuoteJoin } from "../../src/podspec/ShellQuote.ts"

describe("ShellQuote", () => {
  describe("shellQuote", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["", "''"],
      ["plain", "plain"],
      ["a=b=c", "a=b=c"],
      ["path/to-file_1.txt", "path/to-file_1.txt"],
      ["$HOME", "\\$HOME"],
      ["it's", "it\\'s"],
      ["a;b|c&d", "a\\;b\\|c\\&d"],
      ["(x)<y>*?!", "\\(x\\)\\<y\\>\\*\\?\\!"],
      ['"q"`b`\\', '\\"q\\"\\`b\\`\\\\'],
      ["{a}[b]", "\\{a}\\[b]"],
      ["~/dir", "\\~/dir"],
      ["a~b", "a~b"],
      ["five six", "'five six'"],
      ["tab\there", "'tab\there'"],
      ["line\nbreak", "'line\nbreak'"],
      ["$HOME is here", "'$HOME is here'"],
      ["it's a", "'it'\\''s a'"],
      ["'leading quote", "\\''leading quote'"],
      ["trailing quote'", "'trailing quote'\\'"],
      ["a''b c", "'a'\\'\\''b c'"],
      ["~ x", "'~ x'"],
      ["héllo wörld", "'héllo wörld'"],
      ["日本$", "日本\\$"],
    ]
    for (const [word, quoted] of cases) {
      it(`quotes ${JSON.stringify(word)} as ${JSON.stringify(quoted)}`, () => {
        assert.strictEqual(shellQuote(word), quoted)
      })
    }

    it("leaves words of safe characters unchanged", () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Za-z0-9_.,:=+%@/-]+$/), (word) => {
          assert.strictEqual(shellQuote(word), word)
        }),
      )
    })
  })

  describe("shellQuoteJoin", () => {
    it("quotes each word and joins them with spaces", () => {
      assert.strictEqual(
        shellQuoteJoin(["nine", "eleven twelve", "", "$x"]),
        "nine 'eleven twelve' '' \\$x",
      )
    })

    it("returns the empty string for no words", () => {
      assert.strictEqual(shellQuoteJoin([]), "")
    })
  })
})
