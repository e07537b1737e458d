/** Decoding of Secret data into `Redacted` values. */
import { Redacted } from "effect"
import type { Secret } from "./Api.ts"

/** Decodes base64 `data` values (and plain `stringData`) of a Secret, hiding each value. */
export const decodeSecret = (
  name: string,
  data: Readonly<Record<string, string>> | undefined,
  stringData?: Readonly<Record<string, string>>,
): Secret => {
  const values: Record<string, Redacted.Redacted<string>> = {}
  for (const [key, encoded] of Object.entries(data ?? {})) {
    values[key] = Redacted.make(Buffer.from(encoded, "base64").toString("utf8"), { label: key })
  }
  for (const [key, plain] of Object.entries(stringData ?? {})) {
    values[key] = Redacted.make(plain, { label: key })
  }
  return { name, data: values }
}
