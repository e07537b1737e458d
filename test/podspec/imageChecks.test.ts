/** The pull-policy and image-check matrix of upstream section 3.6. */
import { assert, describe, it } from "@effect/vitest"
import type { V1Container } from "@kubernetes/client-node"
import type { PullPolicy } from "../../src/podspec/BuildConfig.ts"
import { invalidImagesMessage } from "../../src/podspec/transforms/patchedImages.ts"
import { baseJob, buildError, buildOk, containerNamed, podSpec, withPlugin } from "./fixtures.ts"

const agent = "buildkite/agent:3.92.1"
const golang = "golang:1.23.5"
const pinned = `golang@sha256:${"a".repeat(64)}`

interface Row {
  readonly pull?: PullPolicy
  readonly check?: PullPolicy
  readonly image?: string
  readonly explicit?: PullPolicy
  readonly checks: ReadonlyArray<readonly [string, string]>
  /** container-0, agent, checkout, copy-agent */
  readonly policies: readonly [string, string, string, string]
}

const I = "IfNotPresent"
const A = "Always"
const N = "Never"

const rows: ReadonlyArray<Row> = [
  { checks: [], policies: [I, I, I, A] },
  { image: golang, checks: [[golang, A]], policies: [I, I, I, A] },
  { image: pinned, checks: [[pinned, I]], policies: [I, I, I, A] },
  { image: golang, explicit: A, checks: [[golang, A]], policies: [I, I, I, A] },
  { pull: A, image: golang, checks: [[golang, A]], policies: [I, I, I, A] },
  { pull: A, image: pinned, checks: [[pinned, A]], policies: [I, I, I, A] },
  { check: A, image: pinned, checks: [[pinned, A]], policies: [I, I, I, A] },
  { image: golang, explicit: I, checks: [[golang, I]], policies: [I, I, I, A] },
  { pull: I, checks: [], policies: [I, I, I, I] },
  { pull: I, image: golang, checks: [[golang, I]], policies: [I, I, I, I] },
  { pull: I, image: pinned, checks: [[pinned, I]], policies: [I, I, I, I] },
  { check: I, checks: [], policies: [A, I, I, A] },
  { check: I, image: golang, checks: [[golang, I]], policies: [A, I, I, A] },
  { check: I, image: pinned, checks: [[pinned, I]], policies: [I, I, I, A] },
  { image: golang, explicit: N, checks: [[golang, N]], policies: [N, I, I, A] },
  { pull: N, checks: [], policies: [N, N, N, N] },
  { pull: N, image: golang, checks: [[golang, N]], policies: [N, N, N, N] },
  { check: N, checks: [], policies: [A, I, I, A] },
  { check: N, image: golang, checks: [[golang, N]], policies: [A, I, I, A] },
  { check: N, image: pinned, checks: [[pinned, N]], policies: [I, I, I, A] },
]

const describeRow = (row: Row) =>
  `pull ${row.pull ?? "-"}, check ${row.check ?? "-"}, image ${row.image ?? "default"}` +
  `${row.explicit === undefined ? "" : ` (${row.explicit})`}`

