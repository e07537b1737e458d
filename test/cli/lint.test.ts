import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { lint } from "../../src/cli/lint.ts"
import { memoryIo } from "./cliIo.ts"

describe("lint", () => {
  it.effect("passes the example pipeline", () =>
    Effect.gen(function* () {
      const run = memoryIo()
      assert.strictEqual(yield* lint(["examples/pipeline.yml"], run.io), 0)
      assert.include(run.stdout(), "valid (3 command steps, 3 with the kubernetes plugin)")
    }),
  )

  it.effect("reports each problem with its step and path, and exits 1", () =>
    Effect.gen(function* () {
      const run = memoryIo()
      assert.strictEqual(yield* lint(["examples/pipeline-with-mistakes.yml"], run.io), 1)
      const out = run.stdout()
      assert.include(out, "3 problems")
      assert.include(
        out,
        'steps[0] (key: typo): plugins[0].kubernetes.podSpec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy", did you mean "imagePullPolicy"?',
      )
      assert.include(
        out,
        "steps[1] (key: wrong-type): plugins[0].kubernetes.podSpec.containers[0].env[0].value",
      )
      assert.include(
        out,
        'steps[2] (key: bad-image): agent-stack-k8s failed to build a podSpec for the job: repository name must be lowercase "Alpine:Latest"',
      )
      assert.notInclude(out, "key: fine")
    }),
  )

  it.effect("checks plugin blocks without a podSpec, which need not have one", () =>
    Effect.gen(function* () {
      const run = memoryIo({
        "p.yml":
          "steps:\n  - command: make\n    plugins:\n      - kubernetes:\n          checkout: {skip: true}\n  - command: make\n    plugins:\n      - kubernetes: ~\n",
      })
      assert.strictEqual(yield* lint(["p.yml"], run.io), 0, run.stdout())
    }),
  )

  it.effect("reports a pipeline that is not YAML", () =>
    Effect.gen(function* () {
      const run = memoryIo({ "p.yml": "steps: [\n" })
      assert.strictEqual(yield* lint(["p.yml"], run.io), 1)
      assert.include(run.stdout(), "invalid YAML")
    }),
  )

  it.effect("applies the controller's configuration, e.g. a prohibited plugin", () =>
    Effect.gen(function* () {
      const run = memoryIo()
      const status = yield* lint(["examples/pipeline.yml", "--prohibit-kubernetes-plugin"], run.io)
      assert.strictEqual(status, 1)
      assert.include(run.stdout(), "the kubernetes plugin is prohibited by this controller")
    }),
  )
})
