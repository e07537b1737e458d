/**
 * Pure helpers of the HTTP client: URL building as the API expects it and reading the
 * `Retry-After` header. Kept apart from the Effect plumbing so they are easy to test.
 */

/**
 * Escapes one path segment the way Buildkite's client does (Go's path escaping), and
 * additionally writes `.` as `%2E`: the Rails router would otherwise read a UUID or key
 * ending in `.json` as a format suffix.
 */
export const escapePathSegment = (segment: string): string =>
  encodeURIComponent(segment)
    // encodeURIComponent escapes these, Go's segment escaping keeps them.
    .replace(/%(24|26|2B|3A|3D|40)/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    )
    // ...and keeps these, which Go escapes.
    .replace(/[!'()*.]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * Joins a relative path onto the base URL without dropping the base's own path
 * (`https://agent.buildkite.com/v3` + `stacks/register` keeps `/v3`).
 */
export const joinUrl = (base: string, relative: string): URL => {
  const withSlash = base.endsWith("/") ? base : `${base}/`
  return new URL(relative.replace(/^\/+/, ""), withSlash)
}

/**
 * Reads `Retry-After` as milliseconds: integer seconds (what Buildkite sends) or an
 * HTTP date. Absent, negative or unreadable values give `undefined`.
 */
export const parseRetryAfter = (
  value: string | undefined,
  nowMillis: number,
): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only an IMF date (it names a weekday and month); Date.parse reads "-3" as a year.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMillis)
}

/** The `User-Agent` of this controller's API calls. */
export const userAgentFor = (version: string): string => `agent-stack-k8s-ts/${version}`
