/**
 * The values the Buildkite API service hands to the rest of the program, and the pure
 * conversions between them and the wire shapes of `schemas.ts`. Both the HTTP client
 * and the local fake server use these conversions, so the two sides agree on the wire.
 */
import type * as Wire from "./schemas.ts"

/** Every job state the API is known to report; see `isKnownJobState`. */
export const jobStates = [
  "pending",
  "waiting",
  "waiting_failed",
  "blocked",
  "blocked_failed",
  "unblocked",
  "unblocked_failed",
  "limiting",
  "limited",
  "scheduled",
  "reserved",
  "assigned",
  "accepted",
  "running",
  "finished",
  "canceling",
  "canceled",
  "timing_out",
  "timed_out",
  "skipped",
  "broken",
  "expired",
] as const

/**
 * A job state. States are kept as strings rather than a closed union: a state Buildkite
 * adds later must not make a whole get-states response undecodable.
 */
export type JobState = (typeof jobStates)[number]

export const isKnownJobState = (state: string): state is JobState =>
  (jobStates as ReadonlyArray<string>).includes(state)

/** Who the agent token belongs to. Empty strings stand for fields the server left out. */
export interface TokenIdentity {
  readonly uuid: string
  readonly description: string
  readonly tokenType: string
  readonly organizationSlug: string
  readonly organizationUuid: string
  readonly clusterUuid: string
  readonly clusterName: string
  readonly organizationQueueUuid: string
  readonly organizationQueueKey: string
}

export interface RegisterStackInput {
  readonly key: string
  readonly queueKey: string
  readonly metadata: Readonly<Record<string, string>>
}

export interface RegisteredStack {
  readonly id: string
  readonly key: string
  readonly clusterQueueKey: string
  readonly organizationUuid: string
  readonly metadata: Readonly<Record<string, string>>
  readonly state: string
}

export interface ScheduledJob {
  readonly id: string
  readonly priority: number
  readonly agentQueryRules: ReadonlyArray<string>
  readonly scheduledAt: string
}

export interface ScheduledJobsPage {
  readonly jobs: ReadonlyArray<ScheduledJob>
  readonly clusterQueueId: string
  readonly clusterQueuePaused: boolean
  readonly hasNextPage: boolean
  readonly endCursor: string
  /** The server asked the poller to wait this long before polling again. */
  readonly retryAfterMillis?: number
}

export interface ReserveResult {
  readonly reserved: ReadonlyArray<string>
  readonly notReserved: ReadonlyArray<string>
}

export interface JobDetails {
  readonly id: string
  readonly env: Readonly<Record<string, string>>
  readonly command: string
}

export interface StackNotification {
  readonly jobUuid: string
  readonly detail: string
  /** Epoch milliseconds; omitted on the wire when absent. */
  readonly timestampMillis?: number
}

/** A per-item failure of a notifications request; indexes refer to the caller's list. */
export interface NotificationError {
  readonly error: string
  readonly indexes: ReadonlyArray<number>
}

export const tokenIdentityFromWire = (wire: Wire.TokenIdentityResponse): TokenIdentity => ({
  uuid: wire.uuid ?? "",
  description: wire.description ?? "",
  tokenType: wire.token_type ?? "",
  organizationSlug: wire.organization_slug ?? "",
  organizationUuid: wire.organization_uuid ?? "",
  clusterUuid: wire.cluster_uuid ?? "",
  clusterName: wire.cluster_name ?? "",
  organizationQueueUuid: wire.organization_queue_uuid ?? "",
  organizationQueueKey: wire.organization_queue_key ?? "",
})

export const tokenIdentityToWire = (identity: TokenIdentity): Wire.TokenIdentityResponse => ({
  uuid: identity.uuid,
  description: identity.description,
  token_type: identity.tokenType,
  organization_slug: identity.organizationSlug,
  organization_uuid: identity.organizationUuid,
  cluster_uuid: identity.clusterUuid,
  cluster_name: identity.clusterName,
  organization_queue_uuid: identity.organizationQueueUuid,
  organization_queue_key: identity.organizationQueueKey,
})

export const registerRequestToWire = (input: RegisterStackInput): Wire.RegisterRequest => ({
  ...(input.key === "" ? {} : { key: input.key }),
  type: "kubernetes",
  ...(input.queueKey === "" ? {} : { queue_key: input.queueKey }),
  metadata: { ...input.metadata },
})

export const registeredStackFromWire = (wire: Wire.RegisterResponse): RegisteredStack => ({
  id: wire.id ?? "",
  key: wire.key ?? "",
  clusterQueueKey: wire.cluster_queue_key ?? "",
  organizationUuid: wire.organization_uuid ?? "",
  metadata: wire.metadata ?? {},
  state: wire.state ?? "",
})

export const registeredStackToWire = (stack: RegisteredStack): Wire.RegisterResponse => ({
  id: stack.id,
  key: stack.key,
  type: "kubernetes",
  cluster_queue_key: stack.clusterQueueKey,
  organization_uuid: stack.organizationUuid,
  metadata: { ...stack.metadata },
  state: stack.state,
})

export const scheduledJobsPageFromWire = (
  wire: Wire.ScheduledJobsResponse,
): Omit<ScheduledJobsPage, "retryAfterMillis"> => ({
  jobs: (wire.jobs ?? []).map((job) => ({
    id: job.id,
    priority: job.priority ?? 0,
    agentQueryRules: job.agent_query_rules ?? [],
    scheduledAt: job.scheduled_at ?? "",
  })),
  clusterQueueId: wire.cluster_queue?.id ?? "",
  clusterQueuePaused: wire.cluster_queue?.paused ?? false,
  hasNextPage: wire.page_info?.has_next_page ?? false,
  endCursor: wire.page_info?.end_cursor ?? "",
})

export const scheduledJobsPageToWire = (page: ScheduledJobsPage): Wire.ScheduledJobsResponse => ({
  jobs: page.jobs.map((job) => ({
    id: job.id,
    priority: job.priority,
    agent_query_rules: [...job.agentQueryRules],
    scheduled_at: job.scheduledAt,
  })),
  cluster_queue: { id: page.clusterQueueId, paused: page.clusterQueuePaused },
  page_info: { has_next_page: page.hasNextPage, end_cursor: page.endCursor },
})

export const reserveResultFromWire = (wire: Wire.ReserveResponse): ReserveResult => ({
  reserved: wire.reserved ?? [],
  notReserved: wire.not_reserved ?? [],
})

export const jobDetailsFromWire = (wire: Wire.JobResponse): JobDetails => ({
  id: wire.id,
  env: wire.env ?? {},
  command: wire.command ?? "",
})

export const notificationToWire = (item: StackNotification): Wire.NotificationWire => ({
  job_uuid: item.jobUuid,
  detail: item.detail,
  ...(item.timestampMillis === undefined
    ? {}
    : { timestamp: new Date(item.timestampMillis).toISOString() }),
})

export const notificationFromWire = (wire: Wire.NotificationWire): StackNotification => {
  const parsed = wire.timestamp === undefined ? Number.NaN : Date.parse(wire.timestamp)
  return {
    jobUuid: wire.job_uuid,
    detail: wire.detail,
    ...(Number.isNaN(parsed) ? {} : { timestampMillis: parsed }),
  }
}
