/**
 * Step 17: pull policies and `imagecheck-N` init containers (upstream section 3.6). An image
 * check pulls an image and runs tini from the workspace, so a missing or private image fails
 * the pod before the agent has acquired the job.
 *
 * The selection runs twice: here, before the patches (so that a patch can still adjust an
 * image check container), and in `patchedImages` for images that the patches or the
 * pipeline's `image:` attribute brought in.
 */
import type { V1Container } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildConfig } from "../BuildConfig.ts"
import { imageFacts } from "../ImageReference.ts"
import type { BuildState, CheckedImage } from "./BuildState.ts"
import { digestRule, firstPolicy, rank } from "./pullPolicy.ts"
import { workspaceMount } from "./volumes.ts"

export const imageCheckPrefix = "imagecheck-"

/** The policy an image check uses, and the policy the container then gets. */
export const choosePolicies = (
  config: BuildConfig,
  image: string,
  explicit: string | undefined,
): { readonly check: string; readonly container: string } => {
  const digest = digestRule(image)
  const check =
    firstPolicy(
      explicit,
      config.defaultImageCheckPullPolicy,
      config.defaultImagePullPolicy,
      digest,
    ) ?? digest
  const chosen = firstPolicy(explicit, config.defaultImagePullPolicy, digest) ?? digest
  // The check has already pulled the image: pulling it again would only cost time.
  const container = check === "Always" && chosen === "Always" ? "IfNotPresent" : chosen
  return { check, container }
}

/** Records a check, keeping the stronger policy when the image is already checked. */
export const addCheck = (checks: Map<string, string>, image: string, policy: string) => {
  const existing = checks.get(image)
  if (existing === undefined || rank(policy) > rank(existing)) checks.set(image, policy)
}

/** Drops checks whose image an init container already pulls at least as eagerly. */
export const dropCovered = (
  checks: Map<string, string>,
  initContainers: ReadonlyArray<V1Container>,
) => {
  for (const init of initContainers) {
    const image = init.image ?? ""
    const policy = checks.get(image)
    if (policy !== undefined && rank(init.imagePullPolicy) >= rank(policy)) checks.delete(image)
  }
}

export const imageCheckContainer = (
  state: BuildState,
  name: string,
  image: string,
  policy: string,
): V1Container => ({
  name,
  image,
  imagePullPolicy: policy,
  command: ["/workspace/tini-static"],
  args: ["--version"],
  volumeMounts: [workspaceMount(state)],
  resources: {
    requests: { cpu: "100m", memory: "64Mi" },
    limits: {
      cpu: state.config.imageCheckContainerCpuLimit,
      memory: state.config.imageCheckContainerMemoryLimit,
    },
  },
})

const isValidImage = (image: string | undefined): image is string =>
  image !== undefined && imageFacts(image).error === undefined

export const imageChecks = (state: BuildState): Result.Result<BuildState, never> => {
  const checks = new Map<string, string>()
  const checked: Record<string, CheckedImage> = {}
  const containers = (state.podSpec.containers ?? []).map((container) => {
    // Invalid references are reported after the patches, which may still replace them.
    if (!isValidImage(container.image)) return container
    const policies = choosePolicies(state.config, container.image, container.imagePullPolicy)
    addCheck(checks, container.image, policies.check)
    checked[container.name] = { image: container.image, pullPolicy: policies.container }
    return { ...container, imagePullPolicy: policies.container }
  })
  const initContainers = state.podSpec.initContainers ?? []
  dropCovered(checks, initContainers)
  const created = state.config.skipImageCheckContainers
    ? []
    : [...checks].map(([image, policy], index) =>
        imageCheckContainer(state, `${imageCheckPrefix}${index}`, image, policy),
      )
  // Right after copy-agent, which puts tini into the workspace for them.
  const [first, ...rest] = initContainers
  const ordered =
    first?.name === "copy-agent" ? [first, ...created, ...rest] : [...created, ...initContainers]
  return Result.succeed({
    ...state,
    checkedImages: checked,
    podSpec: { ...state.podSpec, containers, initContainers: ordered },
  })
}