describe("imageChecks", () => {
  describe("imageChecks", () => {
    for (const row of rows) {
      it(`selects checks and policies for ${describeRow(row)}`, () => {
        const container: V1Container | undefined =
          row.image === undefined
            ? undefined
            : {
                name: "",
                image: row.image,
                ...(row.explicit === undefined ? {} : { imagePullPolicy: row.explicit }),
              }
        const job =
          container === undefined ? baseJob : withPlugin({ podSpec: { containers: [container] } })
        const spec = podSpec(
          buildOk(job, {
            image: agent,
            ...(row.pull === undefined ? {} : { defaultImagePullPolicy: row.pull }),
            ...(row.check === undefined ? {} : { defaultImageCheckPullPolicy: row.check }),
          }),
        )
        const checks = (spec.initContainers ?? [])
          .filter((c) => c.name.startsWith("imagecheck-"))
          .map((c) => [c.image, c.imagePullPolicy])
        assert.deepStrictEqual(
          checks,
          row.checks.map((check) => [...check]),
        )
        const policies = ["container-0", "agent", "checkout", "copy-agent"].map(
          (name) => containerNamed(spec, name).imagePullPolicy,
        )
        assert.deepStrictEqual(policies, [...row.policies])
      })
    }

    it("numbers image checks in the order containers first name the images", () => {
      const containers = ["ruby:3", "node:22", "ruby:3", "alpine:3"].map((image, i) => ({
        name: `c${i}`,
        image,
      }))
      const spec = podSpec(buildOk(withPlugin({ podSpec: { containers } })))
      const checks = (spec.initContainers ?? []).filter((c) => c.name.startsWith("imagecheck-"))
      assert.deepStrictEqual(
        checks.map((c) => `${c.name}=${c.image}`),
        ["imagecheck-0=ruby:3", "imagecheck-1=node:22", "imagecheck-2=alpine:3"],
      )
      assert.deepStrictEqual(checks[0]?.resources, {
        requests: { cpu: "100m", memory: "64Mi" },
        limits: { cpu: "200m", memory: "128Mi" },
      })
      assert.deepStrictEqual(spec.initContainers?.[0]?.name, "copy-agent")
    })

    it("creates no check containers when they are switched off, but still validates", () => {
      const job = withPlugin({ podSpec: { containers: [{ name: "", image: golang }] } })
      const spec = podSpec(buildOk(job, { skipImageCheckContainers: true }))
      assert.deepStrictEqual(
        (spec.initContainers ?? []).map((c) => c.name),
        ["copy-agent"],
      )
      const bad = withPlugin({ podSpec: { containers: [{ name: "", image: "Bad Image" }] } })
      assert.strictEqual(
        buildError(bad, { skipImageCheckContainers: true }).message,
        'invalid reference format "Bad Image" for container "container-0"',
      )
    })

    it("drops a check that a sidecar already pulls as eagerly", () => {
      const job = withPlugin({
        podSpec: { containers: [{ name: "", image: golang }] },
        sidecars: [{ name: "warm", image: golang, imagePullPolicy: "Always" }],
      })
      const spec = podSpec(buildOk(job))
      assert.deepStrictEqual(
        (spec.initContainers ?? []).map((c) => c.name),
        ["copy-agent", "warm"],
      )
    })
  })

  describe("invalid images", () => {
    it("names one invalid image in a sentence", () => {
      const job = withPlugin({
        podSpec: {
          containers: [{ name: "", image: "buildkite/agent:latest plus some extra junk" }],
        },
      })
      assert.strictEqual(
        buildError(job).message,
        'invalid reference format "buildkite/agent:latest plus some extra junk" for container "container-0"',
      )
    })

    it("lists several invalid images in a table sorted by container", () => {
      const job = withPlugin({
        podSpec: {
          containers: [
            { name: "zeta", image: "UPPER" },
            { name: "alpha", image: "" },
          ],
        },
      })
      const message = buildError(job).message
      assert.strictEqual(
        message,
        invalidImagesMessage([
          {
            container: "alpha",
            image: "",
            error: "repository name must have at least one component",
          },
          { container: "zeta", image: "UPPER", error: "repository name must be lowercase" },
        ]),
      )
      assert.isTrue(message.startsWith("invalid image references\n\n"))
      for (const text of ["CONTAINER", "IMAGE REF", "PARSE ERROR", "alpha", "zeta"]) {
        assert.include(message, text)
      }
      assert.isBelow(message.indexOf("alpha"), message.indexOf("zeta"))
    })

    it("validates images introduced by a patch", () => {
      const job = withPlugin({
        podSpecPatch: { containers: [{ name: "container-0", image: "not valid" }] },
      })
      assert.strictEqual(buildError(job).reason, "InvalidImage")
    })

    it("accepts an invalid base image that the pipeline image replaces", () => {
      const job = withPlugin(
        { podSpec: { containers: [{ name: "", image: "" }] } },
        { ...baseJob, env: { ...baseJob.env, BUILDKITE_IMAGE: "node:22" } },
      )
      assert.strictEqual(containerNamed(podSpec(buildOk(job)), "container-0").image, "node:22")
    })
  })
})
