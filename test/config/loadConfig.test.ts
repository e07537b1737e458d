import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import { ConfigError } from "../../src/config/ConfigError.ts"
import type { ControllerConfig } from "../../src/config/ControllerConfig.ts"
import { isHelpRequested, loadConfig } from "../../src/config/loadConfig.ts"

const files = (contents: Readonly<Record<string, string>>) => (path: string) =>
  Object.hasOwn(contents, path)
    ? Effect.succeed(contents[path] ?? "")
    : Effect.fail(new Error(`ENOENT: no such file, open '${path}'`))

const load = (options: {
  readonly argv?: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  readonly file?: string
}) =>
  loadConfig({
    argv: options.argv ?? (options.file === undefined ? [] : ["--config", "config.yaml"]),
    env: options.env ?? {},
    readFile: files(options.file === undefined ? {} : { "config.yaml": options.file }),
  })

const loadError = (options: Parameters<typeof load>[0]) =>
  load(options).pipe(
    Effect.flip,
    Effect.map((error) => {
      assert.instanceOf(error, ConfigError)
      return error
    }),
  )

const tags = (config: ControllerConfig) => config.tags.map((tag) => `${tag.key}=${tag.value}`)

describe("loadConfig", () => {
  describe("loadConfig", () => {
    it.effect("uses the defaults when nothing is set", () =>
      Effect.gen(function* () {
        const config = yield* load({})
        assert.strictEqual(config.maxInFlight, 25)
        assert.strictEqual(config.namespace, "default")
        assert.strictEqual(config.jobTtlMillis, 600_000)
        assert.strictEqual(config.podPendingTimeoutMillis, 900_000)
        assert.strictEqual(config.debug, false)
        assert.strictEqual(config.reservationExpirySeconds, 0)
        assert.strictEqual(config.image, "ghcr.io/buildkite/agent:3.136.2")
        assert.deepStrictEqual(config.tags, [])
      }),
    )

    it.effect("lets the file override defaults, including 0 and false", () =>
      Effect.gen(function* () {
        const config = yield* load({
          file: "max-in-flight: 0\nenable-completion-watcher: false\njob-ttl: 30m\npoll-interval: 5s\n",
        })
        assert.strictEqual(config.maxInFlight, 0)
        assert.strictEqual(config.enableCompletionWatcher, false)
        assert.strictEqual(config.jobTtlMillis, 1_800_000)
        assert.strictEqual(config.pollIntervalMillis, 5_000)
      }),
    )

    it.effect("lets env override the file, including 0 and false", () =>
      Effect.gen(function* () {
        const config = yield* load({
          argv: ["-f", "config.yaml"],
          file: "max-in-flight: 10\ndebug: true\nnamespace: from-file\n",
          env: { MAX_IN_FLIGHT: "0", DEBUG: "false", NAMESPACE: "" },
        })
        assert.strictEqual(config.maxInFlight, 0)
        assert.strictEqual(config.debug, false)
        // An empty string variable means "not set": the file's value stays.
        assert.strictEqual(config.namespace, "from-file")
      }),
    )

    it.effect("finds the file through CONFIG", () =>
      Effect.gen(function* () {
        const config = yield* loadConfig({
          argv: [],
          env: { CONFIG: "/etc/config.yaml" },
          readFile: files({ "/etc/config.yaml": "queue: from-config-env" }),
        })
        assert.strictEqual(config.queue, "from-config-env")
      }),
    )

    it.effect("lets flags override env, including --max-in-flight=0 and --debug=false", () =>
      Effect.gen(function* () {
        const config = yield* load({
          argv: ["--max-in-flight=0", "--debug=false", "--job-ttl", "1h"],
          env: { MAX_IN_FLIGHT: "7", DEBUG: "true", JOB_TTL: "5m" },
        })
        assert.strictEqual(config.maxInFlight, 0)
        assert.strictEqual(config.debug, false)
        assert.strictEqual(config.jobTtlMillis, 3_600_000)
      }),
    )

    it.effect("reads a bare boolean flag as true", () =>
      Effect.gen(function* () {
        const config = yield* load({ argv: ["--debug", "--queue", "q"] })
        assert.strictEqual(config.debug, true)
        assert.strictEqual(config.queue, "q")
      }),
    )

    it.effect("sets the id with --id and from BUILDKITE_K8S_STACK_CONTROLLER_ID", () =>
      Effect.gen(function* () {
        assert.strictEqual((yield* load({ argv: ["--id", "my-id"] })).id, "my-id")
        const fromEnv = yield* load({ env: { BUILDKITE_K8S_STACK_CONTROLLER_ID: "env-id" } })
        assert.strictEqual(fromEnv.id, "env-id")
      }),
    )

    it.effect("clears the file's tags with --tags=, and reads TAGS comma-separated", () =>
      Effect.gen(function* () {
        const file = "tags: [queue=a, os=linux]\n"
        assert.deepStrictEqual(
          tags(yield* load({ argv: ["-f", "config.yaml", "--tags="], file })),
          [],
        )
        const fromEnv = yield* load({
          argv: ["-f", "config.yaml"],
          file,
          env: { TAGS: "queue=b, priority=high" },
        })
        assert.deepStrictEqual(tags(fromEnv), ["queue=b", "priority=high"])
        const repeated = yield* load({ argv: ["--tags", "a=1", "--tags=b=2=3"] })
        assert.deepStrictEqual(tags(repeated), ["a=1", "b=2=3"])
      }),
    )

    it.effect("sets the reservation expiry from the file, a flag or env, and rejects 3601", () =>
      Effect.gen(function* () {
        const fromFile = yield* load({ file: "reservation-expiry-seconds: 600" })
        assert.strictEqual(fromFile.reservationExpirySeconds, 600)
        const fromFlag = yield* load({ argv: ["--reservation-expiry-seconds=120"] })
        assert.strictEqual(fromFlag.reservationExpirySeconds, 120)
        const fromEnv = yield* load({ env: { RESERVATION_EXPIRY_SECONDS: "3600" } })
        assert.strictEqual(fromEnv.reservationExpirySeconds, 3600)

        const error = yield* loadError({ argv: ["--reservation-expiry-seconds=3601"] })
        assert.include(
          error.message,
          "reservation-expiry-seconds (from --reservation-expiry-seconds)",
        )
        assert.include(error.message, "between 0 and 3600, got 3601")
      }),
    )

    it.effect("rejects an unknown file key, suggesting the nearest", () =>
      Effect.gen(function* () {
        const error = yield* loadError({ file: "max-in-flght: 3\n" })
        assert.include(
          error.message,
          'unknown key "max-in-flght" at top level; did you mean "max-in-flight"?',
        )
      }),
    )

    it.effect("matches file keys case-insensitively", () =>
      Effect.gen(function* () {
        const config = yield* load({ file: "Max-In-Flight: 3\nAgent-Config:\n  No-Pty: true\n" })
        assert.strictEqual(config.maxInFlight, 3)
        assert.strictEqual(config.agentConfig?.noPty, true)
      }),
    )

    it.effect("rejects unknown flags with a suggestion, and positional arguments", () =>
      Effect.gen(function* () {
        const error = yield* loadError({ argv: ["--max-inflight=3", "stray"] })
        assert.include(error.message, "--max-inflight: unknown flag; did you mean --max-in-flight?")
        assert.include(error.message, "stray: unexpected argument")
      }),
    )

    it.effect("reports every problem from every source at once", () =>
      Effect.gen(function* () {
        const error = yield* loadError({
          file: "job-ttl: 30\nlog-level: loud\ntags: [nokey]\n",
          env: { MAX_IN_FLIGHT: "many" },
          argv: ["-f", "config.yaml", "--pagination-page-size=0"],
        })
        const paths = error.problems.map((problem) => problem.path)
        assert.deepStrictEqual([...paths].sort(), [
          "env MAX_IN_FLIGHT",
          "job-ttl",
          "log-level",
          "pagination-page-size (from --pagination-page-size)",
          "tags[0]",
        ])
        assert.include(error.message, "The configuration has 5 problems:")
        assert.include(error.message, "a bare number is ambiguous")
      }),
    )

    it.effect("reports a missing config file", () =>
      Effect.gen(function* () {
        const error = yield* loadError({ argv: ["--config", "nope.yaml"] })
        assert.include(error.message, "nope.yaml: could not read the config file: ENOENT")
      }),
    )

    it.effect("keeps the agent token Redacted and out of every message", () =>
      Effect.gen(function* () {
        const config = yield* load({ env: { BUILDKITE_AGENT_TOKEN: "s3cr3t-token" } })
        assert.isTrue(
          config.agentToken !== undefined && Redacted.value(config.agentToken) === "s3cr3t-token",
        )
        assert.notInclude(JSON.stringify(config), "s3cr3t-token")
        assert.notInclude(String(config.agentToken), "s3cr3t-token")

        const error = yield* loadError({ file: "agent-token: 987654321\nmax-in-flight: -1\n" })
        assert.notInclude(error.message, "987654321")
        assert.include(
          error.message,
          "agent-token: expected a string (the value is a secret and is not shown)",
        )
      }),
    )

    it.effect("reads agent-token-file into a Redacted token", () =>
      Effect.gen(function* () {
        const config = yield* loadConfig({
          argv: ["--agent-token-file", "/token"],
          env: {},
          readFile: files({ "/token": "file-token\n" }),
        })
        assert.isTrue(
          config.agentToken !== undefined && Redacted.value(config.agentToken) === "file-token",
        )
      }),
    )

    it.effect("loads examples/config.env", () =>
      Effect.gen(function* () {
        const env = Object.fromEntries(
          readFileSync("examples/config.env", "utf8")
            .split("\n")
            .filter((line) => line.includes("=") && !line.startsWith("#"))
            .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
        )
        const config = yield* load({ env })
        assert.strictEqual(config.maxInFlight, 10)
        assert.strictEqual(config.jobTtlMillis, 300_000)
        assert.strictEqual(config.debug, true)
        assert.strictEqual(config.namespace, "buildkite")
        assert.deepStrictEqual(tags(config), ["queue=my-queue", "priority=high"])
      }),
    )

    it.effect("fails with ConfigError as a typed failure", () =>
      Effect.gen(function* () {
        const exit = yield* Effect.exit(load({ argv: ["--debug=maybe"] }))
        assert.isTrue(Exit.isFailure(exit))
      }),
    )
  })

  describe("isHelpRequested", () => {
    it("spots --help and -h", () => {
      assert.isTrue(isHelpRequested(["--help"]))
      assert.isTrue(isHelpRequested(["--debug", "-h"]))
      assert.isFalse(isHelpRequested(["--debug"]))
    })
  })
})
