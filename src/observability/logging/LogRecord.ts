import { Cause, type LogLevel, Predicate, Redacted } from "effect"

/** One log line before it is written: what both formats render. */
export interface LogRecord {
  readonly time: Date
  readonly level: string
  readonly msg: string
  /** Annotations, message arguments, spans and the error, in output order. */
  readonly fields: ReadonlyArray<readonly [string, unknown]>
}

/** Effect's levels in the lower-case words the original's logs use. */
export const levelName = (level: LogLevel.LogLevel): string => {
  switch (level) {
    case "Fatal":
      return "fatal"
    case "Error":
      return "error"
    case "Warn":
      return "warn"
    case "Info":
      return "info"
    case "Debug":
      return "debug"
    default:
      return "trace"
  }
}

const isPlainRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  Predicate.isObject(value) &&
  !Array.isArray(value) &&
  !Redacted.isRedacted(value) &&
  Object.getPrototypeOf(value) === Object.prototype

/**
 * Builds a record from what Effect hands a logger. The first string argument
 * is the message; plain objects among the other arguments contribute their
 * keys (`Effect.logInfo("Created Job", { jobUuid })`), anything else goes
 * under `data`.
 */
export const makeLogRecord = (input: {
  readonly time: Date
  readonly level: LogLevel.LogLevel
  readonly message: unknown
  readonly annotations: Readonly<Record<string, unknown>>
  readonly spans: ReadonlyArray<readonly [label: string, startTime: number]>
  readonly cause: Cause.Cause<unknown>
}): LogRecord => {
  const parts = Array.isArray(input.message) ? input.message : [input.message]
  const first: unknown = parts[0]
  const msg = typeof first === "string" ? first : ""
  const rest = typeof first === "string" ? parts.slice(1) : parts
  const fields: Array<readonly [string, unknown]> = Object.entries(input.annotations)

  const data: Array<unknown> = []
  for (const part of rest) {
    if (isPlainRecord(part)) fields.push(...Object.entries(part))
    else data.push(part)
  }
  if (data.length === 1) fields.push(["data", data[0]])
  else if (data.length > 1) fields.push(["data", data])

  const now = input.time.getTime()
  for (const [label, start] of input.spans) fields.push([label, `${now - start}ms`])

  if (input.cause.reasons.length > 0) fields.push(["error", Cause.pretty(input.cause)])
  return { time: input.time, level: levelName(input.level), msg, fields }
}
