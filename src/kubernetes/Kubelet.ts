/**
 * The simulated kubelet of the in-memory cluster: moves each new Pod through the outcome
 * chosen for its Job (see cluster/Outcome.ts), one status write per step, with every wait
 * taken on the Effect Clock so `TestClock` drives it. Deleting the Pod stops its script.
 */
import type { V1ContainerStatus, V1Pod, V1PodCondition } from "@kubernetes/client-node"
import { Effect } from "effect"
import type { Outcome } from "./cluster/Outcome.ts"
import { pods } from "./cluster/Resources.ts"
import type { Store } from "./cluster/Store.ts"

/** Seconds the init containers take before the main containers start. */
export const initSeconds = 1
/** Seconds between `ErrImagePull` and `ImagePullBackOff` flips. */
export const pullBackOffSeconds = 10

type Phase = "Pending" | "Running" | "Succeeded" | "Failed"

const condition = (
  type: string,
  status: "True" | "False",
  at: Date,
  reason?: string,
  message?: string,
): V1PodCondition => ({
  type,
  status,
  lastTransitionTime: at,
  ...(reason === undefined ? {} : { reason }),
  ...(message === undefined ? {} : { message }),
})

const waiting = (
  name: string,
  image: string,
  reason: string,
  message?: string,
): V1ContainerStatus => ({
  name,
  image,
  imageID: "",
  ready: false,
  restartCount: 0,
  state: { waiting: { reason, ...(message === undefined ? {} : { message }) } },
})

const running = (name: string, image: string, startedAt: Date): V1ContainerStatus => ({
  name,
  image,
  imageID: `${image}@sha256:${"0".repeat(64)}`,
  ready: true,
  started: true,
  restartCount: 0,
  state: { running: { startedAt } },
})

const terminated = (
  name: string,
  image: string,
  exitCode: number,
  startedAt: Date,
  finishedAt: Date,
): V1ContainerStatus => ({
  name,
  image,
  imageID: `${image}@sha256:${"0".repeat(64)}`,
  ready: false,
  started: false,
  restartCount: 0,
  state: {
    terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt, finishedAt },
  },
})

