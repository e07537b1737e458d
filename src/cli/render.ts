/**
 * `agent-stack-k8s render`: the dry run. Builds the Kubernetes Job the controller would
 * create for a job (job-details JSON from the stacks API, or the command steps of a
 * pipeline file) with the given configuration, and prints it — without a cluster or a token.
 */
import type { V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Effect, Predicate, Result } from "effect"
import { parseAllDocuments, stringify } from "yaml"
import { type ControllerConfig, toBuildConfig } from "../config/ControllerConfig.ts"
import { type FileReader, loadConfig } from "../config/loadConfig.ts"
import { decodeModel, lenient } from "../kube/ModelDecoder.ts"
import { failureDetail } from "../podspec/BuildError.ts"
import { basePodSpecSource, buildJobWithWarnings } from "../podspec/buildJob.ts"
import { parseJob } from "../podspec/parseJob.ts"
import { version } from "../version.ts"
import { formatDecodeProblem } from "./DecodeProblems.ts"
import { type NamedJob, readJobFile } from "./JobFile.ts"

export const renderHelp = `Usage: agent-stack-k8s render <job-file> [--pod-template file] [--output yaml|json] [controller flags]

Prints the Kubernetes Job the controller would create for each job, without contacting
Buildkite or Kubernetes.

  <job-file>              job details as the stacks API returns them ({"id", "env", "command"},
                          optionally "priority" and "agent_query_rules"), or a pipeline YAML
                          file: every command step is rendered
  --pod-template file     PodTemplate objects (YAML, several documents allowed) that jobs may
                          name with the plugin's podTemplate
  -o, --output format     yaml (default) or json
  -f, --config file       the controller's config file; every controller flag is accepted
                          (see: agent-stack-k8s controller --help)

Exit status: 0 when every job rendered, 1 when any failed (its Buildkite failure message is
printed), 2 for bad arguments or configuration.
`

/** What the command writes and reads, so tests need no real files or streams. */
export interface RenderIo {
  readonly readFile: FileReader
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

interface RenderArgs {
  readonly jobFile: string | undefined
  readonly podTemplateFiles: ReadonlyArray<string>
  readonly output: string
  readonly help: boolean
  readonly configArgv: ReadonlyArray<string>
}

const parseArgs = (argv: ReadonlyArray<string>): RenderArgs => {
  let jobFile: string | undefined
  let output = "yaml"
  let help = false
  const podTemplateFiles: Array<string> = []
  const configArgv: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ""
    const [flag, inline] = arg.startsWith("--") ? splitFlag(arg) : [arg, undefined]
    const value = (): string => inline ?? argv[++i] ?? ""
    if (flag === "--help" || flag === "-h") help = true
    else if (flag === "--output" || flag === "-o") output = value()
    else if (flag === "--pod-template") podTemplateFiles.push(value())
    else if (!arg.startsWith("-") && jobFile === undefined) jobFile = arg
    else configArgv.push(arg)
  }
  return { jobFile, podTemplateFiles, output, help, configArgv }
}

const splitFlag = (arg: string): readonly [string, string | undefined] => {
  const at = arg.indexOf("=")
  return at < 0 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)]
}

/** Reads PodTemplate objects into a name → pod spec map. */
const readPodTemplates = (
  text: string,
  file: string,
): Result.Result<ReadonlyMap<string, V1PodSpec>, string> => {
  const templates = new Map<string, V1PodSpec>()
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) return Result.fail(`${file}: ${document.errors[0]?.message}`)
    const object: unknown = document.toJS()
    if (object === null || object === undefined) continue
    if (!Predicate.isObject(object) || !("metadata" in object) || !("template" in object)) {
      return Result.fail(`${file}: expected PodTemplate objects with metadata.name and template`)
    }
    const name = Predicate.isObject(object.metadata) ? object.metadata.name : undefined
    if (typeof name !== "string") return Result.fail(`${file}: a PodTemplate has no metadata.name`)
    const decoded = decodeModel("V1PodTemplateSpec", lenient, object.template)
    if (!decoded.ok) {
      const problems = decoded.problems.map((problem) => formatDecodeProblem(problem)).join("; ")
      return Result.fail(`${file}: PodTemplate "${name}": ${problems}`)
    }
    templates.set(name, (decoded.value as { spec?: V1PodSpec }).spec ?? { containers: [] })
  }
  return Result.succeed(templates)
}

