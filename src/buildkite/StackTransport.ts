/**
 * One HTTP request per call: the thin layer under the Buildkite API service. The real
 * client (`HttpTransport.ts`) and the in-memory double (`StackDouble.ts`) both provide
 * it; the service on top (`makeBuildkiteApi`) adds chunking, pagination, cropping and
 * retries once, so the double and the real client cannot behave differently there.
 */
import type { Effect } from "effect"
import type { BuildkiteApiError } from "./errors.ts"
import type {
  JobDetails,
  NotificationError,
  RegisteredStack,
  RegisterStackInput,
  ReserveResult,
  ScheduledJobsPage,
  StackNotification,
  TokenIdentity,
} from "./model.ts"

export interface ScheduledJobsQuery {
  readonly stackKey: string
  readonly queueKey: string
  /** Page size; not sent when 0. */
  readonly limit: number
  /** Cursor of the previous page; not sent when empty. */
  readonly after: string
}

export interface StackTransport {
  readonly getTokenIdentity: Effect.Effect<TokenIdentity, BuildkiteApiError>
  readonly registerStack: (
    input: RegisterStackInput,
  ) => Effect.Effect<RegisteredStack, BuildkiteApiError>
  readonly scheduledJobs: (
    query: ScheduledJobsQuery,
  ) => Effect.Effect<ScheduledJobsPage, BuildkiteApiError>
  /** At most 1000 UUIDs; `expirySeconds` 0 leaves the expiry to the server. */
  readonly reserveJobs: (
    stackKey: string,
    uuids: ReadonlyArray<string>,
    expirySeconds: number,
  ) => Effect.Effect<ReserveResult, BuildkiteApiError>
  readonly getJob: (stackKey: string, uuid: string) => Effect.Effect<JobDetails, BuildkiteApiError>
  readonly getJobStates: (
    stackKey: string,
    uuids: ReadonlyArray<string>,
  ) => Effect.Effect<Readonly<Record<string, string>>, BuildkiteApiError>
  /** At most 1000 items; the errors' indexes refer to `items`. */
  readonly createNotifications: (
    stackKey: string,
    items: ReadonlyArray<StackNotification>,
  ) => Effect.Effect<ReadonlyArray<NotificationError>, BuildkiteApiError>
  /** `detail` is sent as given: cropping happens above. */
  readonly finishJob: (
    stackKey: string,
    uuid: string,
    exitStatus: number,
    detail: string,
  ) => Effect.Effect<void, BuildkiteApiError>
  readonly deregisterStack: (stackKey: string) => Effect.Effect<void, BuildkiteApiError>
}
