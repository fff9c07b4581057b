import type { ClusterFacts } from '../service/workspace/workspaceIndex';
import { profileTarget, type Fact } from '../service/workspace/context';
import type { ClusterFactsParams, ClusterRouteStatus } from '../protocol/messages';

/** The protocol's cluster lists as index facts (no `part`: they are defined in the cluster, not a file). */
export function clusterFacts(params: ClusterFactsParams): ClusterFacts | undefined {
  if (params.namespaces.length === 0 && !params.connection) return undefined;
  const facts: Fact[] = [
    ...params.services.map((s): Fact => ({
      type: 'Service', name: s.name, ns: s.namespace, ports: s.ports,
      ...(s.selector ? { selector: s.selector } : {}),
      ...(s.labels ? { labels: s.labels } : {}),
      ...(s.readyEndpoints !== undefined ? { readyEndpoints: s.readyEndpoints } : {}),
    })),
    ...params.serviceProfiles.map((p): Fact => ({
      type: 'ServiceProfile', name: p.name, ns: p.namespace, ...profileTarget(p.name, p.namespace), hasDstOverrides: p.hasDstOverrides,
    })),
  ];
  return {
    namespaces: params.namespaces, facts,
    ...(params.connection ? { connection: params.connection } : {}),
    ...routeStatuses(params.routeStatuses),
    ...(Array.isArray(params.owned) && params.owned.length > 0 ? { owned: params.owned.filter((o) => typeof o?.name === 'string' && typeof o.owner?.name === 'string') } : {}),
    ...(Array.isArray(params.deliveries) && params.deliveries.length > 0 ? { deliveries: params.deliveries.filter((d) => typeof d?.name === 'string' && typeof d.brief === 'string') } : {}),
  };
}

/** The route statuses that have the shape the rules read (a client of another version may send others). */
function routeStatuses(list: unknown): Pick<ClusterFacts, 'routeStatuses'> {
  const ok = (Array.isArray(list) ? list as Partial<ClusterRouteStatus>[] : []).filter((r): r is ClusterRouteStatus =>
    !!r && typeof r.name === 'string' && typeof r.namespace === 'string' && typeof r.group === 'string' && Array.isArray(r.problems)
    && r.problems.every((p) => !!p && typeof p.reason === 'string' && typeof p.nextStep === 'string' && typeof p.parent?.name === 'string'));
  return ok.length > 0 ? { routeStatuses: ok } : {};
}
