/** Shared inputs for the PodSpec engine's tests. */

import { assert } from "@effect/vitest"
import type { V1Container, V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildConfig } from "../../src/podspec/BuildConfig.ts"
import type { BuildError } from "../../src/podspec/BuildError.ts"
import { buildJob } from "../../src/podspec/buildJob.ts"
import type { KubernetesPlugin, ParsedJob } from "../../src/podspec/JobInput.ts"

export const uuid = "01234567-89ab-cdef-0123-456789abcdef"
export const agentImage = "ghcr.io/buildkite/agent:3.136.2"

export const baseConfig: BuildConfig = {
  id: "agent-stack-k8s",
  namespace: "default",
  image: agentImage,
  agentTokenSecret: "buildkite-agent-token",
  jobPrefix: "buildkite-",
  jobTtlMillis: 600_000,
  jobActiveDeadlineSeconds: 21_600,
  defaultTerminationGracePeriodSeconds: 60,
  skipImageCheckContainers: false,
  imageCheckContainerCpuLimit: "200m",
  imageCheckContainerMemoryLimit: "128Mi",
  prohibitKubernetesPlugin: false,
  allowPodSpecPatchUnsafeCommandModification: false,
  additionalRedactedVars: [],
  restricted: false,
}

export const baseJob: ParsedJob = {
  uuid,
  priority: 0,
  agentQueryRules: ["queue=kubernetes"],
  command: "echo hello",
  env: {
    BUILDKITE_BUILD_URL: "https://buildkite.com/acme/app/builds/7",
    BUILDKITE_BRANCH: "main",
    BUILDKITE_REPO: "git@github.com:acme/app.git",
    BUILDKITE_PIPELINE_SLUG: "app",
  },
}

export const options = { controllerVersion: "0.1.0" }

export const withPlugin = (plugin: KubernetesPlugin, job: ParsedJob = baseJob): ParsedJob => ({
  ...job,
  plugin,
})

/** Builds with the plugin's podSpec as the base, as the controller does. */
export const build = (
  job: ParsedJob = baseJob,
  config: Partial<BuildConfig> = {},
  base?: V1PodSpec,
): Result.Result<V1Job, BuildError> =>
  buildJob(
    job,
    base ?? job.plugin?.podSpec ?? { containers: [] },
    { ...baseConfig, ...config },
    options,
  )

export const buildOk = (
  job: ParsedJob = baseJob,
  config: Partial<BuildConfig> = {},
  base?: V1PodSpec,
): V1Job => {
  const result = build(job, config, base)
  if (Result.isFailure(result)) assert.fail(`build failed: ${result.failure.message}`)
  return result.success
}

export const buildError = (job: ParsedJob, config: Partial<BuildConfig> = {}): BuildError => {
  const result = build(job, config)
  if (Result.isSuccess(result)) return assert.fail("expected the build to fail")
  return result.failure
}

export const podSpec = (job: V1Job): V1PodSpec => {
  const spec = job.spec?.template.spec
  if (spec === undefined) return assert.fail("the Job has no pod spec")
  return spec
}

export const containerNamed = (spec: V1PodSpec, name: string): V1Container => {
  const found = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === name)
  if (found === undefined) return assert.fail(`no container named ${name}`)
  return found
}

export const envValue = (container: V1Container, name: string): string | undefined =>
  container.env?.find((entry) => entry.name === name)?.value

export const names = (containers: ReadonlyArray<V1Container> | undefined) =>
  (containers ?? []).map((container) => container.name)
