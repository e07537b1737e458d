/**
 * Reads the input of `render`: either the job details the stacks API returns
 * (`{id, env, command}`, optionally with the scheduled job's `priority` and
 * `agent_query_rules`), or pipeline YAML whose command steps are rendered one by one.
 */
import { Predicate, Result } from "effect"
import { parse as parseYaml } from "yaml"
import type { JobInput } from "../podspec/JobInput.ts"
import { commandSteps, pipelineDefaults, stepToJob } from "./PipelineSteps.ts"

/** A job to render, named for the output (`job <uuid>` or `steps[1] (key: build)`). */
export interface NamedJob {
  readonly name: string
  readonly job: JobInput
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  Predicate.isObject(value) && !Array.isArray(value)

const jobDetails = (input: Readonly<Record<string, unknown>>): Result.Result<JobInput, string> => {
  const env = input.env ?? {}
  if (!isRecord(env)) return Result.fail("expected `env` to be a mapping of strings")
  const bad = Object.entries(env).find(([, value]) => typeof value !== "string")
  if (bad !== undefined) return Result.fail(`expected env.${bad[0]} to be a string`)
  const rules = input.agent_query_rules ?? []
  if (!Array.isArray(rules) || rules.some((rule) => typeof rule !== "string")) {
    return Result.fail("expected `agent_query_rules` to be a list of `key=value` strings")
  }
  const id = input.id
  if (typeof id !== "string" || id === "") return Result.fail("expected a non-empty string `id`")
  const priority = input.priority ?? 0
  if (typeof priority !== "number") return Result.fail("expected `priority` to be a number")
  const command = input.command ?? ""
  if (typeof command !== "string") return Result.fail("expected `command` to be a string")
  return Result.succeed({
    uuid: id,
    priority,
    agentQueryRules: rules as ReadonlyArray<string>,
    command,
    env: env as Readonly<Record<string, string>>,
  })
}

/** Parses a job file's text (JSON or YAML) into the jobs to render. */
export const readJobFile = (text: string): Result.Result<ReadonlyArray<NamedJob>, string> => {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    return Result.fail(`invalid YAML or JSON: ${error instanceof Error ? error.message : error}`)
  }
  if (isRecord(document) && ("env" in document || "id" in document)) {
    return Result.map(jobDetails(document), (job) => [{ name: `job ${job.uuid}`, job }])
  }
  const steps = commandSteps(document)
  if (steps.length === 0) {
    return Result.fail(
      "found neither job details (`id`, `env`, `command`) nor pipeline command steps",
    )
  }
  const defaults = pipelineDefaults(document)
  return Result.succeed(
    steps.map((step) => ({
      name: step.key === undefined ? step.path : `${step.path} (key: ${step.key})`,
      job: stepToJob(step, defaults),
    })),
  )
}
