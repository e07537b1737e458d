/**
 * Pure rules of the leader Lease (`coordination.k8s.io/v1`): who may take it, and the
 * record a holder writes. Expiry is judged by when this replica last *saw the record
 * change* on its own clock, not by the `renewTime` written by another replica, so clock
 * skew between nodes cannot make a live leader look dead.
 */
import type { V1Lease } from "@kubernetes/client-node"
import { timestampMillis } from "../kube/Timestamp.ts"

/** What a replica remembers of the Lease between attempts. */
export interface Observed {
  /** `holderIdentity` and `renewTime` as last read, joined: a change means a live holder. */
  readonly record: string
  /** This replica's clock when `record` last changed. */
  readonly atMillis: number
}

/** The holder named by the Lease, or "" when nobody holds it. */
export const holderOf = (lease: V1Lease): string => lease.spec?.holderIdentity ?? ""

const recordOf = (lease: V1Lease): string =>
  `${holderOf(lease)}@${timestampMillis(lease.spec?.renewTime) ?? ""}`

/** Updates what this replica has seen: the clock restarts whenever the record changes. */
export const observe = (
  previous: Observed | undefined,
  lease: V1Lease,
  nowMillis: number,
): Observed => {
  const record = recordOf(lease)
  return previous !== undefined && previous.record === record
    ? previous
    : { record, atMillis: nowMillis }
}

/**
 * Whether `identity` may write itself into the Lease now: it holds it already, nobody
 * does, or the holder has not renewed for a whole lease duration as seen from here.
 */
export const mayTake = (
  lease: V1Lease,
  observed: Observed,
  identity: string,
  nowMillis: number,
  leaseDurationMillis: number,
): boolean => {
  const holder = holderOf(lease)
  if (holder === "" || holder === identity) return true
  return nowMillis - observed.atMillis >= leaseDurationMillis
}

const leaseSeconds = (millis: number): number => Math.max(1, Math.ceil(millis / 1000))

/** The Lease as written by `identity` taking or renewing it at `nowMillis`. */
export const heldBy = (
  lease: V1Lease,
  identity: string,
  nowMillis: number,
  leaseDurationMillis: number,
): V1Lease => {
  const spec = lease.spec ?? {}
  const now = new Date(nowMillis)
  const taking = holderOf(lease) !== identity
  return {
    ...lease,
    spec: {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds(leaseDurationMillis),
      renewTime: now,
      ...(taking ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
    },
  }
}

/** A new Lease held by `identity`. */
export const newLease = (
  name: string,
  identity: string,
  nowMillis: number,
  leaseDurationMillis: number,
): V1Lease => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name },
  spec: {
    holderIdentity: identity,
    leaseDurationSeconds: leaseSeconds(leaseDurationMillis),
    acquireTime: new Date(nowMillis),
    renewTime: new Date(nowMillis),
    leaseTransitions: 0,
  },
})

/** The Lease given up by its holder on a clean stop, so a standby takes over at once. */
export const released = (lease: V1Lease): V1Lease => {
  const { holderIdentity: _holder, ...rest } = lease.spec ?? {}
  return { ...lease, spec: { ...rest, leaseDurationSeconds: 1 } }
}
