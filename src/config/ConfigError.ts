/**
 * The one error a bad configuration produces: every problem found, each naming the key
 * (its full path, or the flag or environment variable it came from), the value and what
 * was expected.
 */
import { Schema } from "effect"

/** One thing wrong with the configuration. */
export const ConfigProblem = Schema.Struct({
  /** `max-in-flight`, `agent-config.additional-hooks[0].path`, `--max-in-flight`, `env MAX_IN_FLIGHT`, … */
  path: Schema.String,
  /** What is wrong: the value (never a secret's) and what was expected. */
  message: Schema.String,
})
export type ConfigProblem = typeof ConfigProblem.Type

/** Renders one problem as a single line. */
export const formatProblem = (problem: ConfigProblem): string =>
  problem.path === ""
    ? problem.message
    : problem.message === "is required"
      ? `${problem.path} is required`
      : `${problem.path}: ${problem.message}`

/** The configuration could not be loaded; `problems` lists everything that is wrong with it. */
export class ConfigError extends Schema.TaggedError<ConfigError>()("ConfigError", {
  problems: Schema.Array(ConfigProblem),
}) {
  override get message(): string {
    const count = this.problems.length
    const header = `The configuration has ${count} problem${count === 1 ? "" : "s"}:`
    return [header, ...this.problems.map((problem) => `  - ${formatProblem(problem)}`)].join("\n")
  }
}
