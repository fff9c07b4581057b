import { scanBlockYaml, scanParsed, type Scanned } from './factScan';
import { DEFAULT_NAMESPACE, normalGroup } from '../model/split';
import { CONTEXT_KINDS, type Span, type YamlPart } from '../document/part';
import type { PortProtocol } from '../model/kinds';
import { CONTROLLER_KINDS, isControllerKind, isDeliveryKind, isTemplateKind, type Controller, type DeliveryKind, type TemplateKind } from '../model/deliveryKinds';
import type { OwnedRef } from '../model/delivery';
import { deliveryDocumentOf } from '../model/adapters';
import { isOurControllerDocument } from '../model/documentKind';

/** Facts the index keeps from context documents: enough for references, ports and pod labels. */

export interface ServicePort { name?: string; port: number; targetPort?: string | number; protocol?: string; appProtocol?: string }

/**
 * What a Service port says it speaks, as far as the choice of route kind goes: `grpc` for `appProtocol`
 * `kubernetes.io/h2c` (Linkerd reads it as HTTP/2: linkerd/linkerd2 policy-controller/core/src/outbound.rs) or `grpc`,
 * or a port named `grpc` / `grpc-*` (the naming convention of
 * https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/); undefined otherwise.
 */
export function portProtocol(port: ServicePort | undefined): PortProtocol | undefined {
  const app = port?.appProtocol?.toLowerCase();
  if (app === 'kubernetes.io/h2c' || app === 'grpc') return 'grpc';
  const name = port?.name?.toLowerCase();
  return name === 'grpc' || name?.startsWith('grpc-') ? 'grpc' : undefined;
}

export interface FactBase {
  name: string;
  ns: string;
  /** Where it is defined (absent for facts that come from the cluster). */
  part?: YamlPart;
  nameSpan?: Span;
}

export interface ServiceFact extends FactBase {
  type: 'Service';
  ports: ServicePort[];
  selector?: Record<string, string>;
  /** metadata.labels (from the cluster: only the `mirror.linkerd.io/` ones, which say a Service is a multicluster mirror). */
  labels?: Record<string, string>;
  /** Ready endpoint addresses, when the cluster reported them. */
  readyEndpoints?: number;
}

export interface WorkloadFact extends FactBase {
  type: 'Workload';
  kind: string;
  podLabels: Record<string, string>;
  /**
   * The ports its pod template's containers declare (`containerPort`, with its name); undefined when unknown (a
   * cluster fact, or more containers than the scan reads).
   */
  containerPorts?: { port: number; name?: string }[];
}

export interface ProfileFact extends FactBase {
  type: 'ServiceProfile';
  /** The Service the profile is for: `<svc>.<ns>.svc.<domain>` names Service svc in namespace ns. */
  service: string;
  serviceNamespace: string;
  hasDstOverrides: boolean;
}

export interface GrantFact extends FactBase {
  type: 'ReferenceGrant';
  from: { group: string; kind: string; namespace: string }[];
  to: { group: string; kind: string; name?: string }[];
}

/**
 * A Linkerd multicluster Link (multicluster.linkerd.io, v1alpha1 to v1alpha3): its service mirror names each Service it
 * mirrors `<service>-<targetClusterName>` (linkerd/linkerd2 multicluster/service-mirror/cluster_watcher.go,
 * `mirrorServiceName`); `linkerd multicluster link` names the Link after that cluster (multicluster/cmd/link-gen.go).
 */
export interface LinkFact extends FactBase {
  type: 'Link';
  targetClusterName?: string;
}

/**
 * A Flagger Canary or an Argo Rollout: what it owns (by its controller's naming rules and its spec's references), for
 * the ownership of splits and Services (rules/ownership.ts). From the workspace only: the cluster's owners come as
 * `ClusterFacts.owned`.
 */
export interface DeliveryFact extends FactBase {
  type: 'Delivery';
  kind: DeliveryKind;
  controller: Controller;
  owns: OwnedRef[];
}

/** A template an analysis can name: Flagger MetricTemplate, Argo AnalysisTemplate, ClusterAnalysisTemplate (ns ''). */
export interface TemplateFact extends FactBase {
  type: 'Template';
  kind: TemplateKind;
}

