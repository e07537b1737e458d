/**
 * The part of the Kubernetes schema a strategic merge patch of a PodSpec needs: which lists
 * merge element by element, by which key, and which element type they hold. Every other list
 * is replaced wholesale by a patch, and every other object merges field by field.
 */

/** The types whose fields hold lists merged by key. */
export type MergeType = "PodSpec" | "Container"

/** How a list field merges. */
export interface KeyedList {
  /** The element field that identifies an element across original and patch. */
  readonly mergeKey: string
  /** The type of each element, when its own fields hold keyed lists. */
  readonly elementType?: MergeType
  /** Kubernetes declares `retainKeys` for it: a `$retainKeys` directive is expected there. */
  readonly retainKeys?: boolean
}

const podSpec: Readonly<Record<string, KeyedList>> = {
  containers: { mergeKey: "name", elementType: "Container" },
  initContainers: { mergeKey: "name", elementType: "Container" },
  // Ephemeral containers have the fields of a container that matter here.
  ephemeralContainers: { mergeKey: "name", elementType: "Container" },
  volumes: { mergeKey: "name", retainKeys: true },
  imagePullSecrets: { mergeKey: "name" },
  hostAliases: { mergeKey: "ip" },
  topologySpreadConstraints: { mergeKey: "topologyKey" },
  resourceClaims: { mergeKey: "name", retainKeys: true },
  schedulingGates: { mergeKey: "name" },
}

const container: Readonly<Record<string, KeyedList>> = {
  env: { mergeKey: "name" },
  volumeMounts: { mergeKey: "mountPath" },
  ports: { mergeKey: "containerPort" },
  volumeDevices: { mergeKey: "devicePath" },
}

const tables: Readonly<Record<MergeType, Readonly<Record<string, KeyedList>>>> = {
  PodSpec: podSpec,
  Container: container,
}

/** The merge rule of a field of a type, or undefined when the field is no keyed list. */
export const keyedList = (type: MergeType | undefined, field: string): KeyedList | undefined => {
  if (type === undefined) return undefined
  const table = tables[type]
  return Object.hasOwn(table, field) ? table[field] : undefined
}
