import type { ClusterFacts } from '../service/workspace/workspaceIndex';
import { profileTarget, type Fact, type WorkloadFact } from '../service/workspace/context';
import type { ClusterApexClaim, ClusterFactsParams, ClusterRouteRef, ClusterRouteStatus, ClusterTemplate, ClusterWorkload } from '../protocol/messages';
import { CONTROLLER_KINDS, isControllerKind } from '../service/model/deliveryKinds';
import { isSplitKind } from '../service/model/kinds';

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
    ...templates(params.templates),
  ];
  return {
    namespaces: params.namespaces, facts,
    ...(params.connection ? { connection: params.connection } : {}),
    ...routeStatuses(params.routeStatuses),
    ...(Array.isArray(params.owned) && params.owned.length > 0 ? { owned: params.owned.filter((o) => typeof o?.name === 'string' && typeof o.owner?.name === 'string') } : {}),
    ...(Array.isArray(params.deliveries) && params.deliveries.length > 0 ? { deliveries: params.deliveries.filter((d) => typeof d?.name === 'string' && typeof d.brief === 'string') } : {}),
    ...workloads(params.workloads),
    ...routes(params.routes),
    ...coverage(params.coverage),
  };
}

const isString = (x: unknown): x is string => typeof x === 'string';
const isStringRecord = (x: unknown): x is Record<string, string> => !!x && typeof x === 'object' && !Array.isArray(x) && Object.values(x).every(isString);

/** The workloads of the shape the delivery rules read, as workload facts (apart from `facts`: see ClusterFacts.workloads). */
function workloads(list: unknown): Pick<ClusterFacts, 'workloads'> {
  const ok = (Array.isArray(list) ? list as Partial<ClusterWorkload>[] : []).filter((w): w is ClusterWorkload =>
    !!w && isString(w.kind) && isString(w.namespace) && isString(w.name) && isStringRecord(w.podLabels) && Array.isArray(w.containerPorts)
    && w.containerPorts.every((p) => !!p && Number.isInteger(p.port) && (p.name === undefined || isString(p.name))));
  return ok.length > 0 ? {
    workloads: ok.map((w): WorkloadFact => ({
      type: 'Workload', kind: w.kind, name: w.name, ns: w.namespace, podLabels: { ...w.podLabels },
      containerPorts: w.containerPorts.map((p) => ({ port: p.port, ...(p.name !== undefined ? { name: p.name } : {}) })),
    })),
  } : {};
}

/** Templates of a template kind of the registry (a cluster-scoped kind's namespace is ''), as template facts. */
function templates(list: unknown): Fact[] {
  return (Array.isArray(list) ? list as Partial<ClusterTemplate>[] : []).flatMap((t): Fact[] => {
    if (!t || !isString(t.name) || !isString(t.namespace) || !isControllerKind(t.kind)) return [];
    const entry = CONTROLLER_KINDS[t.kind];
    if (entry.role !== 'template') return [];
    return [{ type: 'Template', kind: t.kind, name: t.name, ns: entry.clusterScoped ? '' : t.namespace }];
  });
}

function routes(list: unknown): Pick<ClusterFacts, 'routes'> {
  const ok = (Array.isArray(list) ? list as Partial<ClusterRouteRef>[] : []).filter((r): r is ClusterRouteRef =>
    !!r && isSplitKind(r.kind) && isString(r.group) && isString(r.namespace) && isString(r.name))
    .map(({ kind, group, namespace, name, createdAt, claims }) => ({
      kind, group, namespace, name, ...(isString(createdAt) ? { createdAt } : {}), ...apexClaims(claims),
    }));
  return ok.length > 0 ? { routes: ok } : {};
}

const isClaim = (c: unknown): c is ClusterApexClaim => {
  const x = c as Partial<ClusterApexClaim> | null;
  return !!x && isString(x.apexNamespace) && isString(x.apex) && typeof x.viaProfile === 'boolean'
    && (x.port === undefined || Number.isInteger(x.port)) && (x.matchKey === undefined || isString(x.matchKey))
    && (x.rule === undefined || Number.isInteger(x.rule));
};

/** A route's claims on apexes, those of the right shape. */
function apexClaims(list: unknown): Pick<ClusterRouteRef, 'claims'> {
  const ok = Array.isArray(list) ? list.filter(isClaim) : [];
  return ok.length > 0 ? { claims: ok } : {};
}

/** Per kind, the namespaces the lists are complete for; anything else is left out (unknown). */
function coverage(value: unknown): Pick<ClusterFacts, 'coverage'> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const kept = Object.entries(value as Record<string, unknown>).filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every(isString));
  return kept.length > 0 ? { coverage: Object.fromEntries(kept) } : {};
}

/** The route statuses that have the shape the rules read (a client of another version may send others). */
function routeStatuses(list: unknown): Pick<ClusterFacts, 'routeStatuses'> {
  const ok = (Array.isArray(list) ? list as Partial<ClusterRouteStatus>[] : []).filter((r): r is ClusterRouteStatus =>
    !!r && typeof r.name === 'string' && typeof r.namespace === 'string' && typeof r.group === 'string' && Array.isArray(r.problems)
    && r.problems.every((p) => !!p && typeof p.reason === 'string' && typeof p.nextStep === 'string' && typeof p.parent?.name === 'string'));
  return ok.length > 0 ? { routeStatuses: ok } : {};
}