/** Runs the outcome's script for one Pod. */
export const runKubelet = (store: Store, created: V1Pod, outcome: Outcome): Effect.Effect<void> =>
  Effect.gen(function* () {
    const namespace = created.metadata?.namespace ?? ""
    const name = created.metadata?.name ?? ""
    const spec = created.spec
    const inits = (spec?.initContainers ?? []).map((c) => ({ name: c.name, image: c.image ?? "" }))
    const mains = (spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? "" }))
    const now = () => new Date(store.now())
    let started = now()

    /** Writes the pod status; false when the pod is gone (the script then stops). */
    const write = (
      phase: Phase,
      statuses: {
        init?: Array<V1ContainerStatus>
        main?: Array<V1ContainerStatus>
        conditions?: Array<V1PodCondition>
        reason?: string
        message?: string
      },
    ) =>
      Effect.sync(
        () =>
          store.mutate(pods, namespace, name, (object) => {
            const pod = object as V1Pod
            const previous = pod.status ?? {}
            pod.status = {
              ...previous,
              phase,
              ...(statuses.init === undefined ? {} : { initContainerStatuses: statuses.init }),
              ...(statuses.main === undefined ? {} : { containerStatuses: statuses.main }),
              ...(statuses.conditions === undefined ? {} : { conditions: statuses.conditions }),
              ...(statuses.reason === undefined ? {} : { reason: statuses.reason }),
              ...(statuses.message === undefined ? {} : { message: statuses.message }),
            }
          }) !== undefined,
      )
    const sleepSeconds = (seconds: number) => Effect.sleep(seconds * 1000)

    if (outcome._tag === "Unschedulable") {
      const message =
        outcome.message ??
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available."
      yield* write("Pending", {
        conditions: [condition("PodScheduled", "False", now(), "Unschedulable", message)],
      })
      return
    }

    // Scheduled: init containers start.
    started = now()
    const scheduledConditions = [
      condition("PodScheduled", "True", started),
      condition("Initialized", "False", started),
    ]
    yield* Effect.sync(() =>
      store.mutate(pods, namespace, name, (object) => {
        const pod = object as V1Pod
        pod.status = { ...pod.status, startTime: started, hostIP: "10.0.0.1", podIP: "10.1.0.1" }
      }),
    )
    const initRunning = inits.map((c, i) =>
      i === 0 ? running(c.name, c.image, started) : waiting(c.name, c.image, "PodInitializing"),
    )
    const mainsWaiting = mains.map((c) => waiting(c.name, c.image, "PodInitializing"))
    if (
      !(yield* write("Pending", {
        init: initRunning,
        main: mainsWaiting,
        conditions: scheduledConditions,
      }))
    )
      return

    if (outcome._tag === "KilledBeforeAgentStarts") {
      yield* sleepSeconds(outcome.afterSeconds ?? initSeconds)
      yield* Effect.sync(
        () =>
          store.find(pods, namespace, name) !== undefined && store.remove(pods, namespace, name),
      )
      return
    }

    yield* sleepSeconds(initSeconds)
    const initAt = now()
    if (outcome._tag === "InitContainerFails") {
      const failedIndex = Math.max(
        0,
        inits.findIndex((c) => c.name === outcome.container),
      )
      const init = inits.map((c, i) =>
        i < failedIndex
          ? terminated(c.name, c.image, 0, started, initAt)
          : i === failedIndex
            ? terminated(c.name, c.image, outcome.exitCode, started, initAt)
            : waiting(c.name, c.image, "PodInitializing"),
      )
      yield* write("Failed", { init, main: mainsWaiting, conditions: scheduledConditions })
      return
    }
    const initDone = inits.map((c) => terminated(c.name, c.image, 0, started, initAt))
    const initialized = [
      condition("PodScheduled", "True", started),
      condition("Initialized", "True", initAt),
    ]

    if (
      outcome._tag === "ImagePullBackOff" ||
      outcome._tag === "InvalidImageName" ||
      outcome._tag === "ErrImageNeverPull" ||
      outcome._tag === "CreateContainerConfigError"
    ) {
      const stuck = (reason: string, message: string) =>
        mains.map((c) =>
          c.name === outcome.container
            ? waiting(c.name, c.image, reason, message)
            : running(c.name, c.image, initAt),
        )
      const image = mains.find((c) => c.name === outcome.container)?.image ?? ""
      if (outcome._tag === "InvalidImageName") {
        const message = `Failed to apply default image tag ${JSON.stringify(image)}: couldn't parse image name ${JSON.stringify(image)}: invalid reference format`
        yield* write("Pending", {
          init: initDone,
          main: stuck("InvalidImageName", message),
          conditions: initialized,
        })
        return
      }
      if (outcome._tag === "ErrImageNeverPull") {
        const message = `Container image ${JSON.stringify(image)} is not present with pull policy of Never`
        yield* write("Pending", {
          init: initDone,
          main: stuck("ErrImageNeverPull", message),
          conditions: initialized,
        })
        return
      }
      if (outcome._tag === "CreateContainerConfigError") {
        const message = outcome.message ?? 'secret "missing-secret" not found'
        yield* write("Pending", {
          init: initDone,
          main: stuck("CreateContainerConfigError", message),
          conditions: initialized,
        })
        return
      }
      // Pulling keeps failing: the kubelet alternates between the two reasons.
      for (;;) {
        const pull = `failed to pull and unpack image ${JSON.stringify(image)}: not found`
        if (
          !(yield* write("Pending", {
            init: initDone,
            main: stuck("ErrImagePull", pull),
            conditions: initialized,
          }))
        )
          return
        yield* sleepSeconds(pullBackOffSeconds)
        const backOff = `Back-off pulling image ${JSON.stringify(image)}`
        if (
          !(yield* write("Pending", {
            init: initDone,
            main: stuck("ImagePullBackOff", backOff),
            conditions: initialized,
          }))
        )
          return
        yield* sleepSeconds(pullBackOffSeconds)
      }
    }

    // Running: every main container started.
    const ready = [
      ...initialized,
      condition("ContainersReady", "True", initAt),
      condition("Ready", "True", initAt),
    ]
    const allRunning = mains.map((c) => running(c.name, c.image, initAt))
    if (!(yield* write("Running", { init: initDone, main: allRunning, conditions: ready }))) return

    if (outcome._tag === "Evicted") {
      yield* sleepSeconds(outcome.afterSeconds ?? 1)
      const at = now()
      yield* write("Failed", {
        main: mains.map((c) => terminated(c.name, c.image, 137, initAt, at)),
        reason: "Evicted",
        message:
          "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi.",
      })
      return
    }
    if (outcome._tag === "AgentExitsSidecarRuns") {
      yield* sleepSeconds(outcome.runSeconds ?? 1)
      const at = now()
      const main = mains.map((c) =>
        c.name === "agent"
          ? terminated(c.name, c.image, outcome.exitCode ?? 0, initAt, at)
          : running(c.name, c.image, initAt),
      )
      yield* write("Running", { main })
      return
    }
    if (outcome._tag === "Fail") {
      yield* sleepSeconds(outcome.runSeconds ?? 1)
      const at = now()
      const failing = outcome.container ?? mains[0]?.name
      const main = mains.map((c) =>
        terminated(c.name, c.image, c.name === failing ? outcome.exitCode : 0, initAt, at),
      )
      yield* write("Failed", { main })
      return
    }
    if (outcome._tag === "Succeed") {
      yield* sleepSeconds(outcome.runSeconds ?? 1)
      const at = now()
      yield* write("Succeeded", {
        main: mains.map((c) => terminated(c.name, c.image, 0, initAt, at)),
      })
    }
  })
