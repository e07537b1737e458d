import { assert, describe, it } from "@effect/vitest"
import { baseJob, buildOk, containerNamed, podSpec, withPlugin } from "../fixtures.ts"

const hardened = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
})

describe("restricted", () => {
  describe("restricted", () => {
    it("hardens every stack container and uses fsGroup instead of chown", () => {
      const job = withPlugin({
        podSpec: {
          containers: [{ name: "", image: "golang:1.23" }],
          securityContext: { runAsUser: 2000 },
        },
      })
      const spec = podSpec(buildOk(job, { restricted: true }))
      for (const name of ["copy-agent", "imagecheck-0", "agent", "checkout"]) {
        assert.deepStrictEqual(containerNamed(spec, name).securityContext, hardened(2000), name)
      }
      assert.isUndefined(containerNamed(spec, "container-0").securityContext)
      assert.strictEqual(spec.securityContext?.fsGroup, 2000)
      assert.notInclude(containerNamed(spec, "copy-agent").args?.[1] ?? "", "chown")
      assert.notInclude(containerNamed(spec, "checkout").args?.[0] ?? "", "su ")
    })

    it("runs as user 1000 when the pod names no user", () => {
      const spec = podSpec(buildOk(baseJob, { restricted: true }))
      assert.deepStrictEqual(containerNamed(spec, "agent").securityContext, hardened(1000))
      assert.strictEqual(spec.securityContext?.fsGroup, 1000)
    })

    it("cannot be undone by a patch", () => {
      const job = withPlugin({
        podSpecPatch: {
          containers: [{ name: "agent", securityContext: { runAsUser: 0, privileged: true } }],
        },
      })
      const spec = podSpec(buildOk(job, { restricted: true }))
      assert.deepStrictEqual(containerNamed(spec, "agent").securityContext, hardened(1000))
    })

    it("leaves the pod alone when off", () => {
      const spec = podSpec(buildOk())
      assert.isUndefined(spec.securityContext)
      assert.isUndefined(containerNamed(spec, "agent").securityContext)
    })
  })
})
