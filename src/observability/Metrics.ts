/**
 * Every metric the controller exposes. The names, types and label names are
 * the Go original's, so its Grafana dashboard works unchanged; the few of our
 * own are in `controller`.
 *
 * Use: `yield* Metrics.increment(Metrics.monitor.jobQueries)`,
 * `yield* Metrics.increment(Metrics.limiter.jobHandlerErrors({ reason: "stale" }))`,
 * `yield* Metric.update(Metrics.limiter.maxInFlight, 25)`.
 */
import { Effect, Metric } from "effect"
import * as completionWatcher from "./metrics/completionWatcher.ts"
import * as controller from "./metrics/controller.ts"
import * as deduper from "./metrics/deduper.ts"
import type { Labelled } from "./metrics/define.ts"
import * as jobWatcher from "./metrics/jobWatcher.ts"
import * as limiter from "./metrics/limiter.ts"
import * as monitor from "./metrics/monitor.ts"
import * as podWatcher from "./metrics/podWatcher.ts"
import * as scheduler from "./metrics/scheduler.ts"

export {
  gaugeFromCallback,
  increment,
  type Labelled,
  labelled,
  timeSeconds,
} from "./metrics/define.ts"
export {
  completionWatcher,
  controller,
  deduper,
  jobWatcher,
  limiter,
  monitor,
  podWatcher,
  scheduler,
}

const components = [
  monitor,
  limiter,
  deduper,
  scheduler,
  jobWatcher,
  completionWatcher,
  podWatcher,
  controller,
]

/** One metric family: its base metric and its label names (empty when unlabelled). */
export interface Family {
  readonly metric: Metric.Metric<number, unknown>
  readonly labelNames: ReadonlyArray<string>
}

const isLabelled = (value: unknown): value is Labelled<number, unknown, string> =>
  typeof value === "function" && "base" in value && "labelNames" in value

const collect = (): ReadonlyArray<Family> => {
  const families: Array<Family> = []
  for (const component of components) {
    for (const value of Object.values(component)) {
      if (isLabelled(value)) families.push({ metric: value.base, labelNames: value.labelNames })
      else if (Metric.isMetric(value)) {
        families.push({ metric: value as Metric.Metric<number, unknown>, labelNames: [] })
      }
    }
  }
  return families
}

/** Every metric family defined here, grouped by component. */
export const families: ReadonlyArray<Family> = collect()

/**
 * Puts every unlabelled series into the registry at its initial value, so the
 * first scrape already shows them (as the original's client library does) and
 * `rate()` has a starting point. Labelled series appear on first use, also as
 * in the original. Reading a series registers it without changing it, so this
 * is safe to run after other code has already updated some of them.
 */
export const registerUnlabelled: Effect.Effect<void> = Effect.forEach(
  families.filter((family) => family.labelNames.length === 0),
  (family) => Metric.value(family.metric),
  { discard: true },
)
