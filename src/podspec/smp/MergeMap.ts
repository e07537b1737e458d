/**
 * Merging an object patch into an object: fields merge recursively, scalars and unkeyed
 * lists replace, keyed lists merge by key, `null` deletes a field, and the directives
 * `$patch`, `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…` apply.
 */
import {
  deleteFromPrimitiveListPrefix,
  fail,
  patchDirective,
  readStrategy,
  retainKeysDirective,
  setElementOrderPrefix,
} from "./Directives.ts"
import {
  describe,
  fieldPath,
  indexPath,
  isObject,
  isPrimitive,
  type JsonObject,
  type JsonValue,
} from "./Json.ts"
import { keyedList, type MergeType } from "./MergeKeys.ts"
import { mergeKeyedList } from "./MergeList.ts"

/** What an object patch asks of its field: a merged value, or removal (`$patch: delete`). */
export type Merged =
  | { readonly _tag: "Value"; readonly value: JsonObject }
  | { readonly _tag: "Delete" }

interface Directives {
  readonly retainKeys: ReadonlyArray<string> | undefined
  readonly order: ReadonlyMap<string, { readonly value: unknown; readonly path: string }>
  readonly deletions: ReadonlyMap<string, { readonly value: unknown; readonly path: string }>
  readonly fields: ReadonlyArray<readonly [string, unknown]>
}

/** Splits an object patch into its directives and its fields. */
const readDirectives = (patch: Readonly<Record<string, unknown>>, path: string): Directives => {
  let retainKeys: ReadonlyArray<string> | undefined
  const order = new Map<string, { value: unknown; path: string }>()
  const deletions = new Map<string, { value: unknown; path: string }>()
  const fields: Array<readonly [string, unknown]> = []
  for (const [key, value] of Object.entries(patch)) {
    const at = fieldPath(path, key)
    if (key === patchDirective) continue
    if (key === retainKeysDirective) {
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        return fail(at, `expected a list of field names, got ${describe(value)}`)
      }
      retainKeys = value
    } else if (key.startsWith(setElementOrderPrefix)) {
      order.set(key.slice(setElementOrderPrefix.length), { value, path: at })
    } else if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      deletions.set(key.slice(deleteFromPrimitiveListPrefix.length), { value, path: at })
    } else if (key.startsWith("$")) {
      return fail(at, "unknown directive")
    } else if (value !== undefined) {
      fields.push([key, value])
    }
  }
  return { retainKeys, order, deletions, fields }
}

/** A list the patch replaces wholesale: its objects are patches applied to nothing. */
const replacementList = (list: ReadonlyArray<unknown>, path: string): Array<JsonValue> =>
  list.map((element, index) => {
    const at = indexPath(path, index)
    if (element === null) return fail(at, "null cannot be a list element")
    if (isPrimitive(element)) return element
    if (Array.isArray(element)) return replacementList(element, at)
    if (!isObject(element)) return fail(at, `expected a JSON value, got ${typeof element}`)
    if (readStrategy(element, at) === "delete") {
      return fail(at, "$patch: delete needs a list merged by key, and this list is replaced whole")
    }
    return mergeObject(undefined, element, at, undefined)
  })

/** Removes the given scalars from a list of scalars. */
const deleteFromList = (list: JsonValue | undefined, values: unknown, path: string) => {
  if (!Array.isArray(values) || !values.every(isPrimitive)) {
    return fail(path, `expected a list of scalar values, got ${describe(values)}`)
  }
  if (list === undefined) return undefined
  if (!Array.isArray(list) || !list.every(isPrimitive)) {
    return fail(path, "the list it names holds objects, not scalar values")
  }
  return list.filter((item) => !values.includes(item))
}

const fieldValue = (
  original: JsonValue | undefined,
  patch: unknown,
  path: string,
  type: MergeType | undefined,
  field: string,
  order: { readonly value: unknown; readonly path: string } | undefined,
): JsonValue | undefined => {
  const rule = keyedList(type, field)
  if (rule !== undefined) {
    if (!Array.isArray(patch)) return fail(path, `expected a list, got ${describe(patch)}`)
    const base = Array.isArray(original) ? original : []
    const merge = (
      element: JsonObject | undefined,
      body: Readonly<Record<string, unknown>>,
      at: string,
    ) => mergeObject(element, body, at, rule.elementType)
    return mergeKeyedList(base, patch, rule, path, merge, order)
  }
  if (order !== undefined) return fail(order.path, "only lists merged by key can be reordered")
  if (Array.isArray(patch)) return replacementList(patch, path)
  if (isObject(patch)) {
    const merged = mergeField(
      isObject(original) ? (original as JsonObject) : undefined,
      patch,
      path,
      undefined,
    )
    return merged._tag === "Delete" ? undefined : merged.value
  }
  if (isPrimitive(patch)) return patch
  return fail(path, `expected a JSON value, got ${typeof patch}`)
}

/**
 * Merges an object patch into an object (absent: a new object), following the patch's
 * `$patch` strategy.
 */
export const mergeField = (
  original: JsonObject | undefined,
  patch: Readonly<Record<string, unknown>>,
  path: string,
  type: MergeType | undefined,
): Merged => {
  const strategy = readStrategy(patch, path)
  if (strategy === "delete") return { _tag: "Delete" }
  const base = strategy === "replace" ? undefined : original
  return { _tag: "Value", value: mergeObject(base, patch, path, type) }
}

/** Merges the fields and directives of an object patch into an object. */
export const mergeObject = (
  original: JsonObject | undefined,
  patch: Readonly<Record<string, unknown>>,
  path: string,
  type: MergeType | undefined,
): JsonObject => {
  const { retainKeys, order, deletions, fields } = readDirectives(patch, path)
  const result: Record<string, JsonValue> = { ...original }

  for (const [field, value] of fields) {
    if (value === null) {
      delete result[field]
      continue
    }
    const at = fieldPath(path, field)
    const merged = fieldValue(result[field], value, at, type, field, order.get(field))
    if (merged === undefined) delete result[field]
    else result[field] = merged
  }
  // A reorder without a patch of the list itself reorders the original list.
  for (const [field, directive] of order) {
    if (fields.some(([name]) => name === field)) continue
    const at = fieldPath(path, field)
    const reordered = fieldValue(result[field], [], at, type, field, directive)
    if (reordered !== undefined && Object.hasOwn(result, field)) result[field] = reordered
  }
  for (const [field, directive] of deletions) {
    const remaining = deleteFromList(result[field], directive.value, directive.path)
    if (remaining !== undefined) result[field] = remaining
  }
  if (retainKeys !== undefined) {
    for (const [field, value] of fields) {
      if (value !== null && !retainKeys.includes(field)) {
        return fail(fieldPath(path, field), "the patch sets this field but $retainKeys drops it")
      }
    }
    for (const field of Object.keys(result)) {
      if (!retainKeys.includes(field)) delete result[field]
    }
  }
  return result
}
