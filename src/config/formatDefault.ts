/** How an option's default is shown in `--help` and the reference. */
import type { OptionDef } from "./OptionDef.ts"

export const formatDefault = (def: OptionDef): string => {
  const value = def.default
  if (value === undefined) return "unset"
  if (Array.isArray(value)) return value.length === 0 ? "[]" : JSON.stringify(value)
  if (value === "") return '""'
  return String(value)
}
