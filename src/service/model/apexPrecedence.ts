import type { ApiVersionInfo } from './kinds';

/**
 * Which of the splits that take one apex Service Linkerd uses. Pure: the rule `split-not-in-effect`, the panel (through
 * `src/stats`, which the extension may import) and the demo's simulator all ask this one function.
 *
 * - A ServiceProfile with routes or dstOverrides replaces the outbound policy's routes for its Service: the proxy uses
 *   the profile and never the HTTPRoutes/GRPCRoutes (linkerd/linkerd2-proxy `linkerd/app/outbound/src/sidecar.rs`,
 *   `HttpSidecar::from`, and `should_override_policy` / `has_routes_or_targets` in
 *   `linkerd/app/outbound/src/http/logical/profile.rs`). linkerd-smi turns a TrafficSplit into such dstOverrides, so a
 *   TrafficSplit Linkerd serves takes its apex from every route on it (see `metrics.family` in `kinds.ts`).
 * - Between routes on one parent, Linkerd's policy controller orders them oldest first (routes with a creation time
 *   before those without), then by name (linkerd/linkerd2 `policy-controller/grpc/src/outbound.rs`,
 *   `timestamp_then_name`; Gateway API asks for the oldest, then `{namespace}/{name}` order, kubernetes-sigs/gateway-api
 *   `apis/v1/httproute_types.go`; Linkerd compares the names alone, and so does this); the proxy takes the first of
 *   equally specific matches, so only rules with the same matches conflict.
 */
export interface ApexClaim {
  kind: string;
  name: string;
  /** The object's namespace. */
  namespace: string;
  /** The apex Service's namespace and name. */
  apexNamespace: string;
  apex: string;
  /** The parent port; absent: every port of the Service. */
  port?: number;
  /** Linkerd serves it as a ServiceProfile with dstOverrides (linkerd-smi's TrafficSplit): see `servedAsProfile`. */
  viaProfile: boolean;
  /** Canonical matches of the rule (the split model's `matchKey`); routes' rules conflict only when they are equal. */
  matchKey?: string;
  /** metadata.creationTimestamp (RFC 3339), known only from the cluster. */
  createdAt?: string;
  /** The rule, for an HTTPRoute with several. */
  rule?: number;
  /** Known only from the cluster (the workspace has no copy of the object). */
  inCluster?: boolean;
}

export type PrecedenceReason = 'service-profile' | 'created-earlier' | 'name-order';

export interface Shadowed {
  /** The claim Linkerd uses instead. */
  winner: ApexClaim;
  reason: PrecedenceReason;
}

/** A version Linkerd serves that no profile shadows is one linkerd-smi turns into a profile (TrafficSplit). */
export function servedAsProfile(api: ApiVersionInfo | undefined): boolean {
  return !!api && api.linkerdServes && !api.shadowedByServiceProfile;
}

const portsOverlap = (a: ApexClaim, b: ApexClaim): boolean => a.port === undefined || b.port === undefined || a.port === b.port;
const same = (a: ApexClaim, b: ApexClaim): boolean =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && a.rule === b.rule;

/** Route order: the policy controller's `timestamp_then_name` (RFC 3339 times of one zone compare as strings). */
function routeOrder(a: ApexClaim, b: ApexClaim): number {
  if (a.createdAt !== undefined && b.createdAt !== undefined && a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  if (a.createdAt !== undefined && b.createdAt === undefined) return -1;
  if (a.createdAt === undefined && b.createdAt !== undefined) return 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Who takes `claim`'s apex from it, among `others` (which may include `claim` itself); undefined when it is in effect.
 * Two TrafficSplits on one apex both feed one profile: which wins is not known here, so neither is said to lose.
 */
export function shadowedBy(claim: ApexClaim, others: readonly ApexClaim[]): Shadowed | undefined {
  const rivals = others.filter((o) => !same(o, claim) && o.apexNamespace === claim.apexNamespace && o.apex === claim.apex && portsOverlap(o, claim));
  if (claim.viaProfile) return undefined;
  const profile = rivals.filter((o) => o.viaProfile).sort(routeOrder)[0];
  if (profile) return { winner: profile, reason: 'service-profile' };
  const earlier = rivals
    .filter((o) => o.kind === claim.kind && o.matchKey === claim.matchKey && routeOrder(o, claim) < 0)
    .sort(routeOrder)[0];
  if (!earlier) return undefined;
  const byTime = earlier.createdAt !== undefined && earlier.createdAt !== claim.createdAt;
  return { winner: earlier, reason: byTime ? 'created-earlier' : 'name-order' };
}

/** The claims in effect, in their order: what the simulator sends traffic through. */
export function claimsInEffect<T extends ApexClaim>(claims: readonly T[]): T[] {
  return claims.filter((c) => !shadowedBy(c, claims));
}

/** "TrafficSplit web-svc-ts takes web-apex: …", the why in words (for diagnostics and the panel's title). */
export function describeShadow(s: Shadowed): string {
  const w = s.winner;
  const where = `${w.apex}${w.port !== undefined ? `:${w.port}` : ''}`;
  const who = `${w.kind} ${w.name}${w.rule !== undefined ? ` rule ${w.rule}` : ''}${w.inCluster ? ' (in the cluster)' : ''}`;
  switch (s.reason) {
    case 'service-profile':
      return `${who} takes ${where}: linkerd-smi turns it into a ServiceProfile, which Linkerd prefers to routes`;
    case 'created-earlier':
      return `${who} takes ${where}: it was created earlier, and Linkerd orders routes of one parent oldest first`;
    case 'name-order':
      return `${who} takes ${where}: with the same matches, Linkerd orders routes of one parent oldest first, then by name (without creation times, as in the workspace, it comes first by name)`;
  }
}
