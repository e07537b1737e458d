import { assert, describe, it } from "@effect/vitest"
import { renderTable } from "../../src/podspec/Table.ts"

describe("Table", () => {
  describe("renderTable", () => {
    it("pads every column to its widest cell, under a header and separator", () => {
      const table = renderTable(
        ["CONTAINER", "IMAGE REF", "PARSE ERROR"],
        [
          ["container-0", "Alpine", "repository name must be lowercase"],
          ["agent", "a b", "invalid reference format"],
        ],
      )
      assert.strictEqual(
        table,
        [
          "CONTAINER   | IMAGE REF | PARSE ERROR",
          "------------+-----------+----------------------------------",
          "container-0 | Alpine    | repository name must be lowercase",
          "agent       | a b       | invalid reference format",
        ].join("\n"),
      )
    })

    it("continues a cell with line breaks on the next lines", () => {
      const table = renderTable(["NAME", "ERROR", "X"], [["a", "first\nsecond line", "y"]])
      assert.strictEqual(
        table,
        [
          "NAME | ERROR       | X",
          "-----+-------------+--",
          "a    | first       | y",
          "     | second line |",
        ].join("\n"),
      )
    })

    it("renders only the header and separator without rows", () => {
      assert.strictEqual(renderTable(["A", "BB"], []), "A | BB\n--+---")
    })

    it("fills short rows with empty cells and widens for long ones", () => {
      const table = renderTable(["A"], [["x", "extra"], []])
      assert.strictEqual(table, ["A |", "--+------", "x | extra", "  |"].join("\n"))
    })

    it("counts a non-ASCII character as one column", () => {
      const table = renderTable(["IMAGE", "E"], [["日本", "x"]])
      assert.strictEqual(table, ["IMAGE | E", "------+--", "日本    | x"].join("\n"))
    })
  })
})
