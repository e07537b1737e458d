/**
 * The RBAC rules the real layer needs, one entry per resource. The Helm chart's Role must
 * grant exactly these; `operationPermissions` records which verb each service operation
 * uses so a test can check that the two lists agree.
 */
import type { KubernetesApi } from "./Api.ts"

export interface Permission {
  /** `""` is the core API group. */
  readonly apiGroup: string
  readonly resource: string
  readonly verbs: ReadonlyArray<string>
}

/** Everything the controller asks of the API server, namespaced. */
export const requiredPermissions: ReadonlyArray<Permission> = [
  {
    apiGroup: "batch",
    resource: "jobs",
    verbs: ["get", "list", "watch", "create", "update", "delete", "deletecollection"],
  },
  { apiGroup: "", resource: "pods", verbs: ["get", "list", "watch", "delete"] },
  { apiGroup: "", resource: "podtemplates", verbs: ["get"] },
  { apiGroup: "", resource: "secrets", verbs: ["get"] },
  { apiGroup: "", resource: "events", verbs: ["list"] },
  { apiGroup: "coordination.k8s.io", resource: "leases", verbs: ["get", "create", "update"] },
]

/** One API request an operation makes. */
export interface Use {
  readonly apiGroup: string
  readonly resource: string
  readonly verb: string
}

type Operation = Exclude<keyof KubernetesApi, "namespace">

const jobs = (verb: string): Use => ({ apiGroup: "batch", resource: "jobs", verb })
const core = (resource: string, verb: string): Use => ({ apiGroup: "", resource, verb })
const leases = (verb: string): Use => ({
  apiGroup: "coordination.k8s.io",
  resource: "leases",
  verb,
})

/** The requests each operation of the service makes. */
export const operationPermissions: Readonly<Record<Operation, ReadonlyArray<Use>>> = {
  createJob: [jobs("create")],
  getJob: [jobs("get")],
  updateJob: [jobs("update")],
  deleteJob: [jobs("delete")],
  deleteJobs: [jobs("deletecollection")],
  getPod: [core("pods", "get")],
  deletePod: [core("pods", "delete")],
  listJobs: [jobs("list")],
  listPods: [core("pods", "list")],
  getPodTemplate: [core("podtemplates", "get")],
  getSecret: [core("secrets", "get")],
  listEvents: [core("events", "list")],
  getLease: [leases("get")],
  createLease: [leases("create")],
  updateLease: [leases("update")],
  watchJobs: [jobs("list"), jobs("watch")],
  watchPods: [core("pods", "list"), core("pods", "watch")],
}
