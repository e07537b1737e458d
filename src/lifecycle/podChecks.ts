/**
 * Pure predicates over a watched (stripped) Pod: which containers cannot be created or
 * pulled, which init containers failed, whether it has been Pending too long, whether its
 * agent has finished, and whether it is "failed but running" (a container the job needs
 * failed while the agent keeps the pod alive).
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node"
import { timestampMillis } from "../kube/Timestamp.ts"

/** Waiting reasons meaning a container cannot be created or its image pulled. */
export const failingWaitingReasons: ReadonlySet<string> = new Set([
  "CreateContainerError",
  "CreateContainerConfigError",
  "PreCreateHookError",
  "PreStartHookError",
  "ErrImageNeverPull",
  "ErrImagePull",
  "ImagePullBackOff",
  "ImageInspectError",
  "InvalidImageName",
])

/** Reasons no amount of waiting fixes: the job fails without a grace period. */
export const immediateWaitingReasons: ReadonlySet<string> = new Set(["InvalidImageName"])

/**
 * Containers the controller adds and the job needs. Anchored, unlike the original's
 * pattern, so `my-container-1x` is not mistaken for a command container.
 */
export const isSystemContainer = (name: string): boolean =>
  name === "agent" || name === "copy-agent" || name === "checkout" || /^container-\d+$/.test(name)

/** A container that cannot start, as shown in the failure table. */
export interface ContainerProblem {
  readonly name: string
  readonly image: string
  readonly reason: string
  readonly message: string
}

const byName = (a: { readonly name: string }, b: { readonly name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0

const problemOf = (status: V1ContainerStatus): ContainerProblem | undefined => {
  const reason = status.state?.waiting?.reason
  if (reason === undefined || !failingWaitingReasons.has(reason)) return undefined
  return {
    name: status.name,
    image: status.image ?? "",
    reason,
    message: status.state?.waiting?.message ?? "",
  }
}

/**
 * Containers that cannot be created or pulled: every init container, and of the regular
 * containers the system ones, plus any with an immediate reason.
 */
export const containerProblems = (pod: V1Pod): Array<ContainerProblem> => {
  const problems: Array<ContainerProblem> = []
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const problem = problemOf(status)
    if (problem !== undefined) problems.push(problem)
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const problem = problemOf(status)
    if (problem === undefined) continue
    if (isSystemContainer(problem.name) || immediateWaitingReasons.has(problem.reason)) {
      problems.push(problem)
    }
  }
  return problems.sort(byName)
}

/**
 * The problems to act on now: any immediate one, or any once the grace period since the
 * pod started has passed. Empty while the pod may still recover.
 */
export const dueContainerProblems = (
  pod: V1Pod,
  nowMillis: number,
  graceMillis: number,
): Array<ContainerProblem> => {
  const problems = containerProblems(pod)
  if (problems.length === 0) return problems
  if (problems.some((problem) => immediateWaitingReasons.has(problem.reason))) return problems
  const started = timestampMillis(pod.status?.startTime)
  if (started === undefined || nowMillis - started < graceMillis) return []
  return problems
}

/** An init container that exited non-zero. */
export interface InitFailure {
  readonly name: string
  readonly exitCode: number
  readonly signal: number
  readonly reason: string
  readonly message: string
}

/** Native sidecars: init containers with `restartPolicy: Always`. */
export const sidecarNames = (pod: V1Pod): ReadonlySet<string> =>
  new Set(
    (pod.spec?.initContainers ?? [])
      .filter((container) => container.restartPolicy === "Always")
      .map((container) => container.name),
  )

/** Init containers (native sidecars excluded) that terminated with a non-zero code. */
export const initContainerFailures = (pod: V1Pod): Array<InitFailure> => {
  const sidecars = sidecarNames(pod)
  const failures: Array<InitFailure> = []
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const terminated = status.state?.terminated
    if (terminated === undefined || terminated.exitCode === 0 || sidecars.has(status.name)) continue
    failures.push({
      name: status.name,
      exitCode: terminated.exitCode,
      signal: terminated.signal ?? 0,
      reason: terminated.reason ?? "",
      message: terminated.message ?? "",
    })
  }
  return failures.sort(byName)
}

/**
 * Pending for at least `timeoutMillis` since creation, with no container in a failing
 * waiting state (those pods are the image check's).
 */
export const isPendingTimedOut = (
  pod: V1Pod,
  nowMillis: number,
  timeoutMillis: number,
): boolean => {
  if (pod.status?.phase !== "Pending") return false
  const statuses = [
    ...(pod.status.initContainerStatuses ?? []),
    ...(pod.status.containerStatuses ?? []),
  ]
  if (statuses.some((status) => problemOf(status) !== undefined)) return false
  const created = timestampMillis(pod.metadata?.creationTimestamp)
  return created !== undefined && nowMillis - created >= timeoutMillis
}

/** How long the pod has existed, for the pending-timeout message. */
export const podAgeMillis = (pod: V1Pod, nowMillis: number): number =>
  nowMillis - (timestampMillis(pod.metadata?.creationTimestamp) ?? nowMillis)

/** Succeeded, Failed or Unknown: nothing more will happen to this pod. */
export const isPodOver = (pod: V1Pod): boolean => {
  const phase = pod.status?.phase
  return phase === "Succeeded" || phase === "Failed" || phase === "Unknown"
}

const agentStatus = (pod: V1Pod): V1ContainerStatus | undefined =>
  pod.status?.containerStatuses?.find((status) => status.name === "agent")

/** The `agent` container has terminated while the pod is still going. */
export const agentFinishedPodAlive = (pod: V1Pod): boolean =>
  !isPodOver(pod) && agentStatus(pod)?.state?.terminated !== undefined

/**
 * A container the job needs (checkout or a command container) terminated non-zero at
 * least `graceMillis` ago while the `agent` container is still running: the agent should
 * have ended the job by now, so the pod only burns resources. Returns that container.
 */
export const failedButRunning = (
  pod: V1Pod,
  nowMillis: number,
  graceMillis: number,
): string | undefined => {
  if (pod.status?.phase !== "Running" || agentStatus(pod)?.state?.running === undefined) {
    return undefined
  }
  for (const status of pod.status.containerStatuses ?? []) {
    if (status.name === "agent" || !isSystemContainer(status.name)) continue
    const terminated = status.state?.terminated
    if (terminated === undefined || terminated.exitCode === 0) continue
    const finished = timestampMillis(terminated.finishedAt)
    if (finished !== undefined && nowMillis - finished >= graceMillis) return status.name
  }
  return undefined
}
