import type { ServiceFact } from '../workspace/context';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

/**
 * How the rules that look a Service up (references.ts, argo.ts, flagger.ts) judge it and word it: the definitions to
 * check against, and where the namespace's Services are known.
 */

/** Where Services of `ns` are known, in words: the cluster too when its facts cover the namespace. */
export function whereKnown(index: WorkspaceIndex, ns: string): string {
  return index.clusterFacts?.namespaces.includes(ns) ? 'the workspace or the cluster' : 'the workspace';
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
