/** The resource types the in-memory cluster stores, with the names the API uses for them. */

export interface Resource {
  /** URL plural, e.g. `jobs`. */
  readonly plural: string
  /** API group, `""` for the core group. */
  readonly group: string
  readonly version: string
  readonly kind: string
}

const resource = (plural: string, group: string, version: string, kind: string): Resource => ({
  plural,
  group,
  version,
  kind,
})

export const jobs = resource("jobs", "batch", "v1", "Job")
export const pods = resource("pods", "", "v1", "Pod")
export const podTemplates = resource("podtemplates", "", "v1", "PodTemplate")
export const secrets = resource("secrets", "", "v1", "Secret")
export const events = resource("events", "", "v1", "Event")
export const leases = resource("leases", "coordination.k8s.io", "v1", "Lease")

export const allResources: ReadonlyArray<Resource> = [
  jobs,
  pods,
  podTemplates,
  secrets,
  events,
  leases,
]

/** `apiVersion` as written in objects, e.g. `batch/v1` or `v1`. */
export const apiVersionOf = (resource: Resource): string =>
  resource.group === "" ? resource.version : `${resource.group}/${resource.version}`
