/**
 * Validates rendered objects against the Kubernetes OpenAPI schemas of
 * `kubernetes-models`. Prometheus Operator kinds have no schema there: the tests
 * check those by hand.
 */
import { Deployment } from "kubernetes-models/apps/v1"
import { PodDisruptionBudget } from "kubernetes-models/policy/v1"
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1"
import { ConfigMap, Secret, Service, ServiceAccount } from "kubernetes-models/v1"
import type { Rendered } from "./helm.ts"

// Rendered YAML is untyped data; `validate()` is what checks it, hence the casts.
type Validate = (object: Rendered) => void

const models: Record<string, Validate> = {
  "apps/v1 Deployment": (o) => new Deployment(o as never).validate(),
  "policy/v1 PodDisruptionBudget": (o) => new PodDisruptionBudget(o as never).validate(),
  "rbac.authorization.k8s.io/v1 Role": (o) => new Role(o as never).validate(),
  "rbac.authorization.k8s.io/v1 RoleBinding": (o) => new RoleBinding(o as never).validate(),
  "v1 ConfigMap": (o) => new ConfigMap(o as never).validate(),
  "v1 Secret": (o) => new Secret(o as never).validate(),
  "v1 Service": (o) => new Service(o as never).validate(),
  "v1 ServiceAccount": (o) => new ServiceAccount(o as never).validate(),
}

/** Custom resources of the Prometheus Operator, checked structurally by the tests. */
export const customKinds: ReadonlyArray<string> = [
  "monitoring.coreos.com/v1 PodMonitor",
  "monitoring.coreos.com/v1 ServiceMonitor",
]

/** Throws, naming the object, when it does not match its Kubernetes schema or has no known schema. */
export const validateObject = (object: Rendered): void => {
  const type = `${object.apiVersion} ${object.kind}`
  if (customKinds.includes(type)) return
  const validate = models[type]
  if (validate === undefined) throw new Error(`No schema known for ${type}`)
  try {
    validate(object)
  } catch (error) {
    throw new Error(`${type} ${object.metadata.name} is invalid: ${String(error)}`)
  }
}
