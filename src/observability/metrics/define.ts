import { Clock, Effect, Metric, type Scope } from "effect"

/**
 * A metric whose series are selected by label values. Calling it with the
 * labels returns the series; `base` and `labelNames` describe the family.
 */
export interface Labelled<Input, State, K extends string> {
  (labels: Readonly<Record<K, string>>): Metric.Metric<Input, State>
  readonly base: Metric.Metric<Input, State>
  readonly labelNames: ReadonlyArray<K>
}

/** A monotonically increasing count. */
export const counter = (name: string, description: string): Metric.Counter<number> =>
  Metric.counter(name, { description, incremental: true })

/** A value that goes up and down. */
export const gauge = (name: string, description: string): Metric.Gauge<number> =>
  Metric.gauge(name, { description })

/**
 * A histogram of durations in seconds with explicit classic buckets: the
 * original only had native (sparse) buckets, which the text format cannot
 * show, so each histogram here picks bounds that fit what it measures.
 */
export const histogram = (
  name: string,
  description: string,
  buckets: ReadonlyArray<number>,
): Metric.Histogram<number> =>
  Metric.histogram(name, { description, boundaries: Metric.boundariesFromIterable(buckets) })

/**
 * Declares the label names of a metric. Series are cached per label set so a
 * hot path does not allocate a new metric object on every update.
 */
export const labelled = <Input, State, const K extends string>(
  base: Metric.Metric<Input, State>,
  labelNames: ReadonlyArray<K>,
): Labelled<Input, State, K> => {
  const series = new Map<string, Metric.Metric<Input, State>>()
  const select = (labels: Readonly<Record<K, string>>): Metric.Metric<Input, State> => {
    const attributes: Record<string, string> = {}
    for (const name of labelNames) attributes[name] = labels[name]
    const key = JSON.stringify(labelNames.map((name) => labels[name]))
    const cached = series.get(key)
    if (cached !== undefined) return cached
    const metric = Metric.withAttributes(base, attributes)
    series.set(key, metric)
    return metric
  }
  return Object.assign(select, { base, labelNames })
}

/** Adds one to a counter. */
export const increment = (metric: Metric.Metric<number, unknown>): Effect.Effect<void> =>
  Metric.update(metric, 1)

/**
 * Reports a gauge from a callback read at every scrape, for values that
 * already live in a data structure (queue lengths, set sizes). The series is
 * removed when the scope closes.
 */
export const gaugeFromCallback = (
  metric: Metric.Gauge<number>,
  read: () => number,
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.map(Effect.context<never>(), (context) =>
      Metric.registerUnsafe(metric, context, {
        get: () => ({ value: read() }),
        update: () => {},
        modify: () => {},
      }),
    ),
    (registration) => Effect.sync(() => registration.remove()),
  )

/**
 * Runs an effect and records how long it took, in seconds, whether it
 * succeeded or failed. Uses the Effect clock, so tests can move time.
 */
export const timeSeconds =
  (metric: Metric.Metric<number, unknown>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.gen(function* () {
      const start = yield* Clock.currentTimeMillis
      return yield* self.pipe(
        Effect.ensuring(
          Effect.flatMap(Clock.currentTimeMillis, (end) =>
            Metric.update(metric, (end - start) / 1000),
          ),
        ),
      )
    })
