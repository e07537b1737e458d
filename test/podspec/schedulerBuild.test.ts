/** The scheduler-build assertions of upstream section 8.3, ported. */
import { assert, describe, it } from "@effect/vitest"
import {
  baseJob,
  buildOk,
  containerNamed,
  envValue,
  names,
  podSpec,
  withPlugin,
} from "./fixtures.ts"

const golang = { name: "", image: "golang:1.23.5", command: ["go", "test"], args: ["./..."] }

describe("buildJob", () => {
  describe("containers", () => {
    it("runs command, agent and checkout containers, or two when checkout is skipped", () => {
      assert.deepStrictEqual(names(podSpec(buildOk()).containers), [
        "container-0",
        "agent",
        "checkout",
      ])
      const skipped = buildOk(withPlugin({ checkout: { skip: true } }))
      assert.deepStrictEqual(names(podSpec(skipped).containers), ["container-0", "agent"])
      assert.strictEqual(
        envValue(containerNamed(podSpec(skipped), "agent"), "BUILDKITE_CONTAINER_COUNT"),
        "1",
      )
      assert.strictEqual(
        envValue(containerNamed(podSpec(skipped), "container-0"), "BUILDKITE_CONTAINER_ID"),
        "0",
      )
    })

    it("references the agent token secret and the downward API on the agent", () => {
      const agent = containerNamed(
        podSpec(buildOk({ ...baseJob }, { agentTokenSecret: "tok" })),
        "agent",
      )
      const token = agent.env?.find((e) => e.name === "BUILDKITE_AGENT_TOKEN")
      assert.deepStrictEqual(token?.valueFrom?.secretKeyRef, {
        name: "tok",
        key: "BUILDKITE_AGENT_TOKEN",
      })
      const node = agent.env?.find((e) => e.name === "BUILDKITE_K8S_NODE")
      assert.strictEqual(node?.valueFrom?.fieldRef?.fieldPath, "spec.nodeName")
    })

    it("runs a user container's command through tini and BUILDKITE_COMMAND", () => {
      const job = buildOk(withPlugin({ podSpec: { containers: [golang] } }))
      const container = containerNamed(podSpec(job), "container-0")
      assert.deepStrictEqual(container.command, ["/workspace/tini-static"])
      assert.deepStrictEqual(container.args, [
        "--",
        "/workspace/buildkite-agent",
        "kubernetes-bootstrap",
      ])
      assert.strictEqual(envValue(container, "BUILDKITE_COMMAND"), "go\ntest ./...")
    })

    it("gives the step command to a container without a command of its own", () => {
      const job = buildOk(
        withPlugin({
          podSpec: { containers: [{ name: "x", image: "alpine", args: ["ignored"] }] },
        }),
      )
      assert.strictEqual(
        envValue(containerNamed(podSpec(job), "x"), "BUILDKITE_COMMAND"),
        "echo hello",
      )
    })

    it("keeps the container's envFrom and appends gitEnvFrom", () => {
      const own = { secretRef: { name: "own" } }
      const git = { secretRef: { name: "git-ssh" } }
      const job = buildOk(
        withPlugin({ podSpec: { containers: [{ ...golang, envFrom: [own] }] }, gitEnvFrom: [git] }),
      )
      const spec = podSpec(job)
      assert.deepStrictEqual(containerNamed(spec, "container-0").envFrom, [own, git])
      assert.deepStrictEqual(containerNamed(spec, "checkout").envFrom, [git])
    })

    it("puts envFrom from the controller patch on checkout", () => {
      const patch = { containers: [{ name: "checkout", envFrom: [{ secretRef: { name: "p" } }] }] }
      const job = buildOk(baseJob, { podSpecPatch: patch })
      assert.deepStrictEqual(containerNamed(podSpec(job), "checkout").envFrom, [
        { secretRef: { name: "p" } },
      ])
    })
  })

  describe("metadata", () => {
    it("sets tag and controller-id labels", () => {
      const labels = buildOk().metadata?.labels ?? {}
      assert.strictEqual(labels["tag.buildkite.com/queue"], "kubernetes")
      assert.strictEqual(labels["buildkite.com/controller-id"], "agent-stack-k8s")
      const noId = buildOk(baseJob, { id: "" }).metadata?.labels ?? {}
      assert.isFalse("buildkite.com/controller-id" in noId)
    })

    it("skips tags that are not valid labels", () => {
      const job = buildOk({
        ...baseJob,
        agentQueryRules: ["queue=kubernetes=2", "os=*", "arch=arm64"],
      })
      const labels = job.metadata?.labels ?? {}
      assert.isFalse("tag.buildkite.com/queue" in labels)
      assert.isFalse("tag.buildkite.com/os" in labels)
      assert.strictEqual(labels["tag.buildkite.com/arch"], "arm64")
    })

    it("does not let plugin metadata forge the step key or the job uuid", () => {
      const job = buildOk(
        withPlugin(
          {
            metadata: {
              annotations: { "buildkite.com/step-key": "forged" },
              labels: { "buildkite.com/job-uuid": "forged" },
            },
          },
          { ...baseJob, env: { ...baseJob.env, BUILDKITE_STEP_KEY: "real" } },
        ),
      )
      assert.strictEqual(job.metadata?.annotations?.["buildkite.com/step-key"], "real")
      assert.notStrictEqual(job.metadata?.labels?.["buildkite.com/job-uuid"], "forged")
    })

    it("marks pods not safe to evict unless default or plugin metadata says otherwise", () => {
      const key = "cluster-autoscaler.kubernetes.io/safe-to-evict"
      assert.strictEqual(buildOk().metadata?.annotations?.[key], "false")
      const byDefault = buildOk(baseJob, { defaultMetadata: { annotations: { [key]: "true" } } })
      assert.strictEqual(byDefault.metadata?.annotations?.[key], "true")
      const byPlugin = buildOk(withPlugin({ metadata: { annotations: { [key]: "true" } } }))
      assert.strictEqual(byPlugin.spec?.template.metadata?.annotations?.[key], "true")
    })

    it("names the pod template only when it was used", () => {
      const key = "buildkite.com/pod-template-name"
      const used = buildOk(withPlugin({ podTemplate: "tmpl" }), {}, { containers: [] })
      assert.strictEqual(used.metadata?.annotations?.[key], "tmpl")
      const unused = buildOk(withPlugin({ podTemplate: "tmpl", podSpec: { containers: [] } }))
      assert.isFalse(key in (unused.metadata?.annotations ?? {}))
    })

    it("keeps a long job prefix within 63 characters and keeps the whole UUID", () => {
      const job = buildOk(baseJob, { jobPrefix: "a-very-long-job-prefix-that-goes-on-and-on-" })
      const name = job.metadata?.name ?? ""
      assert.isAtMost(name.length, 63)
      assert.isTrue(name.endsWith(baseJob.uuid))
      assert.isTrue(name.startsWith("a-very-long"))
    })
  })

  describe("workspace", () => {
    it("puts subPathExpr on every /workspace mount, and none by default", () => {
      const mounts = (expr?: string) => {
        const job = buildOk(
          withPlugin({
            podSpec: { containers: [golang] },
            sidecars: [{ name: "s", image: "redis" }],
          }),
          expr === undefined ? {} : { workspaceMountSubPathExpr: expr },
        )
        const spec = podSpec(job)
        return [...(spec.initContainers ?? []), ...spec.containers].flatMap((c) =>
          (c.volumeMounts ?? []).filter((m) => m.mountPath === "/workspace"),
        )
      }
      const withExpr = mounts("$(POD_NAME)")
      assert.isAtLeast(withExpr.length, 5)
      for (const mount of withExpr) assert.strictEqual(mount.subPathExpr, "$(POD_NAME)")
      for (const mount of mounts()) assert.isFalse("subPathExpr" in mount)
    })

    it("keeps the workspace mount when a user mount claims /workspace", () => {
      const container = { ...golang, volumeMounts: [{ name: "other", mountPath: "/workspace" }] }
      const job = buildOk(
        withPlugin({
          podSpec: { containers: [container], volumes: [{ name: "other", emptyDir: {} }] },
        }),
      )
      const mounts = containerNamed(podSpec(job), "container-0").volumeMounts ?? []
      assert.deepStrictEqual(mounts, [{ name: "workspace", mountPath: "/workspace" }])
    })
  })

  describe("checkout", () => {
    it("sets no submodule variable for empty checkout params", () => {
      const agent = containerNamed(podSpec(buildOk(withPlugin({ checkout: {} }))), "agent")
      assert.isUndefined(envValue(agent, "BUILDKITE_GIT_SUBMODULE_CLONE_CONFIG"))
      assert.isUndefined(envValue(agent, "BUILDKITE_NO_GIT_SUBMODULES"))
    })

    it("lets plugin checkout params replace the defaults on the agent", () => {
      const agent = containerNamed(
        podSpec(
          buildOk(
            withPlugin({
              checkout: { cloneFlags: "--depth=1", submoduleCloneConfig: ["a=b", "c=d"] },
            }),
            {
              defaultCheckoutParams: { cloneFlags: "--mirror", fetchFlags: "-v" },
            },
          ),
        ),
        "agent",
      )
      assert.strictEqual(envValue(agent, "BUILDKITE_GIT_CLONE_FLAGS"), "--depth=1")
      assert.strictEqual(envValue(agent, "BUILDKITE_GIT_FETCH_FLAGS"), "-v")
      assert.strictEqual(envValue(agent, "BUILDKITE_GIT_SUBMODULE_CLONE_CONFIG"), "a=b,c=d")
    })

    it("mounts git credentials, envFrom and extra mounts from defaults and plugin", () => {
      const job = buildOk(
        withPlugin({
          checkout: {
            gitCredentialsSecret: { secretName: "plugin-creds" },
            envFrom: [{ secretRef: { name: "p" } }],
            extraVolumeMounts: [{ name: "p-vol", mountPath: "/p" }],
          },
        }),
        {
          defaultCheckoutParams: {
            gitCredentialsSecret: { secretName: "default-creds" },
            envFrom: [{ secretRef: { name: "d" } }],
            extraVolumeMounts: [{ name: "d-vol", mountPath: "/d" }],
          },
        },
      )
      const spec = podSpec(job)
      const checkout = containerNamed(spec, "checkout")
      assert.deepStrictEqual(checkout.envFrom, [
        { secretRef: { name: "d" } },
        { secretRef: { name: "p" } },
      ])
      assert.deepStrictEqual(
        (checkout.volumeMounts ?? []).map((m) => m.mountPath),
        ["/workspace", "/d", "/p", "/buildkite/git-credentials-ro", "/buildkite/git-credentials"],
      )
      assert.deepStrictEqual(spec.volumes?.find((v) => v.name === "git-credentials-ro")?.secret, {
        secretName: "plugin-creds",
      })
      assert.include(
        checkout.args?.[0] ?? "",
        "credential.helper 'store --file /buildkite/git-credentials/.git-credentials'",
      )
    })

    it("creates the pod's user and switches to it when the pod runs as non-root", () => {
      const job = buildOk(
        withPlugin({
          podSpec: { containers: [], securityContext: { runAsUser: 1001, runAsGroup: 1002 } },
        }),
      )
      const spec = podSpec(job)
      const checkout = containerNamed(spec, "checkout")
      assert.deepStrictEqual(checkout.securityContext, {
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
      })
      assert.include(checkout.args?.[0] ?? "", "useradd -M -u 1001 -g buildkite-agent")
      assert.include(
        checkout.args?.[0] ?? "",
        'su buildkite-agent -c "true && buildkite-agent-entrypoint kubernetes-bootstrap"',
      )
      assert.include(
        containerNamed(spec, "copy-agent").args?.[1] ?? "",
        "chown -R 1001:1002 /workspace",
      )
    })
  })

  describe("image attribute", () => {
    const imageJob = withPlugin(
      { podSpec: { containers: [golang] } },
      { ...baseJob, env: { ...baseJob.env, BUILDKITE_IMAGE: "node:22" } },
    )

    it("replaces command container images, and the plugin patch wins over it", () => {
      assert.strictEqual(containerNamed(podSpec(buildOk(imageJob)), "container-0").image, "node:22")
      const patched = buildOk({
        ...imageJob,
        plugin: {
          ...imageJob.plugin,
          podSpecPatch: { containers: [{ name: "container-0", image: "ruby:3" }] },
        },
      })
      assert.strictEqual(containerNamed(podSpec(patched), "container-0").image, "ruby:3")
    })

    it("wins over the controller patch", () => {
      const job = buildOk(imageJob, {
        podSpecPatch: { containers: [{ name: "container-0", image: "ruby:3" }] },
      })
      assert.strictEqual(containerNamed(podSpec(job), "container-0").image, "node:22")
    })

    it("gets an image check of its own", () => {
      const spec = podSpec(buildOk(imageJob))
      const checks = (spec.initContainers ?? []).filter((c) => c.name.startsWith("imagecheck-"))
      assert.deepStrictEqual(
        checks.map((c) => [c.name, c.image, c.imagePullPolicy]),
        [
          ["imagecheck-0", "golang:1.23.5", "Always"],
          ["imagecheck-1", "node:22", "Always"],
        ],
      )
      assert.strictEqual(containerNamed(spec, "container-0").imagePullPolicy, "IfNotPresent")
    })
  })

  describe("agent config", () => {
    it("adds additional hooks to env, volumes and mounts", () => {
      const volume = { name: "extra-hooks", configMap: { name: "hooks" } }
      const job = buildOk(baseJob, {
        agentConfig: {
          additionalHooksPaths: ["/etc/hooks"],
          additionalHooks: [{ path: "/extra", volume }],
        },
      })
      const spec = podSpec(job)
      assert.deepStrictEqual(spec.volumes?.[1], volume)
      assert.strictEqual(
        envValue(containerNamed(spec, "agent"), "BUILDKITE_ADDITIONAL_HOOKS_PATHS"),
        "/etc/hooks,/extra",
      )
      for (const name of ["agent", "checkout", "container-0"]) {
        const mounts = containerNamed(spec, name).volumeMounts ?? []
        assert.isTrue(
          mounts.some((m) => m.name === "extra-hooks" && m.mountPath === "/extra"),
          name,
        )
      }
    })

    const keyCases = [
      { file: undefined, env: "/buildkite/signing-jwks/key", dir: "/buildkite/signing-jwks" },
      { file: "my-key", env: "/buildkite/signing-jwks/my-key", dir: "/buildkite/signing-jwks" },
      { file: "/keys/sign.json", env: "/keys/sign.json", dir: "/keys" },
    ]
    for (const { file, env, dir } of keyCases) {
      it(`mounts the signing key volume at ${dir} for file ${String(file)}`, () => {
        const job = buildOk(baseJob, {
          agentConfig: {
            signingJWKSVolume: { name: "sign", secret: { secretName: "s" } },
            ...(file === undefined ? {} : { signingJwksFile: file }),
          },
        })
        const spec = podSpec(job)
        assert.strictEqual(
          envValue(containerNamed(spec, "agent"), "BUILDKITE_AGENT_SIGNING_JWKS_FILE"),
          env,
        )
        for (const name of ["agent", "container-0"]) {
          assert.isTrue(
            (containerNamed(spec, name).volumeMounts ?? []).some(
              (m) => m.name === "sign" && m.mountPath === dir,
            ),
          )
        }
        assert.isFalse(
          (containerNamed(spec, "checkout").volumeMounts ?? []).some((m) => m.name === "sign"),
        )
      })
    }

    it("mounts the verification key on the agent only and passes files through without a volume", () => {
      const job = buildOk(baseJob, {
        agentConfig: {
          verificationJWKSVolume: { name: "verify", secret: { secretName: "v" } },
          signingJwksFile: "/baked/key",
        },
      })
      const spec = podSpec(job)
      const agent = containerNamed(spec, "agent")
      assert.strictEqual(
        envValue(agent, "BUILDKITE_AGENT_VERIFICATION_JWKS_FILE"),
        "/buildkite/verification-jwks/key",
      )
      assert.strictEqual(envValue(agent, "BUILDKITE_AGENT_SIGNING_JWKS_FILE"), "/baked/key")
      assert.isTrue((agent.volumeMounts ?? []).some((m) => m.name === "verify"))
      assert.isFalse(
        (containerNamed(spec, "container-0").volumeMounts ?? []).some((m) => m.name === "verify"),
      )
    })

    it("renders agent settings as environment variables", () => {
      const agent = containerNamed(
        podSpec(
          buildOk(baseJob, {
            agentConfig: {
              shell: "/bin/bash -c",
              pluginValidation: true,
              containerStartTimeoutMillis: 300_000,
              experiment: ["a", "b"],
            },
          }),
        ),
        "agent",
      )
      assert.strictEqual(envValue(agent, "BUILDKITE_SHELL"), "/bin/bash -c")
      assert.strictEqual(envValue(agent, "BUILDKITE_NO_PLUGIN_VALIDATION"), "false")
      assert.strictEqual(envValue(agent, "BUILDKITE_KUBERNETES_CONTAINER_START_TIMEOUT"), "5m0s")
      assert.strictEqual(envValue(agent, "BUILDKITE_AGENT_EXPERIMENT"), "a,b")
      assert.strictEqual(
        envValue(agent, "BUILDKITE_AGENT_JOB_VERIFICATION_NO_SIGNATURE_BEHAVIOR"),
        "warn",
      )
      assert.strictEqual((agent.env ?? []).filter((e) => e.name === "BUILDKITE_SHELL").length, 1)
    })
  })
})
