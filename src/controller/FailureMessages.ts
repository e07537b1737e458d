/**
 * The details sent to Buildkite when the controller fails a job it cannot run (spec 1.3.5
 * and 5.2 rows 1-4). Pure; the texts are the original's, so people searching for them
 * find the same answers.
 */
import { finishDetailMaxBytes, utf8Length, utf8Prefix } from "../buildkite/crop.ts"

/** The job's plugins could not be parsed. */
export const parseFailure = (error: string): string =>
  `agent-stack-k8s failed to parse the job: ${error}`

/** The PodTemplate the plugin names could not be read. */
export const podTemplateFailure = (name: string, error: string): string =>
  `Error fetching podTemplate ${JSON.stringify(name)}: ${error}`

/** The PodSpec engine refused the job. */
export const buildFailure = (error: string): string =>
  `agent-stack-k8s failed to build a podSpec for the job: ${error}`

/** Marks where the Job YAML was cut to fit the finish limit. */
export const yamlCroppedMarker = "\n… (Job YAML cropped to fit Buildkite's 4 KiB limit)"

/**
 * The API server rejected the Job: the error, a blank line, then the Job as YAML. The
 * error is kept whole; the YAML is cut at a line end so the whole detail fits the 4 KiB
 * finish limit (the original sent it uncut and Buildkite cropped the end, often the
 * error itself when the YAML came first in a long message).
 */
export const rejectionFailure = (error: string, jobYaml: string): string => {
  const head = `Kubernetes rejected the podSpec built by agent-stack-k8s: ${error}`
  const full = `${head}\n\n${jobYaml}`
  if (utf8Length(full) <= finishDetailMaxBytes) return full
  const room = finishDetailMaxBytes - utf8Length(head) - 2 - utf8Length(yamlCroppedMarker)
  if (room <= 0) return head
  const prefix = utf8Prefix(jobYaml, room)
  const lineEnd = prefix.lastIndexOf("\n")
  const kept = lineEnd > 0 ? prefix.slice(0, lineEnd) : prefix
  return `${head}\n\n${kept}${yamlCroppedMarker}`
}

/** The notification posted once a job's Kubernetes Job exists. */
export const createdNotification = "K8s Job created successfully, waiting for Agent to start..."
