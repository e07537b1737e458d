/** Step 11: the plugin's sidecars become native sidecars (init containers that keep running). */
import type { V1Container } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildState } from "./BuildState.ts"
import { envFromField } from "./env.ts"

export const sidecars = (state: BuildState): Result.Result<BuildState, never> => {
  const plugin = state.job.plugin
  const defaults = state.config.defaultSidecarParams
  const annotations: Record<string, string> = { ...state.annotations }
  const built = (plugin?.sidecars ?? []).map((sidecar, index): V1Container => {
    const name = sidecar.name ? sidecar.name : `sidecar-${index}`
    annotations[`buildkite.com/sidecar-${index}`] = name
    return {
      ...sidecar,
      name,
      restartPolicy: "Always",
      ...envFromField([
        ...(sidecar.envFrom ?? []),
        ...(defaults?.envFrom ?? []),
        ...(plugin?.sidecarParams?.envFrom ?? []),
        ...(plugin?.gitEnvFrom ?? []),
      ]),
      volumeMounts: [
        ...(sidecar.volumeMounts ?? []),
        ...(defaults?.extraVolumeMounts ?? []),
        ...state.mounts,
        ...(plugin?.sidecarParams?.extraVolumeMounts ?? []),
      ],
    }
  })
  if (built.length === 0) return Result.succeed(state)
  return Result.succeed({
    ...state,
    annotations,
    podSpec: {
      ...state.podSpec,
      initContainers: [...(state.podSpec.initContainers ?? []), ...built],
    },
  })
}
