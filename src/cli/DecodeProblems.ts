/**
 * Renders the decoder's problems as `path: message` lines for the command-line tools.
 */
import type { DecodeProblem } from "../kube/ModelDecoder.ts"

/** `["podSpec", "containers", 0, "image"]` → `podSpec.containers[0].image`. */
export const formatPath = (path: ReadonlyArray<string | number>, prefix = ""): string =>
  path.reduce<string>(
    (text, part) =>
      typeof part === "number" ? `${text}[${part}]` : text === "" ? part : `${text}.${part}`,
    prefix,
  )

/** One problem as a line; a problem at the root has no path. */
export const formatDecodeProblem = (problem: DecodeProblem, prefix = ""): string => {
  const path = formatPath(problem.path, prefix)
  return path === "" ? problem.message : `${path}: ${problem.message}`
}
