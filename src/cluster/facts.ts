import type { ClusterFactsParams, ClusterOwnedObject, ClusterRouteStatus, ClusterServicePort, DeliveryStatus } from '../protocol/messages';
import { deliveryStatusOf } from './deliveryStatus';
import type { LiveDelivery } from './liveDelivery';
import { ownedObjects, type KnownDeliveries } from './ownership';
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
  /** The split objects read, with their kind and API group: for `owned`. */
  splits?: Iterable<{ kind: string; group: string; object: K8sObject }>;
  /** The Canaries and Rollouts read, per kind; a kind that cannot be read is absent. */
  deliveries?: KnownDeliveries;
}

/**
 * Owners of the splits and Services (by ownerReferences and managedFields, which the facts of Services leave out),
 * and the live state of every Canary and Rollout.
 */
function deliveryFacts(input: FactsInput, services: readonly K8sObject[]): Pick<ClusterFactsParams, 'owned' | 'deliveries'> {
  const known = input.deliveries ?? {};
  const objects = [...(input.splits ?? []), ...services.map((object) => ({ kind: 'Service', group: '', object }))];
  const owned: ClusterOwnedObject[] = ownedObjects(objects, input.namespace, known);
  const deliveries: DeliveryStatus[] = (Object.entries(known) as [LiveDelivery['kind'], readonly K8sObject[]][])
    .flatMap(([kind, items]) => items.map((o) => deliveryStatusOf(kind, { ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? input.namespace } }, owned)))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { ...(owned.length > 0 ? { owned } : {}), ...(deliveries.length > 0 ? { deliveries } : {}) };
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
  // Read once: the inputs may be iterators (a watcher's `items.values()`).
  const serviceObjects = input.services ? [...input.services] : undefined;
  const delivery = deliveryFacts(input, serviceObjects ?? []);
  if (!serviceObjects) return { namespaces: [], services: [], serviceProfiles: [], ...routeStatuses, ...delivery };
  const endpoints = input.endpoints ? new Map([...input.endpoints].map((e) => [e.metadata?.name ?? '', e as EndpointsObject])) : undefined;
  const services = serviceObjects.flatMap((s) => {
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
  return { namespaces: [input.namespace], services, serviceProfiles, ...routeStatuses, ...delivery };
}
