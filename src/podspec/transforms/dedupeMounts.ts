/**
 * Step 24: a container may mount only one volume at a path. The first mount at a path wins,
 * except at `/workspace`, where the controller's workspace mount always wins: without it the
 * agent, tini and the checkout are missing and the job cannot run.
 */
import type { V1Container, V1VolumeMount } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildState } from "./BuildState.ts"
import { workspacePath } from "./paths.ts"
import { workspaceVolume } from "./volumes.ts"

const dedupe = (
  container: V1Container,
  workspaceName: string,
): { readonly container: V1Container; readonly dropped: ReadonlyArray<V1VolumeMount> } => {
  const mounts = container.volumeMounts ?? []
  const hasWorkspace = mounts.some((m) => m.mountPath === workspacePath && m.name === workspaceName)
  const seen = new Set<string>()
  const kept: Array<V1VolumeMount> = []
  const dropped: Array<V1VolumeMount> = []
  for (const mount of mounts) {
    const shadowsWorkspace =
      hasWorkspace && mount.mountPath === workspacePath && mount.name !== workspaceName
    if (shadowsWorkspace || seen.has(mount.mountPath)) {
      dropped.push(mount)
      continue
    }
    seen.add(mount.mountPath)
    kept.push(mount)
  }
  if (dropped.length === 0) return { container, dropped }
  return { container: { ...container, volumeMounts: kept }, dropped }
}

export const dedupeMounts = (state: BuildState): Result.Result<BuildState, never> => {
  const name = workspaceVolume(state).name
  const warnings: Array<string> = []
  const apply = (containers: ReadonlyArray<V1Container> | undefined) =>
    containers?.map((container) => {
      const result = dedupe(container, name)
      for (const mount of result.dropped) {
        warnings.push(
          `dropped volume mount ${JSON.stringify(mount.name)} at ${mount.mountPath} ` +
            `of container ${JSON.stringify(container.name)}: the path is already mounted`,
        )
      }
      return result.container
    })
  const initContainers = apply(state.podSpec.initContainers)
  const containers = apply(state.podSpec.containers)
  return Result.succeed({
    ...state,
    podSpec: {
      ...state.podSpec,
      ...(initContainers === undefined ? {} : { initContainers }),
      ...(containers === undefined ? {} : { containers }),
    },
    warnings: [...state.warnings, ...warnings],
  })
}
