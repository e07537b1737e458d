/**
 * The `controller` sub-command (the default): `--help` prints the flags, `--sandbox` runs
 * the whole pipeline against the in-memory doubles, anything else loads the configuration
 * and runs the controller until a signal or a permanent failure. Every failure exits
 * non-zero; a second SIGINT/SIGTERM during shutdown exits at once.
 */
import { runMain } from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { helpText } from "../config/flags.ts"
import { isHelpRequested, loadConfig, nodeFileReader } from "../config/loadConfig.ts"
import { controllerProgram } from "../controller/Main.ts"
import { runSandbox } from "../sandbox/Sandbox.ts"

/** The flag that swaps the real APIs for the in-memory doubles. */
export const sandboxFlag = "--sandbox"

/** Exit status of a start-up or configuration failure. */
const failureExitCode = 1

/** After the first signal starts shutdown, a second one ends the process at once. */
const exitOnSecondSignal = () => {
  const second = () => process.exit(130)
  const arm = () => {
    process.once("SIGINT", second)
    process.once("SIGTERM", second)
  }
  process.once("SIGINT", arm)
  process.once("SIGTERM", arm)
}

const describeFailure = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error
    ? String((error as { message: unknown }).message)
    : String(error)

/** Runs the controller sub-command with the arguments after it. */
export const runControllerCommand = (argv: ReadonlyArray<string>): void => {
  const sandbox = argv.includes(sandboxFlag)
  const rest = argv.filter((arg) => arg !== sandboxFlag)
  if (isHelpRequested(rest)) {
    process.stdout.write(
      `${helpText()}  ${sandboxFlag.padEnd(58)} Run against in-memory Buildkite and Kubernetes doubles, then exit\n`,
    )
    return
  }
  if (sandbox) {
    runMain(runSandbox)
    return
  }
  exitOnSecondSignal()
  const program = Effect.gen(function* () {
    const config = yield* loadConfig({ argv: rest, env: process.env, readFile: nodeFileReader })
    return yield* controllerProgram(config)
  }).pipe(
    Effect.catch((error) =>
      Effect.sync(() => {
        process.stderr.write(`agent-stack-k8s: ${describeFailure(error)}\n`)
        process.exitCode = failureExitCode
      }),
    ),
  )
  runMain(program)
}
