/**
 * The in-memory double of the Buildkite stacks API: a `StackTransport` over a
 * `StackModel`, and `StackDoubleControl`, the handle tests use to add jobs, move their
 * states (an agent accepting and running them, a user cancelling), script faults and
 * read what the controller sent. `BuildkiteApi.layerTest` wires the two together.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import { apiError, type BuildkiteApiError } from "./errors.ts"
import { escapePathSegment } from "./httpWire.ts"
import {
  type Fault,
  isRefusal,
  type JobSpec,
  type RecordedCall,
  type Refusal,
  type StackModel,
  type StackOperation,
} from "./StackModel.ts"
import type { StackTransport } from "./StackTransport.ts"

/** Test handle on the in-memory stack behind the double (or behind the HTTP fake). */
export class StackDoubleControl extends Context.Service<
  StackDoubleControl,
  {
    /** The model itself, for what the methods below do not cover. */
    readonly model: StackModel
    /** Adds a scheduled job (or one in `spec.state`) and returns its UUID. */
    readonly addJob: (spec?: JobSpec) => Effect.Effect<string>
    /** Moves a job to any state; false when the UUID is unknown. */
    readonly setState: (uuid: string, state: string) => Effect.Effect<boolean>
    /** A user cancels the job (`canceled`, or `canceling` when an agent holds it). */
    readonly cancel: (uuid: string) => Effect.Effect<boolean>
    /** The job's state as the server sees it now (reservations expire by the Clock). */
    readonly state: (uuid: string) => Effect.Effect<string | undefined>
    /** Every call so far, or those of one operation. */
    readonly calls: (operation?: StackOperation) => Effect.Effect<ReadonlyArray<RecordedCall>>
    /** Makes the next `times` calls of `operation` misbehave. */
    readonly fail: (operation: StackOperation, fault: Fault, times?: number) => Effect.Effect<void>
    readonly setQueuePaused: (paused: boolean) => Effect.Effect<void>
  }
>()("agent-stack-k8s/StackDoubleControl") {
  /** A control handle over an existing model (shared with an HTTP fake, say). */
  static readonly fromModel = (model: StackModel): Layer.Layer<StackDoubleControl> =>
    Layer.succeed(StackDoubleControl, makeControl(model))
}

const makeControl = (model: StackModel): StackDoubleControl["Service"] => ({
  model,
  addJob: (spec = {}) => Effect.map(Clock.currentTimeMillis, (now) => model.addJob(spec, now).id),
  setState: (uuid, state) => Effect.sync(() => model.setState(uuid, state)),
  cancel: (uuid) => Effect.sync(() => model.cancel(uuid)),
  state: (uuid) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      model.expireReservations(now)
      return model.jobs.get(uuid)?.state
    }),
  calls: (operation) =>
    Effect.sync(() => (operation === undefined ? [...model.calls] : model.callsOf(operation))),
  fail: (operation, fault, times = 1) => Effect.sync(() => model.addFault(operation, fault, times)),
  setQueuePaused: (paused) =>
    Effect.sync(() => {
      model.queuePaused = paused
    }),
})

interface CallSite {
  readonly operation: StackOperation
  readonly method: string
  readonly path: string
}

/**
 * Plays the scripted fault of this call, if any, as the HTTP client would report it.
 * Succeeds with the `Retry-After` of a 2xx fault, which rides on the normal answer.
 */
