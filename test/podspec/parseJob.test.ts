import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { BuildError, failureDetail, JobParseError } from "../../src/podspec/BuildError.ts"
import { kubernetesPluginReference } from "../../src/podspec/JobInput.ts"
import { parseJob } from "../../src/podspec/parseJob.ts"
import { baseJob } from "./fixtures.ts"

const withPlugins = (plugins: string) => ({
  ...baseJob,
  env: { ...baseJob.env, BUILDKITE_PLUGINS: plugins },
})
const allowed = { prohibitKubernetesPlugin: false }

const errorOf = (plugins: string, config = allowed): string => {
  const result = parseJob(withPlugins(plugins), config)
  if (Result.isSuccess(result)) return assert.fail("expected a parse error")
  return result.failure.message
}

describe("parseJob", () => {
  describe("parseJob", () => {
    it("finds no plugin when BUILDKITE_PLUGINS is absent or empty", () => {
      for (const job of [baseJob, withPlugins("")]) {
        const result = parseJob(job, allowed)
        assert.isTrue(Result.isSuccess(result))
        if (Result.isSuccess(result)) assert.isUndefined(result.success.plugin)
      }
    })

    it("ignores other plugins", () => {
      const result = parseJob(
        withPlugins('[{"github.com/buildkite-plugins/docker-buildkite-plugin#v5": {}}]'),
        allowed,
      )
      assert.isTrue(Result.isSuccess(result) && result.success.plugin === undefined)
    })

    it("decodes the kubernetes plugin", () => {
      const plugins = JSON.stringify([
        {
          [kubernetesPluginReference]: {
            podSpec: { containers: [{ name: "a", image: "alpine" }] },
            Checkout: { skip: true },
          },
        },
      ])
      const result = parseJob(withPlugins(plugins), allowed)
      if (Result.isFailure(result)) return assert.fail(result.failure.message)
      assert.deepStrictEqual(result.success.plugin?.podSpec?.containers, [
        { name: "a", image: "alpine" },
      ])
      assert.strictEqual(result.success.plugin?.checkout?.skip, true)
    })

    it("decodes a repeated plugin on top of the earlier occurrence", () => {
      const plugins = JSON.stringify([
        {
          [kubernetesPluginReference]: {
            checkout: { skip: true, cloneFlags: "-a" },
            gitEnvFrom: [{ secretRef: { name: "x" } }],
          },
        },
        {
          [kubernetesPluginReference]: {
            checkout: { cloneFlags: "-b" },
            gitEnvFrom: [{ secretRef: { name: "y" } }],
          },
        },
      ])
      const result = parseJob(withPlugins(plugins), allowed)
      if (Result.isFailure(result)) return assert.fail(result.failure.message)
      assert.deepStrictEqual(result.success.plugin?.checkout, { skip: true, cloneFlags: "-b" })
      assert.deepStrictEqual(result.success.plugin?.gitEnvFrom, [{ secretRef: { name: "y" } }])
    })

    it("fails on plugins that are not JSON", () => {
      assert.isTrue(errorOf("not json").startsWith("failed parsing plugins: "))
      assert.isTrue(errorOf('{"a": 1}').startsWith("failed parsing plugins: "))
    })

    it("fails on a plugin entry without exactly one key", () => {
      assert.strictEqual(errorOf('[{"a": {}, "b": {}}]'), 'found invalid plugin: {"a":{},"b":{}}')
    })

    it("fails when the plugin is prohibited", () => {
      const plugins = JSON.stringify([{ [kubernetesPluginReference]: {} }])
      assert.strictEqual(
        errorOf(plugins, { prohibitKubernetesPlugin: true }),
        "the kubernetes plugin is prohibited by this controller, but was configured on this job",
      )
    })

    it("fails on plugin fields of the wrong type, naming the path", () => {
      const plugins = JSON.stringify([
        {
          [kubernetesPluginReference]: {
            podSpec: { containers: [{ name: "a", env: [{ name: "X", value: 1 }] }] },
          },
        },
      ])
      const message = errorOf(plugins)
      assert.isTrue(message.startsWith("failed parsing Kubernetes plugin: "), message)
      assert.include(message, "containers")
    })
  })

  describe("failureDetail", () => {
    it("prefixes parse and build errors for Buildkite", () => {
      assert.strictEqual(
        failureDetail(new JobParseError({ message: "found invalid plugin: {}" })),
        "agent-stack-k8s failed to parse the job: found invalid plugin: {}",
      )
      assert.strictEqual(
        failureDetail(
          new BuildError({ reason: "ResourceClass", message: "resource class not found: x" }),
        ),
        "agent-stack-k8s failed to build a podSpec for the job: resource class not found: x",
      )
    })
  })
})
