/**
 * Properties of the whole build over generated jobs, plugin settings and patches: the Job is
 * valid, the build is deterministic, the stack containers are there and the variables the
 * controller owns keep the controller's values.
 */
import { assert, describe, it } from "@effect/vitest"
import type { V1Container, V1EnvVar, V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import fc from "fast-check"
import { Job } from "kubernetes-models/batch/v1/Job"
import { dns1123LabelErrors, labelValueErrors, qualifiedNameErrors } from "../../src/kube/Labels.ts"
import type { BuildConfig } from "../../src/podspec/BuildConfig.ts"
import { buildJob } from "../../src/podspec/buildJob.ts"
import type { KubernetesPlugin, ParsedJob } from "../../src/podspec/JobInput.ts"
import { baseConfig, options } from "./fixtures.ts"

const reserved = [
  "BUILDKITE_COMMAND",
  "BUILDKITE_BOOTSTRAP_PHASES",
  "BUILDKITE_CONTAINER_ID",
  "BUILDKITE_SOCKETS_PATH",
  "BUILDKITE_AGENT_ACQUIRE_JOB",
  "BUILDKITE_AGENT_TOKEN",
]

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/)
const image = fc.constantFrom(
  "alpine:3",
  "golang:1.23.5",
  "node:22",
  `ruby@sha256:${"b".repeat(64)}`,
)
const envVar: fc.Arbitrary<V1EnvVar> = fc.record({
  name: fc.oneof(
    fc.constantFrom(...reserved),
    word.map((w) => w.toUpperCase()),
  ),
  value: fc.string({ maxLength: 12 }),
})
const container: fc.Arbitrary<V1Container> = fc.record(
  {
    name: fc.oneof(fc.constant(""), word),
    image,
    command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    args: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    env: fc.array(envVar, { maxLength: 4 }),
    imagePullPolicy: fc.constantFrom("Always", "IfNotPresent", "Never"),
  },
  { requiredKeys: ["name", "image"] },
)
const uniqueContainers = (max: number) =>
  fc.uniqueArray(container, {
    maxLength: max,
    selector: (c) => (c.name === "" ? Math.random() : c.name),
  })

const patch: fc.Arbitrary<V1PodSpec> = fc.record(
  {
    containers: fc.array(
      fc.record(
        {
          name: fc.constantFrom("container-0", "agent", "checkout", "extra"),
          image,
          env: fc.array(envVar, { maxLength: 2 }),
        },
        { requiredKeys: ["name"] },
      ),
      { maxLength: 2 },
    ),
    nodeSelector: fc.dictionary(word, word, { maxKeys: 2 }),
  },
  { requiredKeys: ["containers"] },
)

const plugin: fc.Arbitrary<KubernetesPlugin> = fc.record(
  {
    podSpec: fc.record({ containers: uniqueContainers(3) }),
    sidecars: fc.uniqueArray(fc.record({ name: word, image }), {
      maxLength: 2,
      selector: (s) => s.name,
    }),
    checkout: fc.record({ skip: fc.boolean() }, { requiredKeys: [] }),
    metadata: fc.record({ labels: fc.dictionary(word, word, { maxKeys: 2 }) }),
    podSpecPatch: patch,
    commandParams: fc.record({ interposer: fc.constantFrom("buildkite", "vector", "legacy") }),
  },
  { requiredKeys: [] },
)

const rule = fc.oneof(
  fc.tuple(word, fc.string({ maxLength: 10 })).map(([k, v]) => `${k}=${v}`),
  fc.string({ maxLength: 10 }),
)

const job: fc.Arbitrary<ParsedJob> = fc.record(
  {
    uuid: fc.uuid(),
    priority: fc.integer({ min: -10, max: 10 }),
    agentQueryRules: fc.array(rule, { maxLength: 4 }),
    command: fc.string({ maxLength: 20 }),
    env: fc.record({ BUILDKITE_BUILD_URL: fc.constantFrom("", "https://bk.example/b/1", "::bad") }),
    plugin,
  },
  { requiredKeys: ["uuid", "priority", "agentQueryRules", "command", "env"] },
)

const config: fc.Arbitrary<BuildConfig> = fc
  .record({
    jobPrefix: fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/),
    restricted: fc.boolean(),
    skipImageCheckContainers: fc.boolean(),
    defaultImagePullPolicy: fc.constantFrom("Always", "IfNotPresent", "Never"),
  })
  .map((overrides) => ({ ...baseConfig, ...overrides }))

