import type { SplitKind } from './split';

/**
 * What Canary Lens knows about each served apiVersion of a split kind. Rules read these facts instead of
 * branching on kind, so a new version is one row here plus its schema.
 */
export interface ApiVersionInfo {
  kind: SplitKind;
  apiVersion: string;
  /** TrafficSplit v1alpha1 weights are Kubernetes quantities; every other version uses integers. */
  weightUnit: 'integer' | 'quantity';
  /** Largest allowed weight (Gateway API: 1,000,000). */
  weightMax?: number;
  /** Weight of a backend that omits `weight` (Gateway API: 1); undefined when `weight` is required. */
  defaultWeight?: number;
  /** Set when the version is served only by old bundles: the warning's text. */
  old?: string;
  /** Linkerd serves this version (TrafficSplit v1alpha3/v1alpha4 it never did). */
  linkerdServes: boolean;
  /** Linkerd reads the split but ignores `matches`. */
  linkerdIgnoresMatches: boolean;
  /** Linkerd prefers a ServiceProfile with dstOverrides over this resource. */
  shadowedByServiceProfile: boolean;
  /** Deprecated in favour of another kind: the hint's text. */
  deprecated?: string;
  /** Group a parentRef without `group` defaults to. */
  parentDefaultGroup?: string;
  /** A parentRef must say `kind: Service` to attach to a Service (no Gateway default makes sense). */
  parentKindRequired?: boolean;
}

const SMI = 'split.smi-spec.io';
const GATEWAY = 'gateway.networking.k8s.io';
const POLICY = 'policy.linkerd.io';

function trafficSplit(version: string, linkerdServes: boolean): ApiVersionInfo {
  return {
    kind: 'TrafficSplit',
    apiVersion: `${SMI}/${version}`,
    weightUnit: version === 'v1alpha1' ? 'quantity' : 'integer',
    linkerdServes,
    linkerdIgnoresMatches: true,
    shadowedByServiceProfile: false,
    deprecated: 'TrafficSplit is deprecated since Linkerd 2.13 (linkerd-smi); an HTTPRoute with a Service parent does the same',
  };
}

function httpRoute(group: string, version: string, old?: string): ApiVersionInfo {
  return {
    kind: 'HTTPRoute',
    apiVersion: `${group}/${version}`,
    weightUnit: 'integer',
    weightMax: 1_000_000,
    defaultWeight: 1,
    linkerdServes: true,
    linkerdIgnoresMatches: false,
    shadowedByServiceProfile: true,
    parentDefaultGroup: group,
    parentKindRequired: group === POLICY,
    ...(old ? { old } : {}),
  };
}

export const API_VERSIONS: readonly ApiVersionInfo[] = [
  trafficSplit('v1alpha1', true),
  trafficSplit('v1alpha2', true),
  trafficSplit('v1alpha3', false),
  trafficSplit('v1alpha4', false),
  httpRoute(GATEWAY, 'v1'),
  httpRoute(GATEWAY, 'v1beta1'),
  httpRoute(GATEWAY, 'v1alpha2',
    'gateway.networking.k8s.io/v1alpha2 is served only by Gateway API bundles older than v1.0 (Linkerd 2.17 and before); use gateway.networking.k8s.io/v1'),
  httpRoute(POLICY, 'v1beta1'),
  httpRoute(POLICY, 'v1beta2'),
  httpRoute(POLICY, 'v1beta3'),
];

export function apiVersionInfo(kind: string, apiVersion: string): ApiVersionInfo | undefined {
  return API_VERSIONS.find((a) => a.kind === kind && a.apiVersion === apiVersion);
}

export function servedVersions(kind: string): string[] {
  return API_VERSIONS.filter((a) => a.kind === kind).map((a) => a.apiVersion);
}

export function isSplitKind(kind: unknown): kind is SplitKind {
  return kind === 'TrafficSplit' || kind === 'HTTPRoute';
}
