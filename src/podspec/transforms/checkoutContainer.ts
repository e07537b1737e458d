/**
 * Step 15: the `checkout` container, which runs the checkout phase of the agent's bootstrap,
 * with git mirrors and git credentials when configured.
 */
import type {
  V1Container,
  V1EnvFromSource,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node"
import { Result } from "effect"
import type { CheckoutParams } from "../BuildConfig.ts"
import type { BuildState } from "./BuildState.ts"
import { envFromField, envVar } from "./env.ts"
import { defaultGitMirrorsPath, hookMounts, workspacePath } from "./paths.ts"
import { stackPullPolicy } from "./pullPolicy.ts"

const credentialsReadOnly = "/buildkite/git-credentials-ro"
const credentials = "/buildkite/git-credentials"
const entrypoint = "buildkite-agent-entrypoint kubernetes-bootstrap"

/** The store helper writes to its file, and secret mounts are read-only: copy it first. */
const credentialsSetup =
  `cp ${credentialsReadOnly}/.git-credentials ${credentials}/.git-credentials && ` +
  `git config --global credential.helper 'store --file ${credentials}/.git-credentials'`

/** Shell lines that create the user `buildkite-agent` with the pod's uid and gid. */
export const createUserScript = (uid: number, gid: number): ReadonlyArray<string> => {
  const group = gid === 0 ? "root" : "buildkite-agent"
  const busybox = [
    ...(group === "root" ? [] : [`  addgroup -g ${gid} ${group} || true`]),
    `  adduser -D -u ${uid} -G ${group} -h ${workspacePath} buildkite-agent`,
  ]
  const shadow = [
    ...(group === "root" ? [] : [`  groupadd -g ${gid} ${group} || true`]),
    `  useradd -M -u ${uid} -g ${group} -d ${workspacePath} -s /bin/sh buildkite-agent`,
  ]
  return [
    "if command -v adduser >/dev/null 2>&1 && adduser --help 2>&1 | grep -q BusyBox; then",
    ...busybox,
    "elif command -v useradd >/dev/null 2>&1; then",
    ...shadow,
    "else",
    '  echo "Error: No supported user creation tool found" >&2',
    "  exit 1",
    "fi",
  ]
}

/** Mounts, volumes and envFrom contributed by one set of checkout params. */
const fromParams = (params: CheckoutParams | undefined) => {
  const volume = params?.gitMirrors?.volume
  const mounts: Array<V1VolumeMount> = []
  const volumes: Array<V1Volume> = []
  if (volume !== undefined) {
    volumes.push(volume)
    mounts.push({ name: volume.name, mountPath: params?.gitMirrors?.path ?? defaultGitMirrorsPath })
  }
  mounts.push(...(params?.extraVolumeMounts ?? []))
  const envFrom: ReadonlyArray<V1EnvFromSource> = params?.envFrom ?? []
  return { mounts, volumes, envFrom }
}

export const checkoutContainer = (state: BuildState): Result.Result<BuildState, never> => {
  if (state.skipCheckout) return Result.succeed(state)
  const { config, job } = state
  const defaults = fromParams(config.defaultCheckoutParams)
  const fromPlugin = fromParams(job.plugin?.checkout)
  const secret =
    job.plugin?.checkout?.gitCredentialsSecret ?? config.defaultCheckoutParams?.gitCredentialsSecret
  const secretVolumes: Array<V1Volume> =
    secret === undefined
      ? []
      : [
          { name: "git-credentials-ro", secret },
          { name: "git-credentials", emptyDir: { medium: "Memory" } },
        ]
  const secretMounts: Array<V1VolumeMount> =
    secret === undefined
      ? []
      : [
          { name: "git-credentials-ro", mountPath: credentialsReadOnly },
          { name: "git-credentials", mountPath: credentials },
        ]
  const gitSetup = secret === undefined ? "true" : credentialsSetup
  const uid = state.podSpec.securityContext?.runAsUser ?? 0
  const gid = state.podSpec.securityContext?.runAsGroup ?? 0
  // In restricted mode the image must already run as the pod's user: no root, no su.
  const asRoot = uid !== 0 && !config.restricted
  const script = asRoot
    ? [
        "set -exuf",
        ...createUserScript(uid, gid),
        `su buildkite-agent -c "${gitSetup} && ${entrypoint}"`,
      ]
    : ["set -exuf", gitSetup, entrypoint]
  const rootContext: V1SecurityContext = { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false }
  const checkout: V1Container = {
    name: "checkout",
    image: config.image,
    imagePullPolicy: stackPullPolicy(config.defaultImagePullPolicy, config.image),
    command: ["/bin/sh", "-c"],
    args: [script.join("\n")],
    workingDir: workspacePath,
    env: [
      envVar("BUILDKITE_BOOTSTRAP_PHASES", "plugin,checkout"),
      envVar("BUILDKITE_CONTAINER_ID", "0"),
      envVar("BUILDKITE_SOCKETS_PATH", `${workspacePath}/sockets/checkout`),
    ],
    ...envFromField([
      ...defaults.envFrom,
      ...fromPlugin.envFrom,
      ...(job.plugin?.gitEnvFrom ?? []),
    ]),
    volumeMounts: [
      ...state.mounts,
      ...hookMounts(config.agentConfig),
      ...defaults.mounts,
      ...fromPlugin.mounts,
      ...secretMounts,
    ],
    ...(asRoot ? { securityContext: rootContext } : {}),
  }
  const spec = state.podSpec
  return Result.succeed({
    ...state,
    podSpec: {
      ...spec,
      containers: [...(spec.containers ?? []), checkout],
      volumes: [
        ...(spec.volumes ?? []),
        ...defaults.volumes,
        ...fromPlugin.volumes,
        ...secretVolumes,
      ],
    },
  })
}
