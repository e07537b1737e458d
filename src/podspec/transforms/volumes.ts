/** Steps 4-6: the workspace and agent-config volumes, and the mounts shared by containers. */
import type { V1Volume, V1VolumeMount } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildState } from "./BuildState.ts"
import { workspacePath } from "./paths.ts"

const defaultWorkspace: V1Volume = { name: "workspace", emptyDir: {} }

export const workspaceVolume = (state: BuildState): V1Volume =>
  state.config.workspaceVolume ?? defaultWorkspace

/** The workspace mount at `/workspace`, with the configured `subPathExpr` when non-empty. */
export const workspaceMount = (state: BuildState): V1VolumeMount => {
  const subPathExpr = state.config.workspaceMountSubPathExpr ?? ""
  return {
    name: workspaceVolume(state).name,
    mountPath: workspacePath,
    ...(subPathExpr === "" ? {} : { subPathExpr }),
  }
}

export const volumes = (state: BuildState): Result.Result<BuildState, never> => {
  const agent = state.config.agentConfig ?? {}
  const added: Array<V1Volume> = [
    workspaceVolume(state),
    ...(agent.hooksVolume === undefined ? [] : [agent.hooksVolume]),
    ...(agent.additionalHooks ?? []).map((hook) => hook.volume),
    ...(agent.pluginsVolume === undefined ? [] : [agent.pluginsVolume]),
    ...(agent.signingJWKSVolume === undefined ? [] : [agent.signingJWKSVolume]),
    ...(agent.verificationJWKSVolume === undefined ? [] : [agent.verificationJWKSVolume]),
  ]
  return Result.succeed({
    ...state,
    podSpec: { ...state.podSpec, volumes: [...(state.podSpec.volumes ?? []), ...added] },
    mounts: [workspaceMount(state), ...(state.job.plugin?.extraVolumeMounts ?? [])],
  })
}
