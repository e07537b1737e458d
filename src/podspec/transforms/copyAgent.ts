/**
 * Step 16: the `copy-agent` init container, which prepares the workspace and copies the agent
 * and tini into it, so command containers can use any image.
 */
import type { V1Container } from "@kubernetes/client-node"
import { Result } from "effect"
import type { BuildState } from "./BuildState.ts"
import { stackPullPolicy } from "./pullPolicy.ts"
import { workspaceMount } from "./volumes.ts"

const copyScript: ReadonlyArray<string> = [
  "mkdir -p /workspace/build /workspace/plugins /workspace/sockets",
  "chmod 777 /workspace/build /workspace/plugins /workspace/sockets",
  "cp /usr/local/bin/buildkite-agent /workspace/buildkite-agent",
  "if [ -e /sbin/tini-static ]; then cp /sbin/tini-static /workspace/tini-static",
  "elif [ -e /usr/bin/tini-static ]; then cp /usr/bin/tini-static /workspace/tini-static",
  'else echo "Error: No tini-static binary found" >&2; exit 1; fi',
]

export const copyAgent = (state: BuildState): Result.Result<BuildState, never> => {
  const { config } = state
  const uid = state.podSpec.securityContext?.runAsUser ?? 0
  const gid = state.podSpec.securityContext?.runAsGroup ?? 0
  // Restricted pods own the workspace through fsGroup, so nothing runs as root here.
  const chown = uid !== 0 && !config.restricted
  const script = [
    ...(chown
      ? [gid === 0 ? `chown -R ${uid} /workspace` : `chown -R ${uid}:${gid} /workspace`]
      : []),
    ...copyScript,
  ]
  const container: V1Container = {
    name: "copy-agent",
    image: config.image,
    imagePullPolicy: stackPullPolicy(config.defaultImagePullPolicy, config.image),
    command: ["/bin/sh"],
    args: ["-cefx", script.join("\n")],
    volumeMounts: [workspaceMount(state)],
    ...(chown ? { securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false } } : {}),
  }
  return Result.succeed({
    ...state,
    podSpec: {
      ...state.podSpec,
      initContainers: [container, ...(state.podSpec.initContainers ?? [])],
      restartPolicy: "Never",
    },
  })
}
