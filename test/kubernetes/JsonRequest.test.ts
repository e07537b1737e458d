import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import {
  ApiException,
  BatchV1Api,
  CoordinationV1Api,
  KubeConfig,
  type V1Job,
} from "@kubernetes/client-node"
import { toKubernetesError } from "../../src/kubernetes/ClientNode.ts"
import { makeJsonRequests } from "../../src/kubernetes/JsonRequest.ts"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A server that records every request and answers with `status` and `answer(body)`. */
const recordingServer = async (status: number, answer: (body: string) => string) => {
  const seen: Array<Seen> = []
  const server = createServer((request, response) => {
    let body = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => {
      body += chunk
    })
    request.on("end", () => {
      seen.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body,
      })
      response.writeHead(status, { "content-type": "application/json", "retry-after": "3" })
      response.end(answer(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * `skipTLSVerify` makes client-node hand out a connection pool per request. A cluster entry
 * without TLS options over https gets none; `pooled: false` stands in for that by a view
 * whose pool factory returns nothing, so requests go through fetch's global pool.
 */
const kubeConfig = (server: string, pooled: boolean): KubeConfig => {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: "c", server, skipTLSVerify: true }],
    users: [{ name: "u", token: "secret-token" }],
    contexts: [{ name: "x", cluster: "c", user: "u", namespace: "ns" }],
    currentContext: "x",
  })
  if (pooled) return kc
  const unpooled: KubeConfig = Object.create(kc)
  Object.defineProperty(unpooled, "createDispatcher", { value: () => undefined })
  return unpooled
}

const job: V1Job = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "job-a", labels: { "buildkite.com/job-uuid": "u-1" } },
  spec: {
    backoffLimit: 0,
    template: {
      spec: {
        restartPolicy: "Never",
        containers: [
          { name: "main", image: "alpine", command: ["true"], env: [{ name: "A", value: "1" }] },
        ],
      },
    },
  },
}

const jobsPath = "/apis/batch/v1/namespaces/ns/jobs"

/** The request headers both clients must agree on. */
const compared = (headers: IncomingHttpHeaders) => ({
  authorization: headers.authorization,
  accept: headers.accept,
  "content-type": headers["content-type"],
  "user-agent": headers["user-agent"],
})

