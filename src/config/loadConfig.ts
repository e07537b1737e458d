/**
 * Loads the configuration: defaults, then the YAML config file (`--config`, `-f` or
 * `CONFIG`), then environment variables, then flags. Only keys a source sets override the
 * ones before it; then everything is decoded and checked at once.
 */
import { readFile } from "node:fs/promises"
import { Effect, Redacted, Result } from "effect"
import { parse as parseYaml } from "yaml"
import { ConfigError, type ConfigProblem } from "./ConfigError.ts"
import { type ControllerConfig, optionEntries } from "./ControllerConfig.ts"
import { decodeRenamed } from "./decodeConfig.ts"
import { readEnv } from "./env.ts"
import { renameFileKeys } from "./fileKeys.ts"
import { parseFlags } from "./flags.ts"

/** Reads a file's text; its failure's message is shown to the user. */
export type FileReader = (path: string) => Effect.Effect<string, unknown>

/** Where the configuration comes from. */
export interface ConfigSources {
  /** The arguments after the sub-command. */
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string | undefined>>
  readonly readFile: FileReader
}

/** Reads files from the local file system. */
export const nodeFileReader: FileReader = (path) => Effect.tryPromise(() => readFile(path, "utf8"))

const describe = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  return cause instanceof Error ? cause.message : String(cause)
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Parses the config file's YAML; later duplicate keys win, as they did in the original. */
const parseFile = (
  path: string,
  text: string,
): Result.Result<Readonly<Record<string, unknown>>, ConfigProblem> => {
  try {
    const parsed: unknown = parseYaml(text, { uniqueKeys: false })
    if (parsed === null || parsed === undefined) return Result.succeed({})
    return isRecord(parsed)
      ? Result.succeed(parsed)
      : Result.fail({ path, message: "expected the config file to hold a mapping of keys" })
  } catch (error) {
    return Result.fail({ path, message: `invalid YAML: ${describe(error)}` })
  }
}

/** Names the flag or variable a problem's value came from, when it did not come from the file. */
const withSource =
  (sources: ReadonlyMap<string, string>, keyOf: (field: string) => string | undefined) =>
  (problem: ConfigProblem): ConfigProblem => {
    for (const [field, source] of sources) {
      const key = keyOf(field)
      if (key === undefined) continue
      if (
        problem.path === key ||
        problem.path.startsWith(`${key}[`) ||
        problem.path.startsWith(`${key}.`)
      ) {
        return { ...problem, path: `${problem.path} (from ${source})` }
      }
    }
    return problem
  }

/** Whether `argv` asks for help; the caller prints `helpText()` instead of loading. */
export const isHelpRequested = (argv: ReadonlyArray<string>): boolean => parseFlags(argv).help

/** Loads, merges, decodes and checks the configuration, reporting every problem at once. */
export const loadConfig = Effect.fnUntraced(function* (sources: ConfigSources) {
  const flags = parseFlags(sources.argv)
  const env = readEnv(sources.env)
  const problems: Array<ConfigProblem> = [...flags.problems, ...env.problems]

  let fileValues: Readonly<Record<string, unknown>> = {}
  const configPath = flags.configFile ?? env.configFile
  if (configPath !== undefined) {
    const text = yield* Effect.result(sources.readFile(configPath))
    if (Result.isFailure(text)) {
      problems.push({
        path: configPath,
        message: `could not read the config file: ${describe(text.failure)}`,
      })
    } else {
      const parsed = parseFile(configPath, text.success)
      if (Result.isFailure(parsed)) problems.push(parsed.failure)
      else {
        const { renamed, problems: keyProblems } = renameFileKeys(parsed.success)
        fileValues = renamed
        problems.push(...keyProblems)
      }
    }
  }

  const merged = { ...fileValues, ...env.values, ...flags.values }
  const decoded = decodeRenamed(merged)
  const fromSource = withSource(new Map([...env.sources, ...flags.sources]), keyOfField)
  if (Result.isFailure(decoded)) problems.push(...decoded.failure.map(fromSource))
  if (problems.length > 0 || Result.isFailure(decoded)) {
    return yield* new ConfigError({ problems })
  }

  return yield* readTokenFile(decoded.success, sources.readFile)
})

const keyOfField = (field: string): string | undefined => fieldKeys.get(field)

const fieldKeys = new Map(optionEntries.map(([field, def]) => [field, def.key]))

/** Reads `agent-token-file` into `agentToken`, keeping the content `Redacted`. */
const readTokenFile = (
  config: ControllerConfig,
  reader: FileReader,
): Effect.Effect<ControllerConfig, ConfigError> => {
  const path = config.agentTokenFile
  if (path === undefined) return Effect.succeed(config)
  return reader(path).pipe(
    Effect.mapError(
      (error) =>
        new ConfigError({
          problems: [
            {
              path: "agent-token-file",
              message: `could not read ${JSON.stringify(path)}: ${describe(error)}`,
            },
          ],
        }),
    ),
    Effect.flatMap((text) =>
      text.trim() === ""
        ? Effect.fail(
            new ConfigError({
              problems: [{ path: "agent-token-file", message: `${JSON.stringify(path)} is empty` }],
            }),
          )
        : Effect.succeed({
            ...config,
            agentToken: Redacted.make(text.trim(), { label: "agent-token" }),
          }),
    ),
  )
}
