import type { Document } from 'yaml';
import type { DocumentHeader } from './adapters/header';
import { adaptGrpcRoute, adaptHttpRoute } from './adapters/httpRoute';
import { adaptTrafficSplit } from './adapters/trafficSplit';
import * as gr from './schemas/grpcRoute';
import * as hr from './schemas/httpRoute';
import type { JsonSchema } from './schemas/jsonSchema';
import * as ts from './schemas/trafficSplit';
import { refusedGrpcMatch, refusedHttpMatch } from './linkerdMatches';
import type { SplitDocument } from './split';
import type { MatchDialect } from './matchCoverage';
import { CONTROLLER_KINDS, isControllerKind } from './deliveryKinds';

/**
 * The one registry of split kinds. Everything kind-specific is a row here: the apiVersions and what each means
 * (weight unit, defaults, what Linkerd serves), the schema of each, the adapter to the split model, how the
 * cluster lists and watches the kind, and how Linkerd's metrics measure it. Rules, features, the cluster layer and
 * the stats module read these facts instead of branching on the kind.
 *
 * Adding a kind: a member of `SplitKind` (in the protocol, which both sides share), its entry in `KINDS` (the compiler asks for it), its adapter in
 * `adapters/` and its schemas in `schemas/`.
 */
import type { SplitKind } from '../../protocol/messages';

export type { SplitKind } from '../../protocol/messages';

/**
 * The two Linkerd proxy metric families: `authority` (`response_total`, `response_latency_ms`) and `route`
 * (`outbound_http_route_backend_*`, Linkerd 2.17+), both in https://linkerd.io/2.19/reference/proxy-metrics/.
 */
export type MetricFamily = 'authority' | 'route';

/** What a Service port speaks, when it says so (workspace/context.ts `portProtocol` reads it from the port). */
export type PortProtocol = 'grpc';

/** A kind the "convert" refactor can rewrite a split into. */
export interface ConversionTarget {
  kind: SplitKind;
  apiVersion: string;
  /** Chosen only when the apex Service's port speaks this protocol; a target without one fits any port. */
  apexProtocol?: PortProtocol;
}

