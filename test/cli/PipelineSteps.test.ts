import { assert, describe, it } from "@effect/vitest"
import {
  commandSteps,
  isKubernetesPlugin,
  pluginsJson,
  stepToJob,
} from "../../src/cli/PipelineSteps.ts"

describe("PipelineSteps", () => {
  describe("commandSteps", () => {
    it("finds command steps at the top level and inside groups, skipping waits and blocks", () => {
      const steps = commandSteps({
        steps: [
          { command: "a", key: "a" },
          "wait",
          { block: "release?" },
          { group: "g", steps: [{ commands: ["b"] }] },
        ],
      })
      assert.deepStrictEqual(
        steps.map((step) => [step.path, step.key]),
        [
          ["steps[0]", "a"],
          ["steps[3].steps[0]", undefined],
        ],
      )
    })
  })

  describe("isKubernetesPlugin", () => {
    it("accepts the shorthand, the full reference and a pinned version", () => {
      assert.isTrue(isKubernetesPlugin("kubernetes"))
      assert.isTrue(isKubernetesPlugin("github.com/buildkite-plugins/kubernetes-buildkite-plugin"))
      assert.isTrue(isKubernetesPlugin("kubernetes#v1.0.0"))
      assert.isFalse(isKubernetesPlugin("docker"))
    })
  })

  describe("pluginsJson", () => {
    it("expands the shorthand and keeps other plugins, in both list and map forms", () => {
      const fromList = JSON.parse(pluginsJson([{ kubernetes: { podTemplate: "x" } }, "docker#v5"]))
      assert.deepStrictEqual(fromList, [
        { "github.com/buildkite-plugins/kubernetes-buildkite-plugin": { podTemplate: "x" } },
        { "docker#v5": null },
      ])
      const fromMap = JSON.parse(pluginsJson({ kubernetes: {} }))
      assert.deepStrictEqual(fromMap, [
        { "github.com/buildkite-plugins/kubernetes-buildkite-plugin": {} },
      ])
    })
  })

  describe("stepToJob", () => {
    it("joins commands, merges agents over the pipeline's and carries image and key", () => {
      const [step] = commandSteps({
        steps: [{ key: "k", commands: ["one", "two"], agents: { os: "linux" }, image: "ruby:3" }],
      })
      assert.isDefined(step)
      if (step === undefined) return
      const job = stepToJob(step, { agents: { queue: "k8s", os: "any" } })
      assert.strictEqual(job.command, "one\ntwo")
      assert.deepStrictEqual(job.agentQueryRules, ["queue=k8s", "os=linux"])
      assert.strictEqual(job.env.BUILDKITE_IMAGE, "ruby:3")
      assert.strictEqual(job.env.BUILDKITE_STEP_KEY, "k")
      assert.match(job.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      assert.strictEqual(stepToJob(step).uuid, job.uuid)
    })
  })
})
