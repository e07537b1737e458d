/**
 * The Job controller of the in-memory cluster: starts a Pod per Job, counts finished and
 * lost Pods into the Job status, marks the Job `Complete` or `Failed`
 * (`BackoffLimitExceeded`, `DeadlineExceeded`), enforces `activeDeadlineSeconds`, deletes
 * finished Jobs after `ttlSecondsAfterFinished` when the TTL controller is on, and records
 * `FailedCreate` Events for Jobs whose pods cannot be created.
 */
import type { V1Job, V1JobCondition, V1Pod } from "@kubernetes/client-node"
import { Effect } from "effect"
import { recordEvent } from "./Events.ts"
import type { Outcome } from "./Outcome.ts"
import { jobs, pods } from "./Resources.ts"
import type { Change, Store } from "./Store.ts"

export interface JobControllerDeps {
  readonly store: Store
  /** Runs `effect` under `key`, interrupting the previous effect of that key. */
  readonly run: (key: string, effect: Effect.Effect<void>) => void
  readonly outcomeOf: (job: V1Job) => Outcome
  /** Whether finished Jobs are deleted after `ttlSecondsAfterFinished`. */
  readonly ttlController: boolean
  /** Deletes a Job and its Pods. */
  readonly deleteJob: (namespace: string, name: string) => void
}

const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789"
const defaultBackoffLimit = 6

export const isFinished = (job: V1Job): boolean =>
  (job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  )

const isTerminal = (pod: V1Pod) =>
  pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed"

