/**
 * The store's selector lookups go through label and field indexes: they must answer
 * exactly what a scan of every object would, in creation order, as objects are created,
 * relabelled and removed. Also the watch history's trimming and watches that share the
 * stored objects instead of copying them.
 */
import { assert, describe, it } from "@effect/vitest"
import type { CoreV1Event, KubernetesObject } from "@kubernetes/client-node"
import { events, pods } from "../../../src/kubernetes/cluster/Resources.ts"
import { StatusFailure } from "../../../src/kubernetes/cluster/StatusFailure.ts"
import { type ChangeType, Store } from "../../../src/kubernetes/cluster/Store.ts"
import { matchesLabels, parseLabelSelector } from "../../../src/kubernetes/LabelSelector.ts"

const namespace = "ci"
const makeStore = (historyLimit?: number) =>
  new Store({ now: () => 0, ...(historyLimit === undefined ? {} : { historyLimit }) })

const pod = (name: string, labels: Record<string, string>): KubernetesObject => ({
  metadata: { name, labels },
})

const names = (items: ReadonlyArray<KubernetesObject>) =>
  items.map((item) => item.metadata?.name ?? "")

/** What a scan of every Pod in the namespace selects, in creation order. */
const scanned = (all: ReadonlyArray<KubernetesObject>, selector: string) => {
  const parsed = parseLabelSelector(selector)
  if (typeof parsed === "string") throw new Error(parsed)
  return names(all.filter((item) => matchesLabels(parsed, item.metadata?.labels)))
}

