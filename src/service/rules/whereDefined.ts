import type { WorkspaceIndex } from '../workspace/workspaceIndex';

/**
 * Where objects of `kind` in `ns` ('' for a cluster-scoped kind) are known, in words, for the rules that say one is
 * missing: the cluster too when its list of that kind is complete there (as `whereKnown` words it for Services).
 */
export function whereDefined(index: WorkspaceIndex, kind: string, ns: string): string {
  return index.clusterCovers(kind, ns) ? 'the workspace or the cluster' : 'the workspace';
}
