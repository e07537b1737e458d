/**
 * Sub-command dispatch for the `agent-stack-k8s` binary.
 */
import { Effect } from "effect"
import { nodeFileReader } from "../config/loadConfig.ts"
import { version } from "../version.ts"
import { runControllerCommand } from "./controller.ts"
import { lint } from "./lint.ts"
import { render } from "./render.ts"

const usage = `agent-stack-k8s ${version}: runs Buildkite jobs as Kubernetes Jobs

Usage:
  agent-stack-k8s [controller] [flags]   run the controller (the default)
  agent-stack-k8s render [flags]         print the Kubernetes Job built for a job (dry run)
  agent-stack-k8s lint <pipeline.yml>    check every step's kubernetes plugin
  agent-stack-k8s version                print the version
  agent-stack-k8s <command> --help       help for one command
`

export const runCli = (argv: ReadonlyArray<string>): void => {
  const [command, ...rest] = argv
  switch (command) {
    case "version":
      process.stdout.write(`${version}\n`)
      return
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(usage)
      return
    case "controller":
      runControllerCommand(rest)
      return
    case "render":
      runOneShot(render(rest, nodeIo))
      return
    case "lint":
      runOneShot(lint(rest, nodeIo))
      return
    default:
      // Flags without a sub-command run the controller, as the original does.
      if (command === undefined || command.startsWith("-")) {
        runControllerCommand(argv)
        return
      }
      process.stderr.write(`Unknown command "${command}".\n\n${usage}`)
      process.exitCode = 2
  }
}

/** Files, environment and output streams of this process, for the one-shot commands. */
const nodeIo = {
  readFile: nodeFileReader,
  env: process.env,
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
}

/** Runs a command that ends by itself and sets the process's exit status from its result. */
const runOneShot = (command: Effect.Effect<number>): void => {
  Effect.runPromise(command).then(
    (status) => {
      process.exitCode = status
    },
    (defect: unknown) => {
      process.stderr.write(`Unexpected failure: ${String(defect)}\n`)
      process.exitCode = 70
    },
  )
}
