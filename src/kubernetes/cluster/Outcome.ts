/**
 * What the simulated kubelet does with a Job's pod. Chosen per Job by, in order: a test
 * callback, the label {@link outcomeLabel} on the pod template (an outcome name, default
 * parameters), an image rule (an image reference mapped to an outcome), else `Succeed`.
 */
import type { V1Job } from "@kubernetes/client-node"

export type Outcome =
  /** All containers run for `runSeconds` (default 1) and exit 0. */
  | { readonly _tag: "Succeed"; readonly runSeconds?: number }
  /** `container` (default: the first) exits with `exitCode` after `runSeconds` (default 1). */
  | {
      readonly _tag: "Fail"
      readonly exitCode: number
      readonly container?: string
      readonly runSeconds?: number
    }
  /** `container` waits with `ErrImagePull`, then `ImagePullBackOff`, alternating; never starts. */
  | { readonly _tag: "ImagePullBackOff"; readonly container: string }
  /** `container` waits with `InvalidImageName`. */
  | { readonly _tag: "InvalidImageName"; readonly container: string }
  /** `container` has `imagePullPolicy: Never` and its image is not on the node. */
  | { readonly _tag: "ErrImageNeverPull"; readonly container: string }
  /** The pod is never scheduled: Pending with a `PodScheduled=False` condition. */
  | { readonly _tag: "Unschedulable"; readonly message?: string }
  /** Init container `container` exits with `exitCode`; the pod fails. */
  | { readonly _tag: "InitContainerFails"; readonly container: string; readonly exitCode: number }
  /** `container` waits with `CreateContainerConfigError` (e.g. a missing Secret). */
  | {
      readonly _tag: "CreateContainerConfigError"
      readonly container: string
      readonly message?: string
    }
  /** The pod runs, then is evicted after `afterSeconds` (default 1): phase Failed, reason Evicted. */
  | { readonly _tag: "Evicted"; readonly afterSeconds?: number }
  /** The pod is deleted during its init containers, before the agent starts. */
  | { readonly _tag: "KilledBeforeAgentStarts"; readonly afterSeconds?: number }
  /** The `agent` container exits (code `exitCode`, default 0) while a sidecar keeps running. */
  | {
      readonly _tag: "AgentExitsSidecarRuns"
      readonly exitCode?: number
      readonly runSeconds?: number
    }
  /** The Job never gets a pod: its service account is missing; `FailedCreate` Events recur. */
  | { readonly _tag: "NoPod"; readonly serviceAccount?: string }

/** Pod-template label naming an outcome with default parameters, e.g. `ImagePullBackOff`. */
export const outcomeLabel = "kubelet.agent-stack-k8s.test/outcome"

/** Chooses the outcome of a Job, or `undefined` to fall through to the next rule. */
export type OutcomeRule = (job: V1Job) => Outcome | undefined

const firstContainer = (job: V1Job): string =>
  job.spec?.template.spec?.containers[0]?.name ?? "container-0"

/** The outcome a label value names, with default parameters. */
export const outcomeFromLabel = (value: string, job: V1Job): Outcome | undefined => {
  switch (value) {
    case "Succeed":
      return { _tag: "Succeed" }
    case "Fail":
      return { _tag: "Fail", exitCode: 1 }
    case "ImagePullBackOff":
      return { _tag: "ImagePullBackOff", container: firstContainer(job) }
    case "InvalidImageName":
      return { _tag: "InvalidImageName", container: firstContainer(job) }
    case "ErrImageNeverPull":
      return { _tag: "ErrImageNeverPull", container: firstContainer(job) }
    case "Unschedulable":
      return { _tag: "Unschedulable" }
    case "InitContainerFails":
      return {
        _tag: "InitContainerFails",
        container: job.spec?.template.spec?.initContainers?.[0]?.name ?? "copy-agent",
        exitCode: 1,
      }
    case "CreateContainerConfigError":
      return { _tag: "CreateContainerConfigError", container: firstContainer(job) }
    case "Evicted":
      return { _tag: "Evicted" }
    case "KilledBeforeAgentStarts":
      return { _tag: "KilledBeforeAgentStarts" }
    case "AgentExitsSidecarRuns":
      return { _tag: "AgentExitsSidecarRuns" }
    case "NoPod":
      return { _tag: "NoPod" }
    default:
      return undefined
  }
}

/** Picks the outcome: callback, then label, then image rules, then `Succeed`. */
export const chooseOutcome = (
  job: V1Job,
  callback: OutcomeRule | undefined,
  images: Readonly<Record<string, Outcome>>,
): Outcome => {
  const fromCallback = callback?.(job)
  if (fromCallback !== undefined) return fromCallback
  const label = job.spec?.template.metadata?.labels?.[outcomeLabel]
  const fromLabel = label === undefined ? undefined : outcomeFromLabel(label, job)
  if (fromLabel !== undefined) return fromLabel
  const spec = job.spec?.template.spec
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const rule = container.image === undefined ? undefined : images[container.image]
    if (rule !== undefined) return rule
  }
  return { _tag: "Succeed" }
}
