import type { ClusterFactsParams, ClusterServicePort } from '../protocol/messages';
import type { K8sObject } from './requests';

/** What the language server needs from the cluster: Services with ports, selector, ready endpoints; ServiceProfiles. */

interface ServiceSpec {
  ports?: { name?: string; port?: number; targetPort?: string | number; protocol?: string }[];
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
}

export function buildClusterFacts(input: FactsInput): ClusterFactsParams {
  if (!input.services) return { namespaces: [], services: [], serviceProfiles: [] };
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
    }));
    return [{
      name, namespace: s.metadata?.namespace ?? input.namespace, ports,
      ...(spec.selector && Object.keys(spec.selector).length > 0 ? { selector: { ...spec.selector } } : {}),
      ...(endpoints ? { readyEndpoints: readyEndpointCount(endpoints.get(name)) } : {}),
    }];
  }).sort((a, b) => a.name.localeCompare(b.name));
  const serviceProfiles = [...(input.serviceProfiles ?? [])].flatMap((p) => {
    const name = p.metadata?.name;
    if (!name) return [];
    const overrides = (p.spec as { dstOverrides?: unknown[] } | undefined)?.dstOverrides;
    return [{ name, namespace: p.metadata?.namespace ?? input.namespace, hasDstOverrides: Array.isArray(overrides) && overrides.length > 0 }];
  }).sort((a, b) => a.name.localeCompare(b.name));
  return { namespaces: [input.namespace], services, serviceProfiles };
}
