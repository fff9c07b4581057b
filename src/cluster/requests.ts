import { ApisApi, Observable, type ConfigurationOptions, type KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { toClusterError } from './errors';
import { SPLIT_RESOURCES, type SplitKind } from '../service/model/kinds';
import { CONTROLLER_KIND_NAMES, CONTROLLER_KINDS, DELIVERY_RESOURCES, type DeliveryKind, type TemplateKind } from '../service/model/deliveryKinds';
import { slimTemplate, slimWorkload } from './contextObjects';

/**
 * The resource kinds the cluster layer reads, and the requests shared by discovery and apply. Requests go through
 * the generated clients of `@kubernetes/client-node` 1.x; every call gets a timeout so a black-holed server turns
 * into "unreachable" instead of a request that never ends.
 */

/** Id of a resource the cluster layer reads: a split resource of the kind registry, or a context kind below. */
export type KindId = string;

export interface KindSpec {
  id: KindId;
  kind: string;
  group: string;
  /** Versions in order of preference; the first one the server serves is used. */
  versions: readonly string[];
  plural: string;
  /** Label for states ("TrafficSplits", "HTTPRoutes (gateway.networking.k8s.io)"). */
  label: string;
  /** The state's text when the CRD is not installed (with the next step). Core kinds have none. */
  missing?: string;
  /** The split kind the resource holds; absent for the context kinds. */
  split?: SplitKind;
  /**
   * The delivery kind the resource holds (Flagger Canary, Argo Rollout). Most clusters have neither controller: a
   * missing CRD or a refused list is a quiet state of the kind, never the session's.
   */
  delivery?: DeliveryKind;
  /** The template kind the resource holds (MetricTemplate, AnalysisTemplate, ClusterAnalysisTemplate): names only. */
  template?: TemplateKind;
  /** A workload (apps/v1): what the delivery rules read of it, its pod template's labels and container ports. */
  workload?: boolean;
  /**
   * A kind the session can do without (the delivery kinds and what their rules read): a missing CRD or a refused list
   * is the kind's own state, logged as information, never the session's.
   */
  quiet?: boolean;
  /** Listed across the cluster (ClusterAnalysisTemplate), not in the session's namespace. */
  clusterScoped?: boolean;
  /** What of each object is kept in memory (watchers of big objects keep only what the facts read). */
  slim?: (o: K8sObject) => K8sObject;
}

/** What the index needs besides the splits: Services and their Endpoints, and ServiceProfiles (which shadow routes). */
const CONTEXT_KINDS: readonly KindSpec[] = [
  { id: 'services', kind: 'Service', group: '', versions: ['v1'], plural: 'services', label: 'Services' },
  { id: 'endpoints', kind: 'Endpoints', group: '', versions: ['v1'], plural: 'endpoints', label: 'Endpoints' },
  {
    id: 'serviceprofiles', kind: 'ServiceProfile', group: 'linkerd.io', versions: ['v1alpha2', 'v1alpha1'], plural: 'serviceprofiles',
    label: 'ServiceProfiles', missing: 'ServiceProfile CRD not installed: install the Linkerd CRDs (linkerd install --crds)',
  },
];

/**
 * Workloads, read for the delivery rules (a Canary's targetRef and its ports, a Rollout's workloadRef and the pod labels
 * its Services must select): apps/v1, the only served version since Kubernetes 1.16.
 */
const WORKLOAD_SPECS: readonly KindSpec[] = (['Deployment', 'DaemonSet', 'StatefulSet'] as const).map((kind) => ({
  id: `${kind.toLowerCase()}s`, kind, group: 'apps', versions: ['v1'], plural: `${kind.toLowerCase()}s`, label: `${kind}s`,
  workload: true, quiet: true, slim: slimWorkload,
}));

/** Ids of the workload resources. */
export const WORKLOAD_KIND_IDS: readonly KindId[] = WORKLOAD_SPECS.map((s) => s.id);

/** The templates analyses name, from the delivery kind registry: only their names are kept. */
const TEMPLATE_SPECS: readonly KindSpec[] = CONTROLLER_KIND_NAMES.flatMap((kind) => {
  const entry = CONTROLLER_KINDS[kind];
  if (entry.role !== 'template') return [];
  return entry.cluster.map((r): KindSpec => ({
    ...r, kind, template: kind as TemplateKind, quiet: true, slim: slimTemplate, ...(entry.clusterScoped ? { clusterScoped: true } : {}),
  }));
});

/** Ids of the template resources. */
export const TEMPLATE_KIND_IDS: readonly KindId[] = TEMPLATE_SPECS.map((s) => s.id);

/** The split resources, each kind's API groups as the kind registry lists them. */
const SPLIT_SPECS: readonly KindSpec[] = SPLIT_RESOURCES.map((r) => ({ ...r, split: r.kind }));

/** Ids of the resources that hold splits, in the registry's order. */
export const SPLIT_KIND_IDS: readonly KindId[] = SPLIT_SPECS.map((s) => s.id);

/** The Canaries and Rollouts, from the delivery kind registry, listed and watched next to the splits. */
const DELIVERY_SPECS: readonly KindSpec[] = DELIVERY_RESOURCES.map((r) => ({ ...r, delivery: r.kind, quiet: true }));

/** Ids of the resources that hold Canaries and Rollouts, in the registry's order. */
export const DELIVERY_KIND_IDS: readonly KindId[] = DELIVERY_SPECS.map((s) => s.id);

const SPECS = new Map<KindId, KindSpec>([...SPLIT_SPECS, ...CONTEXT_KINDS, ...DELIVERY_SPECS, ...WORKLOAD_SPECS, ...TEMPLATE_SPECS].map((s) => [s.id, s]));

export const KIND_IDS: readonly KindId[] = [...SPECS.keys()];

/** Ids of the kinds whose failures stay their own (`KindSpec.quiet`). */
export const QUIET_KIND_IDS: readonly KindId[] = KIND_IDS.filter((id) => SPECS.get(id)!.quiet);

/** The spec of a resource id; an unknown id is a programming error. */
export function kindSpec(id: KindId): KindSpec {
  const spec = SPECS.get(id);
  if (!spec) throw new Error(`unknown resource id ${id}`);
  return spec;
}

/** Which API groups and versions the server serves: group -> versions (the core group is ""). */
export type ServedApis = Map<string, string[]>;

/** The version of `spec` to use, or undefined when the server serves none of the wanted ones. */
export function pickVersion(spec: KindSpec, served: ServedApis): string | undefined {
  if (spec.group === '') return 'v1';
  const versions = served.get(spec.group) ?? [];
  return spec.versions.find((v) => versions.includes(v));
}

/** Path of a namespaced collection (or of one object in it); a cluster-scoped kind's ignores the namespace. */
export function resourcePath(spec: KindSpec, version: string, namespace: string, name?: string): string {
  const base = spec.group === '' ? `/api/${version}` : `/apis/${spec.group}/${version}`;
  const scope = spec.clusterScoped ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${base}${scope}/${spec.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
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
    managedFields?: { manager?: string; operation?: string; apiVersion?: string; time?: string; fieldsType?: string; fieldsV1?: unknown; subresource?: string }[];
    ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