export type Fact = ServiceFact | WorkloadFact | ProfileFact | GrantFact | LinkFact | DeliveryFact | TemplateFact;

/** Whether a part may hold facts (so indexing must parse it). */
export function mayHoldFacts(part: YamlPart): boolean {
  if (part.templated) return false;
  return part.kind !== undefined ? CONTEXT_KINDS.has(part.kind) : part.kindUnknown;
}

export function factsComputed(part: YamlPart): Fact[] | undefined {
  return part.cache.get('facts') as Fact[] | undefined;
}

/** The facts of a part (parses it on first call; cached with the part). */
export function factsOf(part: YamlPart): Fact[] {
  return part.memo('facts', () => (mayHoldFacts(part) ? extract(part) : []));
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout', 'Job']);

/**
 * Containers of a pod template whose ports are read (a Canary's `service.port` is checked against them). The paths
 * name each container's `ports` alone, so the rest of a container (image, args, env) is never scanned; a container
 * beyond these (its `name` is read) makes the ports unknown.
 */
const SCANNED_CONTAINERS = 8;
const CONTAINERS = 'spec/template/spec/containers';

/** The only paths facts are read from. */
export const FACT_PATHS: readonly string[] = [
  'kind', 'metadata/name', 'metadata/namespace', 'metadata/labels', 'spec/selector', 'spec/ports',
  'spec/template/metadata/labels', 'spec/jobTemplate/spec/template/metadata/labels', 'spec/dstOverrides', 'spec/from', 'spec/to',
  'apiVersion', 'spec/targetClusterName',
  ...Array.from({ length: SCANNED_CONTAINERS }, (_, i) => `${CONTAINERS}/#${i}/ports`), `${CONTAINERS}/#${SCANNED_CONTAINERS}/name`,
];

function extract(part: YamlPart): Fact[] {
  if (part.isControllerKind) return controllerFacts(part);
  // The line scanner answers for plain block YAML without a syntax tree; anything else gets the full parse.
  const scanned = (!part.isParsed && scanBlockYaml(part.text, FACT_PATHS)) || scanParsed(part.doc, FACT_PATHS);
  return factsFrom(scanned, part);
}

/**
 * Facts of a Flagger or Argo Rollouts document: a Canary or Rollout owns objects (a Rollout also runs pods, a workload
 * fact as any pod template's), a template is named by analyses. Another group's kind of the same name (OpenKruise's
 * Rollout) is read as a workload only.
 */
function controllerFacts(part: YamlPart): Fact[] {
  const scanned = (!part.isParsed && scanBlockYaml(part.text, FACT_PATHS)) || scanParsed(part.doc, FACT_PATHS);
  const workload = factsFrom(scanned, part);
  const kind = scanned.get('kind')?.value;
  const name = scanned.get('metadata/name');
  if (!name || !isControllerKind(kind) || part.doc.errors.length > 0 || !isOurControllerDocument(part)) return workload;
  const entry = CONTROLLER_KINDS[kind];
  const ns = entry.clusterScoped ? '' : scanned.get('metadata/namespace')?.value ?? DEFAULT_NAMESPACE;
  const base: FactBase = { name: name.value, ns, nameSpan: name.span, part };
  if (isTemplateKind(kind)) return [...workload, { ...base, type: 'Template', kind: kind }];
  // A RolloutPlan (role `plan`) names a split; nothing names it: no fact.
  if (!isDeliveryKind(kind)) return workload;
  const doc = deliveryDocumentOf(part);
  return doc ? [...workload, { ...base, type: 'Delivery', kind, controller: CONTROLLER_KINDS[kind].controller, owns: doc.owns }] : workload;
}

export function factsFrom(v: Scanned, part?: YamlPart): Fact[] {
  const kind = v.get('kind')?.value;
  const name = v.get('metadata/name');
  if (!kind || !name) return [];
  const base: FactBase = { name: name.value, ns: v.get('metadata/namespace')?.value ?? DEFAULT_NAMESPACE, nameSpan: name.span, ...(part ? { part } : {}) };
  switch (kind) {
    case 'Service': {
      const selector = mapUnder(v, 'spec/selector');
      const labels = mapUnder(v, 'metadata/labels');
      return [{ ...base, type: 'Service', ports: servicePorts(v), ...(selector ? { selector } : {}), ...(labels ? { labels } : {}) }];
    }
    case 'Link': {
      if (!v.get('apiVersion')?.value.startsWith('multicluster.linkerd.io/')) return [];
      const target = v.get('spec/targetClusterName')?.value;
      return [{ ...base, type: 'Link', ...(target ? { targetClusterName: target } : {}) }];
    }
    case 'Pod':
      return [{ ...base, type: 'Workload', kind, podLabels: mapUnder(v, 'metadata/labels') ?? {} }];
    case 'CronJob':
      return [{ ...base, type: 'Workload', kind, podLabels: mapUnder(v, 'spec/jobTemplate/spec/template/metadata/labels') ?? {} }];
    case 'ServiceProfile':
      return [{ ...base, type: 'ServiceProfile', ...profileTarget(name.value, base.ns), hasDstOverrides: [...v.keys()].some((k) => k.startsWith('spec/dstOverrides/')) }];
    case 'ReferenceGrant':
      return [{ ...base, type: 'ReferenceGrant', from: grantItems(v, 'spec/from'), to: grantItems(v, 'spec/to') }];
    default:
      return POD_TEMPLATE_KINDS.has(kind) ? [{ ...base, type: 'Workload', kind, podLabels: mapUnder(v, 'spec/template/metadata/labels') ?? {}, ...containerPorts(v) }] : [];
  }
}

/** `prefix/key` values as a record (labels, selectors); undefined when there are none. */
function mapUnder(v: Scanned, prefix: string): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [path, { value }] of v) {
    if (!path.startsWith(`${prefix}/`)) continue;
    const key = path.slice(prefix.length + 1);
    if (key.includes('/') || key.startsWith('#')) continue; // deeper, or a sequence where a mapping belongs
    (out ??= {})[key] = value;
  }
  return out;
}

