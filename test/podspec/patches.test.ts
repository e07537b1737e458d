/** The patch examples of upstream section 3.8, and the restrictions on command changes. */
import { assert, describe, it } from "@effect/vitest"
import type { V1PodSpec } from "@kubernetes/client-node"
import {
  baseJob,
  buildError,
  buildOk,
  containerNamed,
  envValue,
  names,
  podSpec,
  withPlugin,
} from "./fixtures.ts"

const tini = ["/workspace/tini-static"]
const bootstrap = ["--", "/workspace/buildkite-agent", "kubernetes-bootstrap"]

const withPatch = (podSpecPatch: V1PodSpec) => withPlugin({ podSpecPatch })

describe("patches", () => {
  describe("pluginPatch", () => {
    it("replaces the image of container-0", () => {
      const job = buildOk(withPatch({ containers: [{ name: "container-0", image: "alpine:3" }] }))
      assert.strictEqual(containerNamed(podSpec(job), "container-0").image, "alpine:3")
    })

    it("keeps every container when it patches only hostAliases", () => {
      const job = buildOk(
        withPatch({ containers: [], hostAliases: [{ ip: "10.0.0.1", hostnames: ["db"] }] }),
      )
      const spec = podSpec(job)
      assert.deepStrictEqual(names(spec.containers), ["container-0", "agent", "checkout"])
      assert.deepStrictEqual(spec.hostAliases, [{ ip: "10.0.0.1", hostnames: ["db"] }])
    })

    it("turns a command container's new command into BUILDKITE_COMMAND", () => {
      const job = buildOk(
        withPatch({
          containers: [
            { name: "container-0", command: ["this should"], args: ["work", "as", "expected"] },
          ],
        }),
      )
      const container = containerNamed(podSpec(job), "container-0")
      assert.strictEqual(envValue(container, "BUILDKITE_COMMAND"), "this should work as expected")
      assert.deepStrictEqual(container.command, tini)
      assert.deepStrictEqual(container.args, bootstrap)
    })

    it("uses the plugin's interposer for the converted command", () => {
      const job = buildOk(
        withPlugin({
          commandParams: { interposer: "vector" },
          podSpecPatch: { containers: [{ name: "container-0", command: ["echo", "a b"] }] },
        }),
      )
      assert.strictEqual(
        envValue(containerNamed(podSpec(job), "container-0"), "BUILDKITE_COMMAND"),
        "echo 'a b'",
      )
    })

    it("applies an unmanaged container's command verbatim", () => {
      const job = buildOk(
        withPatch({
          containers: [{ name: "extra", image: "alpine:3", command: ["sleep"], args: ["5"] }],
        }),
      )
      const extra = containerNamed(podSpec(job), "extra")
      assert.deepStrictEqual(extra.command, ["sleep"])
      assert.deepStrictEqual(extra.args, ["5"])
    })

    it("refuses to change the agent's command or args", () => {
      for (const change of [{ command: ["sh"] }, { args: ["stop"] }]) {
        const error = buildError(withPatch({ containers: [{ name: "agent", ...change }] }))
        assert.strictEqual(
          error.message,
          "failed to apply podSpec patch from k8s plugin: for the agent container, modifying container commands or args via podSpecPatch is not supported",
        )
      }
    })

    it("refuses to change the checkout container's command or args", () => {
      for (const change of [{ command: ["sh"] }, { args: ["x"] }]) {
        const error = buildError(withPatch({ containers: [{ name: "checkout", ...change }] }))
        assert.strictEqual(
          error.message,
          "failed to apply podSpec patch from k8s plugin: for the checkout container, modifying container commands or args via podSpecPatch is not supported; instead consider configuring a checkout hook or skipping the checkout container entirely",
        )
      }
    })

    it("refuses to change copy-agent and image checks, unless allowed", () => {
      const patch = withPatch({
        containers: [],
        initContainers: [{ name: "copy-agent", command: ["true"] }],
      })
      assert.strictEqual(buildError(patch).reason, "PluginPatch")
      const allowed = buildOk(patch, { allowPodSpecPatchUnsafeCommandModification: true })
      assert.deepStrictEqual(containerNamed(podSpec(allowed), "copy-agent").command, ["true"])
      const agent = buildOk(
        withPatch({ containers: [{ name: "agent", args: ["start", "--debug"] }] }),
        {
          allowPodSpecPatchUnsafeCommandModification: true,
        },
      )
      assert.deepStrictEqual(containerNamed(podSpec(agent), "agent").args, ["start", "--debug"])
    })

    it("accepts a patch repeating the agent's own args", () => {
      const job = buildOk(withPatch({ containers: [{ name: "agent", args: ["start"] }] }))
      assert.deepStrictEqual(containerNamed(podSpec(job), "agent").args, ["start"])
    })

    it("removes a checkout container a patch adds back when checkout is skipped", () => {
      const job = buildOk(
        withPlugin({
          checkout: { skip: true },
          podSpecPatch: { containers: [{ name: "checkout", image: "alpine:3" }] },
        }),
      )
      assert.deepStrictEqual(names(podSpec(job).containers), ["container-0", "agent"])
    })

    it("supports patch directives such as deleting a volume", () => {
      const patch = { volumes: [{ name: "workspace", $patch: "delete" }] } as unknown as V1PodSpec
      const job = buildOk(withPatch(patch), {
        workspaceVolume: { name: "workspace", emptyDir: {} },
      })
      assert.deepStrictEqual(podSpec(job).volumes, [])
    })
  })

  describe("controllerPatch", () => {
    it("prefixes its errors with the controller as the source", () => {
      const error = buildError(baseJob, {
        podSpecPatch: { containers: [{ name: "agent", command: ["sh"] }] },
      })
      assert.strictEqual(error.reason, "ControllerPatch")
      assert.isTrue(error.message.startsWith("failed to apply podSpec patch from controller: "))
    })

    it("is not modified by the build", () => {
      const podSpecPatch = { containers: [{ name: "container-0", command: ["make"] }] }
      const copy = structuredClone(podSpecPatch)
      const job = buildOk(baseJob, {
        podSpecPatch,
        allowPodSpecPatchUnsafeCommandModification: true,
      })
      assert.strictEqual(
        envValue(containerNamed(podSpec(job), "container-0"), "BUILDKITE_COMMAND"),
        "make",
      )
      assert.deepStrictEqual(podSpecPatch, copy)
    })
  })
})
