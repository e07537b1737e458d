/**
 * An example of extending the PodSpec engine without forking it: two transforms, composed as
 * a Layer, that label every Job with a cost centre and pin its pod to one node pool.
 */
import { Result } from "effect"
import { addTransforms } from "../../src/podspec/PodSpecBuilder.ts"
import type { BuildState } from "../../src/podspec/transforms/BuildState.ts"

/** Labels the Job and its pod with the cost centre (a label the pipeline cannot override). */
export const costCentre = (centre: string) => ({
  name: "costCentre",
  // Right after the metadata step, so later steps and patches see the label.
  after: "metadata",
  run: (state: BuildState) =>
    Result.succeed({ ...state, labels: { ...state.labels, "example.com/cost-centre": centre } }),
})

/** Forces the pod onto a node pool, after every patch so that no pipeline can move it. */
export const forceNodePool = (pool: string) => ({
  name: "forceNodePool",
  run: (state: BuildState) =>
    Result.succeed({
      ...state,
      podSpec: {
        ...state.podSpec,
        nodeSelector: { ...state.podSpec.nodeSelector, "example.com/node-pool": pool },
      },
    }),
})

/** The Layer a deployment adds next to `PodSpecBuilder.layer`. */
export const layer = addTransforms(costCentre("ci-platform"), forceNodePool("ci"))
