/**
 * The failures that stop the controller. Each ends the process with a non-zero exit
 * status (the original exited 0 on all of them) and names what a person must fix.
 */
import { Schema } from "effect"

/** Buildkite refused a poll for good (bad token, missing queue: a 4xx other than 429). */
export class PermanentPollFailure extends Schema.TaggedError<PermanentPollFailure>()(
  "PermanentPollFailure",
  { queue: Schema.String, message: Schema.String },
) {}

/** Start-up could not complete: no token, an unclustered token, registration refused … */
export class StartupFailure extends Schema.TaggedError<StartupFailure>()("StartupFailure", {
  step: Schema.String,
  message: Schema.String,
}) {}
