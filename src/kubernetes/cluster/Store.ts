/**
 * The object store of the in-memory cluster: namespaced objects with uid,
 * resourceVersion and creationTimestamp, conflict checks, label and field selectors, and
 * watches that can resume from a recent resourceVersion (older ones answer 410 Gone, as
 * the API server does once its watch history is compacted). Synchronous and mutable: the
 * fronts (the double, the HTTP fake) and the controllers call it directly.
 */
import type { KubernetesObject } from "@kubernetes/client-node"
import { type LabelSelector, matchesLabels, parseLabelSelector } from "../LabelSelector.ts"
import { apiVersionOf, type Resource } from "./Resources.ts"
import { alreadyExists, badRequest, conflict, gone, invalid, notFound } from "./StatusFailure.ts"

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED"

/** One stored change, as kept in the watch history and given to subscribers. */
export interface Change {
  readonly resource: Resource
  readonly type: ChangeType
  readonly object: KubernetesObject
  readonly previous: KubernetesObject | undefined
  readonly resourceVersion: number
}

export interface Selectors {
  readonly labelSelector?: string
  readonly fieldSelector?: string
}

/** An open watch: `close` ends it as a clean server-side close. */
export interface WatchHandle {
  readonly close: () => void
}

export interface WatchOptions {
  /**
   * Hand `onEvent` the stored object itself instead of a copy, for a watcher that only
   * reads it (the HTTP fake serialises it). The object must not be changed.
   */
  readonly shared?: boolean
}

interface Watcher {
  readonly resource: Resource
  readonly namespace: string
  readonly selector: LabelSelector
  readonly shared: boolean
  readonly onEvent: (type: ChangeType, object: KubernetesObject) => void
  readonly onClose: () => void
}

/**
 * One resource's objects by `namespace/name`, with indexes so that selector lookups touch
 * only the objects that can match: by label value, and by the value of the fields the
 * cluster selects Events by. Stored objects are never changed in place (every write stores
 * a new object), so the indexes only change on create, replace and remove.
 */
interface Table {
  readonly objects: Map<string, KubernetesObject>
  /** Creation order of each key: lists answer in it, as the unindexed scan did. */
  readonly order: Map<string, number>
  readonly labels: Map<string, Map<string, Set<string>>>
  readonly fields: Map<string, Map<string, Set<string>>>
  created: number
}

/** Field paths with an index: the Event lookups of the recorder and of `listEvents`. */
const indexedFields = ["involvedObject.uid", "involvedObject.name"]

/**
 * A deep copy, as `structuredClone` makes one, for the data objects the store holds: plain
 * objects (class instances come out plain, as they do from `structuredClone`), arrays and
 * Dates are copied here, which is several times faster than `structuredClone` on the Job
 * and Pod shapes copied on every write and read; anything else goes to `structuredClone`.
 */
const cloneValue = (value: unknown): unknown => {
  if (typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return value.map(cloneValue)
  if (value instanceof Date) return new Date(value.getTime())
  if (Object.prototype.toString.call(value) !== "[object Object]") return structuredClone(value)
  const result: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    result[key] = cloneValue((value as Record<string, unknown>)[key])
  }
  return result
}

