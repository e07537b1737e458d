/**
 * The directives of a strategic merge patch, and the error a malformed patch raises.
 */

/** `$patch: merge | replace | delete` on an object or a list element. */
export const patchDirective = "$patch"
/** `$retainKeys: [fields]`: after the merge, drop every field not listed. */
export const retainKeysDirective = "$retainKeys"
/** `$setElementOrder/<list>: [{key: value}, …]`: the order of a keyed list after the merge. */
export const setElementOrderPrefix = "$setElementOrder/"
/** `$deleteFromPrimitiveList/<list>: [values]`: remove these values from a list of scalars. */
export const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

export type PatchStrategy = "merge" | "replace" | "delete"

/**
 * Raised inside the merge and caught by its entry point, which turns it into a failed
 * `Result`; it never escapes the module.
 */
export class PatchFailure {
  readonly path: string
  readonly reason: string
  constructor(path: string, reason: string) {
    this.path = path
    this.reason = reason
  }
}

// A function declaration, not an arrow: TypeScript narrows after a call only then.
export function fail(path: string, reason: string): never {
  throw new PatchFailure(path, reason)
}

/** Reads `$patch` from an object; undefined when absent. */
export const readStrategy = (
  object: Readonly<Record<string, unknown>>,
  path: string,
): PatchStrategy | undefined => {
  if (!Object.hasOwn(object, patchDirective)) return undefined
  const value = object[patchDirective]
  if (value === "merge" || value === "replace" || value === "delete") return value
  return fail(
    path,
    `unknown $patch value ${JSON.stringify(value)}: expected "merge", "replace" or "delete"`,
  )
}
