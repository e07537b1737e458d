/**
 * The in-memory cluster's way of refusing a request: a `Status` as the API server would
 * send it. The double maps it to a typed error, the HTTP fake writes it as the body.
 */
import type { Resource } from "./Resources.ts"

export interface StatusDetails {
  readonly name: string
  readonly group: string
  readonly kind: string
}

export class StatusFailure extends Error {
  readonly code: number
  readonly reason: string
  readonly details: StatusDetails | undefined

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message)
    this.code = code
    this.reason = reason
    this.details = details
  }

  /** The `Status` object the API server would answer with. */
  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    }
  }
}

const qualified = (resource: Resource) =>
  resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`
const detailsOf = (resource: Resource, name: string): StatusDetails => ({
  name,
  group: resource.group,
  kind: resource.plural,
})

export const notFound = (resource: Resource, name: string) =>
  new StatusFailure(
    404,
    "NotFound",
    `${qualified(resource)} "${name}" not found`,
    detailsOf(resource, name),
  )

export const alreadyExists = (resource: Resource, name: string) =>
  new StatusFailure(
    409,
    "AlreadyExists",
    `${qualified(resource)} "${name}" already exists`,
    detailsOf(resource, name),
  )

export const conflict = (resource: Resource, name: string) =>
  new StatusFailure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(resource)} "${name}": the object has been modified; ` +
      "please apply your changes to the latest version and try again",
    detailsOf(resource, name),
  )

/** 422 with the causes joined the way the API server does. */
export const invalid = (resource: Resource, name: string, causes: ReadonlyArray<string>) => {
  const kind = resource.group === "" ? resource.kind : `${resource.kind}.${resource.group}`
  const list = causes.length === 1 ? (causes[0] ?? "") : `[${causes.join(", ")}]`
  return new StatusFailure(422, "Invalid", `${kind} "${name}" is invalid: ${list}`, {
    name,
    group: resource.group,
    kind: resource.kind,
  })
}

export const gone = (requested: string, oldest: number) =>
  new StatusFailure(410, "Expired", `too old resource version: ${requested} (${oldest})`)

export const badRequest = (message: string) => new StatusFailure(400, "BadRequest", message)
