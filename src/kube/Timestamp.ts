/**
 * Kubernetes timestamps arrive as `Date` objects from `@kubernetes/client-node` and as
 * RFC 3339 strings from the watch caches and the doubles; this reads either.
 */

/** Milliseconds since the epoch, or `undefined` when absent or unreadable. */
export const timestampMillis = (value: unknown): number | undefined => {
  if (value instanceof Date) return value.getTime()
  if (typeof value === "string") {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? undefined : parsed
  }
  return undefined
}
