/**
 * Wire shapes of the Buildkite Agent ("stacks") API: every request body the controller
 * sends and every response body it reads, as Schemas. Field names are the API's own
 * (snake_case); `model.ts` holds the camelCase values the rest of the program uses.
 *
 * Responses are decoded leniently where Buildkite's own client is lenient: a `null` or a
 * missing optional field reads as its zero value, and unknown fields are ignored, so a
 * new field on the server never breaks the controller. A field of the wrong type is an
 * error naming its path.
 */
import { Schema } from "effect"

/** A field the server may omit or send as `null`; callers substitute the zero value. */
const loose = <S extends Schema.Top>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))

/** `GET /token`: the identity of the agent token. */
export const TokenIdentityResponse = Schema.Struct({
  uuid: loose(Schema.String),
  description: loose(Schema.String),
  token_type: loose(Schema.String),
  organization_slug: loose(Schema.String),
  organization_uuid: loose(Schema.String),
  cluster_uuid: loose(Schema.String),
  cluster_name: loose(Schema.String),
  organization_queue_uuid: loose(Schema.String),
  organization_queue_key: loose(Schema.String),
})
export type TokenIdentityResponse = typeof TokenIdentityResponse.Type

/** `POST /stacks/register` request. `key`, `type` and `queue_key` are omitted when empty. */
export const RegisterRequest = Schema.Struct({
  key: Schema.optionalKey(Schema.String),
  type: Schema.optionalKey(Schema.String),
  queue_key: Schema.optionalKey(Schema.String),
  metadata: Schema.Record(Schema.String, Schema.String),
})
export type RegisterRequest = typeof RegisterRequest.Type

/** `POST /stacks/register` response. */
export const RegisterResponse = Schema.Struct({
  id: loose(Schema.String),
  organization_uuid: loose(Schema.String),
  cluster_queue_key: loose(Schema.String),
  key: loose(Schema.String),
  type: loose(Schema.String),
  metadata: loose(Schema.Record(Schema.String, Schema.String)),
  last_connected_on: loose(Schema.String),
  state: loose(Schema.String),
})
export type RegisterResponse = typeof RegisterResponse.Type

/** One job of a scheduled-jobs page. Pipeline, build and step are passed through unread. */
export const ScheduledJobWire = Schema.Struct({
  id: Schema.String,
  priority: loose(Schema.Finite),
  agent_query_rules: loose(Schema.Array(Schema.String)),
  scheduled_at: loose(Schema.String),
})
export type ScheduledJobWire = typeof ScheduledJobWire.Type

/** `GET /stacks/{key}/scheduled-jobs` response. */
export const ScheduledJobsResponse = Schema.Struct({
  jobs: loose(Schema.Array(ScheduledJobWire)),
  cluster_queue: loose(Schema.Struct({ id: loose(Schema.String), paused: loose(Schema.Boolean) })),
  page_info: loose(
    Schema.Struct({ has_next_page: loose(Schema.Boolean), end_cursor: loose(Schema.String) }),
  ),
})
export type ScheduledJobsResponse = typeof ScheduledJobsResponse.Type

/** `PUT /stacks/{key}/scheduled-jobs/batch-reserve` request; expiry omitted means server default. */
export const ReserveRequest = Schema.Struct({
  job_uuids: Schema.Array(Schema.String),
  reservation_expiry_seconds: Schema.optionalKey(Schema.Int),
})
export type ReserveRequest = typeof ReserveRequest.Type

/** `PUT /stacks/{key}/scheduled-jobs/batch-reserve` response. */
export const ReserveResponse = Schema.Struct({
  reserved: loose(Schema.Array(Schema.String)),
  not_reserved: loose(Schema.Array(Schema.String)),
})
export type ReserveResponse = typeof ReserveResponse.Type

/** `GET /stacks/{key}/jobs/{uuid}` response. */
export const JobResponse = Schema.Struct({
  id: Schema.String,
  env: loose(Schema.Record(Schema.String, Schema.String)),
  command: loose(Schema.String),
})
export type JobResponse = typeof JobResponse.Type

/** `POST /stacks/{key}/jobs/get-states` request. */
export const JobStatesRequest = Schema.Struct({ job_uuids: Schema.Array(Schema.String) })
export type JobStatesRequest = typeof JobStatesRequest.Type

/** `POST /stacks/{key}/jobs/get-states` response; unknown UUIDs are absent. */
export const JobStatesResponse = Schema.Struct({
  states: loose(Schema.Record(Schema.String, Schema.String)),
})
export type JobStatesResponse = typeof JobStatesResponse.Type

/** One stack notification; the timestamp is RFC 3339 with fractional seconds. */
export const NotificationWire = Schema.Struct({
  job_uuid: Schema.String,
  detail: Schema.String,
  timestamp: Schema.optionalKey(Schema.String),
})
export type NotificationWire = typeof NotificationWire.Type

/** `POST /stacks/{key}/notifications` request. */
export const NotificationsRequest = Schema.Struct({ notifications: Schema.Array(NotificationWire) })
export type NotificationsRequest = typeof NotificationsRequest.Type

/** `POST /stacks/{key}/notifications` response: per-item failures by index. */
export const NotificationsResponse = Schema.Struct({
  errors: loose(
    Schema.Array(Schema.Struct({ error: Schema.String, indexes: Schema.Array(Schema.Int) })),
  ),
})
export type NotificationsResponse = typeof NotificationsResponse.Type

/** `POST /stacks/{key}/jobs/{uuid}/finish` request; exit status is omitted when 0. */
export const FinishRequest = Schema.Struct({
  exit_status: Schema.optionalKey(Schema.Int),
  detail: Schema.String,
})
export type FinishRequest = typeof FinishRequest.Type

/** The body of a non-2xx response, when the server sends one. */
export const ErrorBody = Schema.Struct({ message: Schema.String })
export type ErrorBody = typeof ErrorBody.Type
