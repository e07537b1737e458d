/**
 * Test doubles and local API fakes, for users testing their own Layers and transforms
 * (`import … from "agent-stack-k8s/testing"`):
 *
 * - `BuildkiteApi.layerTest` (exported from the main entry) with `StackDoubleControl`: an
 *   in-memory Buildkite stack — add jobs, cancel them, move their states, inject faults,
 *   read every recorded call.
 * - `Kubernetes.layerTest` (main entry) with `ClusterDoubleControl`: an in-memory cluster
 *   with a kubelet simulator whose outcome per Job is chosen by `outcomeLabel`, image or
 *   callback.
 * - `startStacksApiFake` / `StacksApiFake.scoped` and `makeKubeApiFake`: local HTTP
 *   servers speaking both APIs, for running the real Layers over sockets.
 */
export { StackDoubleControl } from "./buildkite/StackDouble.ts"
export { type JobSpec, StackModel } from "./buildkite/StackModel.ts"
export { ClusterEventsControl } from "./cluster/ClusterEvents.ts"
export { ClusterDoubleControl } from "./kubernetes/ClusterDouble.ts"
export { type Outcome, outcomeLabel } from "./kubernetes/cluster/Outcome.ts"
export { fakeKubeConfigYaml, type KubeApiFake, makeKubeApiFake } from "./testing/KubeApiFake.ts"
export * as StacksApiFake from "./testing/StacksApiFake.ts"
export { startStacksApiFake } from "./testing/StacksApiFake.ts"
