import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { parse } from "yaml"
import { decodeConfig, defaultConfig } from "../../src/config/decodeConfig.ts"

const messages = (input: unknown): ReadonlyArray<string> => {
  const result = decodeConfig(input)
  assert.isTrue(Result.isFailure(result), "expected the config to be rejected")
  return Result.isFailure(result) ? result.failure.message.split("\n").slice(1) : []
}

const decoded = (input: unknown) => {
  const result = decodeConfig(input)
  if (Result.isFailure(result)) assert.fail(result.failure.message)
  return Result.getOrThrow(result)
}

describe("decodeConfig", () => {
  describe("decodeConfig", () => {
    it("checks that the default resource class exists", () => {
      assert.deepStrictEqual(messages({ "default-resource-class-name": "small" }), [
        '  - default-resource-class-name: default-resource-class-name "small" specified but no resource-classes defined',
      ])
      assert.deepStrictEqual(
        messages({ "default-resource-class-name": "small", "resource-classes": { large: {} } }),
        [
          '  - default-resource-class-name: default-resource-class-name "small" not found in resource-classes (defined: "large")',
        ],
      )
      assert.strictEqual(
        decoded({ "default-resource-class-name": "large", "resource-classes": { large: {} } })
          .defaultResourceClassName,
        "large",
      )
    })

    it("requires path, volume and volume.name of each additional hook, all together", () => {
      const lines = messages({
        "agent-config": {
          "additional-hooks": [{ volume: { configMap: { name: "x" } } }, { path: "/hooks" }],
        },
      })
      assert.deepStrictEqual([...lines].sort(), [
        "  - agent-config.additional-hooks[0].path is required",
        "  - agent-config.additional-hooks[0].volume.name is required",
        "  - agent-config.additional-hooks[1].volume is required",
      ])
    })

    it("validates quantities, pull policies and images", () => {
      const lines = messages({
        "image-check-container-cpu-limit": "lots",
        "default-image-pull-policy": "Sometimes",
        image: "Ghcr.io/Buildkite/Agent",
      })
      assert.strictEqual(lines.length, 3)
      assert.isTrue(
        lines.some((line) =>
          line.includes('image-check-container-cpu-limit: invalid quantity "lots"'),
        ),
      )
      assert.isTrue(lines.some((line) => line.startsWith("  - default-image-pull-policy:")))
      assert.isTrue(lines.some((line) => line.includes("image: expected an image reference")))
      assert.strictEqual(
        decoded({ "default-image-pull-policy": "" }).defaultImagePullPolicy,
        undefined,
      )
    })

    it("forbids command and args in pod-spec-patch unless allowed", () => {
      const patch = { containers: [{ name: "checkout", command: ["sh"], args: ["-c", "true"] }] }
      assert.deepStrictEqual(messages({ "pod-spec-patch": patch }), [
        "  - pod-spec-patch.containers[0].command: a pod-spec-patch may not set command unless allow-pod-spec-patch-unsafe-command-modification is true",
        "  - pod-spec-patch.containers[0].args: a pod-spec-patch may not set args unless allow-pod-spec-patch-unsafe-command-modification is true",
      ])
      const allowed = decoded({
        "pod-spec-patch": patch,
        "allow-pod-spec-patch-unsafe-command-modification": true,
      })
      assert.deepStrictEqual(allowed.podSpecPatch, patch)
    })

    it("checks that the leader election timings nest", () => {
      const lines = messages({
        "leader-election": true,
        "leader-election-lease-duration": "10s",
        "leader-election-renew-deadline": "10s",
      })
      assert.deepStrictEqual(lines, [
        "  - leader-election-renew-deadline: expected less than leader-election-lease-duration (10s), got 10s",
      ])
    })

    it("applies the original's fallbacks for zero values", () => {
      const config = decoded({
        "http-timeout": "0s",
        "poll-interval": "10ms",
        "job-creation-concurrency": 0,
      })
      assert.strictEqual(config.httpTimeoutMillis, 60_000)
      assert.strictEqual(config.pollIntervalMillis, 1_000)
      assert.strictEqual(config.jobCreationConcurrency, 25)
    })

    it("suggests the nearest key for an unknown nested key", () => {
      assert.deepStrictEqual(messages({ "agent-config": { "hooks-pth": "/x" } }), [
        '  - agent-config.hooks-pth: unknown key "hooks-pth" in agent-config; did you mean "hooks-path"?',
      ])
    })

    it("decodes the full example file to the expected structure", () => {
      const config = decoded(parse(readFileSync("examples/config.yaml", "utf8")))
      assert.strictEqual(config.id, "my-controller")
      assert.strictEqual(config.namespace, "buildkite")
      assert.strictEqual(config.maxInFlight, 100)
      assert.strictEqual(config.pollIntervalMillis, 5_000)
      assert.strictEqual(config.jobTtlMillis, 300_000)
      assert.strictEqual(config.emptyJobGracePeriodMillis, 50_000)
      assert.strictEqual(config.reservationExpirySeconds, 300)
      assert.deepStrictEqual(config.tags, [
        { key: "queue", value: "kubernetes" },
        { key: "priority", value: "high" },
      ])
      assert.strictEqual(config.defaultImagePullPolicy, "IfNotPresent")
      assert.strictEqual(config.agentConfig?.containerStartTimeoutMillis, 300_000)
      assert.strictEqual(config.agentConfig?.hooksVolume?.name, "buildkite-hooks")
      assert.strictEqual(config.agentConfig?.additionalHooks?.[0]?.path, "/buildkite/extra-hooks")
      assert.strictEqual(config.agentConfig?.verificationFailureBehavior, "warn")
      assert.strictEqual(config.podSpecPatch?.serviceAccountName, "buildkite-job")
      assert.strictEqual(config.workspaceVolume?.name, "workspace")
      assert.strictEqual(config.workspaceMountSubPathExpr, undefined)
      assert.strictEqual(config.defaultCommandParams?.interposer, "buildkite")
      assert.deepStrictEqual(config.defaultMetadata?.labels, {
        "argocd.argoproj.io/tracking-id": "example-id-here",
      })
      assert.deepStrictEqual(config.additionalRedactedVars, ["MY_SECRET_*"])
      assert.deepStrictEqual(Object.keys(config.resourceClasses ?? {}), ["small", "large"])
      assert.strictEqual(config.defaultResourceClassName, "small")
      assert.strictEqual(config.leaderElection, true)
    })

    it("rejects a document that is not a mapping", () => {
      assert.deepStrictEqual(messages(["a"]), [
        "  - expected the config file to hold a mapping of keys",
      ])
    })
  })

  describe("defaultConfig", () => {
    it("holds every default", () => {
      assert.strictEqual(defaultConfig.maxInFlight, 25)
      assert.strictEqual(defaultConfig.healthPort, 8080)
      assert.strictEqual(defaultConfig.leaderElectionLeaseDurationMillis, 15_000)
      assert.strictEqual(defaultConfig.shutdownGracePeriodMillis, 30_000)
      assert.strictEqual(defaultConfig.agentToken, undefined)
    })
  })
})
