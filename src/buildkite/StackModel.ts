/**
 * An in-memory Buildkite stack: scheduled jobs with priorities, query rules and details,
 * cursor pagination, reservations that expire, the job state machine, and a record of
 * every call. Plain synchronous code with the current time passed in, so two fronts can
 * share it: the Effect double (`StackDouble.ts`, time from `Clock`) and the local HTTP
 * fake (`src/testing/StacksApiFake.ts`, real sockets).
 *
 * Server-side rules Buildkite does not document are modelled from how the controller
 * uses them (finish only from `scheduled`/`reserved`, expiry at most 3600 s).
 */
import { cropUtf8, finishDetailMaxBytes, notificationDetailMaxBytes, utf8Length } from "./crop.ts"
import type {
  JobDetails,
  NotificationError,
  RegisteredStack,
  RegisterStackInput,
  ReserveResult,
  ScheduledJob,
  ScheduledJobsPage,
  StackNotification,
  TokenIdentity,
} from "./model.ts"
import type { ScheduledJobsQuery } from "./StackTransport.ts"

/** The transport operations, as named in faults and the call record. */
export type StackOperation =
  | "getTokenIdentity"
  | "registerStack"
  | "scheduledJobs"
  | "reserveJobs"
  | "getJob"
  | "getJobStates"
  | "createNotifications"
  | "finishJob"
  | "deregisterStack"

/** A scripted misbehaviour of the next call(s) of one operation. */
export interface Fault {
  /** HTTP status to answer with; a 2xx status with `body` serves that body instead. */
  readonly status?: number
  /** The `message` of the JSON error body. */
  readonly message?: string
  /** Raw body to send instead of the normal one (e.g. garbage to test decoding). */
  readonly body?: string
  readonly retryAfterSeconds?: number
  /** Answer only after this long. */
  readonly latencyMillis?: number
  /** Drop the connection without an answer. */
  readonly reset?: boolean
}

export interface JobSpec {
  readonly id?: string
  readonly priority?: number
  readonly agentQueryRules?: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  readonly command?: string
  /** The cluster queue the job waits in; absent means every queue sees it. */
  readonly queueKey?: string
  readonly state?: string
}

export interface JobRecord {
  readonly id: string
  readonly priority: number
  readonly agentQueryRules: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
  readonly command: string
  readonly queueKey: string | undefined
  readonly scheduledAt: string
  readonly sequence: number
  state: string
  reservedUntilMillis: number | undefined
}

/** One recorded call, with the arguments that tests assert on. */
export interface RecordedCall {
  readonly operation: StackOperation
  /** The call met a scripted fault; its arguments were not recorded. */
  readonly faulted?: boolean
  readonly stackKey?: string
  readonly uuids?: ReadonlyArray<string>
  /** Reserve: the expiry sent, absent when the request left it to the server. */
  readonly expirySeconds?: number
  readonly notifications?: ReadonlyArray<StackNotification>
  readonly detail?: string
  readonly exitStatus?: number
  readonly register?: RegisterStackInput
  readonly query?: ScheduledJobsQuery
}

/** A refusal, as the server would answer it. */
export interface Refusal {
  readonly _tag: "Refusal"
  readonly status: number
  readonly message: string
}

const refuse = (status: number, message: string): Refusal => ({ _tag: "Refusal", status, message })

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === "object" && value !== null && "_tag" in value && value._tag === "Refusal"

/** Expiry used when a reserve request does not name one (the real default is undocumented). */
export const defaultReservationExpirySeconds = 300
export const maxReservationExpirySeconds = 3600
const defaultPageSize = 1000

