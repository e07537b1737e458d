/**
 * What the Buildkite API service offers, and how it is built from a `StackTransport`:
 * chunking (1000 per request), cursor pagination as a Stream, detail cropping, the stack
 * key echoed by registration, and the retry policy of each call (see `schedules.ts`).
 */
import { Duration, Effect, Option, Ref, Schedule, Stream } from "effect"
import { cropFinishDetail } from "./crop.ts"
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
import type { StackTransport } from "./StackTransport.ts"
import { apiRetrySchedule, getJobRetrySchedule } from "./schedules.ts"

/** The API's limit on UUIDs or notifications in one request. */
export const maxItemsPerRequest = 1000

export interface ScheduledJobsOptions {
  /** The cluster queue key returned by registration. */
  readonly queueKey: string
  /** Jobs per page (0 lets the server choose). */
  readonly pageSize: number
  /** The most pages one pass reads. */
  readonly depthLimit: number
  /** Start after this cursor instead of at the first page. */
  readonly after?: string
}

export interface BuildkiteApiShape {
  /** `GET /token`. Not retried. */
  readonly getTokenIdentity: Effect.Effect<TokenIdentity, BuildkiteApiError>
  /** `POST /stacks/register`; later calls use the key it echoes. Retried. */
  readonly registerStack: (
    input: RegisterStackInput,
  ) => Effect.Effect<RegisteredStack, BuildkiteApiError>
  /**
   * The scheduled jobs, one element per page, following the cursor until the last page,
   * `depthLimit` pages, or a page carrying `Retry-After` (the poller should wait it out).
   * Not retried: the poller's next tick is the retry.
   */
  readonly scheduledJobs: (
    options: ScheduledJobsOptions,
  ) => Stream.Stream<ScheduledJobsPage, BuildkiteApiError>
  /**
   * Reserves jobs, 1000 per request, one request after another. Not retried. A failure
   * of one request fails the whole call, even if earlier requests reserved jobs.
   */
  readonly reserveJobs: (
    uuids: ReadonlyArray<string>,
    expirySeconds: number,
  ) => Effect.Effect<ReserveResult, BuildkiteApiError>
  /** `GET /stacks/{key}/jobs/{uuid}`, retried with `getJobRetrySchedule`. */
  readonly getJob: (uuid: string) => Effect.Effect<JobDetails, BuildkiteApiError>
  /** States by UUID, 1000 per request; unknown UUIDs are absent. Retried. */
  readonly getJobStates: (
    uuids: ReadonlyArray<string>,
  ) => Effect.Effect<Readonly<Record<string, string>>, BuildkiteApiError>
  /** Sends notifications, 1000 per request; error indexes refer to `items`. Not retried. */
  readonly createNotifications: (
    items: ReadonlyArray<StackNotification>,
  ) => Effect.Effect<ReadonlyArray<NotificationError>, BuildkiteApiError>
  /** Fails a job from the stack side (exit status -1, detail cropped to 4096 bytes). Retried. */
  readonly finishJob: (uuid: string, detail: string) => Effect.Effect<void, BuildkiteApiError>
  /** `POST /stacks/{key}/deregister`. Not retried (best effort at shutdown). */
  readonly deregisterStack: Effect.Effect<void, BuildkiteApiError>
}

/** Splits a list into runs of at most `size`. */
export const chunksOf = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const chunks: Array<ReadonlyArray<A>> = []
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size))
  }
  return chunks
}

const retrying =
  (schedule: Schedule.Schedule<unknown, BuildkiteApiError>) =>
  <A>(self: Effect.Effect<A, BuildkiteApiError>): Effect.Effect<A, BuildkiteApiError> =>
    self.pipe(
      Effect.retry(
        schedule.pipe(
          Schedule.tap(({ input, duration }) =>
            Effect.logWarning("Failed Buildkite API call, retrying").pipe(
              Effect.annotateLogs({
                operation: input.operation,
                path: input.path,
                error: input.message,
                retryInMillis: Math.round(Duration.toMillis(duration)),
              }),
            ),
          ),
        ),
      ),
    )

