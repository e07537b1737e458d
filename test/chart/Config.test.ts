import { readFile } from "node:fs/promises"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { parse } from "yaml"
import { decodeConfig } from "../../src/config/decodeConfig.ts"
import { render } from "./helm.ts"
import { configFile } from "./objects.ts"

const token = { agentToken: "bkct_secret" }

/** A config touching every kind of option: scalars, durations, lists, Kubernetes objects. */
const richConfig = {
  queue: "kubernetes",
  tags: ["queue=kubernetes", "arch=arm64"],
  image: "ghcr.io/buildkite/agent:3.100.0",
  debug: false,
  "max-in-flight": 50,
  "job-ttl": "10m",
  "poll-interval": "2s",
  "job-creation-concurrency": 5,
  "pagination-page-size": 500,
  "empty-job-grace-period": "1m",
  "image-pull-backoff-grace-period": "2m",
  "job-cancel-checker-poll-interval": "5s",
  "default-image-pull-policy": "IfNotPresent",
  "image-check-container-cpu-limit": "200m",
  "image-check-container-memory-limit": "128Mi",
  "prohibit-kubernetes-plugin": false,
  "additional-redacted-vars": ["SECRET_*"],
  "workspace-volume": { name: "workspace", emptyDir: { sizeLimit: "20Gi" } },
  "default-metadata": { labels: { team: "ci" }, annotations: { "example.com/a": "b" } },
  "default-checkout-params": { gitCredentialsSecret: { secretName: "git" }, fetchFlags: "-v" },
  "default-command-params": { interposer: "vector" },
  "resource-classes": {
    small: { resource: { requests: { cpu: "500m", memory: "1Gi" } } },
  },
  "default-resource-class-name": "small",
  "agent-config": {
    "no-command-eval": true,
    hooksVolume: { name: "hooks", configMap: { name: "hooks" } },
  },
  "pod-spec-patch": {
    containers: [{ name: "container-0", resources: { requests: { cpu: "1" } } }],
  },
}

const decodes = (config: unknown): void => {
  const decoded = decodeConfig(config)
  if (Result.isFailure(decoded)) assert.fail(decoded.failure.message)
}

describe("chart config", () => {
  describe("config.yaml", () => {
    it("decodes with the controller's decoder for the defaults", async () => {
      decodes(configFile(await render(token)))
    })

    it("decodes with several replicas, where leader election is added", async () => {
      decodes(configFile(await render({ ...token, replicaCount: 2 })))
    })

    it("carries a rich config through unchanged and decodable", async () => {
      const config = configFile(await render({ ...token, config: richConfig }))
      decodes(config)
      assert.deepStrictEqual(config, {
        ...richConfig,
        // The chart's own defaults under config, merged by helm.
        "prometheus-port": 9216,
        "reservation-expiry-seconds": 900,
        "enable-completion-watcher": true,
        "pod-pending-timeout": "15m",
        "agent-token-secret": "agent-stack-k8s-secrets",
        namespace: "buildkite",
        id: "agent-stack-k8s",
      })
    })

    it("decodes for the example config file given as config", async () => {
      const example = parse(
        await readFile(new URL("../../examples/config.yaml", import.meta.url), "utf8"),
      )
      decodes(configFile(await render({ ...token, config: example })))
    })

    it("decodes for the original chart's values file", async () => {
      const values = parse(
        await readFile(new URL("fixtures/original-values.yaml", import.meta.url), "utf8"),
      )
      decodes(configFile(await render(values)))
    })

    it("is rejected by the decoder when a key is misspelt, so the test can fail", () => {
      assert.isTrue(Result.isFailure(decodeConfig({ "max-in-flite": 1 })))
    })
  })
})
