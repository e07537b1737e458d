import { readFile } from "node:fs/promises"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { parse } from "yaml"
import { findObject, type Rendered, render, template } from "./helm.ts"
import { configFile, controller, memo, podTemplate } from "./objects.ts"
import { validateObject } from "./validate.ts"

const token = { agentToken: "bkct_secret" }

const names = (objects: ReadonlyArray<Rendered>): ReadonlyArray<string> =>
  objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()

const validateAll = (objects: ReadonlyArray<Rendered>): void => {
  for (const object of objects) validateObject(object)
}

const renderError = async (values: object): Promise<string> => {
  const result = await template(values)
  assert.isFalse(result.ok, "expected helm template to fail")
  return result.stderr
}

const roleRules = (objects: ReadonlyArray<Rendered>) =>
  findObject(objects, "Role").rules as ReadonlyArray<{
    resources: ReadonlyArray<string>
    resourceNames?: ReadonlyArray<string>
  }>

const existingSecret = memo(() => render({ agentStackSecret: "buildkite-token" }))
const replicated = memo(() => render({ ...token, replicaCount: 3 }))
const monitored = memo(() =>
  render({
    ...token,
    monitoring: {
      deployGrafanaDashboard: true,
      namespace: "monitoring",
      podMonitor: { deploy: true, scrapeInterval: "30s" },
      serviceMonitor: { deploy: true, scrapeInterval: "1m" },
    },
  }),
)
const originalValues = memo(async () =>
  render(parse(await readFile(new URL("fixtures/original-values.yaml", import.meta.url), "utf8"))),
)

