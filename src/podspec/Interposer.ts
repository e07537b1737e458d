/**
 * Interposers turn a container's `command` and `args` into the text of `BUILDKITE_COMMAND`,
 * which the agent's bootstrap runs with a shell inside that container.
 */
import type { Interposer } from "./BuildConfig.ts"
import { shellQuoteJoin } from "./ShellQuote.ts"

/** Every interposer a pipeline or the configuration may name. */
export const interposers: ReadonlyArray<Interposer> = ["buildkite", "vector", "legacy"]

/** Whether a string names an interposer (the empty string counts: it means `buildkite`). */
export const isInterposer = (value: string): value is Interposer | "" =>
  value === "" || interposers.some((name) => name === value)

/**
 * Builds the command text for one container.
 *
 * - `buildkite` (also the empty string): each element of `command` is one line of a script;
 *   shell-quoted `args` are appended to the last line.
 * - `vector`: `command` followed by `args` is one argv, every element shell-quoted.
 * - `legacy`: `command` followed by `args` joined with single spaces, nothing quoted.
 */
export const interpose = (
  interposer: Interposer | "",
  command: ReadonlyArray<string>,
  args: ReadonlyArray<string>,
): string => {
  switch (interposer) {
    case "":
    case "buildkite": {
      const script = command.join("\n")
      if (args.length === 0) return script
      // With no command lines the quoted args are the whole script: no leading space.
      return script === "" ? shellQuoteJoin(args) : `${script} ${shellQuoteJoin(args)}`
    }
    case "vector":
      return shellQuoteJoin([...command, ...args])
    case "legacy":
      return [...command, ...args].join(" ")
  }
}
