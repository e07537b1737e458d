/**
 * Shrinks watched Jobs and Pods to the fields the controller reads, so a cache of tens of
 * thousands of objects stays small (an API server that throttles LIST calls once drove the
 * original to tens of gigabytes). Pure functions over `@kubernetes/client-node` models.
 *
 * Kept: identity (name, namespace, uid, resourceVersion, creationTimestamp,
 * deletionTimestamp), labels, annotations under `buildkite.com/` (the ones the controller
 * writes and reads back), the whole status, and from the spec only what the watchers
 * check: deadlines, TTL, suspension and backoff limit of Jobs; init containers' names and
 * restart policies (to recognise native sidecars) and the two pod deadlines of Pods.
 * Dropped: managedFields, other annotations, owner references, finalizers, the Job's pod
 * template and every other part of the pod spec (containers, volumes, env …).
 */
import type { V1Job, V1ObjectMeta, V1Pod } from "@kubernetes/client-node"

/** Prefix of the annotations kept on watched objects. */
export const keptAnnotationPrefix = "buildkite.com/"

const stripMetadata = (metadata: V1ObjectMeta | undefined): V1ObjectMeta => {
  if (metadata === undefined) return {}
  const kept: V1ObjectMeta = {}
  if (metadata.name !== undefined) kept.name = metadata.name
  if (metadata.namespace !== undefined) kept.namespace = metadata.namespace
  if (metadata.uid !== undefined) kept.uid = metadata.uid
  if (metadata.resourceVersion !== undefined) kept.resourceVersion = metadata.resourceVersion
  if (metadata.creationTimestamp !== undefined) kept.creationTimestamp = metadata.creationTimestamp
  if (metadata.deletionTimestamp !== undefined) kept.deletionTimestamp = metadata.deletionTimestamp
  if (metadata.labels !== undefined) kept.labels = metadata.labels
  const annotations = Object.entries(metadata.annotations ?? {}).filter(([key]) =>
    key.startsWith(keptAnnotationPrefix),
  )
  if (annotations.length > 0) kept.annotations = Object.fromEntries(annotations)
  return kept
}

/** The Job as the watchers see it: identity, labels, deadlines and the whole status. */
export const stripJob = (job: V1Job): V1Job => {
  const spec = job.spec
  const kept: V1Job = { metadata: stripMetadata(job.metadata) }
  if (spec !== undefined) {
    // The template is required by the type; an empty one costs two small objects.
    kept.spec = { template: {} }
    if (spec.activeDeadlineSeconds !== undefined)
      kept.spec.activeDeadlineSeconds = spec.activeDeadlineSeconds
    if (spec.ttlSecondsAfterFinished !== undefined) {
      kept.spec.ttlSecondsAfterFinished = spec.ttlSecondsAfterFinished
    }
    if (spec.suspend !== undefined) kept.spec.suspend = spec.suspend
    if (spec.backoffLimit !== undefined) kept.spec.backoffLimit = spec.backoffLimit
  }
  if (job.status !== undefined) kept.status = job.status
  return kept
}

/** The Pod as the watchers see it: identity, labels, init-container policies and status. */
export const stripPod = (pod: V1Pod): V1Pod => {
  const spec = pod.spec
  const kept: V1Pod = { metadata: stripMetadata(pod.metadata) }
  if (spec !== undefined) {
    kept.spec = { containers: [] }
    if (spec.initContainers !== undefined) {
      kept.spec.initContainers = spec.initContainers.map((container) =>
        container.restartPolicy === undefined
          ? { name: container.name }
          : { name: container.name, restartPolicy: container.restartPolicy },
      )
    }
    if (spec.terminationGracePeriodSeconds !== undefined) {
      kept.spec.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds
    }
    if (spec.activeDeadlineSeconds !== undefined)
      kept.spec.activeDeadlineSeconds = spec.activeDeadlineSeconds
  }
  if (pod.status !== undefined) kept.status = pod.status
  return kept
}