describe("chart values", () => {
  // helm runs are independent: start the shared renders together.
  beforeAll(() => Promise.all([existingSecret(), replicated(), monitored(), originalValues()]))

  describe("agentToken and agentStackSecret", () => {
    it("fails with a message naming both values when neither is set", async () => {
      const stderr = await renderError({})
      assert.include(stderr, "agentToken must be set")
      assert.include(stderr, "agentStackSecret")
    })

    it("uses an existing Secret without creating one", async () => {
      const objects = await existingSecret()
      validateAll(objects)
      assert.notInclude(names(objects).join(), "Secret ")
      assert.strictEqual(configFile(objects)["agent-token-secret"], "buildkite-token")
    })

    it("lets the controller read only the token Secret", async () => {
      const secrets = roleRules(await existingSecret()).find((r) => r.resources[0] === "secrets")
      assert.deepStrictEqual(secrets?.resourceNames, ["buildkite-token"])
    })
  })

  describe("replicaCount", () => {
    it("turns on leader election and rolls pods one by one above 1", async () => {
      const objects = await replicated()
      validateAll(objects)
      assert.strictEqual(configFile(objects)["leader-election"], true)
      const spec = findObject(objects, "Deployment").spec as {
        replicas: number
        strategy: { type: string }
      }
      assert.strictEqual(spec.replicas, 3)
      assert.strictEqual(spec.strategy.type, "RollingUpdate")
    })

    it("adds a PodDisruptionBudget over the controller pods above 1", async () => {
      const pdb = findObject(await replicated(), "PodDisruptionBudget")
      assert.deepStrictEqual(pdb.spec, {
        maxUnavailable: 1,
        selector: { matchLabels: { app: "agent-stack-k8s" } },
      })
    })

    it("fails clearly when leader election is turned off for several replicas", async () => {
      const stderr = await renderError({
        ...token,
        replicaCount: 2,
        config: { "leader-election": false },
      })
      assert.include(stderr, "config.leader-election is false")
    })

    it("is rejected by the values schema below 1", async () => {
      assert.include(await renderError({ ...token, replicaCount: 0 }), "/replicaCount")
    })
  })

  describe("config", () => {
    it("lets a user-supplied id and agent-token-secret win, once each", async () => {
      const result = await template({
        ...token,
        config: { id: "my-stack", "agent-token-secret": "other", namespace: "buildkite" },
      })
      assert.isTrue(result.ok, result.stderr)
      const configMap = parse(
        result.stdout.split("---").find((d) => d.includes("config.yaml:")) ?? "",
      )
      const text: string = configMap.data["config.yaml"]
      // The yaml parser rejects duplicate keys, so parsing proves each key appears once.
      assert.include(parse(text, { uniqueKeys: true }), {
        id: "my-stack",
        "agent-token-secret": "other",
      })
      assert.lengthOf(text.match(/^id:/gm) ?? [], 1)
    })

    it("drops ports and probes for endpoints the config turns off", async () => {
      const objects = await render({
        ...token,
        config: { "health-port": 0, "prometheus-port": 0 },
      })
      validateAll(objects)
      const container = controller(objects) as unknown as Record<string, unknown>
      for (const key of ["ports", "livenessProbe", "readinessProbe"]) {
        assert.notProperty(container, key)
      }
    })

    it("fails clearly when config.namespace is not the release namespace", async () => {
      const stderr = await renderError({ ...token, config: { namespace: "elsewhere" } })
      assert.include(
        stderr,
        'config.namespace is "elsewhere" but the release namespace is "buildkite"',
      )
    })
  })

  describe("monitoring", () => {
    it("renders a PodMonitor selecting the controller pods", async () => {
      const podMonitor = findObject(await monitored(), "PodMonitor")
      assert.strictEqual(podMonitor.apiVersion, "monitoring.coreos.com/v1")
      assert.strictEqual(podMonitor.metadata.namespace, "monitoring")
      assert.deepStrictEqual(podMonitor.spec, {
        jobLabel: "app",
        namespaceSelector: { matchNames: ["buildkite"] },
        selector: { matchLabels: { app: "agent-stack-k8s" } },
        podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
      })
    })

    it("renders a ServiceMonitor with the Service it needs", async () => {
      const objects = await monitored()
      validateAll(objects)
      const service = findObject(objects, "Service")
      const serviceMonitor = findObject(objects, "ServiceMonitor")
      const spec = serviceMonitor.spec as {
        selector: { matchLabels: Record<string, string> }
        endpoints: ReadonlyArray<unknown>
      }
      const labels = service.metadata.labels as Record<string, string>
      for (const [key, value] of Object.entries(spec.selector.matchLabels)) {
        assert.strictEqual(labels[key], value, key)
      }
      assert.deepStrictEqual(spec.endpoints, [
        { port: "metrics", path: "/metrics", interval: "1m" },
      ])
      assert.deepStrictEqual((service.spec as { selector: unknown }).selector, {
        app: "agent-stack-k8s",
      })
    })

    it("renders a Grafana dashboard over the controller's metrics, by namespace", async () => {
      const dashboard = findObject(await monitored(), "ConfigMap", "-grafana-dashboard")
      assert.strictEqual(
        (dashboard.metadata.labels as Record<string, string>).grafana_dashboard,
        "1",
      )
      const json = JSON.parse(
        (dashboard.data as Record<string, string>)["agent-stack-k8s.json"] ?? "",
      )
      const exprs: ReadonlyArray<string> = json.panels.flatMap(
        (p: { targets: ReadonlyArray<{ expr: string }> }) => p.targets.map((t) => t.expr),
      )
      assert.isAbove(exprs.length, 10)
      for (const expr of exprs) {
        assert.match(expr, /buildkite_[a-z_]+\{namespace=~"\$namespace"\}/, expr)
      }
    })

    it("fails clearly when a monitor is asked for with metrics turned off", async () => {
      const stderr = await renderError({
        ...token,
        config: { "prometheus-port": 0 },
        monitoring: { podMonitor: { deploy: true } },
      })
      assert.include(stderr, "config.prometheus-port")
    })
  })

  describe("naming", () => {
    const deploymentName = async (values: object, release: string) =>
      findObject(await render({ ...token, ...values }, { release }), "Deployment").metadata.name

    it("names objects as the original chart does", async () => {
      const [plain, containing, overridden, long] = await Promise.all([
        deploymentName({}, "ci"),
        deploymentName({}, "my-agent-stack-k8s"),
        deploymentName({ fullnameOverride: "bk" }, "ci"),
        deploymentName({}, `${"a".repeat(46)}-b`),
      ])
      assert.strictEqual(plain, "ci-agent-stack-k8s")
      assert.strictEqual(containing, "my-agent-stack-k8s")
      assert.strictEqual(overridden, "bk")
      // 64 characters, cut to the 63 a Kubernetes label value allows.
      assert.strictEqual(long, `${"a".repeat(46)}-b-agent-stack-k8`)
    })

    it("trims a trailing dash left by truncation", async () => {
      assert.strictEqual(
        await deploymentName({ fullnameOverride: `${"x".repeat(62)}-y` }, "r"),
        "x".repeat(62),
      )
    })
  })

  describe("serviceAccount and securityContext", () => {
    it("binds an existing ServiceAccount when told not to create one", async () => {
      const objects = await render({ ...token, serviceAccount: { create: false, name: "ci-sa" } })
      assert.notInclude(names(objects).join(), "ServiceAccount ")
      assert.strictEqual(podTemplate(objects).spec.serviceAccountName, "ci-sa")
      const subjects = findObject(objects, "RoleBinding").subjects as ReadonlyArray<{
        name: string
      }>
      assert.deepStrictEqual(
        subjects.map((s) => s.name),
        ["ci-sa"],
      )
    })

    it("fails clearly when neither creating nor naming a ServiceAccount", async () => {
      const stderr = await renderError({ ...token, serviceAccount: { create: false } })
      assert.include(stderr, "serviceAccount.name must be set")
    })

    it("merges overrides over the hardened security contexts", async () => {
      const objects = await render({
        ...token,
        podSecurityContext: { runAsUser: 2000 },
        securityContext: { readOnlyRootFilesystem: false },
      })
      assert.strictEqual(podTemplate(objects).spec.securityContext.runAsUser, 2000)
      assert.strictEqual(podTemplate(objects).spec.securityContext.runAsNonRoot, true)
      assert.strictEqual(controller(objects).securityContext.readOnlyRootFilesystem, false)
      assert.deepStrictEqual(controller(objects).securityContext.capabilities, { drop: ["ALL"] })
    })
  })

  describe("an original chart's values file", () => {
    it("renders valid objects", async () => {
      validateAll(await originalValues())
    })

    it("keeps the meaning of every value", async () => {
      const objects = await originalValues()
      const pod = podTemplate(objects)
      const spec = findObject(objects, "Deployment").spec as {
        template: { spec: Record<string, unknown> }
      }
      assert.deepStrictEqual(spec.template.spec.nodeSelector, {
        "kubernetes.io/os": "linux",
        "node-role.example.com/ci": "true",
      })
      assert.deepStrictEqual(spec.template.spec.tolerations, [
        { key: "dedicated", operator: "Equal", value: "ci", effect: "NoSchedule" },
      ])
      assert.strictEqual(pod.metadata.labels.team, "platform")
      assert.strictEqual(pod.metadata.annotations["example.com/owner"], "platform-team")
      const container = controller(objects)
      assert.strictEqual(container.image, "ghcr.io/example/agent-stack-k8s/controller:0.1.0")
      assert.deepStrictEqual(
        container.env.map((e) => e.name),
        ["CONFIG", "HTTPS_PROXY", "NO_PROXY"],
      )
      const secret = findObject(objects, "Secret")
      assert.strictEqual((secret.metadata.labels as Record<string, string>)["secret-class"], "ci")
      assert.strictEqual(
        (secret.metadata.annotations as Record<string, string>)["reloader.example.com/match"],
        "true",
      )
      for (const kind of ["ServiceAccount", "Role"]) {
        const annotations = findObject(objects, kind).metadata.annotations as Record<string, string>
        assert.match(annotations["eks.amazonaws.com/role-arn"] ?? "", /buildkite-controller$/, kind)
      }
      const config = configFile(objects)
      assert.strictEqual(config.queue, "kubernetes")
      assert.strictEqual(config["max-in-flight"], 25)
      assert.deepStrictEqual(config.tags, ["queue=kubernetes", "os=linux"])
      assert.strictEqual(findObject(objects, "PodMonitor").metadata.namespace, "buildkite")
    })
  })
})
