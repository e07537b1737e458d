/**
 * What the build may share and what it must copy: the merge inside the build keeps the
 * branches a patch leaves alone, and the single copy at the end must still hand the caller a
 * Job that shares nothing with the inputs or with another build.
 */
import { assert, describe, it } from "@effect/vitest"
import type { V1Job, V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import fc from "fast-check"
import type { BuildConfig } from "../../src/podspec/BuildConfig.ts"
import { buildJob } from "../../src/podspec/buildJob.ts"
import type { ParsedJob } from "../../src/podspec/JobInput.ts"
import { applyPodSpecPatch, applyPodSpecPatchShared } from "../../src/podspec/StrategicMerge.ts"
import { baseConfig, baseJob, options } from "./fixtures.ts"

const config: BuildConfig = {
  ...baseConfig,
  agentConfig: { hooksVolume: { name: "hooks", configMap: { name: "hooks" } } },
  resourceClasses: { large: { resource: { requests: { cpu: "4" } }, nodeSelector: { a: "b" } } },
  podSpecPatch: {
    containers: [{ name: "checkout", envFrom: [{ secretRef: { name: "git" } }] }],
    tolerations: [{ key: "ci", operator: "Exists" }],
  },
}

const base: V1PodSpec = {
  containers: [
    { name: "step", image: "golang:1.23.5", env: [{ name: "CI", value: "true" }] },
    { name: "db", image: "postgres:16", volumeMounts: [{ name: "data", mountPath: "/data" }] },
  ],
  volumes: [{ name: "data", emptyDir: {} }],
  nodeSelector: { zone: "a" },
}

const job: ParsedJob = {
  ...baseJob,
  agentQueryRules: ["queue=kubernetes", "resource_class=large"],
  plugin: {
    podSpec: base,
    sidecars: [{ name: "redis", image: "redis:7" }],
    extraVolumeMounts: [{ name: "data", mountPath: "/extra" }],
    podSpecPatch: { containers: [{ name: "db", image: "postgres:17" }] },
  },
}

const buildOk = (): V1Job => {
  const result = buildJob(job, base, config, options)
  if (Result.isFailure(result)) return assert.fail(result.failure.message)
  return result.success
}

/** Every object and array reachable from the value. */
const reachable = (value: unknown, into: Set<object> = new Set()): Set<object> => {
  if (typeof value !== "object" || value === null || into.has(value)) return into
  into.add(value)
  for (const field of Object.values(value)) reachable(field, into)
  return into
}

/** Changes every object and array reachable from the value, in place. */
const scribble = (value: unknown) => {
  for (const node of reachable(value)) {
    if (Array.isArray(node)) node.push("scribbled")
    else (node as Record<string, unknown>).scribbled = true
  }
}

describe("sharing", () => {
  it("hands out a Job that shares no object with the inputs", () => {
    const inputs = reachable([job, base, config, options])
    const shared = [...reachable(buildOk())].filter((node) => inputs.has(node))
    assert.deepStrictEqual(shared, [])
  })

  it("shares no object inside the Job, between containers or anywhere else", () => {
    const seen = new Set<object>()
    const visit = (value: unknown) => {
      if (typeof value !== "object" || value === null) return
      assert.isFalse(seen.has(value), JSON.stringify(value))
      seen.add(value)
      for (const field of Object.values(value)) visit(field)
    }
    visit(buildOk())
  })

  it("builds the same Job again after the caller changed every part of the first one", () => {
    const expected = JSON.stringify(buildOk())
    scribble(buildOk())
    assert.strictEqual(JSON.stringify(buildOk()), expected)
  })

  describe("applyPodSpecPatchShared", () => {
    it("keeps the branches the patch leaves alone, and copies the path to each change", () => {
      const result = applyPodSpecPatchShared(base, {
        containers: [{ name: "db", image: "postgres:17" }],
      })
      if (Result.isFailure(result)) return assert.fail(result.failure.message)
      assert.strictEqual(result.success.volumes, base.volumes)
      assert.strictEqual(result.success.containers[0], base.containers[0])
      assert.notStrictEqual(result.success.containers[1], base.containers[1])
      assert.strictEqual(base.containers[1]?.image, "postgres:16")
    })

    it("gives the same text as applyPodSpecPatch, key order included", () => {
      // An undefined field and a class instance are normalised by the copy the public
      // function makes, so the shared variant must not read them in place.
      class Limits {
        readonly cpu = "1"
      }
      const unusual = {
        containers: [
          { name: "a", image: undefined, command: ["x"] },
          { name: "b", resources: { limits: new Limits() } },
        ],
        nodeSelector: { zone: "a" },
      } as unknown as V1PodSpec
      const patch = { containers: [{ name: "a", image: "alpine" }], nodeSelector: { x: "y" } }
      const text = (value: unknown) => JSON.stringify(value)
      assert.strictEqual(
        text(applyPodSpecPatchShared(unusual, patch)),
        text(applyPodSpecPatch(unusual, patch)),
      )
      const word = fc.constantFrom("a", "b", "c")
      const spec = fc.record({
        containers: fc.array(
          fc.record(
            { name: word, image: fc.option(word, { nil: undefined }), args: fc.array(word) },
            { requiredKeys: ["name"] },
          ),
          { maxLength: 3 },
        ),
        nodeSelector: fc.dictionary(word, fc.option(word, { nil: undefined })),
      })
      const patches = fc.record(
        {
          containers: fc.array(fc.record({ name: word, image: word }), { maxLength: 2 }),
          nodeSelector: fc.dictionary(word, fc.option(word)),
        },
        { requiredKeys: [] },
      )
      fc.assert(
        fc.property(spec, patches, (original, patch) => {
          const before = text(original)
          assert.strictEqual(
            text(applyPodSpecPatchShared(original as V1PodSpec, patch)),
            text(applyPodSpecPatch(original as V1PodSpec, patch)),
          )
          assert.strictEqual(text(original), before)
        }),
        { numRuns: 200 },
      )
    })
  })
})