describe("Store", () => {
  it("selects by label through the index as a scan of every object would, in creation order", () => {
    const store = makeStore()
    for (let i = 0; i < 12; i++)
      store.create(pods, namespace, pod(`p${i}`, { job: `j${i % 3}`, tier: i % 2 ? "a" : "b" }))
    store.create(pods, "other", pod("elsewhere", { job: "j0", tier: "a" }))
    // Relabelling moves an object between index entries; removal drops it.
    store.mutate(pods, namespace, "p0", (object) => {
      object.metadata = { ...object.metadata, labels: { job: "j2", tier: "b" } }
    })
    store.update(pods, namespace, pod("p4", { job: "j0" }))
    store.remove(pods, namespace, "p3")
    store.create(pods, namespace, pod("p3", { job: "j0", tier: "a" }))
    const all = store.list(pods, namespace).items
    for (const selector of [
      "job=j0",
      "job==j2",
      "job in (j2,j0)",
      "job in (j1,j1,missing)",
      "job=j0,tier=a",
      "tier=a,job in (j0,j1)",
      "job=missing",
      "tier",
      "!tier",
      "job notin (j0)",
      "job!=j1,tier=b",
      "",
    ]) {
      assert.deepStrictEqual(
        names(store.list(pods, namespace, { labelSelector: selector }).items),
        scanned(all, selector),
        selector,
      )
      assert.deepStrictEqual(
        names(store.select(pods, namespace, { labelSelector: selector })),
        scanned(all, selector),
        selector,
      )
    }
    // p4 joined j0 after p6 and p9 did but keeps its place; p3 was created again last.
    assert.deepStrictEqual(names(store.list(pods, namespace, { labelSelector: "job=j0" }).items), [
      "p4",
      "p6",
      "p9",
      "p3",
    ])
  })

  it("selects Events by indexed fields, also after an Event is removed", () => {
    const store = makeStore()
    const event = (name: string, uid: string, reason: string): CoreV1Event => ({
      metadata: { name },
      involvedObject: { kind: "Job", name: `job-${uid}`, uid },
      reason,
      message: name,
    })
    store.create(events, namespace, event("e1", "u1", "SuccessfulCreate"))
    store.create(events, namespace, event("e2", "u2", "SuccessfulCreate"))
    store.create(events, namespace, event("e3", "u1", "FailedCreate"))
    store.create(events, namespace, event("e4", "u1", "SuccessfulCreate"))
    store.remove(events, namespace, "e4")
    const select = (fieldSelector: string) =>
      names(store.list(events, namespace, { fieldSelector }).items)
    assert.deepStrictEqual(select("involvedObject.uid=u1"), ["e1", "e3"])
    assert.deepStrictEqual(select("involvedObject.uid=u1,reason=FailedCreate"), ["e3"])
    assert.deepStrictEqual(select("involvedObject.uid==u1,reason!=FailedCreate"), ["e1"])
    assert.deepStrictEqual(select("involvedObject.kind=Job,involvedObject.name=job-u2"), ["e2"])
    assert.deepStrictEqual(select("involvedObject.uid!=u1"), ["e2"])
    assert.deepStrictEqual(select("involvedObject.uid=u9"), [])
    assert.deepStrictEqual(select("reason=SuccessfulCreate"), ["e1", "e2"])
  })

  it("lists copies but selects the stored objects", () => {
    const store = makeStore()
    store.create(pods, namespace, pod("p", { job: "j" }))
    const [listed] = store.list(pods, namespace, { labelSelector: "job=j" }).items
    const [selected] = store.select(pods, namespace, { labelSelector: "job=j" })
    assert.notStrictEqual(listed, selected)
    assert.strictEqual(selected, store.peek(pods, namespace, "p"))
    assert.deepStrictEqual(listed, selected)
  })

  it("copies Dates and nested values, so a caller's changes never reach the store", () => {
    const store = makeStore()
    const created = store.create(pods, namespace, {
      metadata: { name: "p", labels: { job: "j" } },
      status: { startTime: new Date(5), conditions: [{ type: "Ready", status: "True" }] },
    } as KubernetesObject)
    const found = store.find(pods, namespace, "p") as {
      status: { startTime: Date; conditions: Array<{ status: string }> }
    }
    assert.instanceOf(found.status.startTime, Date)
    assert.strictEqual(found.status.startTime.getTime(), 5)
    found.status.startTime.setTime(9)
    const condition = found.status.conditions[0]
    if (condition !== undefined) condition.status = "False"
    assert.deepStrictEqual(store.find(pods, namespace, "p"), created)
  })

  it("keeps the last `historyLimit` changes for resuming watches and answers 410 before them", () => {
    const store = makeStore(3)
    for (let i = 0; i < 20; i++) store.create(pods, namespace, pod(`p${i}`, {}))
    const from = store.resourceVersion - 3
    const replayed: Array<string> = []
    store
      .watch(
        pods,
        namespace,
        undefined,
        String(from),
        (_, object) => replayed.push(object.metadata?.name ?? ""),
        () => {},
      )
      .close()
    assert.deepStrictEqual(replayed, ["p17", "p18", "p19"])
    try {
      store.watch(
        pods,
        namespace,
        undefined,
        String(from - 1),
        () => {},
        () => {},
      )
      assert.fail("a compacted resourceVersion must answer 410")
    } catch (thrown) {
      assert.instanceOf(thrown, StatusFailure)
      assert.strictEqual(thrown.code, 410)
    }
  })

  it("hands a shared watch the stored objects and other watches copies", () => {
    const store = makeStore()
    const seen: Array<{ type: ChangeType; object: KubernetesObject; shared: boolean }> = []
    for (const shared of [true, false])
      store.watch(
        pods,
        namespace,
        "job=j",
        "",
        (type, object) => seen.push({ type, object, shared }),
        () => {},
        { shared },
      )
    store.create(pods, namespace, pod("p", { job: "j" }))
    const stored = store.peek(pods, namespace, "p")
    assert.deepStrictEqual(
      seen.map(({ type, shared }) => `${type} ${shared}`),
      ["ADDED true", "ADDED false"],
    )
    assert.strictEqual(seen[0]?.object, stored)
    assert.notStrictEqual(seen[1]?.object, stored)
    assert.deepStrictEqual(seen[1]?.object, stored)
  })
})
