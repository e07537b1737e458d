import { Redacted } from "effect"
import type { LogRecord } from "./LogRecord.ts"

// JSON.stringify already turns a nested Redacted into "<redacted>" through its
// toJSON; bigints have no JSON form, so they become strings.
const replacer = (_key: string, value: unknown): unknown =>
  typeof value === "bigint" ? value.toString() : value

/** Renders any value as text, never revealing a Redacted value. */
export const valueText = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === undefined) return "undefined"
  if (Redacted.isRedacted(value)) return String(value)
  if (value instanceof Error) return value.message
  if (typeof value === "object" && value !== null) return JSON.stringify(value, replacer) ?? ""
  return String(value)
}

// logfmt quotes a value when it is empty or holds a space, `=`, a quote or a
// control character, so a reader can split lines on spaces.
const needsQuotes = /[\s="\\\p{Cc}]/u

const logfmtValue = (text: string): string =>
  text.length > 0 && !needsQuotes.test(text) ? text : JSON.stringify(text)

// Keys cannot carry spaces, `=` or quotes in logfmt.
const logfmtKey = (key: string): string => key.replace(/[\s="]/g, "_")

const levelColours: Readonly<Record<string, string>> = {
  debug: "\u001b[34m",
  info: "\u001b[32m",
  warn: "\u001b[33m",
  error: "\u001b[31m",
  fatal: "\u001b[35m",
}

const colourLevel = (level: string): string => {
  const code = levelColours[level]
  return code === undefined ? level : `${code}${level}\u001b[0m`
}

/** `time=… level=info msg="Created Job" component=scheduler jobUuid=…`; one line. */
export const formatLogfmt = (record: LogRecord, options: { readonly colour: boolean }): string => {
  const level = options.colour ? colourLevel(record.level) : record.level
  const head = `time=${record.time.toISOString()} level=${level} msg=${logfmtValue(record.msg)}`
  const tail = record.fields.map(
    ([key, value]) => `${logfmtKey(key)}=${logfmtValue(valueText(value))}`,
  )
  return tail.length === 0 ? head : `${head} ${tail.join(" ")}`
}

/** One JSON object: `time`, `level`, `msg`, then the fields; one line. */
export const formatJson = (record: LogRecord): string => {
  const object: Record<string, unknown> = {
    time: record.time.toISOString(),
    level: record.level,
    msg: record.msg,
  }
  for (const [key, value] of record.fields) {
    // The three fixed keys win over an annotation of the same name, so the
    // line always parses the same way.
    if (key === "time" || key === "level" || key === "msg") continue
    if (Redacted.isRedacted(value)) object[key] = String(value)
    else if (value instanceof Error) object[key] = value.message
    else object[key] = value
  }
  return JSON.stringify(object, replacer)
}
