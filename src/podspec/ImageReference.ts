/**
 * Container image references (`[domain[:port]/]path[:tag][@digest]`), parsed with the grammar
 * and the error texts of the Docker distribution reference library, without Docker Hub
 * normalisation: `alpine` has no domain and the path `alpine`, not `docker.io/library/alpine`.
 */
import { Result, Schema } from "effect"

/** The parts of a valid image reference. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  readonly domain?: string
  /** Repository path below the domain, e.g. `buildkite/agent`. */
  readonly path: string
  readonly tag?: string
  /** `algorithm:hex`, e.g. `sha256:` followed by 64 hex digits. */
  readonly digest?: string
}

/** An image reference that does not parse; `message` is the library's own error text. */
export class InvalidImageReference extends Schema.TaggedError<InvalidImageReference>()(
  "InvalidImageReference",
  { reference: Schema.String, message: Schema.String },
) {}

/** Longest repository name (domain and path together) a registry accepts. */
const maxNameLength = 255

// The grammar, piece by piece. Path components are lowercase; domains are not.
const alphanumeric = "[a-z0-9]+"
const separator = "(?:[._]|__|-+)"
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`
const remoteName = `${pathComponent}(?:/${pathComponent})*`
const hostLabel = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
const hostName = `${hostLabel}(?:\\.${hostLabel})*`
const ipv6 = "\\[[a-fA-F0-9:]+\\]"
const domainAndPort = `(?:${hostName}|${ipv6})(?::[0-9]+)?`
const tag = "[\\w][\\w.-]{0,127}"
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"

const referencePattern = new RegExp(
  `^((?:${domainAndPort}/)?${remoteName})(?::(${tag}))?(?:@(${digest}))?$`,
)
const namePattern = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`)

/** Hex lengths of the digest algorithms the Go controller's binary can verify. */
const digestHexLength: Readonly<Record<string, number>> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
}

/** The same checks, in the same order, as the Go digest library's validation. */
const digestError = (value: string): string | undefined => {
  const colon = value.indexOf(":")
  const algorithm = value.slice(0, colon)
  const hex = value.slice(colon + 1)
  const length = Object.hasOwn(digestHexLength, algorithm) ? digestHexLength[algorithm] : undefined
  if (length === undefined) return "unsupported digest algorithm"
  if (hex.length !== length) return "invalid checksum digest length"
  // The reference grammar admits upper-case hex; the digest itself must be lower case.
  if (!/^[a-f0-9]+$/.test(hex)) return "invalid checksum digest format"
  return undefined
}

const invalid = (reference: string, message: string) =>
  Result.fail(new InvalidImageReference({ reference, message }))

/** Parses an image reference, failing with the error text the Go controller reports. */
export const parseImageReference = (
  reference: string,
): Result.Result<ImageReference, InvalidImageReference> => {
  const match = referencePattern.exec(reference)
  if (match === null) {
    if (reference === "")
      return invalid(reference, "repository name must have at least one component")
    if (referencePattern.test(reference.toLowerCase())) {
      return invalid(reference, "repository name must be lowercase")
    }
    return invalid(reference, "invalid reference format")
  }

  const name = match[1] ?? ""
  if (name.length > maxNameLength) {
    return invalid(reference, `repository name must not be more than ${maxNameLength} characters`)
  }
  const digestValue = match[3]
  if (digestValue !== undefined) {
    const error = digestError(digestValue)
    if (error !== undefined) return invalid(reference, error)
  }

  const nameMatch = namePattern.exec(name)
  const domain = nameMatch?.[1]
  const path = nameMatch?.[2] ?? name
  const tagValue = match[2]
  return Result.succeed({
    ...(domain === undefined ? {} : { domain }),
    path,
    ...(tagValue === undefined ? {} : { tag: tagValue }),
    ...(digestValue === undefined ? {} : { digest: digestValue }),
  })
}

/** What a build needs to know about a reference, without the parsed parts. */
export interface ImageFacts {
  /** The parse error's text, undefined for a valid reference. */
  readonly error: string | undefined
  readonly hasDigest: boolean
}

/**
 * A build asks about the same few images several times (validity, digest rule, after each
 * patch), and consecutive builds mostly use the same images; the grammar's regular
 * expressions cost more than the rest of a pull-policy decision. The facts are plain values,
 * so sharing them is safe; the table is emptied when full so that it stays small.
 */
const factsCache = new Map<string, ImageFacts>()
const factsCacheLimit = 1024

export const imageFacts = (reference: string): ImageFacts => {
  const cached = factsCache.get(reference)
  if (cached !== undefined) return cached
  const parsed = parseImageReference(reference)
  const facts: ImageFacts = Result.isSuccess(parsed)
    ? { error: undefined, hasDigest: parsed.success.digest !== undefined }
    : { error: parsed.failure.message, hasDigest: false }
  if (factsCache.size >= factsCacheLimit) factsCache.clear()
  factsCache.set(reference, facts)
  return facts
}

/**
 * Whether a reference pins a digest (`…@sha256:…`). Decides the default pull policy:
 * `IfNotPresent` for a digest, `Always` otherwise. An unparseable reference has no digest.
 */
export const hasDigest = (reference: string): boolean => imageFacts(reference).hasDigest
