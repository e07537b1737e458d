/**
 * The HTTP fake's request log: every request it answers or drops, with its method, path,
 * query, routed operation and status; the log keeps only the latest ones while listeners
 * see them all. And its watch streams: a change serialised once for every watch it goes
 * to, each watch still seeing it with its own event type.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { jobs } from "../../src/kubernetes/cluster/Resources.ts"
import { makeKubeApiFake, type RequestRecord } from "../../src/testing/KubeApiFake.ts"
import { makeJob, namespace } from "./contract.ts"

const describeRecord = (record: RequestRecord) =>
  `${record.method} ${record.path}${record.query === "" ? "" : `?${record.query}`} ` +
  `${record.operation ?? "-"} ${record.status ?? "reset"}`

describe("KubeApiFake request log", () => {
  it.effect("records each request's method, path, query, operation and status", () =>
    Effect.gen(function* () {
      const fake = yield* makeKubeApiFake({ requestLogLimit: 3 })
      const seen: Array<RequestRecord> = []
      const stop = fake.onRequest((record) => seen.push(record))
      const jobsPath = `/apis/batch/v1/namespaces/${namespace}/jobs`
      const send = (path: string, init: RequestInit = {}) =>
        Effect.promise(() =>
          fetch(`${fake.url}${path}`, init).then(
            (response) => response.text(),
            () => "connection failed",
          ),
        )
      yield* send(jobsPath, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeJob("job-a")),
      })
      yield* send(`${jobsPath}/job-a`)
      yield* send(`${jobsPath}/missing`)
      yield* send(`${jobsPath}?labelSelector=a%3Db&limit=5`)
      yield* send(`/api/v1/namespaces/${namespace}/configmaps`)
      fake.cluster.faults.add({ operation: "getJob", reset: true })
      yield* send(`${jobsPath}/job-a`)
      stop()
      yield* send(`${jobsPath}/job-a`)

      assert.deepStrictEqual(seen.map(describeRecord), [
        `POST ${jobsPath} createJob 201`,
        `GET ${jobsPath}/job-a getJob 200`,
        `GET ${jobsPath}/missing getJob 404`,
        `GET ${jobsPath}?labelSelector=a%3Db&limit=5 listJobs 200`,
        `GET /api/v1/namespaces/${namespace}/configmaps - 404`,
        `GET ${jobsPath}/job-a getJob reset`,
      ])
      assert.isTrue(seen.every((record) => Number.isFinite(record.at)))
      // The log keeps the latest three, including the one sent after the listener stopped.
      assert.deepStrictEqual(fake.requests().map(describeRecord), [
        `GET /api/v1/namespaces/${namespace}/configmaps - 404`,
        `GET ${jobsPath}/job-a getJob reset`,
        `GET ${jobsPath}/job-a getJob 200`,
      ])
    }).pipe(Effect.scoped),
  )

  it.effect("keeps no records with a limit of 0 but still tells listeners", () =>
    Effect.gen(function* () {
      const fake = yield* makeKubeApiFake({ requestLogLimit: 0 })
      const seen: Array<RequestRecord> = []
      fake.onRequest((record) => seen.push(record))
      yield* Effect.promise(() =>
        fetch(`${fake.url}/api/v1/namespaces/${namespace}/pods`).then((r) => r.text()),
      )
      assert.deepStrictEqual(seen.map(describeRecord), [
        `GET /api/v1/namespaces/${namespace}/pods listPods 200`,
      ])
      assert.deepStrictEqual(fake.requests(), [])
    }).pipe(Effect.scoped),
  )
})

/** Reads NDJSON lines off a streaming response until `count` have arrived. */
const readLines = (response: Response, count: number) =>
  Effect.promise(async () => {
    const reader = response.body?.getReader()
    const decoder = new TextDecoder()
    let text = ""
    while (reader !== undefined && text.split("\n").length <= count) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += decoder.decode(chunk.value, { stream: true })
    }
    await reader?.cancel()
    return text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { type: string; object: { metadata: object } })
  })

describe("KubeApiFake watches", () => {
  it.effect("send each change to every watch it concerns, with that watch's event type", () =>
    Effect.gen(function* () {
      const fake = yield* makeKubeApiFake()
      const store = fake.cluster.store
      const base = `${fake.url}/apis/batch/v1/namespaces/${namespace}/jobs?watch=true`
      const open = (query: string) =>
        Effect.promise(() => fetch(`${base}&resourceVersion=${store.resourceVersion}${query}`))
      const all = yield* open("")
      const selected = yield* open("&labelSelector=stage%3Done")
      store.create(jobs, namespace, makeJob("job-a", { stage: "one" }, { suspend: true }))
      store.mutate(jobs, namespace, "job-a", (object) => {
        object.metadata = { ...object.metadata, labels: { stage: "two" } }
      })
      const [allLines, selectedLines] = yield* Effect.all([
        readLines(all, 2),
        readLines(selected, 2),
      ])
      assert.deepStrictEqual(
        allLines.map((line) => line.type),
        ["ADDED", "MODIFIED"],
      )
      assert.deepStrictEqual(
        selectedLines.map((line) => line.type),
        ["ADDED", "DELETED"],
      )
      // Both carry the same stored object, as JSON, at each step.
      assert.deepStrictEqual(
        selectedLines.map((line) => line.object),
        allLines.map((line) => line.object),
      )
      const stored = JSON.parse(JSON.stringify(store.peek(jobs, namespace, "job-a")))
      assert.deepStrictEqual(allLines[1]?.object, stored)
    }).pipe(Effect.scoped),
  )
})
