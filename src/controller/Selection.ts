/**
 * The pure part of each poll: which of the jobs Buildkite returned this controller takes
 * now. Jobs whose tags do not match are dropped, jobs already in flight are skipped, and of
 * the rest the highest priorities are taken (arrival order on ties) up to the free
 * capacity. Whatever is not taken stays scheduled on Buildkite and is seen on the next
 * poll, so nothing waits in this process's memory.
 */
import type { ScheduledJob } from "../buildkite/model.ts"
import { matchesTags, normaliseQueryRules } from "./Tags.ts"

/** What one poll decided. */
export interface Selection {
  /** Jobs to reserve and create, highest priority first. */
  readonly take: ReadonlyArray<ScheduledJob>
  /** Jobs whose tags this controller does not offer. */
  readonly mismatched: ReadonlyArray<ScheduledJob>
  /** Jobs already in flight (their Job exists or is being created). */
  readonly inFlight: ReadonlyArray<ScheduledJob>
  /** Matching jobs left for a later poll for want of capacity. */
  readonly deferred: number
}

export interface SelectionInput {
  readonly jobs: ReadonlyArray<ScheduledJob>
  /** The queue this poll served (used to normalise the jobs' `queue` rule). */
  readonly queue: string
  readonly tags: ReadonlyMap<string, string>
  readonly isInFlight: (uuid: string) => boolean
  /** How many more jobs may be taken now. */
  readonly capacity: number
}

/** Sorts by priority, higher first; `Array.prototype.sort` is stable, so ties keep order. */
export const byPriority = (jobs: ReadonlyArray<ScheduledJob>): Array<ScheduledJob> =>
  [...jobs].sort((a, b) => b.priority - a.priority)

/** Decides what to take from one poll's jobs. */
export const selectJobs = (input: SelectionInput): Selection => {
  const mismatched: Array<ScheduledJob> = []
  const inFlight: Array<ScheduledJob> = []
  const candidates: Array<ScheduledJob> = []
  const seen = new Set<string>()
  for (const job of input.jobs) {
    // Pages can overlap when jobs are added between page requests.
    if (seen.has(job.id)) continue
    seen.add(job.id)
    if (!matchesTags(normaliseQueryRules(job.agentQueryRules, input.queue), input.tags)) {
      mismatched.push(job)
    } else if (input.isInFlight(job.id)) {
      inFlight.push(job)
    } else {
      candidates.push(job)
    }
  }
  const room = Math.max(0, input.capacity)
  const take = byPriority(candidates).slice(0, room)
  return { take, mismatched, inFlight, deferred: candidates.length - take.length }
}
