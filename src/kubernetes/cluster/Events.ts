/**
 * Kubernetes Events recorded by the in-memory cluster's controllers. A repeat of the same
 * reason and message about the same object bumps `count` and `lastTimestamp`, as the
 * event recorder does.
 */
import type { CoreV1Event, KubernetesObject } from "@kubernetes/client-node"
import { events } from "./Resources.ts"
import type { Store } from "./Store.ts"

export interface EventInput {
  readonly involved: KubernetesObject
  readonly type: "Normal" | "Warning"
  readonly reason: string
  readonly message: string
  readonly component: string
}

export const recordEvent = (store: Store, input: EventInput): void => {
  const metadata = input.involved.metadata ?? {}
  const namespace = metadata.namespace ?? ""
  const now = new Date(store.now())
  const existing = store
    .select(events, namespace, {
      fieldSelector: `involvedObject.uid=${metadata.uid ?? ""},reason=${input.reason}`,
    })
    .map((item) => item as CoreV1Event)
    .find((event) => event.message === input.message)
  if (existing !== undefined) {
    store.mutate(events, namespace, existing.metadata.name ?? "", (object) => {
      const event = object as CoreV1Event
      event.count = (event.count ?? 1) + 1
      event.lastTimestamp = now
    })
    return
  }
  const event: CoreV1Event = {
    metadata: { generateName: `${metadata.name ?? "object"}.` },
    involvedObject: {
      kind: input.involved.kind ?? "",
      name: metadata.name ?? "",
      namespace,
      uid: metadata.uid ?? "",
      ...(input.involved.apiVersion === undefined ? {} : { apiVersion: input.involved.apiVersion }),
    },
    type: input.type,
    reason: input.reason,
    message: input.message,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: input.component },
  }
  store.create(events, namespace, event)
}