export const makeJobController = (deps: JobControllerDeps) => {
  const { store } = deps
  /** Pods already counted into their Job's status, by pod uid. */
  const counted = new Set<string>()
  let seed = 7

  const suffix = () => {
    let text = ""
    for (let i = 0; i < 5; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648
      text += suffixAlphabet[seed % suffixAlphabet.length] ?? "x"
    }
    return text
  }

  // Read only: the stored Pods themselves, found through the store's label index.
  const podsOf = (job: V1Job): ReadonlyArray<V1Pod> =>
    store.select(pods, job.metadata?.namespace ?? "", {
      labelSelector: `controller-uid=${job.metadata?.uid ?? ""}`,
    })

  const finish = (job: V1Job, type: "Complete" | "Failed", reason?: string, message?: string) => {
    const namespace = job.metadata?.namespace ?? ""
    const at = new Date(store.now())
    const condition: V1JobCondition = {
      type,
      status: "True",
      lastProbeTime: at,
      lastTransitionTime: at,
      ...(reason === undefined ? {} : { reason }),
      ...(message === undefined ? {} : { message }),
    }
    const lost = type === "Failed" ? podsOf(job).filter((pod) => !isTerminal(pod)) : []
    for (const pod of lost) {
      counted.add(pod.metadata?.uid ?? "")
      store.remove(pods, namespace, pod.metadata?.name ?? "")
    }
    const finished = store.mutate(jobs, namespace, job.metadata?.name ?? "", (object) => {
      const target = object as V1Job
      target.status = {
        ...target.status,
        active: 0,
        failed: (target.status?.failed ?? 0) + lost.length,
        conditions: [...(target.status?.conditions ?? []), condition],
        ...(type === "Complete" ? { completionTime: at } : {}),
      }
    }) as V1Job | undefined
    const ttl = finished?.spec?.ttlSecondsAfterFinished
    if (deps.ttlController && ttl !== undefined) {
      deps.run(
        `ttl:${job.metadata?.uid}`,
        Effect.sleep(ttl * 1000).pipe(
          Effect.andThen(Effect.sync(() => deps.deleteJob(namespace, job.metadata?.name ?? ""))),
        ),
      )
    }
  }

  const createPod = (job: V1Job) => {
    const namespace = job.metadata?.namespace ?? ""
    const name = job.metadata?.name ?? ""
    const template = job.spec?.template
    const pod: V1Pod = {
      metadata: {
        ...template?.metadata,
        name: `${name}-${suffix()}`,
        labels: {
          ...template?.metadata?.labels,
          "controller-uid": job.metadata?.uid ?? "",
          "batch.kubernetes.io/controller-uid": job.metadata?.uid ?? "",
          "job-name": name,
          "batch.kubernetes.io/job-name": name,
        },
        ownerReferences: [
          {
            apiVersion: "batch/v1",
            kind: "Job",
            name,
            uid: job.metadata?.uid ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: template?.spec ?? { containers: [] },
      status: { phase: "Pending" },
    }
    const created = store.create(pods, namespace, pod)
    recordEvent(store, {
      involved: job,
      type: "Normal",
      reason: "SuccessfulCreate",
      message: `Created pod: ${created.metadata?.name ?? ""}`,
      component: "job-controller",
    })
  }

  /** Retries pod creation for a Job whose service account is missing, backing off as the controller does. */
  const failCreating = (job: V1Job, serviceAccount: string) =>
    Effect.gen(function* () {
      const namespace = job.metadata?.namespace ?? ""
      const message =
        `Error creating: pods "${job.metadata?.name ?? ""}-${suffix()}" is forbidden: error looking up service account ` +
        `${namespace}/${serviceAccount}: serviceaccount "${serviceAccount}" not found`
      let delay = 10
      for (;;) {
        yield* Effect.sync(() =>
          recordEvent(store, {
            involved: job,
            type: "Warning",
            reason: "FailedCreate",
            message,
            component: "job-controller",
          }),
        )
        yield* Effect.sleep(delay * 1000)
        delay = Math.min(delay * 2, 360)
      }
    })

  const armDeadline = (job: V1Job) => {
    const uid = job.metadata?.uid ?? ""
    const deadline = job.spec?.activeDeadlineSeconds
    const start = job.status?.startTime
    if (deadline === undefined || start === undefined || isFinished(job))
      return deps.run(`deadline:${uid}`, Effect.void)
    const due = new Date(start).getTime() + deadline * 1000
    deps.run(
      `deadline:${uid}`,
      Effect.suspend(() => Effect.sleep(Math.max(0, due - store.now()))).pipe(
        Effect.andThen(
          Effect.sync(() => {
            const current = store.find(
              jobs,
              job.metadata?.namespace ?? "",
              job.metadata?.name ?? "",
            ) as V1Job | undefined
            if (current === undefined || current.metadata?.uid !== uid || isFinished(current))
              return
            deps.run(`failedcreate:${uid}`, Effect.void)
            finish(
              current,
              "Failed",
              "DeadlineExceeded",
              "Job was active longer than specified deadline",
            )
          }),
        ),
      ),
    )
  }

  const sync = (namespace: string, name: string) => {
    const job = store.find(jobs, namespace, name) as V1Job | undefined
    if (job === undefined || isFinished(job) || job.spec?.suspend === true) return
    let current = job
    if (job.status?.startTime === undefined) {
      const started = store.mutate(jobs, namespace, name, (object) => {
        const target = object as V1Job
        target.status = { ...target.status, startTime: new Date(store.now()), active: 0 }
      })
      current = started as V1Job
      armDeadline(current)
    }
    const owned = podsOf(current)
    let succeeded = current.status?.succeeded ?? 0
    let failed = current.status?.failed ?? 0
    for (const pod of owned) {
      const uid = pod.metadata?.uid ?? ""
      if (!isTerminal(pod) || counted.has(uid)) continue
      counted.add(uid)
      if (pod.status?.phase === "Succeeded") succeeded++
      else failed++
    }
    const active = owned.filter((pod) => !isTerminal(pod)).length
    if (
      succeeded !== (current.status?.succeeded ?? 0) ||
      failed !== (current.status?.failed ?? 0) ||
      active !== current.status?.active
    ) {
      current = store.mutate(jobs, namespace, name, (object) => {
        const target = object as V1Job
        target.status = { ...target.status, active, succeeded, failed }
      }) as V1Job
    }
    if (succeeded > 0) return finish(current, "Complete")
    if (failed > (current.spec?.backoffLimit ?? defaultBackoffLimit)) {
      return finish(
        current,
        "Failed",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
      )
    }
    if (active > 0) return
    const outcome = deps.outcomeOf(current)
    if (outcome._tag === "NoPod") {
      const serviceAccount =
        outcome.serviceAccount ?? current.spec?.template.spec?.serviceAccountName ?? "default"
      return deps.run(
        `failedcreate:${current.metadata?.uid}`,
        failCreating(current, serviceAccount),
      )
    }
    createPod(current)
    store.mutate(jobs, namespace, name, (object) => {
      const target = object as V1Job
      target.status = { ...target.status, active: 1 }
    })
  }

  const syncLater = (namespace: string, name: string) =>
    deps.run(
      `sync:${namespace}/${name}`,
      Effect.sync(() => sync(namespace, name)),
    )

  /** Reacts to a stored change; never writes synchronously, so watch order stays intact. */
  const onChange = (change: Change): void => {
    const namespace = change.object.metadata?.namespace ?? ""
    if (change.resource === jobs) {
      const job = change.object as V1Job
      const uid = job.metadata?.uid ?? ""
      if (change.type === "DELETED") {
        for (const key of ["deadline", "ttl", "failedcreate"])
          deps.run(`${key}:${uid}`, Effect.void)
        return
      }
      if (change.type === "ADDED") {
        syncLater(namespace, job.metadata?.name ?? "")
        return
      }
      const previous = change.previous as V1Job | undefined
      if (previous?.spec?.activeDeadlineSeconds !== job.spec?.activeDeadlineSeconds) {
        deps.run(
          `rearm:${uid}`,
          Effect.sync(() => armDeadline(job)),
        )
      }
      if (previous?.spec?.suspend === true && job.spec?.suspend !== true)
        syncLater(namespace, job.metadata?.name ?? "")
      return
    }
    if (change.resource !== pods || change.type === "ADDED") return
    const pod = change.object as V1Pod
    const jobName = pod.metadata?.labels?.["job-name"]
    if (jobName === undefined) return
    if (change.type === "DELETED" && !isTerminal(pod)) {
      // A pod lost before it finished counts as a failure of its Job.
      const uid = pod.metadata?.uid ?? ""
      deps.run(
        `lost:${uid}`,
        Effect.sync(() => {
          if (counted.has(uid)) return
          counted.add(uid)
          store.mutate(jobs, namespace, jobName, (object) => {
            const target = object as V1Job
            if (isFinished(target)) return
            target.status = { ...target.status, failed: (target.status?.failed ?? 0) + 1 }
          })
          sync(namespace, jobName)
        }),
      )
      return
    }
    syncLater(namespace, jobName)
  }

  return { onChange, sync }
}
