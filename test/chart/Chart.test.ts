import { assert, describe, it } from "@effect/vitest"
import { findObject, lint, render } from "./helm.ts"
import { configFile, controller, memo, podTemplate } from "./objects.ts"
import { validateObject } from "./validate.ts"

const token = { agentToken: "bkct_secret" }

const defaults = memo(() => render(token))

describe("chart", () => {
  describe("helm lint --strict", () => {
    it("passes on the default values with a token", async () => {
      const result = await lint(token)
      assert.isTrue(result.ok, result.stdout + result.stderr)
    })

    it("rejects a misspelt top-level value, naming it", async () => {
      const result = await lint({ ...token, agentTokn: "x" })
      assert.isFalse(result.ok)
      assert.include(result.stdout + result.stderr, "agentTokn")
    })
  })

  describe("helm template with the defaults", () => {
    it("renders exactly the objects a default install needs", async () => {
      const kinds = (await defaults()).map((o) => `${o.kind} ${o.metadata.name}`).sort()
      assert.deepStrictEqual(kinds, [
        "ConfigMap agent-stack-k8s-config",
        "Deployment agent-stack-k8s",
        "Role agent-stack-k8s-controller",
        "RoleBinding agent-stack-k8s",
        "Secret agent-stack-k8s-secrets",
        "ServiceAccount agent-stack-k8s-controller",
      ])
    })

    it("renders objects that match their Kubernetes schemas", async () => {
      for (const object of await defaults()) validateObject(object)
    })

    it("puts every object in the release namespace", async () => {
      for (const object of await defaults()) {
        assert.strictEqual(object.metadata.namespace, "buildkite", object.kind)
      }
    })

    it("hardens the pod and its container", async () => {
      const objects = await defaults()
      assert.deepStrictEqual(podTemplate(objects).spec.securityContext, {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      })
      assert.deepStrictEqual(controller(objects).securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      })
    })

    it("points the controller at its config file and keeps the token out of its env", async () => {
      const container = controller(await defaults())
      assert.deepStrictEqual(container.env, [{ name: "CONFIG", value: "/etc/config.yaml" }])
      assert.isUndefined(container.envFrom)
      const mount = container.volumeMounts.find((m) => m.name === "config")
      assert.deepStrictEqual(mount, {
        name: "config",
        mountPath: "/etc/config.yaml",
        subPath: "config.yaml",
        readOnly: true,
      })
      assert.strictEqual(container.terminationMessagePolicy, "FallbackToLogsOnError")
    })

    it("probes /healthz and /readyz on the health port and exposes metrics", async () => {
      const container = controller(await defaults())
      assert.deepStrictEqual(container.ports, [
        { name: "metrics", containerPort: 9216, protocol: "TCP" },
        { name: "health", containerPort: 8080, protocol: "TCP" },
      ])
      assert.deepStrictEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "health" })
      assert.deepStrictEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "health" })
    })

    it("writes the derived keys and the default config into config.yaml", async () => {
      assert.deepStrictEqual(configFile(await defaults()), {
        "agent-token-secret": "agent-stack-k8s-secrets",
        namespace: "buildkite",
        id: "agent-stack-k8s",
        "prometheus-port": 9216,
        "reservation-expiry-seconds": 900,
        "enable-completion-watcher": true,
        "pod-pending-timeout": "15m",
      })
    })

    it("runs one replica that is replaced, never overlapped, on upgrade", async () => {
      const deployment = findObject(await defaults(), "Deployment")
      const spec = deployment.spec as { replicas: number; strategy: { type: string } }
      assert.strictEqual(spec.replicas, 1)
      assert.strictEqual(spec.strategy.type, "Recreate")
    })

    it("selects pods by the app label alone, as the original chart does", async () => {
      const deployment = findObject(await defaults(), "Deployment")
      const spec = deployment.spec as { selector: { matchLabels: Record<string, string> } }
      assert.deepStrictEqual(spec.selector.matchLabels, { app: "agent-stack-k8s" })
      assert.strictEqual(podTemplate(await defaults()).metadata.labels.app, "agent-stack-k8s")
    })

    it("stores the token base64-encoded under BUILDKITE_AGENT_TOKEN", async () => {
      const secret = findObject(await defaults(), "Secret")
      assert.deepStrictEqual(secret.data, {
        BUILDKITE_AGENT_TOKEN: Buffer.from("bkct_secret").toString("base64"),
      })
    })
  })

  describe("checksum annotations", () => {
    const annotations = async (values: object): Promise<Record<string, string>> =>
      podTemplate(await render(values)).metadata.annotations

    it("change with the config and with the token, and only then", async () => {
      const base = await annotations(token)
      const again = await annotations(token)
      const newConfig = await annotations({ ...token, config: { queue: "other" } })
      const newToken = await annotations({ agentToken: "bkct_rotated" })
      assert.deepStrictEqual(again, base)
      assert.notStrictEqual(newConfig["checksum/config"], base["checksum/config"])
      assert.strictEqual(newConfig["checksum/secrets"], base["checksum/secrets"])
      assert.notStrictEqual(newToken["checksum/secrets"], base["checksum/secrets"])
      assert.strictEqual(newToken["checksum/config"], base["checksum/config"])
    })
  })
})
