/**
 * Sub-command dispatch for the `agent-stack-k8s` binary.
 */
import { version } from "../version.ts"
import { runControllerCommand } from "./controller.ts"

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
    default:
      // Flags without a sub-command run the controller, as the original does.
      if (command === undefined || command.startsWith("-")) {
        runControllerCommand(argv)
        return
      }
      process.stderr.write(`Command not built yet: ${command} ${rest.join(" ")}\n`)
      process.exitCode = 1
  }
}
