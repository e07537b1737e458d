/**
 * The jobs the sandbox seeds: one of each kind a newcomer wants to see go through.
 */
import type { JobSpec } from "../buildkite/StackModel.ts"

const plugin = (settings: unknown) =>
  JSON.stringify([{ "github.com/buildkite-plugins/kubernetes-buildkite-plugin": settings }])

/** A seeded job with a short name for the printed trail. */
export interface Example {
  readonly label: string
  readonly spec: JobSpec
  /** This controller must leave the job alone. */
  readonly skipped?: boolean
}

/** The sandbox queue. */
export const sandboxQueue = "kubernetes"

const onQueue = [`queue=${sandboxQueue}`]

export const examples: ReadonlyArray<Example> = [
  { label: "plain", spec: { agentQueryRules: onQueue, command: "echo hello", priority: 1 } },
  {
    label: "with a sidecar",
    spec: {
      agentQueryRules: onQueue,
      command: "curl -s localhost:80",
      env: { BUILDKITE_PLUGINS: plugin({ sidecars: [{ image: "nginx:1.27" }] }) },
    },
  },
  {
    label: "with a podSpecPatch",
    spec: {
      agentQueryRules: onQueue,
      command: "make test",
      priority: 5,
      env: {
        BUILDKITE_PLUGINS: plugin({
          podSpecPatch: {
            containers: [{ name: "container-0", resources: { requests: { cpu: "500m" } } }],
          },
        }),
      },
    },
  },
  {
    label: "broken plugin config",
    spec: {
      agentQueryRules: onQueue,
      env: { BUILDKITE_PLUGINS: plugin({ podSpec: "not a PodSpec" }) },
    },
  },
  {
    label: "on another queue",
    spec: { agentQueryRules: ["queue=windows"], queueKey: "windows", command: "dir" },
    skipped: true,
  },
  {
    label: "tags do not match",
    spec: { agentQueryRules: [...onQueue, "os=windows"], command: "dir" },
    skipped: true,
  },
]