type Rendered =
  | { readonly _tag: "Built"; readonly name: string; readonly job: V1Job }
  | { readonly _tag: "Failed"; readonly name: string; readonly detail: string }

/** Parses and builds one job exactly as the controller would, failing with its message. */
export const renderJob = (
  named: NamedJob,
  config: ControllerConfig,
  templates: ReadonlyMap<string, V1PodSpec>,
): { readonly rendered: Rendered; readonly warnings: ReadonlyArray<string> } => {
  const failed = (detail: string) => ({
    rendered: { _tag: "Failed", name: named.name, detail } as const,
    warnings: [],
  })
  const parsed = parseJob(named.job, config)
  if (Result.isFailure(parsed)) return failed(failureDetail(parsed.failure))
  const source = basePodSpecSource(parsed.success)
  let base: V1PodSpec = { containers: [] }
  if (source._tag === "Plugin") base = source.podSpec
  else if (source._tag === "PodTemplate") {
    const template = templates.get(source.name)
    if (template === undefined) {
      return failed(
        `Error fetching podTemplate "${source.name}": not given to render (pass it with --pod-template <file>; render does not read the cluster)`,
      )
    }
    base = template
  }
  const built = buildJobWithWarnings(parsed.success, base, toBuildConfig(config), {
    controllerVersion: version,
  })
  if (Result.isFailure(built)) return failed(failureDetail(built.failure))
  return {
    rendered: { _tag: "Built", name: named.name, job: built.success.job },
    warnings: built.success.warnings,
  }
}

const usageError = (io: RenderIo, message: string): number => {
  io.stderr(`render: ${message}\nRun 'agent-stack-k8s render --help' for usage.\n`)
  return 2
}

/** Runs `render`; the result is the exit status. */
export const render = Effect.fnUntraced(function* (argv: ReadonlyArray<string>, io: RenderIo) {
  const args = parseArgs(argv)
  if (args.help) {
    io.stdout(renderHelp)
    return 0
  }
  if (args.jobFile === undefined) return usageError(io, "a job file is required")
  if (args.output !== "yaml" && args.output !== "json") {
    return usageError(io, `unknown output format "${args.output}"; expected yaml or json`)
  }

  const config = yield* Effect.result(
    loadConfig({ argv: args.configArgv, env: io.env, readFile: io.readFile }),
  )
  if (Result.isFailure(config)) {
    io.stderr(`${config.failure.message}\n`)
    return 2
  }
  const templates = new Map<string, V1PodSpec>()
  for (const file of args.podTemplateFiles) {
    const text = yield* Effect.result(io.readFile(file))
    if (Result.isFailure(text)) return usageError(io, `could not read ${file}`)
    const read = readPodTemplates(text.success, file)
    if (Result.isFailure(read)) return usageError(io, read.failure)
    for (const [name, spec] of read.success) templates.set(name, spec)
  }
  const text = yield* Effect.result(io.readFile(args.jobFile))
  if (Result.isFailure(text)) return usageError(io, `could not read ${args.jobFile}`)
  const jobs = readJobFile(text.success)
  if (Result.isFailure(jobs)) return usageError(io, `${args.jobFile}: ${jobs.failure}`)

  const results = jobs.success.map((job) => renderJob(job, config.success, templates))
  for (const { rendered, warnings } of results) {
    for (const warning of warnings) io.stderr(`${rendered.name}: warning: ${warning}\n`)
    if (rendered._tag === "Failed") {
      io.stderr(`${rendered.name}: the controller would fail this job with:\n${rendered.detail}\n`)
    }
  }
  const built = results.flatMap(({ rendered }) => (rendered._tag === "Built" ? [rendered] : []))
  io.stdout(format(built, args.output))
  return built.length === results.length ? 0 : 1
})

const format = (
  built: ReadonlyArray<{ readonly name: string; readonly job: V1Job }>,
  output: string,
): string => {
  if (output === "json") {
    const value = built.length === 1 ? built[0]?.job : built.map((item) => item.job)
    return built.length === 0 ? "" : `${JSON.stringify(value, null, 2)}\n`
  }
  return built
    .map((item) => `# ${item.name}\n${stringify(item.job, { lineWidth: 0 })}`)
    .join("---\n")
}
