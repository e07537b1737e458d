/**
 * Value checks of single options that need more than a type: image references, Kubernetes
 * quantities, `host:port` and the images of the controller-wide pod spec patch.
 */
import type { V1PodSpec } from "@kubernetes/client-node"
import { Result, Schema } from "effect"
import { quantityError } from "../kube/Quantity.ts"
import { parseImageReference } from "../podspec/ImageReference.ts"

const referenceProblem = (reference: string): string | undefined => {
  const parsed = parseImageReference(reference)
  return Result.isFailure(parsed)
    ? `expected an image reference such as "ghcr.io/buildkite/agent:3", got ${JSON.stringify(reference)}: ${parsed.failure.message}`
    : undefined
}

/** A container image reference; the original panicked at start-up on a bad one. */
export const ImageReferenceString = Schema.String.check(
  Schema.makeFilter((reference: string) => referenceProblem(reference) ?? true),
)

/** A Kubernetes quantity such as `200m` or `128Mi`. */
export const QuantityString = Schema.String.check(
  Schema.makeFilter((text: string) => quantityError(text) ?? true),
)

/** `host:port` (host may be empty or a bracketed IPv6 address), or empty for "off". */
export const HostPort = Schema.String.check(
  Schema.makeFilter((text: string) => {
    if (text === "") return true
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]*):(\d{1,5})$/.exec(text)
    const port = Number(match?.[2] ?? Number.NaN)
    return (
      (match !== null && port <= 65535) ||
      `expected "host:port" such as "localhost:6060", got ${JSON.stringify(text)}`
    )
  }),
)

type ContainerList = "containers" | "initContainers"

/**
 * Images named in the controller-wide `pod-spec-patch` must be valid references: the
 * original checked only that they were lower-case, so a typo surfaced on every job instead.
 */
export const PodSpecPatchChecks = Schema.makeFilter((patch: V1PodSpec) => {
  const issues: Array<Schema.FilterIssue> = []
  for (const list of ["containers", "initContainers"] satisfies ReadonlyArray<ContainerList>) {
    const containers: ReadonlyArray<unknown> = Array.isArray(patch[list]) ? (patch[list] ?? []) : []
    containers.forEach((container, index) => {
      const image =
        typeof container === "object" && container !== null
          ? Reflect.get(container, "image")
          : undefined
      if (typeof image !== "string") return
      const problem = referenceProblem(image)
      if (problem !== undefined) issues.push({ path: [list, index, "image"], issue: problem })
    })
  }
  return issues
})
