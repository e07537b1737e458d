/**
 * The controller's logger: logfmt (default) or JSON lines on stdout, with the
 * level, format and colour options of the original (`log-level`,
 * `log-format`, `debug`, `no-color`).
 *
 * Context goes into annotations, never into the message:
 * `Effect.logInfo("Created Job").pipe(Effect.annotateLogs({ jobUuid }))`.
 */
import { Effect, Layer, Logger, type LogLevel, References } from "effect"
import { formatJson, formatLogfmt } from "./logging/format.ts"
import { makeLogRecord } from "./logging/LogRecord.ts"

/** The plain logging options, as read from the configuration. */
export interface LoggingOptions {
  readonly format: "logfmt" | "json"
  readonly level: "debug" | "info" | "warn" | "error"
  /** Forces the debug level, whatever `level` says. */
  readonly debug: boolean
  /** Disables ANSI colours in logfmt; they are also off when stdout is not a terminal. */
  readonly noColor: boolean
}

/** Where finished lines go; the real layer writes them to stdout. */
export type LineSink = (line: string) => void

const minimumLevel = (options: LoggingOptions): LogLevel.LogLevel => {
  if (options.debug) return "Debug"
  switch (options.level) {
    case "debug":
      return "Debug"
    case "info":
      return "Info"
    case "warn":
      return "Warn"
    case "error":
      return "Error"
  }
}

/** A logger that renders each entry as one line and hands it to `sink`. */
export const makeLogger = (
  options: LoggingOptions,
  sink: LineSink,
  colour: boolean,
): Logger.Logger<unknown, void> =>
  Logger.make(({ cause, date, fiber, logLevel, message }) => {
    const record = makeLogRecord({
      time: date,
      level: logLevel,
      message,
      annotations: fiber.getRef(References.CurrentLogAnnotations),
      spans: fiber.getRef(References.CurrentLogSpans),
      cause,
    })
    sink(options.format === "json" ? formatJson(record) : formatLogfmt(record, { colour }))
  })

/**
 * Installs the logger with lines going to `sink` instead of stdout, and never
 * in colour; for tests and for embedding.
 */
export const layerTo = (options: LoggingOptions, sink: LineSink): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.layer([makeLogger(options, sink, false)]),
    Layer.succeed(References.MinimumLogLevel, minimumLevel(options)),
  )

/** Installs the logger, writing to stdout. */
export const layer = (options: LoggingOptions): Layer.Layer<never> => {
  const colour = !options.noColor && process.stdout.isTTY === true
  const write: LineSink = (line) => {
    process.stdout.write(`${line}\n`)
  }
  return Layer.mergeAll(
    Logger.layer([makeLogger(options, write, colour)]),
    Layer.succeed(References.MinimumLogLevel, minimumLevel(options)),
  )
}

/** Tags every log line of `self` with `component` (`monitor`, `scheduler`, …). */
export const withComponent =
  (component: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.annotateLogs(self, "component", component)
