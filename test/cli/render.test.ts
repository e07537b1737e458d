import { assert, describe, it } from "@effect/vitest"
import type { V1Job } from "@kubernetes/client-node"
import { Effect } from "effect"
import { parseAllDocuments } from "yaml"
import { render } from "../../src/cli/render.ts"
import { memoryIo } from "./cliIo.ts"

const jobs = (yamlText: string): ReadonlyArray<V1Job> =>
  parseAllDocuments(yamlText).map((document) => document.toJS() as V1Job)

const containerNames = (job: V1Job | undefined) =>
  job?.spec?.template.spec?.containers.map((container) => container.name)

describe("render", () => {
  it.effect("prints the Job for the example job details with the example config", () =>
    Effect.gen(function* () {
      const run = memoryIo()
      const status = yield* render(["examples/job.json", "-f", "examples/config.yaml"], run.io)
      assert.strictEqual(status, 0, run.stderr())
      const [job] = jobs(run.stdout())
      assert.strictEqual(job?.metadata?.name, "buildkite-01890a5c-7e2b-4f35-9d6a-3c1f0e8b2a47")
      assert.deepStrictEqual(containerNames(job), ["container-0", "agent", "checkout"])
      const initNames = job?.spec?.template.spec?.initContainers?.map((c) => c.name)
      assert.include(initNames ?? [], "copy-agent")
      assert.include(initNames ?? [], "redis")
    }),
  )

  it.effect("renders every command step of a pipeline file, inside groups too", () =>
    Effect.gen(function* () {
      const run = memoryIo()
      const status = yield* render(["examples/pipeline.yml"], run.io)
      assert.strictEqual(status, 0, run.stderr())
      const rendered = jobs(run.stdout())
      assert.strictEqual(rendered.length, 3)
      const build = rendered[1]?.spec?.template.spec?.containers[0]
      assert.strictEqual(build?.image, "node:24-slim")
      assert.deepStrictEqual(build?.resources?.limits, { memory: "2Gi" })
    }),
  )

  it.effect("prints JSON when asked", () =>
    Effect.gen(function* () {
      const run = memoryIo()
      const status = yield* render(["examples/job.json", "--output=json"], run.io)
      assert.strictEqual(status, 0)
      const job = JSON.parse(run.stdout()) as V1Job
      assert.strictEqual(job.kind, "Job")
    }),
  )

  it.effect(
    "reports the Buildkite failure message and exits 1 for a job the controller refuses",
    () =>
      Effect.gen(function* () {
        const run = memoryIo({
          "bad.yml":
            "steps:\n  - command: make\n    plugins:\n      - kubernetes:\n          podSpec:\n            containers:\n              - image: 'UPPER:case'\n",
        })
        const status = yield* render(["bad.yml"], run.io)
        assert.strictEqual(status, 1)
        assert.include(
          run.stderr(),
          'agent-stack-k8s failed to build a podSpec for the job: repository name must be lowercase "UPPER:case" for container "container-0"',
        )
      }),
  )

  it.effect("uses a PodTemplate given with --pod-template, and says how when it is missing", () =>
    Effect.gen(function* () {
      const files = {
        "job.yml":
          "steps:\n  - command: echo hi\n    plugins:\n      - kubernetes:\n          podTemplate: base\n",
        "templates.yml":
          "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: base}\ntemplate:\n  spec:\n    containers:\n      - {name: templated, image: alpine:latest}\n",
      }
      const withTemplate = memoryIo(files)
      assert.strictEqual(
        yield* render(["job.yml", "--pod-template", "templates.yml"], withTemplate.io),
        0,
      )
      const [job] = jobs(withTemplate.stdout())
      assert.strictEqual(job?.spec?.template.spec?.containers[0]?.name, "templated")
      assert.strictEqual(job?.metadata?.annotations?.["buildkite.com/pod-template-name"], "base")

      const without = memoryIo(files)
      assert.strictEqual(yield* render(["job.yml"], without.io), 1)
      assert.include(without.stderr(), 'Error fetching podTemplate "base"')
    }),
  )

  it.effect("exits 2 with every config problem for a bad configuration", () =>
    Effect.gen(function* () {
      const run = memoryIo({ "config.yml": "max-in-flght: 3\npoll-interval: soon\n" })
      const status = yield* render(["examples/job.json", "-f", "config.yml"], run.io)
      assert.strictEqual(status, 2)
      assert.include(run.stderr(), "max-in-flight")
      assert.include(run.stderr(), "poll-interval")
      assert.strictEqual(run.stdout(), "")
    }),
  )

  it.effect("exits 2 without a job file or with an unknown output format", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* render([], memoryIo().io), 2)
      assert.strictEqual(yield* render(["examples/job.json", "-o", "xml"], memoryIo().io), 2)
    }),
  )
})
