/**
 * Reads pipeline YAML the way Buildkite hands steps to a stack: finds the command steps
 * (also inside `group` steps), expands the `kubernetes` plugin shorthand to its full
 * reference, and turns a step into the job the engine builds from.
 */
import { createHash } from "node:crypto"
import { Predicate } from "effect"
import type { JobInput } from "../podspec/JobInput.ts"
import { kubernetesPluginReference } from "../podspec/JobInput.ts"

/** A command step of a pipeline, with where it stands (`steps[2]`, `steps[0].steps[1]`). */
export interface PipelineStep {
  readonly path: string
  readonly key: string | undefined
  readonly step: Readonly<Record<string, unknown>>
}

/** One `kubernetes` plugin entry of a step, with its path inside the step. */
export interface PluginOccurrence {
  readonly path: string
  readonly config: unknown
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  Predicate.isObject(value) && !Array.isArray(value)

const isCommandStep = (step: Readonly<Record<string, unknown>>): boolean =>
  "command" in step || "commands" in step || "plugins" in step

/** The command steps of a parsed pipeline document (a mapping with `steps`, or a list). */
export const commandSteps = (document: unknown): ReadonlyArray<PipelineStep> => {
  const found: Array<PipelineStep> = []
  const visit = (steps: unknown, path: string): void => {
    if (!Array.isArray(steps)) return
    steps.forEach((step, index) => {
      const at = `${path}[${index}]`
      if (!isRecord(step)) return
      if (Array.isArray(step.steps)) visit(step.steps, `${at}.steps`)
      else if (isCommandStep(step)) {
        const key = step.key ?? step.identifier ?? step.id
        found.push({ path: at, key: typeof key === "string" ? key : undefined, step })
      }
    })
  }
  if (Array.isArray(document)) visit(document, "steps")
  else if (isRecord(document)) visit(document.steps, "steps")
  return found
}

/** Whether a plugin reference names the kubernetes plugin (shorthand, full, with a version). */
export const isKubernetesPlugin = (reference: string): boolean => {
  const name = reference.split("#")[0] ?? ""
  return (
    name === "kubernetes" ||
    name === kubernetesPluginReference ||
    name === `https://${kubernetesPluginReference}` ||
    name === "buildkite-plugins/kubernetes-buildkite-plugin"
  )
}

/** The step's plugins as `[reference, config]` pairs, in either form Buildkite accepts. */
const pluginPairs = (
  plugins: unknown,
): ReadonlyArray<readonly [string, string, unknown]> | undefined => {
  if (plugins === undefined) return []
  if (isRecord(plugins)) {
    return Object.entries(plugins).map(([ref, config]) => [`plugins.${ref}`, ref, config] as const)
  }
  if (!Array.isArray(plugins)) return undefined
  return plugins.flatMap((entry, index): ReadonlyArray<readonly [string, string, unknown]> => {
    if (typeof entry === "string") return [[`plugins[${index}]`, entry, null]]
    if (!isRecord(entry)) return []
    return Object.entries(entry).map(
      ([ref, config]) => [`plugins[${index}].${ref}`, ref, config] as const,
    )
  })
}

/** Every `kubernetes` plugin entry of a step. */
export const kubernetesPlugins = (step: PipelineStep): ReadonlyArray<PluginOccurrence> =>
  (pluginPairs(step.step.plugins) ?? [])
    .filter(([, reference]) => isKubernetesPlugin(reference))
    .map(([path, , config]) => ({ path, config }))

/** `BUILDKITE_PLUGINS` as Buildkite sends it: a JSON list of one-key objects, full references. */
export const pluginsJson = (plugins: unknown): string => {
  const pairs = pluginPairs(plugins) ?? []
  return JSON.stringify(
    pairs.map(([, reference, config]) => ({
      [isKubernetesPlugin(reference) ? kubernetesPluginReference : reference]: config ?? null,
    })),
  )
}

const commandText = (step: Readonly<Record<string, unknown>>): string => {
  const command = step.commands ?? step.command
  if (Array.isArray(command)) return command.map(String).join("\n")
  return typeof command === "string" ? command : ""
}

const agentRules = (agents: unknown): ReadonlyArray<string> => {
  if (Array.isArray(agents)) return agents.map(String)
  if (!isRecord(agents)) return []
  return Object.entries(agents).map(([key, value]) => `${key}=${String(value)}`)
}

/** A stable UUID-shaped id derived from the step, so renders of the same step are identical. */
const stepUuid = (step: PipelineStep): string => {
  const hex = createHash("sha256").update(JSON.stringify(step.step)).digest("hex")
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join("-")
}

/**
 * The job a step becomes: its command, plugins, agent rules (the pipeline's `agents`
 * merged under the step's), image and key.
 */
export const stepToJob = (
  step: PipelineStep,
  pipeline: { readonly agents?: unknown; readonly image?: unknown } = {},
): JobInput => {
  const rules = new Map<string, string>()
  for (const rule of [...agentRules(pipeline.agents), ...agentRules(step.step.agents)]) {
    const at = rule.indexOf("=")
    rules.set(at < 0 ? rule : rule.slice(0, at), rule)
  }
  const image = step.step.image ?? pipeline.image
  const env: Record<string, string> = {
    BUILDKITE_PLUGINS: pluginsJson(step.step.plugins),
    BUILDKITE_STEP_KEY: step.key ?? "",
  }
  if (typeof image === "string" && image !== "") env.BUILDKITE_IMAGE = image
  const priority = step.step.priority
  return {
    uuid: stepUuid(step),
    priority: typeof priority === "number" ? priority : 0,
    agentQueryRules: [...rules.values()],
    command: commandText(step.step),
    env,
  }
}

/** The pipeline-level `agents` and `image` that every step inherits. */
export const pipelineDefaults = (
  document: unknown,
): { readonly agents?: unknown; readonly image?: unknown } =>
  isRecord(document) ? { agents: document.agents, image: document.image } : {}
