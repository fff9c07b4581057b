import type { ClusterFactsParams, ClusterRouteStatus, ClusterServicePort } from '../protocol/messages';
import type { K8sObject } from './requests';

/** What the language server needs from the cluster: Services with ports, selector, ready endpoints; ServiceProfiles. */

interface ServiceSpec {
  ports?: { name?: string; port?: number; targetPort?: string | number; protocol?: string; appProtocol?: string }[];
  selector?: Record<string, string>;
}

interface EndpointsObject extends K8sObject {
  subsets?: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[];
}

/** Ready addresses of an Endpoints object (not-ready ones do not count). */
export function readyEndpointCount(endpoints: EndpointsObject | undefined): number {
  return (endpoints?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

export interface FactsInput {
  namespace: string;
  /** Undefined when the Services list is not known (then nothing is claimed for the namespace). */
  services?: Iterable<K8sObject>;
  /** Undefined when Endpoints are not known (then no ready counts). */
  endpoints?: Iterable<K8sObject>;
  serviceProfiles?: Iterable<K8sObject>;
  /** Linkerd's verdicts on the routes read (see `routeStatusOf`); `unknown` ones are left out. */
  routeStatuses?: Iterable<ClusterRouteStatus>;
}

/** Routes with a Linkerd status entry, in a stable order (the facts are compared as JSON). */
function knownRouteStatuses(input: FactsInput): ClusterRouteStatus[] {
  return [...(input.routeStatuses ?? [])].filter((r) => r.state !== 'unknown' && r.name)
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * Only the labels Linkerd multicluster's service mirror sets (`mirror.linkerd.io/`: linkerd/linkerd2 pkg/k8s/labels.go),
 * which tell a mirrored or federated Service: the rest would only grow every message.
 */
function mirrorLabels(labels: Record<string, string> | undefined): { labels?: Record<string, string> } {
  const kept = Object.entries(labels ?? {}).filter(([k]) => k.startsWith('mirror.linkerd.io/'));
  return kept.length > 0 ? { labels: Object.fromEntries(kept) } : {};
}

export function buildClusterFacts(input: FactsInput): ClusterFactsParams {
  const routes = knownRouteStatuses(input);
  const routeStatuses = routes.length > 0 ? { routeStatuses: routes } : {};
  if (!input.services) return { namespaces: [], services: [], serviceProfiles: [], ...routeStatuses };
  const endpoints = input.endpoints ? new Map([...input.endpoints].map((e) => [e.metadata?.name ?? '', e as EndpointsObject])) : undefined;
  const services = [...input.services].flatMap((s) => {
    const name = s.metadata?.name;
    if (!name) return [];
    const spec = (s.spec ?? {}) as ServiceSpec;
    const ports: ClusterServicePort[] = (spec.ports ?? []).filter((p) => typeof p.port === 'number').map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port!,
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
      ...(p.protocol ? { protocol: p.protocol } : {}),
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    return [{
      name, namespace: s.metadata?.namespace ?? input.namespace, ports,
      ...(spec.selector && Object.keys(spec.selector).length > 0 ? { selector: { ...spec.selector } } : {}),
      ...mirrorLabels(s.metadata?.labels),
      ...(endpoints ? { readyEndpoints: readyEndpointCount(endpoints.get(name)) } : {}),
    }];
  }).sort((a, b) => a.name.localeCompare(b.name));
  const serviceProfiles = [...(input.serviceProfiles ?? [])].flatMap((p) => {
    const name = p.metadata?.name;
    if (!name) return [];
    const overrides = (p.spec as { dstOverrides?: unknown[] } | undefined)?.dstOverrides;
    return [{ name, namespace: p.metadata?.namespace ?? input.namespace, hasDstOverrides: Array.isArray(overrides) && overrides.length > 0 }];
  }).sort((a, b) => a.name.localeCompare(b.name));
  return { namespaces: [input.namespace], services, serviceProfiles, ...routeStatuses };
}
