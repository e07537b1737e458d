/**
 * With `restricted: true`, every container the controller adds satisfies the Pod Security
 * Standard "restricted": it runs as a non-root user without privilege escalation or
 * capabilities, under the runtime's default seccomp profile. The workspace is made writable
 * through the pod's `fsGroup` instead of a `chown` run as root. Runs last, so no patch can
 * weaken it.
 */
import type { V1Container, V1PodSecurityContext } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildState } from "./BuildState.ts"
import { imageCheckPrefix } from "./imageChecks.ts"

/** The user the controller's containers run as when the pod names none. */
export const defaultRestrictedUser = 1000

const isStackContainer = (name: string) =>
  name === "copy-agent" ||
  name === "agent" ||
  name === "checkout" ||
  name.startsWith(imageCheckPrefix)

export const restricted = (state: BuildState): Result.Result<BuildState, never> => {
  if (!state.config.restricted) return Result.succeed(state)
  const pod: V1PodSecurityContext = state.podSpec.securityContext ?? {}
  const podUser = pod.runAsUser ?? 0
  const uid = podUser === 0 ? defaultRestrictedUser : podUser
  const podGroup = pod.runAsGroup ?? 0
  const fsGroup = pod.fsGroup ?? (podGroup === 0 ? uid : podGroup)
  const harden = (container: V1Container): V1Container =>
    isStackContainer(container.name)
      ? {
          ...container,
          securityContext: {
            ...container.securityContext,
            runAsNonRoot: true,
            runAsUser: uid,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          },
        }
      : container
  return Result.succeed({
    ...state,
    podSpec: {
      ...state.podSpec,
      securityContext: { ...pod, fsGroup },
      initContainers: (state.podSpec.initContainers ?? []).map(harden),
      containers: (state.podSpec.containers ?? []).map(harden),
    },
  })
}
