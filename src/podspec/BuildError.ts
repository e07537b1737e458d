/**
 * The two ways the engine refuses a job, and the detail the controller sends to Buildkite
 * when it fails the job for one of them.
 */
import { Schema } from "effect"

/** The job's `BUILDKITE_PLUGINS` or its `kubernetes` plugin could not be used. */
export class JobParseError extends Schema.TaggedError<JobParseError>()("JobParseError", {
  message: Schema.String,
}) {}

/**
 * Why a build failed: a resource class problem, invalid image references, a patch that is
 * refused or does not apply.
 */
export const BuildErrorReason = Schema.Literals([
  "ResourceClass",
  "InvalidImage",
  "ControllerPatch",
  "PluginPatch",
])
export type BuildErrorReason = typeof BuildErrorReason.Type

/** The Job could not be built from a parsed job; `message` is the text Buildkite shows. */
export class BuildError extends Schema.TaggedError<BuildError>()("BuildError", {
  reason: BuildErrorReason,
  message: Schema.String,
}) {}

/** The failure detail sent to Buildkite when the controller fails a job it cannot run. */
export const failureDetail = (error: JobParseError | BuildError): string => {
  switch (error._tag) {
    case "JobParseError":
      return `agent-stack-k8s failed to parse the job: ${error.message}`
    case "BuildError":
      return `agent-stack-k8s failed to build a podSpec for the job: ${error.message}`
  }
}
