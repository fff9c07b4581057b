import { ApisApi, Observable, type ConfigurationOptions, type KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { toClusterError } from './errors';

/**
 * The resource kinds the cluster layer reads, and the requests shared by discovery and apply. Requests go through
 * the generated clients of `@kubernetes/client-node` 1.x; every call gets a timeout so a black-holed server turns
 * into "unreachable" instead of a request that never ends.
 */

export type KindId = 'trafficsplits' | 'httproutes-gateway' | 'httproutes-policy' | 'services' | 'endpoints' | 'serviceprofiles';

export interface KindSpec {
  id: KindId;
  kind: string;
  group: string;
  /** Versions in order of preference; the first one the server serves is used. */
  versions: string[];
  plural: string;
  /** Label for states ("TrafficSplits", "HTTPRoutes (gateway.networking.k8s.io)"). */
  label: string;
  /** The state's text when the CRD is not installed (with the next step). Core kinds have none. */
  missing?: string;
}

export const KINDS: Record<KindId, KindSpec> = {
  trafficsplits: {
    id: 'trafficsplits', kind: 'TrafficSplit', group: 'split.smi-spec.io', versions: ['v1alpha2', 'v1alpha1'], plural: 'trafficsplits',
    label: 'TrafficSplits', missing: 'TrafficSplit CRD not installed: install linkerd-smi',
  },
  'httproutes-gateway': {
    id: 'httproutes-gateway', kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], plural: 'httproutes',
    label: 'HTTPRoutes (gateway.networking.k8s.io)', missing: 'Gateway API HTTPRoute CRD not installed: install the Gateway API CRDs (Linkerd 2.14+ can install them)',
  },
  'httproutes-policy': {
    id: 'httproutes-policy', kind: 'HTTPRoute', group: 'policy.linkerd.io', versions: ['v1beta3', 'v1beta2', 'v1beta1'], plural: 'httproutes',
    label: 'HTTPRoutes (policy.linkerd.io)', missing: 'Linkerd HTTPRoute CRD not installed: install the Linkerd CRDs (linkerd install --crds)',
  },
  services: { id: 'services', kind: 'Service', group: '', versions: ['v1'], plural: 'services', label: 'Services' },
  endpoints: { id: 'endpoints', kind: 'Endpoints', group: '', versions: ['v1'], plural: 'endpoints', label: 'Endpoints' },
  serviceprofiles: {
    id: 'serviceprofiles', kind: 'ServiceProfile', group: 'linkerd.io', versions: ['v1alpha2', 'v1alpha1'], plural: 'serviceprofiles',
    label: 'ServiceProfiles', missing: 'ServiceProfile CRD not installed: install the Linkerd CRDs (linkerd install --crds)',
  },
};

export const KIND_IDS = Object.keys(KINDS) as KindId[];

/** Which API groups and versions the server serves: group -> versions (the core group is ""). */
export type ServedApis = Map<string, string[]>;

/** The version of `spec` to use, or undefined when the server serves none of the wanted ones. */
export function pickVersion(spec: KindSpec, served: ServedApis): string | undefined {
  if (spec.group === '') return 'v1';
  const versions = served.get(spec.group) ?? [];
  return spec.versions.find((v) => versions.includes(v));
}

/** Path of a namespaced collection (or of one object in it). */
export function resourcePath(spec: KindSpec, version: string, namespace: string, name?: string): string {
  const base = spec.group === '' ? `/api/${version}` : `/apis/${spec.group}/${version}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${spec.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Options for a generated-client call: a timeout, plus extra middleware (appended). */
export function withTimeout(ms: number, extra?: ConfigurationOptions): ConfigurationOptions {
  const timeout = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return new Observable(Promise.resolve(ctx));
    },
    post: <T>(rsp: T) => new Observable(Promise.resolve(rsp)),
  };
  return { ...extra, middleware: [...(extra?.middleware ?? []), timeout], middlewareMergeStrategy: 'append' };
}

export const REQUEST_TIMEOUT_MS = 15_000;

/** The served API groups (one request: `GET /apis`). Throws a ClusterError. */
export async function discoverApis(kc: KubeConfig, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ServedApis> {
  const server = kc.getCurrentCluster()?.server;
  try {
    const list = await kc.makeApiClient(ApisApi).getAPIVersions({}, withTimeout(timeoutMs));
    const served: ServedApis = new Map([['', ['v1']]]);
    for (const g of list.groups ?? []) served.set(g.name, (g.versions ?? []).map((v) => v.version));
    return served;
  } catch (e) {
    throw toClusterError(e, { verb: 'discover', resource: 'API groups', server });
  }
}

/** Minimal shape of a Kubernetes object as the cluster layer handles it. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    generation?: number;
    creationTimestamp?: string;
    managedFields?: { manager?: string; operation?: string; apiVersion?: string; time?: string; fieldsType?: string; fieldsV1?: unknown }[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
