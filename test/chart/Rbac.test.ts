import { assert, beforeAll, describe, it } from "@effect/vitest"
import { type Permission, requiredPermissions } from "../../src/kubernetes/permissions.ts"
import { findObject, type Rendered, render } from "./helm.ts"
import { memo } from "./objects.ts"

interface Rule {
  readonly apiGroups: ReadonlyArray<string>
  readonly resources: ReadonlyArray<string>
  readonly verbs: ReadonlyArray<string>
  readonly resourceNames?: ReadonlyArray<string>
}

const token = { agentToken: "bkct_secret" }
const single = memo(() => render(token))
const elected = memo(() => render({ ...token, replicaCount: 2 }))
const electedByConfig = memo(() => render({ ...token, config: { "leader-election": true } }))

const rules = (objects: ReadonlyArray<Rendered>): ReadonlyArray<Rule> =>
  findObject(objects, "Role").rules as ReadonlyArray<Rule>

/** One line per (group, resource, verb) granted, so that two lists compare regardless of grouping. */
const grants = (permissions: ReadonlyArray<Permission>): ReadonlyArray<string> =>
  permissions.flatMap((p) => p.verbs.map((verb) => `${p.apiGroup}/${p.resource}:${verb}`)).sort()

const granted = (objects: ReadonlyArray<Rendered>): ReadonlyArray<string> =>
  grants(
    rules(objects).flatMap((rule) =>
      rule.apiGroups.flatMap((apiGroup) =>
        rule.resources.map((resource) => ({ apiGroup, resource, verbs: rule.verbs })),
      ),
    ),
  )

const withoutLeases = requiredPermissions.filter((p) => p.resource !== "leases")

describe("chart RBAC", () => {
  beforeAll(() => Promise.all([single(), elected(), electedByConfig()]))

  describe("Role", () => {
    it("grants exactly the controller's permissions when leader election is on", async () => {
      assert.deepStrictEqual(granted(await elected()), grants(requiredPermissions))
      assert.deepStrictEqual(granted(await electedByConfig()), grants(requiredPermissions))
    })

    it("grants the same minus leases when leader election is off", async () => {
      assert.isTrue(requiredPermissions.some((p) => p.resource === "leases"))
      assert.deepStrictEqual(granted(await single()), grants(withoutLeases))
    })

    it("limits reading Secrets to the agent token Secret", async () => {
      for (const rule of rules(await single())) {
        if (rule.resources.includes("secrets")) {
          assert.deepStrictEqual(rule.resourceNames, ["agent-stack-k8s-secrets"])
        } else {
          assert.isUndefined(rule.resourceNames)
        }
      }
    })

    it("is namespaced and bound to the controller's ServiceAccount", async () => {
      const objects = await single()
      const binding = findObject(objects, "RoleBinding")
      assert.deepStrictEqual(binding.roleRef, {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: findObject(objects, "Role").metadata.name,
      })
      assert.deepStrictEqual(binding.subjects, [
        {
          kind: "ServiceAccount",
          name: findObject(objects, "ServiceAccount").metadata.name,
          namespace: "buildkite",
        },
      ])
      assert.notInclude(
        objects.map((o) => o.kind),
        "ClusterRole",
      )
    })
  })
})
