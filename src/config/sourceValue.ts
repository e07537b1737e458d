/**
 * Reads the string an environment variable or flag carries as the config-file value of an
 * option, by the option's kind. Problems name the variable or flag the text came from.
 */
import { Result } from "effect"
import { parseGoDuration } from "./Duration.ts"
import type { OptionKind } from "./OptionDef.ts"

/** `undefined` means "not set": an empty string, except that `--tags=` clears the tags. */
export type SourceValue = Result.Result<unknown, string> | undefined

const TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"])
const FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"])

/** Reads `text` as a value of `kind`; `clearsList` makes an empty list value explicit. */
export const readSourceValue = (
  kind: OptionKind,
  text: string,
  clearsList: boolean,
): SourceValue => {
  if (text === "" && !(kind === "list" && clearsList)) return undefined
  switch (kind) {
    case "string":
    case "secret":
      return Result.succeed(text)
    case "bool":
      if (TRUE.has(text)) return Result.succeed(true)
      if (FALSE.has(text)) return Result.succeed(false)
      return Result.fail(`expected true or false, got ${JSON.stringify(text)}`)
    case "int":
      return /^[+-]?\d+$/.test(text.trim())
        ? Result.succeed(Number(text.trim()))
        : Result.fail(`expected a whole number, got ${JSON.stringify(text)}`)
    case "duration": {
      const parsed = parseGoDuration(text.trim())
      return Result.isSuccess(parsed)
        ? Result.succeed(text.trim())
        : Result.fail(`expected a duration such as "30s" or "5m", got ${JSON.stringify(text)}`)
    }
    case "list":
      return Result.succeed(
        text
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      )
    case "structured":
      return Result.fail("can only be set in the config file")
  }
}
