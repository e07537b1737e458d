import { assert, describe, it } from "@effect/vitest"
import { operationPermissions, requiredPermissions } from "../../src/kubernetes/permissions.ts"

describe("permissions", () => {
  describe("requiredPermissions", () => {
    it("grants every request each operation of the service makes", () => {
      for (const [operation, uses] of Object.entries(operationPermissions)) {
        for (const use of uses) {
          const rule = requiredPermissions.find(
            (p) => p.apiGroup === use.apiGroup && p.resource === use.resource,
          )
          assert.isDefined(rule, `${operation}: no rule for ${use.resource}`)
          assert.include(
            rule?.verbs ?? [],
            use.verb,
            `${operation}: ${use.resource} lacks ${use.verb}`,
          )
        }
      }
    })

    it("grants nothing no operation uses", () => {
      const used = new Set(
        Object.values(operationPermissions).flatMap((uses) =>
          uses.map((u) => `${u.apiGroup}/${u.resource}/${u.verb}`),
        ),
      )
      for (const rule of requiredPermissions) {
        for (const verb of rule.verbs)
          assert.isTrue(
            used.has(`${rule.apiGroup}/${rule.resource}/${verb}`),
            `${rule.resource} ${verb} is unused`,
          )
      }
    })
  })
})