const jobIdFor = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`

/** Order of the scheduled-jobs listing: higher priority first, then oldest first. */
type Position = Pick<JobRecord, "priority" | "sequence">
const before = (a: Position, b: Position) =>
  a.priority !== b.priority ? a.priority > b.priority : a.sequence < b.sequence

const cursorOf = (job: JobRecord) => `${job.priority}:${job.sequence}`

export class StackModel {
  identity: TokenIdentity = {
    uuid: "token-uuid",
    description: "test token",
    tokenType: "cluster",
    organizationSlug: "test-org",
    organizationUuid: "org-uuid",
    clusterUuid: "cluster-uuid",
    clusterName: "test-cluster",
    organizationQueueUuid: "queue-uuid",
    organizationQueueKey: "default",
  }
  queuePaused = false
  readonly jobs = new Map<string, JobRecord>()
  readonly calls: Array<RecordedCall> = []
  readonly stacks = new Map<string, RegisteredStack>()
  private readonly faults = new Map<StackOperation, Array<Fault>>()
  private sequence = 0

  /** Makes the next `times` calls of `operation` misbehave as `fault` says. */
  addFault(operation: StackOperation, fault: Fault, times = 1): void {
    const queue = this.faults.get(operation) ?? []
    for (let i = 0; i < times; i++) queue.push(fault)
    this.faults.set(operation, queue)
  }

  /** The fault for this call of `operation`, if one is scripted; it is used up and recorded. */
  takeFault(operation: StackOperation): Fault | undefined {
    const fault = this.faults.get(operation)?.shift()
    // Recorded so that tests can count attempts, failed ones included.
    if (fault !== undefined) this.calls.push({ operation, faulted: true })
    return fault
  }

  clearFaults(): void {
    this.faults.clear()
  }

  addJob(spec: JobSpec, nowMillis: number): JobRecord {
    this.sequence++
    const job: JobRecord = {
      id: spec.id ?? jobIdFor(this.sequence),
      priority: spec.priority ?? 0,
      agentQueryRules: spec.agentQueryRules ?? [],
      env: spec.env ?? {},
      command: spec.command ?? "",
      queueKey: spec.queueKey,
      scheduledAt: new Date(nowMillis).toISOString(),
      sequence: this.sequence,
      state: spec.state ?? "scheduled",
      reservedUntilMillis: undefined,
    }
    this.jobs.set(job.id, job)
    return job
  }

  /** Moves a job to any state, as an agent or a user would; clears its reservation. */
  setState(uuid: string, state: string): boolean {
    const job = this.jobs.get(uuid)
    if (job === undefined) return false
    job.state = state
    job.reservedUntilMillis = undefined
    return true
  }

  /** A user cancels: queued jobs end at once, jobs an agent holds go through `canceling`. */
  cancel(uuid: string): boolean {
    const job = this.jobs.get(uuid)
    if (job === undefined) return false
    const held = ["assigned", "accepted", "running"].includes(job.state)
    return this.setState(uuid, held ? "canceling" : "canceled")
  }

  /** Returns reservations whose time is up to `scheduled`. */
  expireReservations(nowMillis: number): void {
    for (const job of this.jobs.values()) {
      if (job.state === "reserved" && (job.reservedUntilMillis ?? 0) <= nowMillis) {
        job.state = "scheduled"
        job.reservedUntilMillis = undefined
      }
    }
  }

  callsOf(operation: StackOperation): ReadonlyArray<RecordedCall> {
    return this.calls.filter((call) => call.operation === operation)
  }

  tokenIdentity(): TokenIdentity {
    this.calls.push({ operation: "getTokenIdentity" })
    return this.identity
  }

  register(input: RegisterStackInput): RegisteredStack {
    this.calls.push({ operation: "registerStack", stackKey: input.key, register: input })
    const key = input.key === "" ? "agent-stack-k8s" : input.key
    const stack: RegisteredStack = {
      id: this.stacks.get(key)?.id ?? `stack-${this.stacks.size + 1}`,
      key,
      clusterQueueKey: input.queueKey,
      organizationUuid: this.identity.organizationUuid,
      metadata: { ...input.metadata },
      state: "connected",
    }
    this.stacks.set(key, stack)
    return stack
  }

  deregister(stackKey: string): void {
    this.calls.push({ operation: "deregisterStack", stackKey })
    const stack = this.stacks.get(stackKey)
    if (stack !== undefined) this.stacks.set(stackKey, { ...stack, state: "disconnected" })
  }

  scheduledJobs(query: ScheduledJobsQuery, nowMillis: number): ScheduledJobsPage | Refusal {
    this.calls.push({ operation: "scheduledJobs", stackKey: query.stackKey, query })
    this.expireReservations(nowMillis)
    const [priority, sequence] = query.after === "" ? [] : query.after.split(":").map(Number)
    if (query.after !== "" && (!Number.isFinite(priority) || !Number.isFinite(sequence))) {
      return refuse(400, `invalid cursor ${JSON.stringify(query.after)}`)
    }
    const cursor: Position = { priority: priority ?? 0, sequence: sequence ?? 0 }
    const waiting = [...this.jobs.values()]
      .filter((job) => job.state === "scheduled")
      .filter((job) => job.queueKey === undefined || job.queueKey === query.queueKey)
      .filter((job) => query.after === "" || before(cursor, job))
      .sort((a, b) => (before(a, b) ? -1 : 1))
    const size = query.limit > 0 ? query.limit : defaultPageSize
    const page = waiting.slice(0, size)
    const last = page.at(-1)
    return {
      jobs: page.map(
        (job): ScheduledJob => ({
          id: job.id,
          priority: job.priority,
          agentQueryRules: job.agentQueryRules,
          scheduledAt: job.scheduledAt,
        }),
      ),
      clusterQueueId: "cluster-queue-uuid",
      clusterQueuePaused: this.queuePaused,
      hasNextPage: waiting.length > size,
      endCursor: last === undefined ? "" : cursorOf(last),
    }
  }

  reserve(
    stackKey: string,
    uuids: ReadonlyArray<string>,
    expirySeconds: number | undefined,
    nowMillis: number,
  ): ReserveResult | Refusal {
    this.calls.push({
      operation: "reserveJobs",
      stackKey,
      uuids,
      ...(expirySeconds === undefined ? {} : { expirySeconds }),
    })
    if (uuids.length > 1000) return refuse(422, "at most 1000 job_uuids per request")
    const expiry = expirySeconds ?? defaultReservationExpirySeconds
    if (expiry < 1 || expiry > maxReservationExpirySeconds) {
      return refuse(
        422,
        `reservation_expiry_seconds must be between 1 and ${maxReservationExpirySeconds}`,
      )
    }
    this.expireReservations(nowMillis)
    const reserved: Array<string> = []
    const notReserved: Array<string> = []
    for (const uuid of uuids) {
      const job = this.jobs.get(uuid)
      if (job === undefined || job.state !== "scheduled") {
        notReserved.push(uuid)
        continue
      }
      job.state = "reserved"
      job.reservedUntilMillis = nowMillis + expiry * 1000
      reserved.push(uuid)
    }
    return { reserved, notReserved }
  }

  job(stackKey: string, uuid: string): JobDetails | Refusal {
    this.calls.push({ operation: "getJob", stackKey, uuids: [uuid] })
    const job = this.jobs.get(uuid)
    if (job === undefined) return refuse(404, "Job not found")
    return { id: job.id, env: job.env, command: job.command }
  }

  states(stackKey: string, uuids: ReadonlyArray<string>, nowMillis: number) {
    this.calls.push({ operation: "getJobStates", stackKey, uuids })
    this.expireReservations(nowMillis)
    const states: Record<string, string> = {}
    for (const uuid of uuids) {
      const job = this.jobs.get(uuid)
      if (job !== undefined) states[uuid] = job.state
    }
    return states
  }

  notify(stackKey: string, items: ReadonlyArray<StackNotification>): Array<NotificationError> {
    this.calls.push({ operation: "createNotifications", stackKey, notifications: items })
    const unknown: Array<number> = []
    const tooLong: Array<number> = []
    items.forEach((item, index) => {
      if (!this.jobs.has(item.jobUuid)) unknown.push(index)
      else if (utf8Length(item.detail) > notificationDetailMaxBytes) tooLong.push(index)
    })
    return [
      ...(unknown.length > 0 ? [{ error: "Job not found", indexes: unknown }] : []),
      ...(tooLong.length > 0 ? [{ error: "Detail is too long", indexes: tooLong }] : []),
    ]
  }

  finish(stackKey: string, uuid: string, exitStatus: number, detail: string): Refusal | undefined {
    this.calls.push({ operation: "finishJob", stackKey, uuids: [uuid], exitStatus, detail })
    const job = this.jobs.get(uuid)
    if (job === undefined) return refuse(404, "Job not found")
    if (utf8Length(detail) > finishDetailMaxBytes) return refuse(422, "Detail is too long")
    if (job.state !== "scheduled" && job.state !== "reserved") {
      return refuse(
        422,
        `Job is ${cropUtf8(job.state, 64, "")} and cannot be finished by the stack`,
      )
    }
    this.setState(uuid, "finished")
    return undefined
  }
}
