import { assert, describe, it } from "@effect/vitest"
import { Effect, Tracer } from "effect"
import { advance, jobNames, jobWithOutcome, StackDoubleControl, withController } from "./harness.ts"

describe("controller tracing (doubles)", () => {
  describe("runController", () => {
    it.effect("handles each job inside a span named job that carries its UUID", () => {
      const spans: Array<Tracer.NativeSpan> = []
      const tracer = Tracer.make({
        span(options) {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        },
      })
      return withController(["--queue", "kubernetes", "--tags", "queue=kubernetes"], () =>
        Effect.gen(function* () {
          const stack = yield* StackDoubleControl
          const a = yield* stack.addJob(jobWithOutcome("Unschedulable"))
          const b = yield* stack.addJob(jobWithOutcome("Unschedulable"))
          yield* advance(2_000)
          assert.strictEqual((yield* jobNames).length, 2)

          const jobSpans = spans.filter((span) => span.name === "job")
          assert.deepStrictEqual(
            jobSpans.map((span) => span.attributes.get("jobUuid")).sort(),
            [a, b].sort(),
          )
          assert.isTrue(jobSpans.every((span) => span.status._tag === "Ended"))
        }),
      ).pipe(Effect.provideService(Tracer.Tracer, tracer))
    })
  })
})
