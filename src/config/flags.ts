/**
 * The controller's command-line flags, derived from the option table: the parser
 * (`--flag=value`, `--flag value`, bare boolean flags, repeatable list flags) and `--help`.
 */
import { Result } from "effect"
import { nearest } from "../kube/Suggest.ts"
import type { ConfigProblem } from "./ConfigError.ts"
import { optionEntries } from "./ControllerConfig.ts"
import { formatDefault } from "./formatDefault.ts"
import type { OptionDef } from "./OptionDef.ts"
import { readSourceValue } from "./sourceValue.ts"

export interface FlagValues {
  /** Field name → config-file value. */
  readonly values: Readonly<Record<string, unknown>>
  /** Field name → the flag it came from, for naming it in problems. */
  readonly sources: ReadonlyMap<string, string>
  readonly configFile?: string
  readonly help: boolean
  readonly problems: ReadonlyArray<ConfigProblem>
}

const byFlag = new Map(
  optionEntries.flatMap(([field, def]) =>
    def.flag === undefined ? [] : [[def.flag, { field, def }] as const],
  ),
)
const knownFlags = ["config", "help", ...byFlag.keys()]

/** Splits `--name=value` / `--name` / `-f`; `undefined` for a positional argument. */
const splitFlag = (
  arg: string,
): { readonly name: string; readonly inline?: string } | undefined => {
  const body = arg.startsWith("--")
    ? arg.slice(2)
    : arg.startsWith("-") && arg.length > 1
      ? arg.slice(1)
      : undefined
  if (body === undefined) return undefined
  const at = body.indexOf("=")
  const raw = at < 0 ? body : body.slice(0, at)
  const name = raw === "f" ? "config" : raw === "h" ? "help" : raw
  return at < 0 ? { name } : { name, inline: body.slice(at + 1) }
}

/** Parses the controller's flags (the arguments after the sub-command). */
export const parseFlags = (argv: ReadonlyArray<string>): FlagValues => {
  const values: Record<string, unknown> = {}
  const sources = new Map<string, string>()
  const problems: Array<ConfigProblem> = []
  let configFile: string | undefined
  let help = false

  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? ""
    const flag = splitFlag(arg)
    if (flag === undefined || arg === "--") {
      problems.push({ path: arg, message: "unexpected argument; the controller takes only flags" })
      continue
    }
    const takeValue = (): string | undefined => {
      if (flag.inline !== undefined) return flag.inline
      const next = argv[index + 1]
      if (next === undefined || next.startsWith("-")) return undefined
      index++
      return next
    }
    if (flag.name === "help") {
      help = true
      continue
    }
    if (flag.name === "config") {
      const path = takeValue()
      if (path === undefined || path === "")
        problems.push({ path: "--config", message: "expected a file path" })
      else configFile = path
      continue
    }
    const known = byFlag.get(flag.name)
    if (known === undefined) {
      const suggestion = nearest(flag.name, knownFlags)
      problems.push({
        path: `--${flag.name}`,
        message: `unknown flag${suggestion === undefined ? "" : `; did you mean --${suggestion}?`}`,
      })
      continue
    }
    const { field, def } = known
    // Boolean flags never take the next argument: `--debug` alone means true.
    const text = def.kind === "bool" ? (flag.inline ?? "true") : takeValue()
    if (text === undefined) {
      problems.push({ path: `--${flag.name}`, message: `expected a value (${def.type})` })
      continue
    }
    const value = readSourceValue(def.kind, text, true)
    if (value === undefined) continue
    if (Result.isFailure(value)) {
      problems.push({ path: `--${flag.name}`, message: value.failure })
      continue
    }
    // A list flag given twice accumulates, as in the original; `--tags=` clears.
    const previous = values[field]
    values[field] =
      def.kind === "list" &&
      Array.isArray(previous) &&
      Array.isArray(value.success) &&
      value.success.length > 0
        ? [...previous, ...value.success]
        : value.success
    sources.set(field, `--${flag.name}`)
  }
  const base = { values, sources, help, problems }
  return configFile === undefined ? base : { ...base, configFile }
}

const flagLine = (def: OptionDef): string => {
  const name = `--${def.flag ?? def.key}${def.kind === "bool" ? "" : ` ${def.kind === "list" ? "k=v,…" : def.kind}`}`
  const shownDefault =
    def.default === undefined || def.kind === "bool" ? "" : ` (default ${formatDefault(def)})`
  return `  ${name.padEnd(58)} ${def.description}${shownDefault} [env ${def.env ?? "-"}]`
}

/** The `--help` text of the controller's flags. */
export const helpText = (): string =>
  [
    "Usage: agent-stack-k8s controller [flags]",
    "",
    "Flags override environment variables, which override the config file, which overrides defaults.",
    "",
    `  ${"-f, --config path".padEnd(58)} Config file to load [env CONFIG]`,
    `  ${"-h, --help".padEnd(58)} Show this help`,
    ...optionEntries
      .filter(([, def]) => def.flag !== undefined && def.hidden !== true)
      .map(([, def]) => flagLine(def)),
    "",
  ].join("\n")
