/**
 * After the patches: every image in the final pod is validated, and images that the patches
 * or the pipeline's `image:` attribute introduced get pull policies and image checks of
 * their own, as if they had been there from the start.
 */
import type { V1Container } from "@kubernetes/client-node"
import { Result } from "effect"
import { BuildError } from "../BuildError.ts"
import { imageFacts } from "../ImageReference.ts"
import { renderTable } from "../Table.ts"
import type { BuildState } from "./BuildState.ts"
import {
  addCheck,
  choosePolicies,
  dropCovered,
  imageCheckContainer,
  imageCheckPrefix,
} from "./imageChecks.ts"

interface InvalidImage {
  readonly container: string
  readonly image: string
  readonly error: string
}

const invalidImages = (containers: ReadonlyArray<V1Container>): Array<InvalidImage> =>
  containers.flatMap((container) => {
    const image = container.image ?? ""
    const { error } = imageFacts(image)
    return error === undefined ? [] : [{ container: container.name, image, error }]
  })

/** One invalid image is named in a sentence; several are listed in a table. */
export const invalidImagesMessage = (invalid: ReadonlyArray<InvalidImage>): string => {
  const [only] = invalid
  if (invalid.length === 1 && only !== undefined) {
    return `${only.error} ${JSON.stringify(only.image)} for container ${JSON.stringify(only.container)}`
  }
  const rows = [...invalid]
    .sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0))
    .map((entry) => [entry.container, entry.image, entry.error])
  return `invalid image references\n\n${renderTable(["CONTAINER", "IMAGE REF", "PARSE ERROR"], rows)}`
}

const nextFreeIndex = (initContainers: ReadonlyArray<V1Container>): number =>
  initContainers.reduce((next, container) => {
    if (!container.name.startsWith(imageCheckPrefix)) return next
    const index = Number(container.name.slice(imageCheckPrefix.length))
    return Number.isInteger(index) && index >= next ? index + 1 : next
  }, 0)

export const patchedImages = (state: BuildState): Result.Result<BuildState, BuildError> => {
  const spec = state.podSpec
  const invalid = invalidImages([...(spec.initContainers ?? []), ...(spec.containers ?? [])])
  if (invalid.length > 0) {
    return Result.fail(
      new BuildError({ reason: "InvalidImage", message: invalidImagesMessage(invalid) }),
    )
  }
  const checks = new Map<string, string>()
  let changed = false
  const containers = (spec.containers ?? []).map((container) => {
    const image = container.image ?? ""
    const before = state.checkedImages[container.name]
    if (before !== undefined && before.image === image) return container
    changed = true
    // A policy left over from the image a patch replaced is not the user's choice.
    const explicit =
      before !== undefined && container.imagePullPolicy === before.pullPolicy
        ? undefined
        : container.imagePullPolicy
    const policies = choosePolicies(state.config, image, explicit)
    addCheck(checks, image, policies.check)
    return { ...container, imagePullPolicy: policies.container }
  })
  if (!changed) return Result.succeed(state)
  const initContainers = spec.initContainers ?? []
  dropCovered(checks, initContainers)
  const start = nextFreeIndex(initContainers)
  const created = state.config.skipImageCheckContainers
    ? []
    : [...checks].map(([image, policy], offset) =>
        imageCheckContainer(state, `${imageCheckPrefix}${start + offset}`, image, policy),
      )
  const lastManaged = initContainers.findLastIndex(
    (c) => c.name === "copy-agent" || c.name.startsWith(imageCheckPrefix),
  )
  const ordered = [
    ...initContainers.slice(0, lastManaged + 1),
    ...created,
    ...initContainers.slice(lastManaged + 1),
  ]
  return Result.succeed({
    ...state,
    podSpec: { ...spec, containers, initContainers: ordered },
  })
}