/** What Canary Lens knows about one served apiVersion of a split kind. */
export interface ApiVersionInfo {
  kind: SplitKind;
  apiVersion: string;
  /** The CRD's openAPIV3Schema at this version, as written in `schemas/`. */
  schema: JsonSchema;
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

/** One API group of a kind as the cluster layer lists and watches it. */
export interface ClusterResource {
  /** Stable id of the (group, plural) pair: keys watchers and states. */
  id: string;
  group: string;
  plural: string;
  /** Versions to list and watch, in order of preference: the first one the API server serves is used. */
  versions: readonly string[];
  /** Label for states ("HTTPRoutes (gateway.networking.k8s.io)"). */
  label: string;
  /** The state's text when the CRD is not installed, with the next step. */
  missing: string;
}

/** Builds the split model of a parsed document of the kind; `header` holds the kind-independent parts. */
export type Adapter = (doc: Document.Parsed, header: DocumentHeader) => SplitDocument;

export interface KindEntry<K extends SplitKind = SplitKind> {
  kind: K;
  /** Plural for messages ("2 HTTPRoutes"). */
  plural: string;
  /** Served apiVersions, newest first within a group. */
  versions: readonly ApiVersionInfo[];
  adapter: Adapter;
  /** How Linkerd's proxy scores the kind's rule matches, to find rules earlier ones cover; absent: only equal matches count. */
  matchDialect?: MatchDialect;
  /**
   * The filter types Linkerd's policy controller implements for the kind, in rules and backendRefs alike (others make it
   * drop the route or the backend); absent: the kind has no filters.
   */
  linkerdFilters?: readonly string[];
  /** A rule match Linkerd's policy controller cannot convert, in words (it then skips the whole route); absent: none. */
  linkerdRefusedMatch?: (match: unknown) => string | undefined;
  /**
   * What Linkerd recommends instead, when the "convert" refactor rewrites this kind: the first target whose
   * `apexProtocol` fits the apex port (or that has none) is used.
   */
  convertsTo?: readonly ConversionTarget[];
  cluster: readonly ClusterResource[];
  /** What to install to get the kind's CRD, for messages ("linkerd-smi"). */
  install: string;
  metrics: {
    /**
     * The family Linkerd measures the kind in: linkerd-smi turns a TrafficSplit into ServiceProfile dstOverrides,
     * seen by the authority family (linkerd/linkerd-smi `pkg/adaptor/controller.go`); HTTPRoutes are routes of the
     * outbound policy, measured by `outbound_http_route_*` (https://linkerd.io/2-edge/reference/proxy-metrics/).
     */
    family: MetricFamily;
    /**
     * In the route family, the `route_kind` whose series are the split's own (with `route_name` = its name); absent
     * when the kind has no route of its own there, so every route of the apex counts.
     */
    routeKind?: string;
  };
}

const SMI = 'split.smi-spec.io';
const GATEWAY = 'gateway.networking.k8s.io';
const POLICY = 'policy.linkerd.io';

function trafficSplit(version: string, schema: JsonSchema, linkerdServes: boolean): ApiVersionInfo {
  return {
    kind: 'TrafficSplit',
    apiVersion: `${SMI}/${version}`,
    schema,
    weightUnit: version === 'v1alpha1' ? 'quantity' : 'integer',
    linkerdServes,
    linkerdIgnoresMatches: true,
    shadowedByServiceProfile: false,
    deprecated: 'TrafficSplit is deprecated since Linkerd 2.13 (linkerd-smi); an HTTPRoute (a GRPCRoute for gRPC) with a Service parent does the same',
  };
}

/** A Gateway API style route (HTTPRoute, GRPCRoute): weighted backendRefs per rule, attached through parentRefs. */
function gatewayRoute(kind: 'HTTPRoute' | 'GRPCRoute', group: string, version: string, schema: JsonSchema, old?: string): ApiVersionInfo {
  return {
    kind,
    apiVersion: `${group}/${version}`,
    schema,
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

export const KINDS: { readonly [K in SplitKind]: KindEntry<K> } = {
  TrafficSplit: {
    kind: 'TrafficSplit',
    plural: 'TrafficSplits',
    versions: [
      trafficSplit('v1alpha1', ts.trafficSplitV1alpha1, true),
      trafficSplit('v1alpha2', ts.trafficSplitV1alpha2, true),
      trafficSplit('v1alpha3', ts.trafficSplitV1alpha3, false),
      trafficSplit('v1alpha4', ts.trafficSplitV1alpha4, false),
    ],
    adapter: adaptTrafficSplit,
    // Linkerd 2.13+ routes with HTTPRoute (GRPCRoute for gRPC); a TrafficSplit becomes a route with its apex Service
    // as parent. A GRPCRoute's rules match gRPC requests only, so it is chosen when the apex port says it speaks gRPC.
    convertsTo: [
      { kind: 'GRPCRoute', apiVersion: `${GATEWAY}/v1`, apexProtocol: 'grpc' },
      { kind: 'HTTPRoute', apiVersion: `${GATEWAY}/v1` },
    ],
    cluster: [{
      id: 'trafficsplits', group: SMI, plural: 'trafficsplits', versions: ['v1alpha2', 'v1alpha1'],
      label: 'TrafficSplits', missing: 'TrafficSplit CRD not installed: install linkerd-smi',
    }],
    install: 'linkerd-smi',
    metrics: { family: 'authority' },
  },
  HTTPRoute: {
    kind: 'HTTPRoute',
    plural: 'HTTPRoutes',
    versions: [
      gatewayRoute('HTTPRoute', GATEWAY, 'v1', hr.gatewayHttpRouteV1),
      gatewayRoute('HTTPRoute', GATEWAY, 'v1beta1', hr.gatewayHttpRouteV1beta1),
      gatewayRoute('HTTPRoute', GATEWAY, 'v1alpha2', hr.gatewayHttpRouteV1alpha2,
        'gateway.networking.k8s.io/v1alpha2 is served only by Gateway API bundles older than v1.0 (Linkerd 2.17 and before); use gateway.networking.k8s.io/v1'),
      gatewayRoute('HTTPRoute', POLICY, 'v1beta1', hr.policyHttpRouteV1beta1),
      gatewayRoute('HTTPRoute', POLICY, 'v1beta2', hr.policyHttpRouteV1beta2),
      gatewayRoute('HTTPRoute', POLICY, 'v1beta3', hr.policyHttpRouteV1beta3),
    ],
    adapter: adaptHttpRoute,
    matchDialect: 'http',
    // linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index/http.rs: `convert_gateway_filter`,
    // `convert_gateway_backend_filter` and `convert_linkerd_filter` know these three and bail on any other.
    linkerdFilters: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect'],
    linkerdRefusedMatch: refusedHttpMatch,
    cluster: [
      {
        id: 'httproutes-gateway', group: GATEWAY, plural: 'httproutes', versions: ['v1', 'v1beta1'],
        label: 'HTTPRoutes (gateway.networking.k8s.io)',
        missing: 'Gateway API HTTPRoute CRD not installed: install the Gateway API CRDs (Linkerd 2.14+ can install them)',
      },
      {
        id: 'httproutes-policy', group: POLICY, plural: 'httproutes', versions: ['v1beta3', 'v1beta2', 'v1beta1'],
        label: 'HTTPRoutes (policy.linkerd.io)',
        missing: 'Linkerd HTTPRoute CRD not installed: install the Linkerd CRDs (linkerd install --crds)',
      },
    ],
    install: 'the Gateway API CRDs',
    metrics: { family: 'route', routeKind: 'HTTPRoute' },
  },
  GRPCRoute: {
    kind: 'GRPCRoute',
    plural: 'GRPCRoutes',
    versions: [
      gatewayRoute('GRPCRoute', GATEWAY, 'v1', gr.gatewayGrpcRouteV1),
      // kubernetes-sigs/gateway-api config/crd: v1.0 serves only v1alpha2 (experimental channel), v1.1 serves it in its
      // experimental channel only, v1.2 not at all. linkerd/linkerd2 charts/linkerd-crds installed v0.7.1 (v1alpha2
      // only) up to 2.17, v1.1.1 experimental from 2.18.
      gatewayRoute('GRPCRoute', GATEWAY, 'v1alpha2', gr.gatewayGrpcRouteV1alpha2,
        'GRPCRoute gateway.networking.k8s.io/v1alpha2 is served only by Gateway API bundles before v1.2 (v1.1: experimental channel only), such as Linkerd 2.17 and before install; use gateway.networking.k8s.io/v1'),
    ],
    adapter: adaptGrpcRoute,
    matchDialect: 'grpc',
    // linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index/grpc.rs: `convert_filter` and
    // `convert_backend_filter` know these two and bail on any other.
    linkerdFilters: ['RequestHeaderModifier', 'ResponseHeaderModifier'],
    linkerdRefusedMatch: refusedGrpcMatch,
    cluster: [{
      id: 'grpcroutes-gateway', group: GATEWAY, plural: 'grpcroutes', versions: ['v1', 'v1alpha2'],
      label: 'GRPCRoutes (gateway.networking.k8s.io)',
      missing: 'Gateway API GRPCRoute CRD not installed: install the Gateway API CRDs (v1.1 or later for GRPCRoute v1)',
    }],
    install: 'the Gateway API CRDs',
    // Linkerd measures GRPCRoutes in the outbound_grpc_route_* series (linkerd/linkerd2-proxy
    // linkerd/app/outbound/src/http/logical/policy/route/metrics/labels.rs), route_kind GRPCRoute.
    metrics: { family: 'route', routeKind: 'GRPCRoute' },
  },
};

/** Every split kind, in the registry's order. */
export const SPLIT_KINDS: readonly SplitKind[] = Object.keys(KINDS) as SplitKind[];

/** Every served apiVersion of every kind. */
export const API_VERSIONS: readonly ApiVersionInfo[] = SPLIT_KINDS.flatMap((k) => KINDS[k].versions);

/** Every resource the cluster layer lists for splits, with the kind it holds. */
export const SPLIT_RESOURCES: readonly (ClusterResource & { kind: SplitKind })[] =
  SPLIT_KINDS.flatMap((kind) => KINDS[kind].cluster.map((r) => ({ ...r, kind })));

export function isSplitKind(kind: unknown): kind is SplitKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(KINDS, kind);
}

export function apiVersionInfo(kind: string, apiVersion: string): ApiVersionInfo | undefined {
  return isSplitKind(kind) ? KINDS[kind].versions.find((a) => a.apiVersion === apiVersion) : undefined;
}

/** The apiVersions served for a kind, split or progressive delivery (`deliveryKinds.ts`). */
export function servedVersions(kind: string): string[] {
  if (isSplitKind(kind)) return KINDS[kind].versions.map((a) => a.apiVersion);
  return isControllerKind(kind) ? CONTROLLER_KINDS[kind].versions.map((a) => a.apiVersion) : [];
}

/** The split kinds for messages: "TrafficSplit or HTTPRoute", "TrafficSplit and HTTPRoute". */
export function kindNames(conjunction: 'or' | 'and'): string {
  const names = [...SPLIT_KINDS];
  const last = names.pop() ?? '';
  return names.length > 0 ? `${names.join(', ')} ${conjunction} ${last}` : last;
}
