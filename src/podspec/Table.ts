/**
 * Plain-text tables for failure messages shown in the Buildkite UI, such as one row per
 * container whose image reference did not parse:
 *
 * ```
 * CONTAINER   | IMAGE REF | PARSE ERROR
 * ------------+-----------+----------------------------------
 * container-0 | Alpine    | repository name must be lowercase
 * ```
 */

/** Display width of a line: code points, so `é` or `日` counts as one column. */
const width = (line: string): number => [...line].length

const pad = (line: string, size: number): string => line + " ".repeat(size - width(line))

const linesOf = (cell: string): Array<string> => cell.split(/\r?\n/)

/**
 * Renders a header row, a separator and the rows, columns padded to their widest line. A
 * cell holding line breaks continues on the following lines, the other columns left blank
 * there. Rows shorter than the header get empty cells; longer rows widen the table.
 */
export const renderTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string => {
  const columns = Math.max(headers.length, ...rows.map((row) => row.length))
  const grid = [headers, ...rows].map((row) =>
    Array.from({ length: columns }, (_, column) => linesOf(row[column] ?? "")),
  )
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...grid.map((row) => Math.max(...(row[column] ?? [""]).map(width)))),
  )

  const renderRow = (row: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
    const height = Math.max(...row.map((cell) => cell.length))
    return Array.from({ length: height }, (_, lineIndex) =>
      row
        .map((cell, column) => pad(cell[lineIndex] ?? "", widths[column] ?? 0))
        .join(" | ")
        .trimEnd(),
    )
  }
  const separator = widths.map((size) => "-".repeat(size)).join("-+-")
  const [header = [], ...body] = grid
  return [...renderRow(header), separator, ...body.flatMap(renderRow)].join("\n")
}
