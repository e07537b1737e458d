/** Pull policies of the containers the controller adds (upstream section 3.6). */
import type { PullPolicy } from "../BuildConfig.ts"
import { hasDigest } from "../ImageReference.ts"

/** `IfNotPresent` for an image pinned by digest, `Always` for a tag that may move. */
export const digestRule = (image: string): PullPolicy =>
  hasDigest(image) ? "IfNotPresent" : "Always"

/** Preference rank: an unknown or empty policy ranks lowest. */
export const rank = (policy: string | undefined): number =>
  policy === "Always" ? 3 : policy === "IfNotPresent" ? 2 : policy === "Never" ? 1 : 0

export const firstPolicy = (...policies: ReadonlyArray<string | undefined>): string | undefined =>
  policies.find((policy) => policy !== undefined && policy !== "")

/** The policy of agent, checkout and copy-agent: the configured default, else the digest rule. */
export const stackPullPolicy = (defaultPolicy: PullPolicy | undefined, image: string): string =>
  firstPolicy(defaultPolicy, digestRule(image)) ?? "Always"
