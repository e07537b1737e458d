/**
 * `agent-stack-k8s lint <pipeline.yml>`: checks every step's `kubernetes` plugin strictly
 * against its Schema (unknown keys and wrong types are problems, with the step and the
 * path), then builds each step's Job offline with the controller's configuration so that
 * what the controller would refuse at run time (bad image references, forbidden patches,
 * unknown resource classes) is reported before the pipeline runs. Works offline.
 */
import { Effect, Result } from "effect"
import { parse as parseYaml } from "yaml"
import { type FileReader, loadConfig } from "../config/loadConfig.ts"
import { decodeModel, strict } from "../kube/ModelDecoder.ts"
import { formatDecodeProblem } from "./DecodeProblems.ts"
import {
  commandSteps,
  kubernetesPlugins,
  type PipelineStep,
  pipelineDefaults,
  stepToJob,
} from "./PipelineSteps.ts"
import { renderJob } from "./render.ts"

export const lintHelp = `Usage: agent-stack-k8s lint <pipeline.yml> [controller flags]

Checks every command step's kubernetes plugin: unknown keys, wrong types and invalid values
are reported with the step and the path. Each step is then built offline with the
controller's configuration (-f/--config and the controller flags), and anything the
controller would fail the job for is reported too. Exit status 1 when there are problems.
`

/** What the command writes and reads, so tests need no real files or streams. */
export interface LintIo {
  readonly readFile: FileReader
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const stepName = (step: PipelineStep): string =>
  step.key === undefined ? step.path : `${step.path} (key: ${step.key})`

/** The strict Schema problems of one step's kubernetes plugins, as `path: message` lines. */
export const pluginProblems = (step: PipelineStep): ReadonlyArray<string> =>
  kubernetesPlugins(step).flatMap((plugin) => {
    const decoded = decodeModel("KubernetesPlugin", strict, plugin.config ?? {})
    return decoded.ok
      ? []
      : decoded.problems.map((problem) => formatDecodeProblem(problem, plugin.path))
  })

/** Runs `lint`; the result is the exit status. */
export const lint = Effect.fnUntraced(function* (argv: ReadonlyArray<string>, io: LintIo) {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(lintHelp)
    return 0
  }
  const file = argv.find((arg) => !arg.startsWith("-"))
  if (file === undefined) {
    io.stderr("lint: a pipeline file is required\n")
    return 2
  }
  const configArgv = argv.filter((arg) => arg !== file)
  const config = yield* Effect.result(
    loadConfig({ argv: configArgv, env: io.env, readFile: io.readFile }),
  )
  if (Result.isFailure(config)) {
    io.stderr(`${config.failure.message}\n`)
    return 2
  }
  const text = yield* Effect.result(io.readFile(file))
  if (Result.isFailure(text)) {
    io.stderr(`lint: could not read ${file}\n`)
    return 2
  }
  let document: unknown
  try {
    document = parseYaml(text.success)
  } catch (error) {
    io.stdout(`${file}: invalid YAML: ${error instanceof Error ? error.message : error}\n`)
    return 1
  }

  const steps = commandSteps(document)
  const defaults = pipelineDefaults(document)
  const problems: Array<string> = []
  let withPlugin = 0
  for (const step of steps) {
    if (kubernetesPlugins(step).length > 0) withPlugin++
    const schemaProblems = pluginProblems(step)
    problems.push(...schemaProblems.map((problem) => `${stepName(step)}: ${problem}`))
    if (schemaProblems.length > 0) continue
    const { rendered } = renderJob(
      { name: stepName(step), job: stepToJob(step, defaults) },
      config.success,
      new Map(),
    )
    // A PodTemplate lives in the cluster; lint cannot see it, so it is not a problem here.
    if (rendered._tag === "Failed" && !rendered.detail.startsWith("Error fetching podTemplate")) {
      problems.push(`${stepName(step)}: ${rendered.detail}`)
    }
  }

  if (problems.length === 0) {
    io.stdout(
      `${file}: valid (${steps.length} command steps, ${withPlugin} with the kubernetes plugin)\n`,
    )
    return 0
  }
  io.stdout(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n`)
  for (const problem of problems) io.stdout(`  - ${problem.replaceAll("\n", "\n    ")}\n`)
  return 1
})
