/**
 * Upstream section 3.1: find the `kubernetes` plugin in the job's `BUILDKITE_PLUGINS` and
 * decode it. Other plugins are left to the agent.
 */
import { Result, Schema } from "effect"
import type { BuildConfig } from "./BuildConfig.ts"
import { JobParseError } from "./BuildError.ts"
import {
  type JobInput,
  type KubernetesPlugin,
  kubernetesPluginReference,
  type ParsedJob,
} from "./JobInput.ts"
import { KubernetesPlugin as KubernetesPluginSchema } from "./PluginSchema.ts"

const decodePlugin = Schema.decodeUnknownResult(KubernetesPluginSchema)

const fail = (message: string) => Result.fail(new JobParseError({ message }))

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * A later occurrence of the plugin is decoded on top of an earlier one: objects merge field
 * by field, anything else (lists included) is replaced.
 */
export const overlay = (base: unknown, top: unknown): unknown => {
  if (!isObject(base) || !isObject(top)) return top
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(top)) {
    merged[key] = Object.hasOwn(base, key) ? overlay(base[key], value) : value
  }
  return merged
}

/** The raw plugin entries of `BUILDKITE_PLUGINS`, each a one-key object. */
const pluginEntries = (
  text: string,
): Result.Result<ReadonlyArray<readonly [string, unknown]>, JobParseError> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return fail(`failed parsing plugins: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!Array.isArray(parsed) || !parsed.every(isObject)) {
    return fail(`failed parsing plugins: expected a JSON array of objects, got ${text}`)
  }
  const entries: Array<readonly [string, unknown]> = []
  for (const element of parsed) {
    const keys = Object.keys(element)
    const [key] = keys
    if (keys.length !== 1 || key === undefined) {
      return fail(`found invalid plugin: ${JSON.stringify(element)}`)
    }
    entries.push([key, element[key]])
  }
  return Result.succeed(entries)
}

/** Finds and decodes the job's `kubernetes` plugin. */
export const parseJob = (
  job: JobInput,
  config: Pick<BuildConfig, "prohibitKubernetesPlugin">,
): Result.Result<ParsedJob, JobParseError> => {
  const text = job.env.BUILDKITE_PLUGINS ?? ""
  if (text.trim() === "") return Result.succeed(job)
  return Result.flatMap(pluginEntries(text), (entries) => {
    const occurrences = entries.filter(([key]) => key === kubernetesPluginReference)
    if (occurrences.length === 0) return Result.succeed(job)
    if (config.prohibitKubernetesPlugin) {
      return fail(
        "the kubernetes plugin is prohibited by this controller, but was configured on this job",
      )
    }
    let plugin: KubernetesPlugin = {}
    for (const [, value] of occurrences) {
      // A plugin given without settings (`- kubernetes: ~`) contributes nothing.
      const decoded = decodePlugin(value ?? {})
      if (Result.isFailure(decoded)) {
        return fail(`failed parsing Kubernetes plugin: ${decoded.failure.message}`)
      }
      plugin = overlay(plugin, decoded.success) as KubernetesPlugin
    }
    return Result.succeed({ ...job, plugin })
  })
}
