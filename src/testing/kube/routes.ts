/**
 * URL routing of the fake kube-apiserver: which resource, namespace, name and service
 * operation a request is, with operation names matching the fault script's.
 */
import {
  events,
  jobs,
  leases,
  pods,
  podTemplates,
  type Resource,
  secrets,
} from "../../kubernetes/cluster/Resources.ts"

export interface Route {
  readonly resource: Resource
  readonly namespace: string
  readonly name: string | undefined
  readonly verb: "get" | "list" | "watch" | "create" | "update" | "delete" | "deletecollection"
  /** The matching Kubernetes service operation, e.g. `watchPods`; used by fault scripts. */
  readonly operation: string
}

const pathPattern =
  /^\/(?:api\/v1|apis\/(batch|coordination\.k8s\.io)\/v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/

const byPlural: Record<string, { resource: Resource; group: string; operationKind: string }> = {
  jobs: { resource: jobs, group: "batch", operationKind: "Job" },
  pods: { resource: pods, group: "", operationKind: "Pod" },
  podtemplates: { resource: podTemplates, group: "", operationKind: "PodTemplate" },
  secrets: { resource: secrets, group: "", operationKind: "Secret" },
  events: { resource: events, group: "", operationKind: "Event" },
  leases: { resource: leases, group: "coordination.k8s.io", operationKind: "Lease" },
}

/** The route of a request, or `undefined` when the fake does not serve it. */
export const route = (method: string, url: URL): Route | undefined => {
  const match = pathPattern.exec(url.pathname)
  if (match === null) return undefined
  const [, group = "", namespace = "", plural = "", name] = match
  const entry = byPlural[plural]
  if (entry === undefined || entry.group !== group) return undefined
  const watching = url.searchParams.get("watch") === "true"
  const verb =
    method === "GET"
      ? name !== undefined
        ? "get"
        : watching
          ? "watch"
          : "list"
      : method === "POST" && name === undefined
        ? "create"
        : method === "PUT" && name !== undefined
          ? "update"
          : method === "DELETE"
            ? name !== undefined
              ? "delete"
              : "deletecollection"
            : undefined
  if (verb === undefined) return undefined
  const collection = verb === "list" || verb === "watch" || verb === "deletecollection"
  // `deletecollection` is the service's `deleteJobs`: the verb it uses, in the plural.
  const action = verb === "deletecollection" ? "delete" : verb
  return {
    resource: entry.resource,
    namespace: decodeURIComponent(namespace),
    name: name === undefined ? undefined : decodeURIComponent(name),
    verb,
    operation: `${action}${entry.operationKind}${collection ? "s" : ""}`,
  }
}