describe("JsonRequest", () => {
  for (const pooled of [true, false]) {
    const through = pooled ? "a client-node connection pool" : "client-node's fetch"
    it(`sends the request client-node's createNamespacedJob sends, through ${through}`, async () => {
      const server = await recordingServer(201, (body) => {
        const created = JSON.parse(body) as V1Job
        return JSON.stringify({
          ...created,
          metadata: {
            ...created.metadata,
            uid: "uid-1",
            creationTimestamp: "2026-01-02T03:04:05Z",
          },
        })
      })
      try {
        const kc = kubeConfig(server.url, pooled)
        const generated = await kc
          .makeApiClient(BatchV1Api)
          .createNamespacedJob({ namespace: "ns", body: job })
        const plain = (await makeJsonRequests(kc).post(jobsPath, job)) as V1Job
        const [viaGenerated, viaPlain] = server.seen
        assert.isDefined(viaGenerated)
        assert.isDefined(viaPlain)
        if (viaGenerated === undefined || viaPlain === undefined) return
        assert.strictEqual(viaPlain.method, "POST")
        assert.strictEqual(viaPlain.url, viaGenerated.url)
        assert.deepStrictEqual(compared(viaPlain.headers), compared(viaGenerated.headers))
        assert.strictEqual(viaPlain.headers.authorization, "Bearer secret-token")
        assert.deepStrictEqual(JSON.parse(viaPlain.body), JSON.parse(viaGenerated.body))
        assert.strictEqual(plain.metadata?.uid, "uid-1")
        assert.strictEqual(plain.metadata?.name, generated.metadata?.name)
        // The generated client makes a Date of it; the plain answer keeps the wire text.
        assert.strictEqual(String(plain.metadata?.creationTimestamp), "2026-01-02T03:04:05Z")
        assert.strictEqual(
          generated.metadata?.creationTimestamp?.toISOString(),
          "2026-01-02T03:04:05.000Z",
        )
      } finally {
        await server.close()
      }
    })

    it(`rejects a refusal as client-node does, through ${through}`, async () => {
      const status = {
        kind: "Status",
        status: "Failure",
        reason: "AlreadyExists",
        message: 'jobs.batch "job-a" already exists',
        code: 409,
      }
      const server = await recordingServer(409, () => JSON.stringify(status))
      try {
        const kc = kubeConfig(server.url, pooled)
        const about = { kind: "Job", name: "job-a" }
        const generated = await kc
          .makeApiClient(BatchV1Api)
          .createNamespacedJob({ namespace: "ns", body: job })
          .then(
            () => assert.fail("the generated client accepted a 409"),
            (thrown: unknown) => thrown,
          )
        const plain = await makeJsonRequests(kc)
          .post(jobsPath, job)
          .then(
            () => assert.fail("the plain request accepted a 409"),
            (thrown: unknown) => thrown,
          )
        assert.instanceOf(plain, ApiException)
        if (!(plain instanceof ApiException)) return
        assert.strictEqual(plain.code, 409)
        assert.strictEqual(plain.headers["retry-after"], "3")
        assert.deepStrictEqual(toKubernetesError(plain, about), toKubernetesError(generated, about))
        assert.strictEqual(toKubernetesError(plain, about)._tag, "AlreadyExists")
        assert.strictEqual(toKubernetesError(plain, about).message, status.message)
      } finally {
        await server.close()
      }
    })
  }

  it("sends the URLs, methods and bodies of the generated clients' other calls", async () => {
    const server = await recordingServer(200, () => JSON.stringify({ items: [], metadata: {} }))
    try {
      const kc = kubeConfig(server.url, true)
      const json = makeJsonRequests(kc)
      const batch = kc.makeApiClient(BatchV1Api)
      const selector = "buildkite.com/job-uuid in (a, b),!x"
      const lease = {
        metadata: { name: "lock", resourceVersion: "7" },
        spec: { holderIdentity: "me" },
      }
      const pairs: ReadonlyArray<readonly [() => Promise<unknown>, () => Promise<unknown>]> = [
        [
          () => batch.readNamespacedJob({ name: "job-a", namespace: "ns" }),
          () => json.request("GET", `${jobsPath}/job-a`),
        ],
        [
          () => batch.listNamespacedJob({ namespace: "ns", labelSelector: selector }),
          () => json.request("GET", jobsPath, { labelSelector: selector }),
        ],
        [
          () =>
            batch.deleteNamespacedJob({
              name: "job-a",
              namespace: "ns",
              gracePeriodSeconds: 0,
              propagationPolicy: "Foreground",
            }),
          () =>
            json.request("DELETE", `${jobsPath}/job-a`, {
              gracePeriodSeconds: 0,
              propagationPolicy: "Foreground",
            }),
        ],
        [
          () =>
            batch.deleteCollectionNamespacedJob({
              namespace: "ns",
              labelSelector: selector,
              propagationPolicy: "Background",
            }),
          () =>
            json.request("DELETE", jobsPath, {
              gracePeriodSeconds: undefined,
              labelSelector: selector,
              propagationPolicy: "Background",
            }),
        ],
        [
          () =>
            kc
              .makeApiClient(CoordinationV1Api)
              .replaceNamespacedLease({ name: "lock", namespace: "ns", body: lease }),
          () =>
            json.request(
              "PUT",
              "/apis/coordination.k8s.io/v1/namespaces/ns/leases/lock",
              {},
              lease,
            ),
        ],
      ]
      for (const [generated, plain] of pairs) {
        await generated()
        await plain()
        const viaPlain = server.seen.pop()
        const viaGenerated = server.seen.pop()
        assert.isDefined(viaGenerated)
        assert.isDefined(viaPlain)
        if (viaGenerated === undefined || viaPlain === undefined) return
        assert.strictEqual(viaPlain.method, viaGenerated.method)
        assert.strictEqual(viaPlain.url, viaGenerated.url)
        assert.strictEqual(viaPlain.headers.authorization, "Bearer secret-token")
        assert.strictEqual(viaPlain.headers["user-agent"], viaGenerated.headers["user-agent"])
        assert.deepStrictEqual(
          viaPlain.body === "" ? undefined : JSON.parse(viaPlain.body),
          viaGenerated.body === "" ? undefined : JSON.parse(viaGenerated.body),
        )
      }
    } finally {
      await server.close()
    }
  })
})
