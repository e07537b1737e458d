import { assert, describe, it } from "@effect/vitest"
import type { V1PodSpec } from "@kubernetes/client-node"
import { Result } from "effect"
import fc from "fast-check"
import {
  applyContainerPatch,
  applyPodSpecPatch,
  type PatchError,
} from "../../src/podspec/StrategicMerge.ts"

const succeeds = (original: V1PodSpec, patch: unknown): V1PodSpec => {
  const result = applyPodSpecPatch(original, patch)
  if (Result.isFailure(result)) assert.fail(`expected success, got: ${result.failure.message}`)
  return result.success
}

const fails = (original: V1PodSpec, patch: unknown): PatchError => {
  const result = applyPodSpecPatch(original, patch)
  if (Result.isSuccess(result))
    assert.fail(`expected failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

const names = (list: ReadonlyArray<{ readonly name?: string }> | undefined) =>
  (list ?? []).map((item) => item.name ?? "<none>")

const spec = (...containers: ReadonlyArray<string>): V1PodSpec => ({
  containers: containers.map((name) => ({ name, image: `${name}:1` })),
})

describe("StrategicMerge", () => {
  describe("applyPodSpecPatch", () => {
    it("replaces the image of the container with the same name", () => {
      const result = succeeds(spec("container-0", "agent"), {
        containers: [{ name: "container-0", image: "golang:1.23" }],
      })
      assert.deepStrictEqual(result.containers, [
        { name: "container-0", image: "golang:1.23" },
        { name: "agent", image: "agent:1" },
      ])
    })

    it("keeps every container when the patch only sets hostAliases", () => {
      const original = spec("container-0", "agent", "checkout")
      const result = succeeds(original, { hostAliases: [{ ip: "10.0.0.1", hostnames: ["a"] }] })
      assert.deepStrictEqual(result.containers, original.containers)
      assert.deepStrictEqual(result.hostAliases, [{ ip: "10.0.0.1", hostnames: ["a"] }])
    })

    it("puts a new container before an unnamed original one", () => {
      // The type demands a name; a spec read from YAML may still lack one.
      const unnamed = JSON.parse('{"containers": [{"image": "alpine"}]}') as V1PodSpec
      const result = succeeds(unnamed, { containers: [{ name: "my-cool-container", image: "x" }] })
      assert.deepStrictEqual(JSON.parse(JSON.stringify(result.containers)), [
        { name: "my-cool-container", image: "x" },
        { image: "alpine" },
      ])
    })

    it("interleaves patch and original-only elements as Kubernetes does", () => {
      const result = succeeds(spec("A", "B", "C"), {
        containers: [
          { name: "B", image: "b:2" },
          { name: "X", image: "x:1" },
        ],
      })
      assert.deepStrictEqual(names(result.containers), ["A", "B", "X", "C"])
      assert.strictEqual(result.containers[1]?.image, "b:2")
    })

    it("merges maps key by key and replaces scalars", () => {
      const original: V1PodSpec = {
        ...spec("a"),
        nodeSelector: { zone: "a", disk: "ssd" },
        serviceAccountName: "old",
      }
      const result = succeeds(original, {
        nodeSelector: { zone: "b", arch: "arm64" },
        serviceAccountName: "new",
      })
      assert.deepStrictEqual(result.nodeSelector, { zone: "b", disk: "ssd", arch: "arm64" })
      assert.strictEqual(result.serviceAccountName, "new")
    })

    it("replaces unkeyed lists wholesale", () => {
      const original: V1PodSpec = {
        containers: [{ name: "a", command: ["x", "y"], args: ["1"] }],
        tolerations: [{ key: "a", operator: "Exists" }],
      }
      const result = succeeds(original, {
        containers: [{ name: "a", command: ["z"] }],
        tolerations: [{ key: "b", operator: "Exists" }],
      })
      assert.deepStrictEqual(result.containers[0], { name: "a", command: ["z"], args: ["1"] })
      assert.deepStrictEqual(result.tolerations, [{ key: "b", operator: "Exists" }])
    })

    it("merges env by name, volumeMounts by mountPath and ports by containerPort", () => {
      const original: V1PodSpec = {
        containers: [
          {
            name: "a",
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            volumeMounts: [{ name: "ws", mountPath: "/workspace" }],
            ports: [{ containerPort: 80, name: "http" }],
            volumeDevices: [{ name: "d", devicePath: "/dev/x" }],
          },
        ],
      }
      const result = succeeds(original, {
        containers: [
          {
            name: "a",
            env: [
              { name: "B", value: "3" },
              { name: "C", value: "4" },
            ],
            volumeMounts: [{ name: "other", mountPath: "/workspace", readOnly: true }],
            ports: [{ containerPort: 80, protocol: "TCP" }, { containerPort: 443 }],
            volumeDevices: [{ name: "e", devicePath: "/dev/y" }],
          },
        ],
      })
      const container = result.containers[0]
      assert.deepStrictEqual(container?.env, [
        { name: "A", value: "1" },
        { name: "B", value: "3" },
        { name: "C", value: "4" },
      ])
      assert.deepStrictEqual(container?.volumeMounts, [
        { name: "other", mountPath: "/workspace", readOnly: true },
      ])
      assert.deepStrictEqual(container?.ports, [
        { containerPort: 80, name: "http", protocol: "TCP" },
        { containerPort: 443 },
      ])
      assert.deepStrictEqual(names(container?.volumeDevices), ["e", "d"])
    })

    it("merges the keyed lists of the PodSpec by their keys", () => {
      const original: V1PodSpec = {
        ...spec("a"),
        initContainers: [{ name: "init", image: "i:1" }],
        volumes: [{ name: "v", emptyDir: {} }],
        imagePullSecrets: [{ name: "s1" }],
        topologySpreadConstraints: [
          { topologyKey: "zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" },
        ],
        schedulingGates: [{ name: "g1" }],
        resourceClaims: [{ name: "gpu", resourceClaimName: "c1" }],
      }
      const result = succeeds(original, {
        initContainers: [{ name: "init", image: "i:2" }],
        volumes: [{ name: "w", emptyDir: {} }],
        imagePullSecrets: [{ name: "s2" }],
        topologySpreadConstraints: [{ topologyKey: "zone", maxSkew: 2 }],
        schedulingGates: [{ name: "g1" }],
        resourceClaims: [{ name: "gpu", resourceClaimName: "c2" }],
      })
      assert.deepStrictEqual(result.initContainers, [{ name: "init", image: "i:2" }])
      assert.deepStrictEqual(names(result.volumes), ["w", "v"])
      assert.deepStrictEqual(names(result.imagePullSecrets), ["s2", "s1"])
      assert.deepStrictEqual(result.topologySpreadConstraints, [
        { topologyKey: "zone", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule" },
      ])
      assert.deepStrictEqual(result.schedulingGates, [{ name: "g1" }])
      assert.deepStrictEqual(result.resourceClaims, [{ name: "gpu", resourceClaimName: "c2" }])
    })

    it("keeps both volume sources without $retainKeys, as Kubernetes does", () => {
      const original: V1PodSpec = { ...spec("a"), volumes: [{ name: "v", emptyDir: {} }] }
      const result = succeeds(original, { volumes: [{ name: "v", hostPath: { path: "/x" } }] })
      assert.deepStrictEqual(result.volumes, [
        { name: "v", emptyDir: {}, hostPath: { path: "/x" } },
      ])
    })

    it("replaces a volume's source with $retainKeys", () => {
      const original: V1PodSpec = { ...spec("a"), volumes: [{ name: "v", emptyDir: {} }] }
      const result = succeeds(original, {
        volumes: [{ name: "v", hostPath: { path: "/x" }, $retainKeys: ["name", "hostPath"] }],
      })
      assert.deepStrictEqual(result.volumes, [{ name: "v", hostPath: { path: "/x" } }])
    })

    it("deletes a list element with $patch: delete", () => {
      const result = succeeds(spec("a", "b", "c"), {
        containers: [{ name: "b", $patch: "delete" }],
      })
      assert.deepStrictEqual(names(result.containers), ["a", "c"])
    })

    it("rebuilds an element from the patch when it is deleted and listed again", () => {
      const original: V1PodSpec = { containers: [{ name: "a", image: "a:1", tty: true }] }
      const result = succeeds(original, {
        containers: [
          { name: "a", $patch: "delete" },
          { name: "a", image: "a:2" },
        ],
      })
      assert.deepStrictEqual(result.containers, [{ name: "a", image: "a:2" }])
    })

    it("replaces one element with $patch: replace on it", () => {
      const original: V1PodSpec = {
        containers: [
          { name: "a", image: "a:1", tty: true },
          { name: "b", image: "b:1" },
        ],
      }
      const result = succeeds(original, {
        containers: [{ name: "a", image: "a:2", $patch: "replace" }],
      })
      assert.deepStrictEqual(result.containers, [
        { name: "a", image: "a:2" },
        { name: "b", image: "b:1" },
      ])
    })

    it("replaces a keyed list wholesale with a { $patch: replace } element", () => {
      const result = succeeds(spec("a", "b"), {
        containers: [{ $patch: "replace" }, { name: "c", image: "c:1" }],
      })
      assert.deepStrictEqual(result.containers, [{ name: "c", image: "c:1" }])
    })

    it("deletes a map with $patch: delete and replaces one with $patch: replace", () => {
      const original: V1PodSpec = {
        ...spec("a"),
        nodeSelector: { zone: "a", disk: "ssd" },
        securityContext: { runAsUser: 1000, fsGroup: 1000 },
      }
      const result = succeeds(original, {
        nodeSelector: { zone: "b", $patch: "replace" },
        securityContext: { $patch: "delete" },
      })
      assert.deepStrictEqual(result.nodeSelector, { zone: "b" })
      assert.isFalse(Object.hasOwn(result, "securityContext"))
    })

    it("deletes a field set to null", () => {
      const original: V1PodSpec = {
        containers: [{ name: "a", image: "a:1", workingDir: "/w" }],
        serviceAccountName: "sa",
      }
      const result = succeeds(original, {
        serviceAccountName: null,
        containers: [{ name: "a", workingDir: null }],
      })
      assert.deepStrictEqual(result, { containers: [{ name: "a", image: "a:1" }] })
    })

    it("orders a keyed list by $setElementOrder", () => {
      const result = succeeds(spec("a", "b", "c"), {
        "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "b" }],
        containers: [{ name: "a", image: "a:2" }],
      })
      assert.deepStrictEqual(names(result.containers), ["c", "a", "b"])
      assert.strictEqual(result.containers[1]?.image, "a:2")
    })

    it("reorders the original list with $setElementOrder alone", () => {
      const result = succeeds(spec("a", "b", "c"), {
        "$setElementOrder/containers": [{ name: "b" }, { name: "a" }],
      })
      assert.deepStrictEqual(names(result.containers), ["b", "a", "c"])
    })

    it("slots elements $setElementOrder leaves out by their original position", () => {
      const result = succeeds(spec("a", "b"), {
        "$setElementOrder/containers": [{ name: "b" }],
      })
      assert.deepStrictEqual(names(result.containers), ["a", "b"])
    })

    it("removes values from a list of scalars with $deleteFromPrimitiveList", () => {
      const original: V1PodSpec = { containers: [{ name: "a", args: ["-v", "--x", "-v", "y"] }] }
      const result = succeeds(original, {
        containers: [{ name: "a", "$deleteFromPrimitiveList/args": ["-v"] }],
      })
      assert.deepStrictEqual(result.containers[0]?.args, ["--x", "y"])
    })

    it("returns an equal copy for the empty patch, and never modifies its inputs", () => {
      const original: V1PodSpec = {
        containers: [{ name: "a", env: [{ name: "A", value: "1" }] }],
        nodeSelector: { zone: "a" },
      }
      const before = structuredClone(original)
      const patch = { containers: [{ name: "a", env: [{ name: "A", value: "2" }] }] }
      const patchBefore = structuredClone(patch)
      assert.deepStrictEqual(succeeds(original, {}), original)
      const result = succeeds(original, patch)
      assert.deepStrictEqual(original, before)
      assert.deepStrictEqual(patch, patchBefore)
      assert.notStrictEqual(result.nodeSelector, original.nodeSelector)
    })

    it("creates a keyed list the original lacks, applying the directives inside it", () => {
      const result = succeeds(spec("a"), {
        volumes: [
          { name: "v", $patch: "delete" },
          { name: "w", emptyDir: { medium: null } },
        ],
      })
      assert.deepStrictEqual(result.volumes, [{ name: "w", emptyDir: {} }])
    })

    it("fails naming the path when a list element lacks its merge key", () => {
      const error = fails(spec("a"), {
        containers: [{ name: "a", env: [{ value: "x" }] }],
      })
      assert.strictEqual(error.path, "containers[0].env[0]")
      assert.include(error.message, '"name"')
    })

    it("fails when $patch: delete names no element", () => {
      const error = fails(spec("a"), { containers: [{ $patch: "delete", image: "a:1" }] })
      assert.strictEqual(error.path, "containers[0]")
      assert.include(error.reason, "nothing to delete")
    })

    it("fails on an unknown $patch value", () => {
      const error = fails(spec("a"), { securityContext: { $patch: "remove" } })
      assert.strictEqual(error.path, "securityContext")
      assert.include(error.reason, '"remove"')
    })

    it("fails on an unknown directive", () => {
      const error = fails(spec("a"), { $frobnicate: true })
      assert.strictEqual(error.path, '"$frobnicate"')
    })

    it("fails when a keyed list is patched with something else than a list", () => {
      const error = fails(spec("a"), { containers: { name: "a" } })
      assert.strictEqual(error.path, "containers")
      assert.include(error.reason, "expected a list, got an object")
    })

    it("fails when $retainKeys drops a field the patch sets", () => {
      const error = fails(spec("a"), {
        volumes: [{ name: "v", hostPath: { path: "/x" }, $retainKeys: ["name"] }],
      })
      assert.strictEqual(error.path, "volumes[0].hostPath")
    })

    it("fails when $setElementOrder misses an element the patch sets", () => {
      const error = fails(spec("a", "b"), {
        "$setElementOrder/containers": [{ name: "a" }],
        containers: [{ name: "b", image: "b:2" }],
      })
      assert.strictEqual(error.path, '"$setElementOrder/containers"')
    })

    it("fails when $setElementOrder names a list not merged by key", () => {
      const error = fails(spec("a"), { "$setElementOrder/tolerations": [] })
      assert.strictEqual(error.path, '"$setElementOrder/tolerations"')
    })

    it("fails when the patch is not an object", () => {
      const error = fails(spec("a"), ["x"])
      assert.strictEqual(error.path, "")
      assert.strictEqual(error.message, "expected an object, got a list")
    })
  })

  describe("applyPodSpecPatch properties", () => {
    const keysOf = <A>(list: ReadonlyArray<A> | undefined, key: (a: A) => unknown) =>
      (list ?? []).map(key)
    const isUnique = (keys: ReadonlyArray<unknown>) => new Set(keys).size === keys.length

    const envVar = fc.record({
      name: fc.constantFrom("A", "B", "C", "D"),
      value: fc.string({ maxLength: 3 }),
    })
    const mount = fc.record({
      name: fc.constantFrom("ws", "cache"),
      mountPath: fc.constantFrom("/a", "/b", "/c"),
    })
    const container = (unique: boolean) =>
      fc.record(
        {
          name: fc.constantFrom("a", "b", "c", "d", "e", "f"),
          image: fc.constantFrom("alpine", "golang:1.23", "busybox"),
          command: fc.array(fc.constantFrom("sh", "-c", "make"), { maxLength: 2 }),
          env: unique
            ? fc.uniqueArray(envVar, { selector: (e) => e.name, maxLength: 3 })
            : fc.array(envVar, { maxLength: 3 }),
          volumeMounts: unique
            ? fc.uniqueArray(mount, { selector: (m) => m.mountPath, maxLength: 3 })
            : fc.array(mount, { maxLength: 3 }),
        },
        { requiredKeys: ["name"] },
      )
    const volume = fc.oneof(
      fc.record({ name: fc.constantFrom("ws", "cache", "tmp"), emptyDir: fc.constant({}) }),
      fc.record({
        name: fc.constantFrom("ws", "cache", "tmp"),
        hostPath: fc.record({ path: fc.constantFrom("/x", "/y") }),
      }),
    )
    const original: fc.Arbitrary<V1PodSpec> = fc.record(
      {
        containers: fc.uniqueArray(container(true), { selector: (c) => c.name, maxLength: 5 }),
        volumes: fc.uniqueArray(volume, { selector: (v) => v.name, maxLength: 3 }),
        nodeSelector: fc.dictionary(fc.constantFrom("zone", "disk"), fc.string({ maxLength: 2 })),
        serviceAccountName: fc.string({ maxLength: 3 }),
      },
      { requiredKeys: ["containers"] },
    )
    // Directive-free patches, which may name one element twice.
    const patch = fc.record(
      {
        containers: fc.array(container(false), { maxLength: 4 }),
        volumes: fc.array(volume, { maxLength: 3 }),
        nodeSelector: fc.dictionary(fc.constantFrom("zone", "arch"), fc.string({ maxLength: 2 })),
        serviceAccountName: fc.string({ maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    // Patches that name each element at most once. A patch naming one element twice applies
    // its entries in turn, so a second application can reorder that element's lists: such a
    // patch is not idempotent, in Kubernetes' merge either.
    const uniquePatch = fc.record(
      {
        containers: fc.uniqueArray(container(true), { selector: (c) => c.name, maxLength: 4 }),
        volumes: fc.uniqueArray(volume, { selector: (v) => v.name, maxLength: 3 }),
        nodeSelector: fc.dictionary(fc.constantFrom("zone", "arch"), fc.string({ maxLength: 2 })),
        serviceAccountName: fc.string({ maxLength: 3 }),
      },
      { requiredKeys: [] },
    )

    it("never yields two elements with the same merge key", () => {
      fc.assert(
        fc.property(original, patch, (spec, p) => {
          const result = succeeds(spec, p)
          assert.isTrue(isUnique(keysOf(result.containers, (c) => c.name)))
          assert.isTrue(isUnique(keysOf(result.volumes, (v) => v.name)))
          for (const c of result.containers) {
            assert.isTrue(isUnique(keysOf(c.env, (e) => e.name)))
            assert.isTrue(isUnique(keysOf(c.volumeMounts, (m) => m.mountPath)))
          }
        }),
      )
    })

    it("keeps every key of the original and the patch", () => {
      fc.assert(
        fc.property(original, patch, (spec, p) => {
          const result = succeeds(spec, p)
          const expected = new Set([
            ...keysOf(spec.containers, (c) => c.name),
            ...keysOf(p.containers, (c) => c.name),
          ])
          assert.deepStrictEqual(new Set(keysOf(result.containers, (c) => c.name)), expected)
        }),
      )
    })

    it("gives the same result when the same patch applies twice", () => {
      fc.assert(
        fc.property(original, uniquePatch, (spec, p) => {
          const once = succeeds(spec, p)
          assert.deepStrictEqual(succeeds(once, p), once)
        }),
      )
    })

    it("returns the original for the empty patch", () => {
      fc.assert(
        fc.property(original, (spec) => {
          assert.deepStrictEqual(succeeds(spec, {}), spec)
        }),
      )
    })

    it("keeps the relative order of the elements only the original has", () => {
      fc.assert(
        fc.property(original, patch, (spec, p) => {
          const patched = new Set(keysOf(p.containers, (c) => c.name))
          const originalOnly = keysOf(spec.containers, (c) => c.name).filter(
            (name) => !patched.has(name),
          )
          const result = keysOf(succeeds(spec, p).containers, (c) => c.name)
          assert.deepStrictEqual(
            result.filter((name) => originalOnly.includes(name)),
            originalOnly,
          )
        }),
      )
    })

    it("keeps the patch's order among the elements the patch names", () => {
      fc.assert(
        fc.property(original, patch, (spec, p) => {
          const patchOrder = [...new Set(keysOf(p.containers, (c) => c.name))]
          const result = keysOf(succeeds(spec, p).containers, (c) => c.name)
          assert.deepStrictEqual(
            result.filter((name) => patchOrder.includes(name)),
            patchOrder,
          )
        }),
      )
    })
  })

  describe("applyContainerPatch", () => {
    it("merges env by name within one container", () => {
      const result = applyContainerPatch(
        { name: "a", env: [{ name: "A", value: "1" }] },
        { env: [{ name: "BUILDKITE_COMMAND", value: "make" }] },
      )
      assert.isTrue(Result.isSuccess(result))
      if (Result.isSuccess(result)) {
        assert.deepStrictEqual(result.success.env, [
          { name: "BUILDKITE_COMMAND", value: "make" },
          { name: "A", value: "1" },
        ])
      }
    })
  })
})
