/**
 * What the engine builds from: one scheduled Buildkite job with its details, and the same job
 * after `parseJob` has found its `kubernetes` plugin.
 */
import type { KubernetesPlugin } from "./PluginSchema.ts"

export type { KubernetesPlugin }

/** A scheduled job (`id`, `priority`, agent query rules) with its details (`command`, `env`). */
export interface JobInput {
  /** The Buildkite job UUID. */
  readonly uuid: string
  readonly priority: number
  /** Agent query rules as `key=value`, e.g. `queue=kubernetes`. */
  readonly agentQueryRules: ReadonlyArray<string>
  /** The step's command, already joined into one script by Buildkite. */
  readonly command: string
  readonly env: Readonly<Record<string, string>>
}

/** A job whose plugins have been parsed; `plugin` is absent when the job does not use it. */
export interface ParsedJob extends JobInput {
  readonly plugin?: KubernetesPlugin
}

/** Facts about the running controller that end up in the Job. */
export interface BuildOptions {
  /** The controller's version, sent to the agent as tag `k8s:agent-stack-version`. */
  readonly controllerVersion: string
}

/** The plugin reference Buildkite expands the pipeline shorthand `kubernetes` to. */
export const kubernetesPluginReference = "github.com/buildkite-plugins/kubernetes-buildkite-plugin"
