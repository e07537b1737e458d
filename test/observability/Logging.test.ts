import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Logging from "../../src/observability/Logging.ts"

const defaults: Logging.LoggingOptions = {
  format: "logfmt",
  level: "info",
  debug: false,
  noColor: true,
}

// Runs `self` with the logger installed and returns the lines it wrote.
const capture = <A, E>(options: Partial<Logging.LoggingOptions>, self: Effect.Effect<A, E>) => {
  const lines: Array<string> = []
  return self.pipe(
    Effect.provide(Logging.layerTo({ ...defaults, ...options }, (line) => lines.push(line))),
    Effect.as(lines),
  )
}

describe("Logging", () => {
  describe("layerTo", () => {
    it.effect("writes logfmt with time, level, message and annotations as keys", () =>
      Effect.gen(function* () {
        const lines = yield* capture(
          {},
          Effect.logInfo("Created Job").pipe(
            Effect.annotateLogs({ jobUuid: "0190-abc" }),
            Logging.withComponent("scheduler"),
          ),
        )

        assert.strictEqual(lines.length, 1)
        assert.match(
          lines[0] ?? "",
          /^time=\d{4}-\d\d-\d\dT[\d:.]+Z level=info msg="Created Job" component=scheduler jobUuid=0190-abc$/,
        )
      }),
    )

    it.effect("writes one JSON object per line with annotations and message fields", () =>
      Effect.gen(function* () {
        const lines = yield* capture(
          { format: "json" },
          Effect.logWarning("Failed to reserve jobs, retrying", { attempt: 2 }).pipe(
            Effect.annotateLogs({ queue: "default" }),
          ),
        )
        const parsed: unknown = JSON.parse(lines[0] ?? "")

        assert.strictEqual(lines.length, 1)
        assert.deepInclude(parsed, {
          level: "warn",
          msg: "Failed to reserve jobs, retrying",
          queue: "default",
          attempt: 2,
        })
        assert.match(String((parsed as { time: unknown }).time), /^\d{4}-\d\d-\d\dT/)
      }),
    )

    it.effect("filters below the configured level", () =>
      Effect.gen(function* () {
        const lines = yield* capture(
          { level: "warn" },
          Effect.gen(function* () {
            yield* Effect.logDebug("Polled no jobs")
            yield* Effect.logInfo("Created Job")
            yield* Effect.logWarning("Failed to create Job, retrying")
            yield* Effect.logError("Gave up creating Job")
          }),
        )

        assert.deepStrictEqual(
          lines.map((line) => line.split(" ")[1]),
          ["level=warn", "level=error"],
        )
      }),
    )

    it.effect("logs debug lines when debug is set, whatever the level", () =>
      Effect.gen(function* () {
        const lines = yield* capture(
          { level: "error", debug: true },
          Effect.logDebug("Polled no jobs"),
        )

        assert.strictEqual(lines.length, 1)
        assert.include(lines[0] ?? "", "level=debug")
      }),
    )

    it.effect("never prints a Redacted value in either format", () =>
      Effect.gen(function* () {
        const secret = Redacted.make("s3cr3t-token")
        const program = Effect.logInfo("Loaded agent token", { token: secret }, [secret]).pipe(
          Effect.annotateLogs({ nested: { token: secret }, direct: secret }),
        )
        const logfmt = yield* capture({}, program)
        const json = yield* capture({ format: "json" }, program)

        for (const line of [...logfmt, ...json]) {
          assert.notInclude(line, "s3cr3t-token")
          assert.include(line, "<redacted>")
        }
        assert.include(logfmt[0] ?? "", "direct=<redacted>")
        assert.deepInclude(JSON.parse(json[0] ?? ""), { token: "<redacted>" })
      }),
    )

    it.effect("adds the failure of a logged cause under error", () =>
      Effect.gen(function* () {
        const lines = yield* capture(
          { format: "json" },
          Effect.logError("Gave up polling", new Error("connection refused")).pipe(
            Effect.andThen(Effect.fail("boom")),
            Effect.catchCause((cause) => Effect.logError("Failed to poll", cause)),
          ),
        )
        const last: unknown = JSON.parse(lines[1] ?? "")

        assert.strictEqual(lines.length, 2)
        assert.deepInclude(JSON.parse(lines[0] ?? ""), { data: "connection refused" })
        assert.include(String((last as { error: unknown }).error), "boom")
      }),
    )
  })
})
