import { counter, histogram, labelled } from "./define.ts"

// From the start of the poll that saw a job to its Kubernetes Job being
// created; includes time queued behind max-in-flight, hence the long tail.
const endToEndBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600]

export const jobEndToEndSeconds = histogram(
  "buildkite_job_end_to_end_seconds",
  "Time from the start of the poll that returned a job to its Kubernetes Job being created, in seconds",
  endToEndBuckets,
)

export const jobCreateCalls = counter(
  "buildkite_scheduler_job_create_calls_total",
  "Attempts to create a Kubernetes Job",
)

export const jobCreateSuccess = counter(
  "buildkite_scheduler_job_create_success_total",
  "Kubernetes Jobs created",
)

/** `reason` is the Kubernetes Status reason (`AlreadyExists`, `Invalid`, …) or empty. */
export const jobCreateErrors = labelled(
  counter(
    "buildkite_scheduler_job_create_errors_total",
    "Failed attempts to create a Kubernetes Job",
  ),
  ["reason"],
)

export const jobsFailedOnBuildkite = counter(
  "buildkite_scheduler_jobs_failed_on_buildkite_total",
  "Jobs the scheduler failed on Buildkite",
)

export const jobFailOnBuildkiteErrors = counter(
  "buildkite_scheduler_job_fail_on_buildkite_errors_total",
  "Attempts by the scheduler to fail a job on Buildkite that errored",
)
