import { assert, describe, it } from "@effect/vitest"
import { baseJob, buildError, buildOk, containerNamed, podSpec, withPlugin } from "../fixtures.ts"

const classes = {
  large: {
    resource: { requests: { cpu: "4" }, limits: { memory: "8Gi" } },
    podResource: { limits: { cpu: "8" } },
    nodeSelector: { pool: "large" },
  },
}
const tagged = { ...baseJob, agentQueryRules: ["queue=kubernetes", "resource_class=large"] }

describe("resourceClass", () => {
  describe("resourceClass", () => {
    it("sizes command containers, the pod and its node selection", () => {
      const job = withPlugin(
        {
          podSpec: {
            nodeSelector: { pool: "small", zone: "a" },
            containers: [
              { name: "", image: "alpine:3", resources: { requests: { memory: "1Gi" } } },
            ],
          },
        },
        tagged,
      )
      const spec = podSpec(buildOk(job, { resourceClasses: classes }))
      assert.deepStrictEqual(containerNamed(spec, "container-0").resources, {
        requests: { memory: "1Gi", cpu: "4" },
        limits: { memory: "8Gi" },
      })
      assert.isUndefined(containerNamed(spec, "agent").resources)
      assert.deepStrictEqual(spec.nodeSelector, { pool: "large", zone: "a" })
      assert.deepStrictEqual(spec.resources, { requests: {}, limits: { cpu: "8" } })
    })

    it("uses the default class when the job names none", () => {
      const spec = podSpec(
        buildOk(baseJob, { resourceClasses: classes, defaultResourceClassName: "large" }),
      )
      assert.deepStrictEqual(spec.nodeSelector, { pool: "large" })
    })

    it("fails with the upstream messages", () => {
      assert.strictEqual(
        buildError(tagged).message,
        "resource classes not configured but resource_class tag specified",
      )
      assert.strictEqual(
        buildError(baseJob, { defaultResourceClassName: "x" }).message,
        "resource classes not configured but default-resource-class-name is set",
      )
      assert.strictEqual(
        buildError(
          { ...baseJob, agentQueryRules: ["resource_class=tiny"] },
          { resourceClasses: classes },
        ).message,
        "resource class not found: tiny",
      )
      assert.strictEqual(
        buildError(baseJob, { resourceClasses: classes, defaultResourceClassName: "tiny" }).message,
        "default resource class not found: tiny",
      )
    })
  })
})
