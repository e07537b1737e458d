/** Small helpers for container environment lists. */
import type { V1EnvVar } from "@kubernetes/client-node"

export const envVar = (name: string, value: string): V1EnvVar => ({ name, value })

/** Replaces the variable of that name in place, or appends it: later settings win. */
export const setEnv = (env: ReadonlyArray<V1EnvVar>, variable: V1EnvVar): Array<V1EnvVar> => {
  const index = env.findIndex((entry) => entry.name === variable.name)
  if (index === -1) return [...env, variable]
  return env.map((entry, i) => (i === index ? variable : entry))
}

export const hasEnv = (env: ReadonlyArray<V1EnvVar> | undefined, name: string): boolean =>
  (env ?? []).some((entry) => entry.name === name)

/** Removes variables the controller owns, so user input cannot shadow them. */
export const withoutEnv = (
  env: ReadonlyArray<V1EnvVar> | undefined,
  reserved: ReadonlySet<string>,
): Array<V1EnvVar> => (env ?? []).filter((entry) => !reserved.has(entry.name))

/** `{ envFrom: list }` when the list has entries, else nothing: no empty lists in the output. */
export const envFromField = <T>(list: ReadonlyArray<T>): { envFrom?: Array<T> } =>
  list.length === 0 ? {} : { envFrom: [...list] }
