import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import fc from "fast-check"
import {
  Container,
  ContainerStrict,
  fieldType,
  PodSpec,
  PodSpecPatch,
  PodSpecPatchStrict,
  PodSpecStrict,
  PodTemplateSpec,
  ResourceRequirements,
  Toleration,
} from "../../src/kube/KubeSchema.ts"
import { assertJson, failure } from "./decodeHelpers.ts"

const realisticPodSpec = {
  serviceAccountName: "ci",
  terminationGracePeriodSeconds: 30,
  nodeSelector: { "kubernetes.io/arch": "arm64" },
  tolerations: [{ key: "ci", operator: "Equal", value: "true", effect: "NoSchedule" }],
  containers: [
    {
      name: "build",
      image: "golang:1.24",
      command: ["make"],
      args: ["test"],
      env: [
        { name: "GOFLAGS", value: "-mod=vendor" },
        { name: "TOKEN", valueFrom: { secretKeyRef: { name: "ci-secrets", key: "token" } } },
      ],
      envFrom: [{ configMapRef: { name: "ci-env" } }],
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: 2 } },
      ports: [{ containerPort: 8080, protocol: "TCP" }],
      readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5 },
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      volumeMounts: [{ name: "cache", mountPath: "/cache" }],
    },
  ],
  volumes: [
    { name: "cache", emptyDir: { sizeLimit: "10Gi" } },
    { name: "creds", secret: { secretName: "git-creds", defaultMode: 256 } },
  ],
}

const decode = Schema.decodeUnknownSync(PodSpec)
const decodeStrict = Schema.decodeUnknownSync(PodSpecStrict)

