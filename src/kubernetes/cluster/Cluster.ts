/**
 * One in-memory cluster: the store, the Job controller, the simulated kubelet and the
 * fault script, wired together. The double (ClusterDouble.ts) and the HTTP fake
 * (src/testing/KubeApiFake.ts) are two fronts on this one model.
 */
import type { KubernetesObject, V1Job, V1Pod } from "@kubernetes/client-node"
import { Clock, Effect, FiberMap, type Scope } from "effect"
import { runKubelet } from "../Kubelet.ts"
import { Faults } from "./Faults.ts"
import { makeJobController } from "./JobController.ts"
import { chooseOutcome, type Outcome, type OutcomeRule } from "./Outcome.ts"
import { jobs, pods } from "./Resources.ts"
import { invalid } from "./StatusFailure.ts"
import { Store } from "./Store.ts"
import { jobValidationCauses } from "./Validation.ts"

export interface ClusterOptions {
  /** Delete finished Jobs after `ttlSecondsAfterFinished`. Default true; some clusters run no TTL controller. */
  readonly ttlController?: boolean
  /** Chooses a Job's outcome before labels and image rules. */
  readonly outcome?: OutcomeRule
  /** Image reference → outcome for any Job using that image. */
  readonly images?: Readonly<Record<string, Outcome>>
  /** Changes kept for resuming watches; older resourceVersions answer 410. Default 10,000. */
  readonly historyLimit?: number
}

export interface Cluster {
  readonly store: Store
  readonly faults: Faults
  /** Replaces the outcome callback (`undefined` removes it). */
  readonly setOutcome: (rule: OutcomeRule | undefined) => void
  /** Adds or replaces an image rule. */
  readonly setImageOutcome: (image: string, outcome: Outcome) => void
  /** Validates and stores a Job; the Job controller then starts its pod. */
  readonly createJob: (namespace: string, job: V1Job) => KubernetesObject
  /** Deletes a Job and its pods: `Foreground` removes the pods first, `Background` after. */
  readonly deleteJob: (
    namespace: string,
    name: string,
    propagation: "Background" | "Foreground",
  ) => void
  /** Deletes every Job the label selector matches, each as `deleteJob` does. */
  readonly deleteJobs: (
    namespace: string,
    labelSelector: string,
    propagation: "Background" | "Foreground",
  ) => ReadonlyArray<KubernetesObject>
  readonly deletePod: (namespace: string, name: string) => void
}

/** Builds a cluster whose controllers run as fibers in the current scope. */
export const makeCluster = (
  options: ClusterOptions = {},
): Effect.Effect<Cluster, never, Scope.Scope> =>
  Effect.gen(function* () {
    const clock = yield* Clock.clockWith((current) => Effect.succeed(current))
    const run = yield* FiberMap.makeRuntime<never, string, never, unknown>()

    const store = new Store({
      now: () => clock.currentTimeMillisUnsafe(),
      ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
    })
    const faults = new Faults()
    let callback = options.outcome
    const images: Record<string, Outcome> = { ...options.images }
    const outcomeOf = (job: V1Job) => chooseOutcome(job, callback, images)

    const podsOfJob = (namespace: string, uid: string) =>
      store.select(pods, namespace, { labelSelector: `controller-uid=${uid}` })
    const removePods = (namespace: string, items: ReadonlyArray<KubernetesObject>) => {
      for (const pod of items) {
        const name = pod.metadata?.name ?? ""
        if (store.peek(pods, namespace, name) !== undefined) store.remove(pods, namespace, name)
      }
    }

    const deleteJob = (
      namespace: string,
      name: string,
      propagation: "Background" | "Foreground",
    ) => {
      const job = store.get(jobs, namespace, name)
      const owned = podsOfJob(namespace, job.metadata?.uid ?? "")
      if (propagation === "Foreground") removePods(namespace, owned)
      store.remove(jobs, namespace, name)
      // The garbage collector removes dependents of a Background deletion a moment later.
      if (propagation === "Background")
        run(
          `gc:${job.metadata?.uid}`,
          Effect.sync(() => removePods(namespace, owned)),
        )
    }

    const deleteJobs = (
      namespace: string,
      labelSelector: string,
      propagation: "Background" | "Foreground",
    ) => {
      const matched = store.list(jobs, namespace, { labelSelector }).items
      for (const job of matched) deleteJob(namespace, job.metadata?.name ?? "", propagation)
      return matched
    }

    const controller = makeJobController({
      store,
      run: (key, effect) => {
        run(key, effect)
      },
      outcomeOf,
      ttlController: options.ttlController ?? true,
      deleteJob: (namespace, name) => {
        if (store.find(jobs, namespace, name) !== undefined)
          deleteJob(namespace, name, "Background")
      },
    })

    store.subscribe((change) => {
      controller.onChange(change)
      if (change.resource !== pods) return
      const pod = change.object as V1Pod
      const key = `kubelet:${pod.metadata?.uid ?? ""}`
      if (change.type === "DELETED") run(key, Effect.void)
      else if (change.type === "ADDED") {
        const jobName = pod.metadata?.labels?.["job-name"]
        const job =
          jobName === undefined
            ? undefined
            : (store.find(jobs, pod.metadata?.namespace ?? "", jobName) as V1Job | undefined)
        run(key, runKubelet(store, pod, job === undefined ? { _tag: "Succeed" } : outcomeOf(job)))
      }
    })

    return {
      store,
      faults,
      setOutcome: (rule) => {
        callback = rule
      },
      setImageOutcome: (image, outcome) => {
        images[image] = outcome
      },
      createJob: (namespace, job) => {
        const causes = jobValidationCauses(job)
        if (causes.length > 0) throw invalid(jobs, job.metadata?.name ?? "", causes)
        return store.create(jobs, namespace, job)
      },
      deleteJob,
      deleteJobs,
      deletePod: (namespace, name) => {
        store.remove(pods, namespace, name)
      },
    }
  })
