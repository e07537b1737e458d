/**
 * Reads the options that have an environment variable. An empty variable means "not set",
 * so a value from the config file stays in force.
 */
import { Result } from "effect"
import type { ConfigProblem } from "./ConfigError.ts"
import { optionEntries } from "./ControllerConfig.ts"
import { readSourceValue } from "./sourceValue.ts"

/** The environment variable naming the config file. */
export const configFileEnv = "CONFIG"

export interface EnvValues {
  /** Field name → config-file value. */
  readonly values: Readonly<Record<string, unknown>>
  /** Field name → the variable it came from, for naming it in problems. */
  readonly sources: ReadonlyMap<string, string>
  readonly configFile?: string
  readonly problems: ReadonlyArray<ConfigProblem>
}

export const readEnv = (env: Readonly<Record<string, string | undefined>>): EnvValues => {
  const values: Record<string, unknown> = {}
  const sources = new Map<string, string>()
  const problems: Array<ConfigProblem> = []
  for (const [field, def] of optionEntries) {
    const text = def.env === undefined ? undefined : env[def.env]
    if (def.env === undefined || text === undefined) continue
    const value = readSourceValue(def.kind, text, false)
    if (value === undefined) continue
    if (Result.isFailure(value)) {
      problems.push({ path: `env ${def.env}`, message: value.failure })
      continue
    }
    values[field] = value.success
    sources.set(field, `env ${def.env}`)
  }
  const configFile = env[configFileEnv]
  return configFile === undefined || configFile === ""
    ? { values, sources, problems }
    : { values, sources, problems, configFile }
}