const copy = <A>(value: A): A => cloneValue(value) as A

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`

const parseSelector = (text: string | undefined): LabelSelector => {
  const parsed = parseLabelSelector(text ?? "")
  if (typeof parsed === "string") throw badRequest(`unable to parse requirement: ${parsed}`)
  return parsed
}

/** Reads a dotted path such as `involvedObject.name` from an object. */
const fieldValue = (object: unknown, path: ReadonlyArray<string>): string | undefined => {
  let current: unknown = object
  for (const part of path) {
    if (typeof current !== "object" || current === null) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current === undefined || current === null ? undefined : String(current)
}

interface FieldRequirement {
  /** The dotted path as written, e.g. `involvedObject.uid`. */
  readonly key: string
  readonly path: ReadonlyArray<string>
  readonly value: string
  readonly negated: boolean
}

/** `a.b=v,c!=w` as requirements; every one must hold. */
const parseFieldSelector = (text: string | undefined): ReadonlyArray<FieldRequirement> =>
  (text ?? "")
    .split(",")
    .filter((part) => part.length > 0)
    .map((part) => {
      const negated = part.includes("!=")
      const [path = "", value = ""] = part.split(negated ? "!=" : /==?/)
      const key = path.trim()
      return { key, path: key.split("."), value: value.trim(), negated }
    })

const matchesFields = (
  object: KubernetesObject,
  requirements: ReadonlyArray<FieldRequirement>,
): boolean =>
  requirements.every(
    (requirement) =>
      (fieldValue(object, requirement.path) === requirement.value) !== requirement.negated,
  )

const indexedFieldPaths = indexedFields.map((key) => ({ key, path: key.split(".") }))

const addTo = (
  index: Map<string, Map<string, Set<string>>>,
  name: string,
  value: string,
  key: string,
) => {
  let byValue = index.get(name)
  if (byValue === undefined) {
    byValue = new Map()
    index.set(name, byValue)
  }
  let keys = byValue.get(value)
  if (keys === undefined) {
    keys = new Set()
    byValue.set(value, keys)
  }
  keys.add(key)
}

const removeFrom = (
  index: Map<string, Map<string, Set<string>>>,
  name: string,
  value: string,
  key: string,
) => {
  const byValue = index.get(name)
  const keys = byValue?.get(value)
  if (byValue === undefined || keys === undefined) return
  keys.delete(key)
  if (keys.size === 0) byValue.delete(value)
}

const indexObject = (table: Table, key: string, object: KubernetesObject) => {
  for (const [label, value] of Object.entries(object.metadata?.labels ?? {}))
    addTo(table.labels, label, value, key)
  for (const field of indexedFieldPaths) {
    const value = fieldValue(object, field.path)
    if (value !== undefined) addTo(table.fields, field.key, value, key)
  }
}

const unindexObject = (table: Table, key: string, object: KubernetesObject) => {
  for (const [label, value] of Object.entries(object.metadata?.labels ?? {}))
    removeFrom(table.labels, label, value, key)
  for (const field of indexedFieldPaths) {
    const value = fieldValue(object, field.path)
    if (value !== undefined) removeFrom(table.fields, field.key, value, key)
  }
}

/**
 * The keys of the objects that can match, from the narrowest index a requirement allows
 * (a label `in`/`=` or an indexed field `=`), in creation order; `undefined` when no
 * requirement narrows the search and every object must be looked at.
 */
const candidateKeys = (
  table: Table,
  selector: LabelSelector,
  fields: ReadonlyArray<FieldRequirement>,
): Array<string> | undefined => {
  let best: Array<Set<string>> | undefined
  let bestSize = Number.POSITIVE_INFINITY
  const consider = (sets: Array<Set<string>>) => {
    const size = sets.reduce((total, set) => total + set.size, 0)
    if (size < bestSize) {
      best = sets
      bestSize = size
    }
  }
  for (const requirement of selector) {
    if (requirement.op !== "in") continue
    const byValue = table.labels.get(requirement.key)
    const sets: Array<Set<string>> = []
    for (const value of new Set(requirement.values)) {
      const keys = byValue?.get(value)
      if (keys !== undefined) sets.push(keys)
    }
    consider(sets)
  }
  for (const requirement of fields) {
    if (requirement.negated || !indexedFields.includes(requirement.key)) continue
    const keys = table.fields.get(requirement.key)?.get(requirement.value)
    consider(keys === undefined ? [] : [keys])
  }
  if (best === undefined) return undefined
  const keys = best.length === 1 ? [...(best[0] ?? [])] : best.flatMap((set) => [...set])
  if (keys.length > 1) keys.sort((a, b) => (table.order.get(a) ?? 0) - (table.order.get(b) ?? 0))
  return keys
}

export interface StoreOptions {
  /** Current time, from the Effect Clock. */
  readonly now: () => number
  /** How many changes are kept for resuming watches. Default 10,000. */
  readonly historyLimit?: number
}

export class Store {
  private readonly tables = new Map<string, Table>()
  /** The watch history is `history` from `historyStart` on; the prefix awaits trimming. */
  private readonly history: Array<Change> = []
  private historyStart = 0
  private readonly watchers = new Set<Watcher>()
  private readonly subscribers = new Set<(change: Change) => void>()
  private version = 1
  private uidCounter = 0
  private compactedThrough = 0
  readonly now: () => number
  private readonly historyLimit: number

  constructor(options: StoreOptions) {
    this.now = options.now
    this.historyLimit = options.historyLimit ?? 10_000
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.version
  }

  private tableOf(resource: Resource): Table {
    let table = this.tables.get(resource.plural)
    if (table === undefined) {
      table = {
        objects: new Map(),
        order: new Map(),
        labels: new Map(),
        fields: new Map(),
        created: 0,
      }
      this.tables.set(resource.plural, table)
    }
    return table
  }

  private table(resource: Resource): Map<string, KubernetesObject> {
    return this.tableOf(resource).objects
  }

  private nextUid(): string {
    this.uidCounter++
    return `00000000-0000-4000-8000-${this.uidCounter.toString(16).padStart(12, "0")}`
  }

  private record(
    resource: Resource,
    type: ChangeType,
    object: KubernetesObject,
    previous?: KubernetesObject,
  ) {
    const change: Change = { resource, type, object, previous, resourceVersion: this.version }
    this.history.push(change)
    if (this.history.length - this.historyStart > this.historyLimit) {
      const dropped = this.history[this.historyStart]
      if (dropped !== undefined) this.compactedThrough = dropped.resourceVersion
      this.historyStart++
      // Trimming the array's front moves what remains: do it once per `historyLimit` drops.
      if (this.historyStart >= this.historyLimit) {
        this.history.splice(0, this.historyStart)
        this.historyStart = 0
      }
    }
    const namespace = object.metadata?.namespace ?? ""
    for (const watcher of this.watchers) {
      if (watcher.resource === resource && watcher.namespace === namespace) deliver(watcher, change)
    }
    for (const subscriber of this.subscribers) subscriber(change)
  }

  /** Creates the object; `metadata.name` or `generateName` is required. */
  create(resource: Resource, namespace: string, input: KubernetesObject): KubernetesObject {
    const object = copy(input)
    const metadata = object.metadata ?? {}
    const name =
      metadata.name ??
      (metadata.generateName === undefined ? "" : metadata.generateName + this.nextUid().slice(-5))
    if (name === "")
      throw invalid(resource, "", [
        "metadata.name: Required value: name or generateName is required",
      ])
    const table = this.tableOf(resource)
    const key = keyOf(namespace, name)
    if (table.objects.has(key)) throw alreadyExists(resource, name)
    this.version++
    object.apiVersion = apiVersionOf(resource)
    object.kind = resource.kind
    object.metadata = {
      ...metadata,
      name,
      namespace,
      uid: this.nextUid(),
      resourceVersion: String(this.version),
      creationTimestamp: new Date(this.now()),
    }
    table.objects.set(key, object)
    table.order.set(key, table.created++)
    indexObject(table, key, object)
    this.record(resource, "ADDED", object)
    return copy(object)
  }

  /** The object, or `undefined` when it does not exist. */
  find(resource: Resource, namespace: string, name: string): KubernetesObject | undefined {
    const found = this.peek(resource, namespace, name)
    return found === undefined ? undefined : copy(found)
  }

  /** The stored object itself, not a copy, for callers that only read it; never change it. */
  peek(resource: Resource, namespace: string, name: string): KubernetesObject | undefined {
    return this.table(resource).get(keyOf(namespace, name))
  }

  get(resource: Resource, namespace: string, name: string): KubernetesObject {
    const found = this.find(resource, namespace, name)
    if (found === undefined) throw notFound(resource, name)
    return found
  }

  list(
    resource: Resource,
    namespace: string,
    selectors: Selectors = {},
  ): { readonly items: Array<KubernetesObject>; readonly resourceVersion: string } {
    return {
      items: this.select(resource, namespace, selectors).map(copy),
      resourceVersion: String(this.version),
    }
  }

  /**
   * The stored objects `list` would copy, for callers that only read them (the Job
   * controller, the HTTP fake's serialisation); never change them. Looks only at the objects
   * an index says can match when the selectors allow it.
   */
  select(
    resource: Resource,
    namespace: string,
    selectors: Selectors = {},
  ): Array<KubernetesObject> {
    const selector = parseSelector(selectors.labelSelector)
    const fields = parseFieldSelector(selectors.fieldSelector)
    const table = this.tableOf(resource)
    const keys = candidateKeys(table, selector, fields)
    const objects =
      keys === undefined
        ? table.objects.values()
        : keys.flatMap((key) => table.objects.get(key) ?? [])
    const items: Array<KubernetesObject> = []
    for (const object of objects) {
      if (object.metadata?.namespace !== namespace) continue
      if (!matchesLabels(selector, object.metadata.labels)) continue
      if (!matchesFields(object, fields)) continue
      items.push(object)
    }
    return items
  }

  /** Replaces the object; a set `metadata.resourceVersion` must match the stored one. */
  update(resource: Resource, namespace: string, input: KubernetesObject): KubernetesObject {
    const name = input.metadata?.name ?? ""
    const stored = this.table(resource).get(keyOf(namespace, name))
    if (stored === undefined) throw notFound(resource, name)
    const sent = input.metadata?.resourceVersion
    if (sent !== undefined && sent !== stored.metadata?.resourceVersion)
      throw conflict(resource, name)
    const object = copy(input)
    object.metadata = { ...object.metadata, ...identity(stored) }
    return this.replace(resource, stored, object)
  }

  /** Changes the stored object in place (controllers' writes); `undefined` when it is gone. */
  mutate(
    resource: Resource,
    namespace: string,
    name: string,
    change: (object: KubernetesObject) => void,
  ): KubernetesObject | undefined {
    const stored = this.table(resource).get(keyOf(namespace, name))
    if (stored === undefined) return undefined
    const object = copy(stored)
    change(object)
    object.metadata = { ...object.metadata, ...identity(stored) }
    return this.replace(resource, stored, object)
  }

  private replace(
    resource: Resource,
    stored: KubernetesObject,
    object: KubernetesObject,
  ): KubernetesObject {
    this.version++
    object.apiVersion = apiVersionOf(resource)
    object.kind = resource.kind
    object.metadata = { ...object.metadata, resourceVersion: String(this.version) }
    const table = this.tableOf(resource)
    const key = keyOf(object.metadata.namespace ?? "", object.metadata.name ?? "")
    unindexObject(table, key, stored)
    table.objects.set(key, object)
    indexObject(table, key, object)
    this.record(resource, "MODIFIED", object, stored)
    return copy(object)
  }

  remove(resource: Resource, namespace: string, name: string): KubernetesObject {
    const table = this.tableOf(resource)
    const key = keyOf(namespace, name)
    const stored = table.objects.get(key)
    if (stored === undefined) throw notFound(resource, name)
    table.objects.delete(key)
    table.order.delete(key)
    unindexObject(table, key, stored)
    this.version++
    const object = copy(stored)
    object.metadata = { ...object.metadata, resourceVersion: String(this.version) }
    this.record(resource, "DELETED", object, stored)
    return copy(object)
  }

  /**
   * Watches changes after `resourceVersion`, replaying what the history still holds. Throws
   * 410 Gone when changes after it have been compacted away.
   */
  watch(
    resource: Resource,
    namespace: string,
    labelSelector: string | undefined,
    resourceVersion: string,
    onEvent: (type: ChangeType, object: KubernetesObject) => void,
    onClose: () => void,
    options: WatchOptions = {},
  ): WatchHandle {
    const selector = parseSelector(labelSelector)
    const from =
      resourceVersion === "" || resourceVersion === "0" ? this.version : Number(resourceVersion)
    if (!Number.isFinite(from))
      throw badRequest(`invalid resourceVersion: ${JSON.stringify(resourceVersion)}`)
    if (from < this.compactedThrough) throw gone(resourceVersion, this.compactedThrough + 1)
    const watcher: Watcher = {
      resource,
      namespace,
      selector,
      shared: options.shared === true,
      onEvent,
      onClose,
    }
    // The history is in resourceVersion order: replay from the first change after `from`.
    let low = this.historyStart
    let high = this.history.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((this.history[middle]?.resourceVersion ?? 0) <= from) low = middle + 1
      else high = middle
    }
    for (let i = low; i < this.history.length; i++) {
      const change = this.history[i]
      if (change === undefined || change.resource !== resource) continue
      if (change.object.metadata?.namespace !== namespace) continue
      deliver(watcher, change)
    }
    this.watchers.add(watcher)
    return {
      close: () => {
        if (this.watchers.delete(watcher)) onClose()
      },
    }
  }

  /** Ends every open watch cleanly, as an API server restart or timeout would. */
  closeWatches(): void {
    for (const watcher of [...this.watchers]) {
      this.watchers.delete(watcher)
      watcher.onClose()
    }
  }

  /** Forgets the watch history: resuming from any earlier resourceVersion answers 410. */
  compact(): void {
    this.history.length = 0
    this.historyStart = 0
    this.compactedThrough = this.version
  }

  /** Calls `listener` synchronously for every change (the controllers' feed). */
  subscribe(listener: (change: Change) => void): () => void {
    this.subscribers.add(listener)
    return () => this.subscribers.delete(listener)
  }
}

const identity = (stored: KubernetesObject) => ({
  name: stored.metadata?.name ?? "",
  namespace: stored.metadata?.namespace ?? "",
  uid: stored.metadata?.uid ?? "",
  ...(stored.metadata?.creationTimestamp === undefined
    ? {}
    : { creationTimestamp: stored.metadata.creationTimestamp }),
})

/** Sends a change to a label-selected watcher: objects moving out of the selection look deleted. */
const deliver = (watcher: Watcher, change: Change) => {
  const matchedBefore =
    change.previous !== undefined &&
    matchesLabels(watcher.selector, change.previous.metadata?.labels)
  const matchesNow = matchesLabels(watcher.selector, change.object.metadata?.labels)
  const object = () => (watcher.shared ? change.object : copy(change.object))
  if (change.type === "DELETED") {
    if (matchedBefore) watcher.onEvent("DELETED", object())
    return
  }
  if (matchesNow) watcher.onEvent(matchedBefore ? "MODIFIED" : "ADDED", object())
  else if (matchedBefore) watcher.onEvent("DELETED", object())
}
