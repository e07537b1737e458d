/**
 * Merging a list whose elements are identified by a merge key (containers by `name`, mounts
 * by `mountPath`…): a patch element merges into the original element with the same key, or
 * is added; `$patch` on an element deletes or replaces it; `$setElementOrder` reorders.
 */
import { fail, readStrategy } from "./Directives.ts"
import { describe, indexPath, isObject, type JsonObject, type JsonValue } from "./Json.ts"
import type { KeyedList } from "./MergeKeys.ts"
import { interleave, type Placed } from "./Order.ts"

/** Merges one element's patch into its original (absent for a new element). */
export type MergeElement = (
  original: JsonObject | undefined,
  patch: Readonly<Record<string, unknown>>,
  path: string,
) => JsonObject

/** The value of a `$setElementOrder/<list>` directive and where it stands in the patch. */
export interface ElementOrder {
  readonly value: unknown
  readonly path: string
}

/** An element of the original list (after deletions). */
interface Slot {
  readonly value: JsonValue
  readonly key: string | undefined
  readonly index: number
}

/** An element the patch touches or brings, merged. */
interface Merged {
  readonly key: string
  value: JsonObject
  readonly slot: Slot | undefined
}

interface ElementPatch {
  readonly key: string
  readonly body: Readonly<Record<string, unknown>>
  readonly replace: boolean
  readonly path: string
}

/** Keys compare as JSON text, so `80` and `"80"` stay different keys. */
const keyOf = (element: unknown, mergeKey: string): string | undefined =>
  isObject(element) && Object.hasOwn(element, mergeKey) && element[mergeKey] !== null
    ? JSON.stringify(element[mergeKey])
    : undefined

interface ReadPatch {
  readonly replaceList: boolean
  readonly deleted: ReadonlySet<string>
  readonly patches: ReadonlyArray<ElementPatch>
}

/** Sorts the patch's elements into list-level markers, deletions and element patches. */
const readPatch = (patch: ReadonlyArray<unknown>, mergeKey: string, path: string): ReadPatch => {
  let replaceList = false
  const deleted = new Set<string>()
  const patches: Array<ElementPatch> = []
  for (const [index, element] of patch.entries()) {
    const at = indexPath(path, index)
    if (!isObject(element)) {
      fail(at, `expected an object with "${mergeKey}", got ${describe(element)}`)
    }
    const strategy = readStrategy(element, at)
    const key = keyOf(element, mergeKey)
    if (strategy === "replace" && Object.keys(element).length === 1) {
      replaceList = true
      continue
    }
    if (key === undefined) {
      const action = strategy === "delete" ? "delete" : "merge"
      fail(
        at,
        `element has no "${mergeKey}", the key this list merges by, so it names nothing to ${action}`,
      )
    }
    if (strategy === "delete") {
      deleted.add(key)
      continue
    }
    const { $patch: _, ...body } = element
    patches.push({ key, body, replace: strategy === "replace", path: at })
  }
  return { replaceList, deleted, patches }
}

/** The keys a `$setElementOrder` list names, in its order. */
const readOrder = (order: ElementOrder, mergeKey: string): Array<string> => {
  if (!Array.isArray(order.value)) {
    return fail(order.path, `expected a list, got ${describe(order.value)}`)
  }
  return order.value.map((item, index) => {
    const key = keyOf(item, mergeKey)
    if (key === undefined) {
      return fail(indexPath(order.path, index), `expected an object with "${mergeKey}"`)
    }
    return key
  })
}

const placed = (merged: Merged): Placed<JsonValue> => ({
  value: merged.value,
  originalIndex: merged.slot?.index,
})

/**
 * Merges `patch` into `original` by `rule.mergeKey`; `order` is the list's
 * `$setElementOrder` directive, if the patch has one.
 */
export const mergeKeyedList = (
  original: ReadonlyArray<JsonValue>,
  patch: ReadonlyArray<unknown>,
  rule: KeyedList,
  path: string,
  mergeElement: MergeElement,
  order?: ElementOrder,
): Array<JsonValue> => {
  const { replaceList, deleted, patches } = readPatch(patch, rule.mergeKey, path)

  // Deletions apply to the original first, so an element that the patch both deletes and
  // lists comes back built from the patch alone.
  const slots: Array<Slot> = []
  if (!replaceList) {
    for (const value of original) {
      const key = keyOf(value, rule.mergeKey)
      if (key !== undefined && deleted.has(key)) continue
      slots.push({ value, key, index: slots.length })
    }
  }
  const byKey = new Map<string, Merged>()
  for (const slot of slots) {
    if (slot.key === undefined || byKey.has(slot.key) || !isObject(slot.value)) continue
    byKey.set(slot.key, { key: slot.key, value: slot.value as JsonObject, slot })
  }

  // A key the patch lists twice merges twice, into the same element.
  const fromPatch: Array<Merged> = []
  for (const element of patches) {
    const existing = byKey.get(element.key)
    const base = existing === undefined || element.replace ? undefined : existing.value
    const value = mergeElement(base, element.body, element.path)
    if (existing === undefined) {
      const merged: Merged = { key: element.key, value, slot: undefined }
      byKey.set(element.key, merged)
      fromPatch.push(merged)
    } else {
      existing.value = value
      if (!fromPatch.includes(existing)) fromPatch.push(existing)
    }
  }
  const touched = new Set(fromPatch.map((merged) => merged.slot))
  const untouched = slots.filter((slot) => !touched.has(slot))

  if (order === undefined) {
    const originalOnly = untouched.map((slot) => ({ value: slot.value, originalIndex: slot.index }))
    return interleave(fromPatch.map(placed), originalOnly)
  }

  // `$setElementOrder` names the elements to put first, in its order; original elements it
  // does not name keep their place relative to the others, as without the directive.
  const named = new Set<string>()
  const placedSlots = new Set<Slot>()
  const ordered: Array<Placed<JsonValue>> = []
  for (const key of readOrder(order, rule.mergeKey)) {
    const merged = byKey.get(key)
    if (merged === undefined || named.has(key)) continue
    named.add(key)
    if (merged.slot !== undefined) placedSlots.add(merged.slot)
    ordered.push(placed(merged))
  }
  for (const merged of fromPatch) {
    if (!named.has(merged.key)) {
      return fail(order.path, `does not name ${merged.key}, which the patch of this list sets`)
    }
  }
  const rest = untouched
    .filter((slot) => !placedSlots.has(slot))
    .map((slot) => ({ value: slot.value, originalIndex: slot.index }))
  return interleave(ordered, rest)
}
