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

interface Watcher {
  readonly resource: Resource
  readonly namespace: string
  readonly selector: LabelSelector
  readonly onEvent: (type: ChangeType, object: KubernetesObject) => void
  readonly onClose: () => void
}

const copy = <A>(value: A): A => structuredClone(value)

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`

const parseSelector = (text: string | undefined): LabelSelector => {
  const parsed = parseLabelSelector(text ?? "")
  if (typeof parsed === "string") throw badRequest(`unable to parse requirement: ${parsed}`)
  return parsed
}

/** Reads a dotted path such as `involvedObject.name` from an object. */
const fieldValue = (object: unknown, path: string): string | undefined => {
  let current: unknown = object
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current === undefined || current === null ? undefined : String(current)
}

const matchesFields = (object: KubernetesObject, text: string | undefined): boolean =>
  (text ?? "")
    .split(",")
    .filter((part) => part.length > 0)
    .every((part) => {
      const negated = part.includes("!=")
      const [path = "", value = ""] = part.split(negated ? "!=" : /==?/)
      return (fieldValue(object, path.trim()) === value.trim()) !== negated
    })

export interface StoreOptions {
  /** Current time, from the Effect Clock. */
  readonly now: () => number
  /** How many changes are kept for resuming watches. Default 10,000. */
  readonly historyLimit?: number
}

export class Store {
  private readonly objects = new Map<string, Map<string, KubernetesObject>>()
  private readonly history: Array<Change> = []
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

  private table(resource: Resource): Map<string, KubernetesObject> {
    let table = this.objects.get(resource.plural)
    if (table === undefined) {
      table = new Map()
      this.objects.set(resource.plural, table)
    }
    return table
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
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift()
      if (dropped !== undefined) this.compactedThrough = dropped.resourceVersion
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
    const table = this.table(resource)
    if (table.has(keyOf(namespace, name))) throw alreadyExists(resource, name)
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
    table.set(keyOf(namespace, name), object)
    this.record(resource, "ADDED", object)
    return copy(object)
  }

  /** The object, or `undefined` when it does not exist. */
  find(resource: Resource, namespace: string, name: string): KubernetesObject | undefined {
    const found = this.table(resource).get(keyOf(namespace, name))
    return found === undefined ? undefined : copy(found)
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
    const selector = parseSelector(selectors.labelSelector)
    const items: Array<KubernetesObject> = []
    for (const object of this.table(resource).values()) {
      if (object.metadata?.namespace !== namespace) continue
      if (!matchesLabels(selector, object.metadata.labels)) continue
      if (!matchesFields(object, selectors.fieldSelector)) continue
      items.push(copy(object))
    }
    return { items, resourceVersion: String(this.version) }
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
    this.table(resource).set(
      keyOf(object.metadata.namespace ?? "", object.metadata.name ?? ""),
      object,
    )
    this.record(resource, "MODIFIED", object, stored)
    return copy(object)
  }

  remove(resource: Resource, namespace: string, name: string): KubernetesObject {
    const table = this.table(resource)
    const stored = table.get(keyOf(namespace, name))
    if (stored === undefined) throw notFound(resource, name)
    table.delete(keyOf(namespace, name))
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
  ): WatchHandle {
    const selector = parseSelector(labelSelector)
    const from =
      resourceVersion === "" || resourceVersion === "0" ? this.version : Number(resourceVersion)
    if (!Number.isFinite(from))
      throw badRequest(`invalid resourceVersion: ${JSON.stringify(resourceVersion)}`)
    if (from < this.compactedThrough) throw gone(resourceVersion, this.compactedThrough + 1)
    const watcher: Watcher = { resource, namespace, selector, onEvent, onClose }
    for (const change of this.history) {
      if (change.resourceVersion <= from || change.resource !== resource) continue
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
  if (change.type === "DELETED") {
    if (matchedBefore) watcher.onEvent("DELETED", copy(change.object))
    return
  }
  if (matchesNow) watcher.onEvent(matchedBefore ? "MODIFIED" : "ADDED", copy(change.object))
  else if (matchedBefore) watcher.onEvent("DELETED", copy(change.object))
}