/** `prefix/<i>/<key>` values grouped by item. */
function itemsUnder(v: Scanned, prefix: string): Record<string, string>[] {
  const items: Record<string, string>[] = [];
  for (const [path, { value }] of v) {
    const m = path.startsWith(`${prefix}/`) ? /^#(\d+)\/([^/]+)$/.exec(path.slice(prefix.length + 1)) : null;
    if (m) (items[Number(m[1])] ??= {})[m[2]!] = value;
  }
  return items.filter((i) => i !== undefined);
}

/** The `containerPort`s the pod template's containers declare, when every container was read. */
function containerPorts(v: Scanned): { containerPorts?: WorkloadFact['containerPorts'] } {
  if (v.has(`${CONTAINERS}/#${SCANNED_CONTAINERS}/name`)) return {};
  const ports = Array.from({ length: SCANNED_CONTAINERS }, (_, i) => itemsUnder(v, `${CONTAINERS}/#${i}/ports`)).flat().flatMap((p) => {
    const port = Number(p.containerPort);
    if (!p.containerPort || !Number.isInteger(port)) return [];
    return [{ port, ...(p.name ? { name: p.name } : {}) }];
  });
  return { containerPorts: ports };
}

function servicePorts(v: Scanned): ServicePort[] {
  return itemsUnder(v, 'spec/ports').flatMap((p) => {
    const port = Number(p.port);
    if (!p.port || !Number.isInteger(port)) return [];
    const target = p.targetPort;
    return [{
      port,
      ...(p.name ? { name: p.name } : {}),
      ...(p.protocol ? { protocol: p.protocol } : {}),
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      ...(target !== undefined ? { targetPort: /^\d+$/.test(target) ? Number(target) : target } : {}),
    }];
  });
}

function grantItems(v: Scanned, prefix: string): { group: string; kind: string; namespace: string; name?: string }[] {
  return itemsUnder(v, prefix).map((i) => ({
    group: normalGroup(i.group ?? ''), kind: i.kind ?? '', namespace: i.namespace ?? '', ...(i.name !== undefined ? { name: i.name } : {}),
  }));
}

/** The Service a ServiceProfile is for, read from its name (`<svc>.<ns>.svc.<domain>`; a bare name: same namespace). */
export function profileTarget(name: string, ns: string): { service: string; serviceNamespace: string } {
  const [service, namespace] = name.split('.');
  return { service: service ?? name, serviceNamespace: namespace || ns };
}

/** Whether a selector picks pods with these labels (an empty selector picks none, as for Services). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
