/**
 * The part of the API server's Job validation the double reproduces: the name, the
 * presence of containers with images, and volume mounts naming declared volumes. The
 * causes read like the API server's, e.g.
 * `spec.template.spec.containers[0].volumeMounts[0].name: Not found: "x"`.
 */
import type { V1Container, V1Job } from "@kubernetes/client-node"
import { dns1123LabelErrors } from "../../kube/Labels.ts"

const containerCauses = (
  containers: ReadonlyArray<V1Container>,
  path: string,
  volumes: ReadonlySet<string>,
): Array<string> =>
  containers.flatMap((container, index) => {
    const at = `${path}[${index}]`
    const causes: Array<string> = []
    if (container.name === undefined || container.name === "")
      causes.push(`${at}.name: Required value`)
    if (container.image === undefined || container.image === "")
      causes.push(`${at}.image: Required value`)
    for (const [mountIndex, mount] of (container.volumeMounts ?? []).entries()) {
      if (!volumes.has(mount.name)) {
        causes.push(
          `${at}.volumeMounts[${mountIndex}].name: Not found: ${JSON.stringify(mount.name)}`,
        )
      }
    }
    return causes
  })

/** The reasons the API server would reject the Job; empty when it is acceptable. */
export const jobValidationCauses = (job: V1Job): ReadonlyArray<string> => {
  const causes: Array<string> = []
  const name = job.metadata?.name ?? ""
  for (const problem of name === "" ? [] : dns1123LabelErrors(name)) {
    causes.push(`metadata.name: Invalid value: ${JSON.stringify(name)}: ${problem}`)
  }
  const podSpec = job.spec?.template.spec
  if (podSpec === undefined) return [...causes, "spec.template.spec: Required value"]
  const volumes = new Set((podSpec.volumes ?? []).map((volume) => volume.name))
  const path = "spec.template.spec"
  if (podSpec.containers.length === 0) causes.push(`${path}.containers: Required value`)
  causes.push(...containerCauses(podSpec.initContainers ?? [], `${path}.initContainers`, volumes))
  causes.push(...containerCauses(podSpec.containers, `${path}.containers`, volumes))
  const restartPolicy = podSpec.restartPolicy
  if (restartPolicy !== undefined && restartPolicy !== "Never" && restartPolicy !== "OnFailure") {
    causes.push(
      `${path}.restartPolicy: Unsupported value: ${JSON.stringify(restartPolicy)}: supported values: "OnFailure", "Never"`,
    )
  }
  return causes
}
