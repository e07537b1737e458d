/**
 * Process entry point: picks the sub-command and runs it.
 */
import { runCli } from "./cli/Cli.ts"

runCli(process.argv.slice(2))
