/**
 * Helpers that declare the option table's entries tersely: scalar options readable from a
 * flag and an environment variable, and file-only structured options.
 */
import { Result, Schema } from "effect"
import { NonNegativeDurationMillis, parseGoDuration } from "./Duration.ts"
import { positiveOr, withDefault } from "./fields.ts"
import { type OptionMeta, option } from "./OptionDef.ts"

/** A scalar option readable from a flag and an environment variable. */
export const scalar = (
  key: string,
  env: string,
  meta: Omit<OptionMeta, "key" | "flag" | "env">,
): OptionMeta => ({ key, flag: key, env, ...meta })

/** A structured option that only the config file can set. */
export const fileOnly = (key: string, meta: Omit<OptionMeta, "key" | "kind">): OptionMeta => ({
  key,
  kind: "structured",
  ...meta,
})

/** A default written as Go text, in milliseconds (the table only holds valid ones). */
const durationDefaultMillis = (text: string): number => Result.getOrThrow(parseGoDuration(text))

export const envName = (key: string) => key.toUpperCase().replaceAll("-", "_")
export const bool = (key: string, group: OptionMeta["group"], description: string, added = false) =>
  option(
    scalar(key, envName(key), {
      kind: "bool",
      type: "bool",
      group,
      description,
      ...(added ? { added } : {}),
    }),
    withDefault(Schema.Boolean, false),
    false,
  )
export const duration = (
  key: string,
  group: OptionMeta["group"],
  description: string,
  value: string,
  extra: { readonly added?: boolean; readonly zeroMeansDefault?: boolean } = {},
) => {
  const schema = extra.zeroMeansDefault
    ? positiveOr(NonNegativeDurationMillis, durationDefaultMillis(value))
    : NonNegativeDurationMillis
  const added = extra.added ? { added: true } : {}
  return option(
    scalar(key, envName(key), { kind: "duration", type: "duration", group, description, ...added }),
    withDefault(schema, value),
    value,
  )
}
export const int = (
  key: string,
  group: OptionMeta["group"],
  description: string,
  schema: Schema.Codec<number, number>,
  value: number,
  type: string,
  unit?: string,
) =>
  option(
    scalar(key, envName(key), {
      kind: "int",
      type,
      group,
      description,
      ...(unit === undefined ? {} : { unit }),
    }),
    withDefault(schema, value),
    value,
  )
export const str = (
  key: string,
  group: OptionMeta["group"],
  description: string,
  schema: Schema.Codec<string, string>,
  value: string,
  type = "string",
) =>
  option(
    scalar(key, envName(key), { kind: "string", type, group, description }),
    withDefault(schema, value),
    value,
  )
