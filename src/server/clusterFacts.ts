import type { ClusterFacts } from '../service/workspace/workspaceIndex';
import { profileTarget, type Fact } from '../service/workspace/context';
import type { ClusterFactsParams } from '../protocol/messages';

/** The protocol's cluster lists as index facts (no `part`: they are defined in the cluster, not a file). */
export function clusterFacts(params: ClusterFactsParams): ClusterFacts | undefined {
  if (params.namespaces.length === 0 && !params.connection) return undefined;
  const facts: Fact[] = [
    ...params.services.map((s): Fact => ({
      type: 'Service', name: s.name, ns: s.namespace, ports: s.ports,
      ...(s.selector ? { selector: s.selector } : {}),
      ...(s.readyEndpoints !== undefined ? { readyEndpoints: s.readyEndpoints } : {}),
    })),
    ...params.serviceProfiles.map((p): Fact => ({
      type: 'ServiceProfile', name: p.name, ns: p.namespace, ...profileTarget(p.name, p.namespace), hasDstOverrides: p.hasDstOverrides,
    })),
  ];
  return { namespaces: params.namespaces, facts, ...(params.connection ? { connection: params.connection } : {}) };
}
