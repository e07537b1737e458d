/**
 * The description of one configuration option: its config-file key, flag, environment
 * variable, how a flag or variable string is read, the documentation text, and the Schema
 * field that decodes it. Everything else (the config Schema, flags, env, docs, JSON
 * Schema) is derived from a table of these.
 */
import type { Schema } from "effect"

/** How a flag or environment variable string turns into a config-file value. */
export type OptionKind = "string" | "bool" | "int" | "duration" | "list" | "secret" | "structured"

export type OptionGroup =
  | "Controller"
  | "Logging"
  | "Buildkite API and polling"
  | "Kubernetes Jobs"
  | "Images"
  | "Pod spec defaults"
  | "Timeouts and grace periods"
  | "Health, metrics and tracing"
  | "High availability"
  | "Integration tests"

export interface OptionMeta {
  /** The config-file key (kebab-case, as in the original). */
  readonly key: string
  /** The flag without its leading dashes; absent for file-only options. */
  readonly flag?: string
  /** The environment variable; absent for file-only options. */
  readonly env?: string
  readonly kind: OptionKind
  /** The type as the reference shows it. */
  readonly type: string
  /** The unit of a number, if any. */
  readonly unit?: string
  readonly group: OptionGroup
  /** One line for the reference and `--help`. */
  readonly description: string
  /** Absent from `--help` and the generated reference's main table. */
  readonly hidden?: boolean
  /** This project's addition: the original has no such option. */
  readonly added?: boolean
}

export interface OptionDef<F extends Schema.Top = Schema.Top> extends OptionMeta {
  /** The Struct field that decodes the option (with its default or optionality). */
  readonly field: F
  /** The default in its config-file form; absent when the option has none. */
  readonly default?: unknown
}

/** Declares an option that has a default (given in its config-file form). */
export const option = <F extends Schema.Top>(
  meta: OptionMeta,
  field: F,
  defaultValue?: unknown,
): OptionDef<F> =>
  defaultValue === undefined ? { ...meta, field } : { ...meta, field, default: defaultValue }
