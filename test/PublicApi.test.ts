import { assert, describe, it } from "@effect/vitest"
import * as api from "agent-stack-k8s"
import * as testing from "agent-stack-k8s/testing"
import { Effect, Layer, Result } from "effect"

describe("public entry points", () => {
  describe("agent-stack-k8s", () => {
    it.effect("builds a Job with a user's transform composed as a Layer", () =>
      Effect.gen(function* () {
        const builder = yield* api.PodSpecBuilder
        const job = yield* builder.build(
          {
            uuid: "0190ab12-0000-7000-8000-000000000001",
            priority: 0,
            agentQueryRules: [],
            command: "make",
            env: {},
          },
          { containers: [] },
        )
        assert.strictEqual(job.metadata?.labels?.["example.com/team"], "ci")
        assert.include(
          job.spec?.template.spec?.containers.map((container) => container.name) ?? [],
          "agent",
        )
      }).pipe(
        Effect.provide(
          api.PodSpecBuilder.layer.pipe(
            Layer.provide(
              Layer.mergeAll(
                Layer.succeed(api.PodSpecSettings, {
                  config: api.toBuildConfig(api.defaultConfig),
                  options: { controllerVersion: api.version },
                }),
                api.addTransforms({
                  name: "team-label",
                  run: (state) =>
                    Result.succeed({
                      ...state,
                      labels: { ...state.labels, "example.com/team": "ci" },
                    }),
                }),
              ),
            ),
          ),
        ),
      ),
    )
  })

  describe("agent-stack-k8s/testing", () => {
    it.effect("drives the in-memory Buildkite stack through its control handle", () =>
      Effect.gen(function* () {
        const stack = yield* testing.StackDoubleControl
        const buildkite = yield* api.BuildkiteApi
        const uuid = yield* stack.addJob({ agentQueryRules: ["queue=default"], command: "true" })
        const details = yield* buildkite.getJob(uuid)
        assert.strictEqual(details.command, "true")
      }).pipe(Effect.provide(api.BuildkiteApi.layerTest)),
    )

    it("exports the local HTTP fakes of both APIs", () => {
      assert.isFunction(testing.startStacksApiFake)
      assert.isFunction(testing.makeKubeApiFake)
      assert.strictEqual(testing.outcomeLabel, "kubelet.agent-stack-k8s.test/outcome")
    })
  })
})
