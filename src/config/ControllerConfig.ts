/**
 * The controller's configuration: the Schema derived from the option table, decoding the
 * config-file form (kebab-case keys, Go durations) into camelCase fields with durations in
 * milliseconds. The decoded value is what the rest of the controller and the PodSpec
 * engine read.
 */
import { Schema } from "effect"
import type { BuildConfig } from "../podspec/BuildConfig.ts"
import { crossFieldChecks } from "./crossFieldChecks.ts"
import type { OptionDef } from "./OptionDef.ts"
import { options } from "./options.ts"

type Options = typeof options
type FieldsOf<T extends Record<string, OptionDef>> = { readonly [K in keyof T]: T[K]["field"] }

/** Every option as `[field name, definition]`, in table order. */
export const optionEntries: ReadonlyArray<readonly [string, OptionDef]> = Object.entries(options)

const fields = Object.fromEntries(
  optionEntries.map(([name, def]) => [name, def.field]),
) as FieldsOf<Options>

/**
 * The configuration with camelCase keys (the config file's kebab-case keys are renamed by
 * `fileKeys.ts` first, so every problem is found in one pass), cross-field rules checked.
 */
export const ControllerConfigSchema = Schema.Struct(fields).check(crossFieldChecks)

/** The decoded configuration. */
export type ControllerConfig = typeof ControllerConfigSchema.Type

/** The engine's view of the configuration (a compile-time check that the two agree). */
export const toBuildConfig = (config: ControllerConfig): BuildConfig => config
