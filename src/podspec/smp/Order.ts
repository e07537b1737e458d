/**
 * The order of a merged keyed list, as Kubernetes computes it: the patch's elements keep the
 * patch's order, the elements only the original has keep the original's order, and the two
 * sequences are interleaved so that an original-only element stays ahead of a patch element
 * it preceded in the original.
 */

export interface Placed<A> {
  readonly value: A
  /** Position in the original list; undefined for an element the patch brings. */
  readonly originalIndex: number | undefined
}

/**
 * Interleaves the patch's elements with the original-only ones. The next original-only
 * element goes first only when the next patch element also comes from the original and
 * stood after it there; so a brand-new patch element lands before the original-only
 * elements still waiting.
 */
export const interleave = <A>(
  fromPatch: ReadonlyArray<Placed<A>>,
  originalOnly: ReadonlyArray<Placed<A>>,
): Array<A> => {
  const out: Array<A> = []
  let p = 0
  let o = 0
  while (p < fromPatch.length && o < originalOnly.length) {
    const nextPatch = fromPatch[p]
    const nextOriginal = originalOnly[o]
    if (nextPatch === undefined || nextOriginal === undefined) break
    const originalFirst =
      nextPatch.originalIndex !== undefined &&
      nextOriginal.originalIndex !== undefined &&
      nextOriginal.originalIndex < nextPatch.originalIndex
    if (originalFirst) {
      out.push(nextOriginal.value)
      o++
    } else {
      out.push(nextPatch.value)
      p++
    }
  }
  for (const rest of fromPatch.slice(p)) out.push(rest.value)
  for (const rest of originalOnly.slice(o)) out.push(rest.value)
  return out
}