const playFault = (
  site: CallSite,
  fault: Fault | undefined,
): Effect.Effect<number | undefined, BuildkiteApiError> => {
  if (fault === undefined) return Effect.succeed(undefined)
  const base = { operation: site.operation, method: site.method, path: site.path }
  const retryAfter =
    fault.retryAfterSeconds === undefined
      ? {}
      : { retryAfterMillis: fault.retryAfterSeconds * 1000 }
  const outcome = Effect.suspend((): Effect.Effect<number | undefined, BuildkiteApiError> => {
    if (fault.reset === true) {
      return Effect.fail(apiError({ ...base, reason: "Transport", detail: "no response" }))
    }
    const status = fault.status ?? 200
    if (status < 200 || status > 299) {
      return Effect.fail(
        apiError({
          ...base,
          reason: "Status",
          status,
          ...(fault.message === undefined ? {} : { serverMessage: fault.message }),
          ...retryAfter,
        }),
      )
    }
    if (fault.body !== undefined) {
      return Effect.fail(
        apiError({ ...base, reason: "Decode", detail: "unexpected response body" }),
      )
    }
    return Effect.succeed(retryAfter.retryAfterMillis)
  })
  return fault.latencyMillis === undefined
    ? outcome
    : Effect.andThen(Effect.sleep(Duration.millis(fault.latencyMillis)), outcome)
}

/** Runs one call against the model: fault first, then the model's answer or refusal. */
const serve = <A>(
  model: StackModel,
  site: CallSite,
  answer: (nowMillis: number, retryAfterMillis: number | undefined) => A | Refusal,
): Effect.Effect<A, BuildkiteApiError> =>
  Effect.gen(function* () {
    const retryAfterMillis = yield* playFault(site, model.takeFault(site.operation))
    const now = yield* Clock.currentTimeMillis
    const result = answer(now, retryAfterMillis)
    if (isRefusal(result)) {
      return yield* apiError({
        ...site,
        reason: "Status",
        status: result.status,
        serverMessage: result.message,
      })
    }
    return result
  })

const stackPath = (key: string, rest: string) => `/stacks/${escapePathSegment(key)}/${rest}`

/** The double's transport: every call answered by `model`, in virtual time. */
export const makeDoubleTransport = (model: StackModel): StackTransport => ({
  getTokenIdentity: serve(
    model,
    { operation: "getTokenIdentity", method: "GET", path: "/token" },
    () => model.tokenIdentity(),
  ),
  registerStack: (input) =>
    serve(model, { operation: "registerStack", method: "POST", path: "/stacks/register" }, () =>
      model.register(input),
    ),
  scheduledJobs: (query) =>
    serve(
      model,
      {
        operation: "scheduledJobs",
        method: "GET",
        path: stackPath(query.stackKey, "scheduled-jobs"),
      },
      (now, retryAfterMillis) => {
        const page = model.scheduledJobs(query, now)
        return isRefusal(page) || retryAfterMillis === undefined
          ? page
          : { ...page, retryAfterMillis }
      },
    ),
  reserveJobs: (stackKey, uuids, expirySeconds) =>
    serve(
      model,
      {
        operation: "reserveJobs",
        method: "PUT",
        path: stackPath(stackKey, "scheduled-jobs/batch-reserve"),
      },
      (now) => model.reserve(stackKey, uuids, expirySeconds === 0 ? undefined : expirySeconds, now),
    ),
  getJob: (stackKey, uuid) =>
    serve(
      model,
      {
        operation: "getJob",
        method: "GET",
        path: stackPath(stackKey, `jobs/${escapePathSegment(uuid)}`),
      },
      () => model.job(stackKey, uuid),
    ),
  getJobStates: (stackKey, uuids) =>
    serve(
      model,
      { operation: "getJobStates", method: "POST", path: stackPath(stackKey, "jobs/get-states") },
      (now) => model.states(stackKey, uuids, now),
    ),
  createNotifications: (stackKey, items) =>
    serve(
      model,
      {
        operation: "createNotifications",
        method: "POST",
        path: stackPath(stackKey, "notifications"),
      },
      () => model.notify(stackKey, items),
    ),
  finishJob: (stackKey, uuid, exitStatus, detail) =>
    serve(
      model,
      {
        operation: "finishJob",
        method: "POST",
        path: stackPath(stackKey, `jobs/${escapePathSegment(uuid)}/finish`),
      },
      () => model.finish(stackKey, uuid, exitStatus, detail),
    ),
  deregisterStack: (stackKey) =>
    serve(
      model,
      { operation: "deregisterStack", method: "POST", path: stackPath(stackKey, "deregister") },
      () => model.deregister(stackKey),
    ),
})