describe("KubeSchema", () => {
  describe("PodSpec", () => {
    it("decodes a realistic pod spec to the same plain JSON, quantities as strings", () => {
      const expected = JSON.parse(JSON.stringify(realisticPodSpec))
      expected.containers[0].resources.limits.cpu = "2"
      assertJson(decode(realisticPodSpec), expected)
      assertJson(decodeStrict(realisticPodSpec), expected)
    })

    it("produces plain objects, not client-node class instances", () => {
      const decoded = decode(realisticPodSpec)
      assert.strictEqual(Object.getPrototypeOf(decoded), Object.prototype)
      assert.strictEqual(Object.getPrototypeOf(decoded.containers[0]), Object.prototype)
    })

    it("names the path and the expected type of a string field given a number", () => {
      const message = failure(Schema.Struct({ podSpec: PodSpec }), {
        podSpec: { containers: [{ name: "a", env: [{ name: "X", value: 42 }] }] },
      })
      assert.include(message, "expected a string, got the number 42")
      assert.include(message, '["podSpec"]["containers"][0]["env"][0]["value"]')
    })

    it("reports every kind of type mismatch with its path", () => {
      const cases: ReadonlyArray<readonly [unknown, string, string]> = [
        [{ hostNetwork: "yes" }, 'expected a boolean, got the string "yes"', '["hostNetwork"]'],
        [{ priority: 1.5 }, "expected an integer (int32), got the number 1.5", '["priority"]'],
        [{ priority: 2 ** 31 }, "expected an integer (int32)", '["priority"]'],
        [
          { activeDeadlineSeconds: "60" },
          "expected an integer (int64)",
          '["activeDeadlineSeconds"]',
        ],
        [{ containers: {} }, "expected a list, got an object", '["containers"]'],
        [{ containers: ["x"] }, "expected an object (Container)", '["containers"][0]'],
        [{ nodeSelector: [] }, "expected an object (a map), got a list", '["nodeSelector"]'],
        [
          { nodeSelector: { a: 1 } },
          "expected a string, got the number 1",
          '["nodeSelector"]["a"]',
        ],
        [
          { containers: [{ name: "a", ports: [{ containerPort: 80, hostPort: true }] }] },
          "expected an integer (int32), got the boolean true",
          '["containers"][0]["ports"][0]["hostPort"]',
        ],
        [
          { containers: [{ name: "a", livenessProbe: { tcpSocket: { port: 1.5 } } }] },
          "expected an integer or a string, got the number 1.5",
          '["containers"][0]["livenessProbe"]["tcpSocket"]["port"]',
        ],
        [
          { containers: [{ name: "a", resources: { limits: { cpu: "two" } } }] },
          'invalid quantity "two"',
          '["containers"][0]["resources"]["limits"]["cpu"]',
        ],
        [
          { containers: [{ name: "a", resources: { limits: { cpu: true } } }] },
          "expected a quantity",
          '["containers"][0]["resources"]["limits"]["cpu"]',
        ],
        [{ volumes: [{ emptyDir: {} }] }, 'missing required field "name"', '["volumes"][0]'],
      ]
      for (const [input, expected, path] of cases) {
        const message = failure(PodSpec, input)
        assert.include(message, expected, JSON.stringify(input))
        assert.include(message, path, JSON.stringify(input))
      }
    })

    it("reports several problems at once", () => {
      const message = failure(PodSpec, { hostPID: 1, hostIPC: 2 })
      assert.include(message, '["hostPID"]')
      assert.include(message, '["hostIPC"]')
    })

    it("lets the controller default a container's name and the container list", () => {
      assertJson(decode({ containers: [{ image: "alpine" }] }), {
        containers: [{ image: "alpine" }],
      })
      assertJson(decode({ volumes: [] }), { volumes: [] })
    })

    it("matches keys case-insensitively and prefers the exact key in any order", () => {
      assertJson(decode({ Containers: [{ NAME: "a", Image: "x" }] }), {
        containers: [{ name: "a", image: "x" }],
      })
      assertJson(decode({ containers: [{ name: "a", Image: "x", image: "y" }] }), {
        containers: [{ name: "a", image: "y" }],
      })
      assertJson(decode({ containers: [{ name: "a", image: "y", IMAGE: "x" }] }), {
        containers: [{ name: "a", image: "y" }],
      })
    })

    it("drops unknown keys and nulls when lenient", () => {
      assertJson(decode({ containers: [{ name: "a", imag: "x" }], dnsPolicy: null }), {
        containers: [{ name: "a" }],
      })
    })

    it("reports unknown keys with the nearest known key when strict", () => {
      const message = failure(Schema.Struct({ podSpec: PodSpecStrict }), {
        podSpec: { containers: [{ name: "a", imagePulPolicy: "Always" }] },
      })
      assert.include(message, 'unknown field "imagePulPolicy", did you mean "imagePullPolicy"?')
      assert.include(message, '["podSpec"]["containers"][0]["imagePulPolicy"]')
      assert.include(failure(PodSpecStrict, { zzzzzz: 1 }), 'unknown field "zzzzzz"')
      assert.notInclude(failure(PodSpecStrict, { zzzzzz: 1 }), "did you mean")
    })

    it("reports a key that duplicates another only by case when strict", () => {
      const message = failure(ContainerStrict, { name: "a", image: "x", Image: "y" })
      assert.include(message, 'key "Image" duplicates field "image"')
    })

    it("turns null label values into empty strings, as Go does", () => {
      assertJson(decode({ nodeSelector: { a: null } }), { nodeSelector: { a: "" } })
    })

    it("keeps map keys that look like object internals as plain data", () => {
      const decoded = decode(JSON.parse('{"nodeSelector": {"__proto__": "x"}}'))
      assert.strictEqual(
        Object.getOwnPropertyDescriptor(decoded.nodeSelector, "__proto__")?.value,
        "x",
      )
    })
  })

  describe("PodSpecPatch", () => {
    it("keeps directives and nulls and needs only what the patch changes", () => {
      const patch = {
        containers: [
          { name: "container-0", image: "alpine:3" },
          { name: "checkout", $patch: "delete" },
        ],
        "$setElementOrder/containers": [{ name: "container-0" }],
        volumes: [{ name: "cache", $retainKeys: ["name", "hostPath"], hostPath: { path: "/c" } }],
        nodeSelector: null,
        tolerations: [{ $patch: "replace" }],
      }
      assertJson(Schema.decodeUnknownSync(PodSpecPatch)(patch), patch)
      assertJson(Schema.decodeUnknownSync(PodSpecPatchStrict)(patch), patch)
    })

    it("rejects malformed directives", () => {
      assert.include(failure(PodSpecPatch, { $patch: "remove" }), 'expected one of "replace"')
      assert.include(
        failure(PodSpecPatch, { "$setElementOrder/containerz": [] }),
        'unknown field "containerz" in patch directive',
      )
      assert.include(
        failure(PodSpecPatch, { $retainKeys: "name" }),
        "expected a list of field names",
      )
    })

    it("treats directives as unknown keys outside patches", () => {
      assertJson(decode({ $patch: "delete" }), {})
      assert.include(failure(PodSpecStrict, { $patch: "delete" }), 'unknown field "$patch"')
    })
  })

  describe("other models", () => {
    it("decodes pod templates, tolerations and resource requirements", () => {
      assertJson(
        Schema.decodeUnknownSync(PodTemplateSpec)({
          metadata: { labels: { app: "ci" }, creationTimestamp: "2026-01-01T00:00:00Z" },
          spec: { containers: [{ name: "a" }] },
        }),
        {
          metadata: { labels: { app: "ci" }, creationTimestamp: "2026-01-01T00:00:00Z" },
          spec: { containers: [{ name: "a" }] },
        },
      )
      assert.include(
        failure(PodTemplateSpec, { metadata: { creationTimestamp: "yesterday" } }),
        "expected an RFC 3339 date-time string",
      )
      assertJson(Schema.decodeUnknownSync(Toleration)({ operator: "Exists" }), {
        operator: "Exists",
      })
      assertJson(Schema.decodeUnknownSync(ResourceRequirements)({ limits: { memory: 0.5 } }), {
        limits: { memory: "0.5" },
      })
      assert.include(
        failure(Container, "alpine"),
        'expected an object (Container), got the string "alpine"',
      )
    })
  })

  describe("fieldType", () => {
    it("names the model held by a list, object or map field", () => {
      assert.strictEqual(fieldType("V1PodSpec", "containers"), "V1Container")
      assert.strictEqual(fieldType("V1PodSpec", "securityContext"), "V1PodSecurityContext")
      assert.strictEqual(fieldType("V1Container", "volumeMounts"), "V1VolumeMount")
      assert.strictEqual(fieldType("V1Container", "image"), undefined)
      assert.strictEqual(fieldType("V1PodSpec", "nope"), undefined)
      assert.strictEqual(fieldType("NoSuchModel", "containers"), undefined)
    })
  })

  describe("decoding twice", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/)
    const anyJson = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.double(),
    )
    const container = fc.record(
      {
        name,
        Image: fc.string(),
        image: fc.string(),
        command: fc.array(fc.string(), { maxLength: 3 }),
        env: fc.array(
          fc.record(
            { name, value: fc.oneof(fc.string(), fc.integer()) },
            { requiredKeys: ["name"] },
          ),
          { maxLength: 3 },
        ),
        resources: fc.record({
          limits: fc.dictionary(name, fc.oneof(fc.constantFrom("1", "500m", "1Gi"), fc.nat())),
        }),
        workingdir: fc.string(),
        extra: anyJson,
      },
      { requiredKeys: [] },
    )
    const podSpec = fc.record(
      {
        containers: fc.array(container, { maxLength: 3 }),
        nodeSelector: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(null))),
        hostNetwork: fc.oneof(fc.boolean(), fc.constant("yes")),
        priority: fc.oneof(fc.integer(), fc.double()),
        unknown: anyJson,
      },
      { requiredKeys: [] },
    )

    it("gives the same value as decoding once, in every mode", () => {
      for (const schema of [PodSpec, PodSpecStrict, PodSpecPatch]) {
        const once = Schema.decodeUnknownResult(schema)
        let decoded = 0
        fc.assert(
          fc.property(podSpec, (input) => {
            const first = once(input)
            if (first._tag === "Failure") return
            decoded++
            const second = once(first.success)
            assert.strictEqual(second._tag, "Success")
            if (second._tag === "Success") assertJson(second.success, first.success)
          }),
          { numRuns: 300 },
        )
        // Guards against a generator whose every input fails, which would check nothing.
        assert.isAbove(decoded, 0)
      }
    })
  })
})