const build = (j: ParsedJob, c: BuildConfig) =>
  buildJob(j, j.plugin?.podSpec ?? { containers: [] }, c, options)

const built = (j: ParsedJob, c: BuildConfig): V1Job | undefined => {
  const result = build(j, c)
  return Result.isSuccess(result) ? result.success : undefined
}

const allContainers = (job: V1Job): ReadonlyArray<V1Container> => [
  ...(job.spec?.template.spec?.initContainers ?? []),
  ...(job.spec?.template.spec?.containers ?? []),
]

const values = (c: V1Container, name: string) => (c.env ?? []).filter((e) => e.name === name)

const runs = { numRuns: 150 }

describe("buildJob", () => {
  describe("properties", () => {
    it("renders a Job that Kubernetes' schema accepts, with valid names and labels", () => {
      fc.assert(
        fc.property(job, config, (j, c) => {
          const out = built(j, c)
          if (out === undefined) return
          new Job(out as never).validate()
          const name = out.metadata?.name ?? ""
          assert.deepStrictEqual(dns1123LabelErrors(name), [], name)
          for (const [key, value] of Object.entries(out.metadata?.labels ?? {})) {
            assert.deepStrictEqual(
              [...qualifiedNameErrors(key), ...labelValueErrors(value)],
              [],
              key,
            )
          }
        }),
        runs,
      )
    })

    it("builds only fail for the reasons the engine names", () => {
      fc.assert(
        fc.property(job, config, (j, c) => {
          const result = build(j, c)
          if (Result.isFailure(result)) {
            // A patch may add a container without an image, which no reference validates.
            assert.include(
              ["PluginPatch", "ControllerPatch", "InvalidImage"],
              result.failure.reason,
            )
          }
        }),
        runs,
      )
    })

    it("is deterministic and leaves its inputs unchanged", () => {
      fc.assert(
        fc.property(job, config, (j, c) => {
          const before = JSON.stringify([j, c])
          assert.deepStrictEqual(build(j, c), build(structuredClone(j), structuredClone(c)))
          assert.strictEqual(JSON.stringify([j, c]), before)
        }),
        runs,
      )
    })

    it("always has copy-agent, agent, and checkout unless skipped", () => {
      fc.assert(
        fc.property(job, config, (j, c) => {
          const out = built(j, c)
          if (out === undefined) return
          const names = allContainers(out).map((x) => x.name)
          assert.include(names, "copy-agent")
          assert.strictEqual(names.filter((n) => n === "agent").length, 1)
          const skip = j.plugin?.checkout?.skip ?? false
          assert.strictEqual(names.filter((n) => n === "checkout").length, skip ? 0 : 1)
          assert.strictEqual(new Set(names).size, names.length, "container names are unique")
        }),
        runs,
      )
    })

    it("keeps the controller's values for reserved variables when no patch touches them", () => {
      const noPatch = job.map((j) => {
        if (j.plugin === undefined) return j
        const { podSpecPatch: _, ...rest } = j.plugin
        return { ...j, plugin: rest }
      })
      fc.assert(
        fc.property(noPatch, config, (j, c) => {
          const out = built(j, c)
          if (out === undefined) return assert.fail("a build without patches does not fail")
          const containers = out.spec?.template.spec?.containers ?? []
          const agent = containers.find((x) => x.name === "agent")
          assert.deepStrictEqual(values(agent ?? { name: "" }, "BUILDKITE_AGENT_ACQUIRE_JOB"), [
            { name: "BUILDKITE_AGENT_ACQUIRE_JOB", value: j.uuid },
          ])
          assert.strictEqual(values(agent ?? { name: "" }, "BUILDKITE_AGENT_TOKEN").length, 1)
          const commands = containers.filter((x) => x.name !== "agent" && x.name !== "checkout")
          const sys = (j.plugin?.checkout?.skip ?? false) ? 0 : 1
          commands.forEach((x, i) => {
            for (const name of reserved.slice(0, 4))
              assert.strictEqual(values(x, name).length, 1, name)
            assert.strictEqual(values(x, "BUILDKITE_CONTAINER_ID")[0]?.value, String(i + sys))
          })
          for (const sidecar of out.spec?.template.spec?.initContainers ?? []) {
            if (sidecar.restartPolicy === "Always") {
              assert.isFalse((sidecar.env ?? []).some((e) => e.name === "BUILDKITE_AGENT_TOKEN"))
            }
          }
        }),
        runs,
      )
    })
  })
})
