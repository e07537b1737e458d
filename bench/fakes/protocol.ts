/**
 * The messages between the pipeline benchmark (the controller's process) and its fakes'
 * process (`pipelineFakes.ts`).
 */

export const token = "bench-token"
export const namespace = "bench"
export const queue = "bench"

/** What the parent asks of the child, and what the child answers. */
export type Command =
  | { readonly _tag: "Seed"; readonly count: number }
  | { readonly _tag: "Arrive"; readonly count: number; readonly everyMillis: number }
  | { readonly _tag: "AwaitPoll" }
  | { readonly _tag: "AwaitCreated"; readonly count: number; readonly timeoutMillis: number }
  | { readonly _tag: "Stats" }

export interface Stats {
  readonly created: number
  /** Milliseconds from the first poll to each Job's creation, in order. */
  readonly createdAfterPoll: ReadonlyArray<number>
  /** Milliseconds from `addJob` to the Job's creation, for jobs that arrived live. */
  readonly latencies: ReadonlyArray<number>
  readonly buildkiteCalls: Readonly<Record<string, number>>
  readonly kubeCalls: Readonly<Record<string, number>>
  readonly rssBytes: number
  /** CPU time the fakes' process has used since it started. */
  readonly cpuMillis: number
}
