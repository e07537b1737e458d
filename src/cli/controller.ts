/**
 * The `controller` sub-command (the default): `--help` prints the flags, `--sandbox` runs
 * the whole pipeline against the in-memory doubles, anything else loads the configuration
 * and runs the controller until a signal or a permanent failure.
 */
import { helpText } from "../config/flags.ts"
import { isHelpRequested } from "../config/loadConfig.ts"

/** The flag that swaps the real APIs for the in-memory doubles. */
export const sandboxFlag = "--sandbox"

/** Runs the controller sub-command with the arguments after it. */
export const runControllerCommand = (argv: ReadonlyArray<string>): void => {
  const rest = argv.filter((arg) => arg !== sandboxFlag)
  if (isHelpRequested(rest)) {
    process.stdout.write(
      `${helpText()}  ${sandboxFlag.padEnd(58)} Run against in-memory Buildkite and Kubernetes doubles, then exit\n`,
    )
    return
  }
  process.stderr.write("The controller is not available in this build yet\n")
  process.exitCode = 1
}
