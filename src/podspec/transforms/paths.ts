/**
 * Fixed paths inside the pod, and the agent-config paths with their defaults resolved. The
 * defaults are computed per build rather than written back into the shared configuration.
 */
import type { V1VolumeMount } from "@kubernetes/client-node"
import type { AgentConfig } from "../BuildConfig.ts"

export const workspacePath = "/workspace"
export const tiniPath = "/workspace/tini-static"
export const agentBinaryPath = "/workspace/buildkite-agent"
export const defaultHooksPath = "/workspace/hooks"
export const defaultPluginsPath = "/workspace/plugins"
export const defaultGitMirrorsPath = "/buildkite/git-mirrors"
const signingKeyDirectory = "/buildkite/signing-jwks"
const verificationKeyDirectory = "/buildkite/verification-jwks"

/** The entrypoint of every command container: tini running the agent's bootstrap. */
export const bootstrapCommand: ReadonlyArray<string> = [tiniPath]
export const bootstrapArgs: ReadonlyArray<string> = ["--", agentBinaryPath, "kubernetes-bootstrap"]

export const isBootstrapEntrypoint = (
  command: ReadonlyArray<string> | undefined,
  args: ReadonlyArray<string> | undefined,
): boolean => sameList(command, bootstrapCommand) && sameList(args, bootstrapArgs)

export const sameList = (
  a: ReadonlyArray<string> | undefined,
  b: ReadonlyArray<string> | undefined,
): boolean => {
  const left = a ?? []
  const right = b ?? []
  return left.length === right.length && left.every((value, index) => value === right[index])
}

/** A key file and the directory its volume is mounted at. */
export interface KeyFile {
  readonly file: string
  readonly directory?: string
}

const keyFile = (
  file: string | undefined,
  hasVolume: boolean,
  defaultDirectory: string,
): KeyFile | undefined => {
  if (!hasVolume) return file === undefined || file === "" ? undefined : { file }
  const name = file === undefined || file === "" ? "key" : file
  const absolute = name.startsWith("/") ? name : `${defaultDirectory}/${name}`
  const directory = absolute.slice(0, absolute.lastIndexOf("/")) || "/"
  return { file: absolute, directory }
}

export interface AgentPaths {
  readonly hooksPath?: string
  readonly pluginsPath?: string
  readonly signing?: KeyFile
  readonly verification?: KeyFile
}

export const agentPaths = (agentConfig: AgentConfig | undefined): AgentPaths => {
  const config = agentConfig ?? {}
  const hooksPath =
    config.hooksPath ?? (config.hooksVolume === undefined ? undefined : defaultHooksPath)
  const pluginsPath =
    config.pluginsPath ?? (config.pluginsVolume === undefined ? undefined : defaultPluginsPath)
  const signing = keyFile(
    config.signingJwksFile,
    config.signingJWKSVolume !== undefined,
    signingKeyDirectory,
  )
  const verification = keyFile(
    config.verificationJwksFile,
    config.verificationJWKSVolume !== undefined,
    verificationKeyDirectory,
  )
  return {
    ...(hooksPath === undefined ? {} : { hooksPath }),
    ...(pluginsPath === undefined ? {} : { pluginsPath }),
    ...(signing === undefined ? {} : { signing }),
    ...(verification === undefined ? {} : { verification }),
  }
}

/** Hooks, additional hooks and plugins mounts: agent, checkout and command containers. */
export const hookMounts = (agentConfig: AgentConfig | undefined): Array<V1VolumeMount> => {
  const config = agentConfig ?? {}
  const paths = agentPaths(config)
  const mounts: Array<V1VolumeMount> = []
  if (config.hooksVolume !== undefined && paths.hooksPath !== undefined) {
    mounts.push({ name: config.hooksVolume.name, mountPath: paths.hooksPath })
  }
  for (const hook of config.additionalHooks ?? []) {
    mounts.push({ name: hook.volume.name, mountPath: hook.path })
  }
  if (config.pluginsVolume !== undefined && paths.pluginsPath !== undefined) {
    mounts.push({ name: config.pluginsVolume.name, mountPath: paths.pluginsPath })
  }
  return mounts
}

/** The signing key mount: agent and command containers. */
export const signingMounts = (agentConfig: AgentConfig | undefined): Array<V1VolumeMount> => {
  const volume = agentConfig?.signingJWKSVolume
  const directory = agentPaths(agentConfig).signing?.directory
  return volume === undefined || directory === undefined
    ? []
    : [{ name: volume.name, mountPath: directory }]
}

/** The verification key mount: agent only. */
export const verificationMounts = (agentConfig: AgentConfig | undefined): Array<V1VolumeMount> => {
  const volume = agentConfig?.verificationJWKSVolume
  const directory = agentPaths(agentConfig).verification?.directory
  return volume === undefined || directory === undefined
    ? []
    : [{ name: volume.name, mountPath: directory }]
}