/** Builds the service from a one-request-per-call transport. */
export const makeBuildkiteApi = (
  transport: StackTransport,
  options: { readonly stackKey: string },
): Effect.Effect<BuildkiteApiShape> =>
  Effect.gen(function* () {
    // Registration echoes the key the server knows the stack by; later calls use it.
    // Notifications keep the configured key, as Buildkite's own client does.
    const stackKey = yield* Ref.make(options.stackKey)

    const registerStack = (input: RegisterStackInput) =>
      transport.registerStack(input).pipe(
        retrying(apiRetrySchedule),
        Effect.tap((stack) => (stack.key === "" ? Effect.void : Ref.set(stackKey, stack.key))),
      )

    const scheduledJobs = (query: ScheduledJobsOptions) =>
      Stream.unwrap(
        Effect.map(Ref.get(stackKey), (key) =>
          Stream.paginate({ after: query.after ?? "", depth: 1 }, (state) =>
            transport
              .scheduledJobs({
                stackKey: key,
                queueKey: query.queueKey,
                limit: query.pageSize,
                after: state.after,
              })
              .pipe(
                Effect.map((page) => {
                  const more =
                    page.hasNextPage &&
                    page.endCursor !== "" &&
                    page.retryAfterMillis === undefined &&
                    state.depth < query.depthLimit
                  const next = { after: page.endCursor, depth: state.depth + 1 }
                  return [[page], more ? Option.some(next) : Option.none()] as const
                }),
              ),
          ),
        ),
      )

    const reserveJobs = (uuids: ReadonlyArray<string>, expirySeconds: number) =>
      Effect.gen(function* () {
        const key = yield* Ref.get(stackKey)
        const reserved: Array<string> = []
        const notReserved: Array<string> = []
        for (const chunk of chunksOf(uuids, maxItemsPerRequest)) {
          const result = yield* transport.reserveJobs(key, chunk, expirySeconds)
          reserved.push(...result.reserved)
          notReserved.push(...result.notReserved)
        }
        return { reserved, notReserved }
      })

    const getJob = (uuid: string) =>
      Ref.get(stackKey).pipe(
        Effect.flatMap((key) => transport.getJob(key, uuid)),
        retrying(getJobRetrySchedule),
      )

    const getJobStates = (uuids: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const key = yield* Ref.get(stackKey)
        const results = yield* Effect.forEach(
          chunksOf(uuids, maxItemsPerRequest),
          (chunk) => transport.getJobStates(key, chunk).pipe(retrying(apiRetrySchedule)),
          { concurrency: 4 },
        )
        return Object.assign({}, ...results) as Record<string, string>
      })

    const createNotifications = (items: ReadonlyArray<StackNotification>) =>
      Effect.gen(function* () {
        const errors: Array<NotificationError> = []
        let offset = 0
        for (const chunk of chunksOf(items, maxItemsPerRequest)) {
          const chunkErrors = yield* transport.createNotifications(options.stackKey, chunk)
          const base = offset
          for (const error of chunkErrors) {
            errors.push({ error: error.error, indexes: error.indexes.map((i) => i + base) })
          }
          offset += chunk.length
        }
        return errors
      })

    const finishJob = (uuid: string, detail: string) =>
      Ref.get(stackKey).pipe(
        Effect.flatMap((key) => transport.finishJob(key, uuid, -1, cropFinishDetail(detail))),
        retrying(apiRetrySchedule),
      )

    const deregisterStack = Ref.get(stackKey).pipe(Effect.flatMap(transport.deregisterStack))

    return {
      getTokenIdentity: transport.getTokenIdentity,
      registerStack,
      scheduledJobs,
      reserveJobs,
      getJob,
      getJobStates,
      createNotifications,
      finishJob,
      deregisterStack,
    }
  })
