import type { ServiceFact } from '../workspace/context';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

/**
 * How the rules that look a Service up (references.ts, argo.ts, flagger.ts) judge it and word it: the definitions to
 * check against, and where the namespace's Services are known.
 */

/**
 * Where objects of `kind` in `ns` ('' for a cluster-scoped kind) are known, in words, for the rules that say one is
 * missing: the cluster too when its list of that kind is complete there.
 */
export function whereDefined(index: WorkspaceIndex, kind: string, ns: string): string {
  return index.clusterCovers(kind, ns) ? 'the workspace or the cluster' : 'the workspace';
}

/** Where Services of `ns` are known, in words. */
export function whereKnown(index: WorkspaceIndex, ns: string): string {
  return whereDefined(index, 'Service', ns);
}

/**
 * The definitions a reference is judged against: the workspace's (what is about to be applied), else the cluster's.
 * The same Service may be defined in several files (`service-defined-twice`): a check then fails only when it fails
 * for every definition, so no message rests on one file's copy.
 */
export function serviceDefinitions(index: WorkspaceIndex, ns: string, name: string): ServiceFact[] {
  const all = index.services(ns, name);
  const own = all.filter((s) => s.part !== undefined);
  return own.length > 0 ? own : all;
}
