import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import type {
  CheckoutParams as CheckoutParamsType,
  CommandParams as CommandParamsType,
  Metadata as MetadataType,
  SidecarParams as SidecarParamsType,
} from "../../src/podspec/BuildConfig.ts"
import {
  CheckoutParams,
  CheckoutParamsStrict,
  CommandParams,
  CommandParamsStrict,
  KubernetesPlugin,
  KubernetesPluginModel,
  KubernetesPluginStrict,
  Metadata,
  SidecarParams,
} from "../../src/podspec/PluginSchema.ts"
import { assertJson, failure } from "../kube/decodeHelpers.ts"

// Every field of the plugin reference (upstream section 3.9), as a pipeline would give it.
const fullPlugin = {
  podSpec: {
    containers: [{ image: "golang:1.24", command: ["make test"] }],
    nodeSelector: { pool: "ci" },
  },
  podTemplate: "ci-template",
  podSpecPatch: {
    containers: [{ name: "container-0", resources: { limits: { memory: "2Gi" } } }],
  },
  gitEnvFrom: [{ secretRef: { name: "git-env" } }],
  sidecars: [{ image: "redis:7", name: "redis" }],
  metadata: { labels: { team: "infra" }, annotations: { "example.com/owner": "ci" } },
  extraVolumeMounts: [{ name: "cache", mountPath: "/cache" }],
  checkout: {
    skip: false,
    checkoutFlags: "-f",
    cleanFlags: "-ffxdq",
    cloneFlags: "--depth=1",
    fetchFlags: "-v",
    noSubmodules: true,
    submoduleCloneConfig: ["core.longpaths=true"],
    gitMirrors: {
      path: "/git-mirrors",
      volume: { name: "mirrors", persistentVolumeClaim: { claimName: "mirrors" } },
      cloneFlags: "--bare",
      lockTimeout: 300,
      skipUpdate: true,
    },
    gitCredentialsSecret: { secretName: "git-creds", defaultMode: 256 },
    envFrom: [{ configMapRef: { name: "checkout-env" } }],
    extraVolumeMounts: [{ name: "ssh", mountPath: "/root/.ssh" }],
  },
  commandParams: {
    interposer: "vector",
    envFrom: [{ secretRef: { name: "command-env" } }],
    extraVolumeMounts: [{ name: "tools", mountPath: "/tools" }],
  },
  sidecarParams: {
    envFrom: [{ configMapRef: { name: "sidecar-env" } }],
    extraVolumeMounts: [{ name: "logs", mountPath: "/logs" }],
  },
  jobActiveDeadlineSeconds: 3600,
}

describe("PluginSchema", () => {
  describe("KubernetesPlugin", () => {
    it("decodes every documented field unchanged, leniently and strictly", () => {
      assertJson(Schema.decodeUnknownSync(KubernetesPlugin)(fullPlugin), fullPlugin)
      assertJson(Schema.decodeUnknownSync(KubernetesPluginStrict)(fullPlugin), fullPlugin)
    })

    it("ignores unknown keys and matches keys case-insensitively, as Go does", () => {
      assertJson(
        Schema.decodeUnknownSync(KubernetesPlugin)({
          PodSpec: { containers: [{ name: "a" }] },
          checkout: { Skip: true, future: 1 },
          somethingNew: true,
        }),
        { podSpec: { containers: [{ name: "a" }] }, checkout: { skip: true } },
      )
    })

    it("reports unknown keys with a suggestion when strict", () => {
      const message = failure(KubernetesPluginStrict, { podSpecPach: {}, checkout: { skp: true } })
      assert.include(message, 'unknown field "podSpecPach", did you mean "podSpecPatch"?')
      assert.include(message, 'unknown field "skp", did you mean "skip"?')
      assert.include(message, '["checkout"]["skp"]')
    })

    it("keeps patch directives and nulls in podSpecPatch only", () => {
      const input = {
        podSpec: { containers: [{ name: "a", $patch: "delete" }], dnsPolicy: null },
        podSpecPatch: { containers: [{ name: "checkout", $patch: "delete" }], dnsPolicy: null },
      }
      assertJson(Schema.decodeUnknownSync(KubernetesPlugin)(input), {
        podSpec: { containers: [{ name: "a" }] },
        podSpecPatch: input.podSpecPatch,
      })
      assert.include(
        failure(KubernetesPluginStrict, input),
        '["podSpec"]["containers"][0]["$patch"]',
      )
    })

    it("names the path of a mismatch inside a nested Kubernetes object", () => {
      const message = failure(KubernetesPlugin, {
        podSpec: { containers: [{ name: "a", env: [{ name: "X", value: 42 }] }] },
      })
      assert.include(message, "expected a string, got the number 42")
      assert.include(message, '["podSpec"]["containers"][0]["env"][0]["value"]')
      assert.include(failure(KubernetesPlugin, { jobActiveDeadlineSeconds: "1h" }), "an integer")
      assert.include(
        failure(KubernetesPlugin, { checkout: { gitMirrors: { lockTimeout: 1.5 } } }),
        '["checkout"]["gitMirrors"]["lockTimeout"]',
      )
    })

    it("describes every field in one sentence", () => {
      for (const field of KubernetesPluginModel.fields) {
        assert.match(field.description ?? "", /^[A-Z].*\.$/, field.name)
      }
    })
  })

  describe("CommandParams", () => {
    it("accepts each interposer and treats the empty string as unset", () => {
      for (const interposer of ["buildkite", "vector", "legacy"]) {
        assertJson(Schema.decodeUnknownSync(CommandParams)({ interposer }), { interposer })
      }
      assertJson(Schema.decodeUnknownSync(CommandParamsStrict)({ interposer: "" }), {})
    })

    it("rejects any other interposer, naming the choices", () => {
      assert.include(
        failure(CommandParams, { interposer: "bash" }),
        'invalid interposer "bash", must be one of: [buildkite vector legacy]',
      )
      assert.include(failure(CommandParams, { interposer: 1 }), "expected a string")
    })
  })

  describe("parameter objects", () => {
    it("decode to the interfaces the engine reads", () => {
      const checkout: CheckoutParamsType = Schema.decodeUnknownSync(CheckoutParams)(
        fullPlugin.checkout,
      )
      const command: CommandParamsType = Schema.decodeUnknownSync(CommandParams)(
        fullPlugin.commandParams,
      )
      const sidecar: SidecarParamsType = Schema.decodeUnknownSync(SidecarParams)(
        fullPlugin.sidecarParams,
      )
      const metadata: MetadataType = Schema.decodeUnknownSync(Metadata)({ labels: { a: null } })
      assert.strictEqual(checkout.gitMirrors?.lockTimeout, 300)
      assert.strictEqual(command.interposer, "vector")
      assert.strictEqual(sidecar.extraVolumeMounts?.[0]?.mountPath, "/logs")
      assertJson(metadata, { labels: { a: "" } })
    })

    it("reports unknown keys of the configuration's params when strict", () => {
      assert.include(
        failure(CheckoutParamsStrict, { gitMirror: {} }),
        'unknown field "gitMirror", did you mean "gitMirrors"?',
      )
      assert.include(failure(Metadata, { labels: { a: 1 } }), '["labels"]["a"]')
    })
  })
})
