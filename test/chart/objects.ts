/**
 * Accessors for the parts of a rendered chart the tests look at.
 */
import { parse } from "yaml"
import { findObject, type Rendered } from "./helm.ts"

/** Shares one render between the tests of a file. */
export const memo = <A>(make: () => Promise<A>): (() => Promise<A>) => {
  let cached: Promise<A> | undefined
  return () => {
    cached ??= make()
    return cached
  }
}

export interface Container {
  readonly name: string
  readonly image: string
  readonly securityContext: Record<string, unknown>
  readonly env: ReadonlyArray<{ name: string; value?: string }>
  readonly envFrom?: unknown
  readonly ports: ReadonlyArray<Record<string, unknown>>
  readonly livenessProbe: { httpGet: { path: string; port: string } }
  readonly readinessProbe: { httpGet: { path: string; port: string } }
  readonly volumeMounts: ReadonlyArray<{ readonly name: string } & Record<string, unknown>>
  readonly terminationMessagePolicy: string
}

export interface PodTemplate {
  readonly metadata: { labels: Record<string, string>; annotations: Record<string, string> }
  readonly spec: {
    readonly serviceAccountName: string
    readonly securityContext: Record<string, unknown>
    readonly containers: ReadonlyArray<Container>
  }
}

export const podTemplate = (objects: ReadonlyArray<Rendered>): PodTemplate =>
  (findObject(objects, "Deployment").spec as { template: PodTemplate }).template

export const controller = (objects: ReadonlyArray<Rendered>): Container => {
  const [container, ...others] = podTemplate(objects).spec.containers
  if (container === undefined || others.length > 0) throw new Error("Expected one container")
  return container
}

export const configFile = (objects: ReadonlyArray<Rendered>): Record<string, unknown> => {
  const data = findObject(objects, "ConfigMap", "-config").data as { "config.yaml": string }
  return parse(data["config.yaml"]) as Record<string, unknown>
}
