import { DEFAULT_NAMESPACE } from '../model/split';
import { isSplitKind } from '../model/kinds';
import type { YamlPart } from '../document/part';
import { scanBlockYaml, scanParsed } from './factScan';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * The split documents of the workspace (TrafficSplit, HTTPRoute, GRPCRoute) by kind, namespace and name, and the split
 * objects of the cluster. Splits are not facts of the index (they are what the rules diagnose), so a reference to one
 * (an Argo Rollout's plugin routes) is looked up here: the workspace's files scanned once per index generation.
 */
export interface RoutesInView {
  /** Whether the workspace or the cluster has a split of `kind` named `name` in `ns`. */
  has(kind: string, ns: string, name: string): boolean;
  /**
   * Whether the workspace defines any split of `kind` in `ns` (for the cluster's side, `WorkspaceIndex.clusterCovers`):
   * only then can "not in view" be said.
   */
  knows(kind: string, ns: string): boolean;
}

const PATHS = ['kind', 'metadata/name', 'metadata/namespace'] as const;

/**
 * A split part's kind, namespace and name, by the index's line scan where it vouches for the text (a workspace of
 * thousands of splits is not parsed for this), else from the parse; cached with the part.
 */
export function splitIdentity(part: YamlPart): { kind: string; ns: string; name?: string } | undefined {
  if (!part.isSplit) return undefined;
  return part.memo('splitIdentity', () => {
    const scanned = (!part.isParsed && scanBlockYaml(part.text, PATHS)) || (part.doc.errors.length === 0 ? scanParsed(part.doc, PATHS) : undefined);
    const kind = scanned?.get('kind')?.value;
    if (!scanned || !isSplitKind(kind)) return undefined;
    const name = scanned.get('metadata/name')?.value;
    return { kind, ns: scanned.get('metadata/namespace')?.value || DEFAULT_NAMESPACE, ...(name !== undefined ? { name } : {}) };
  });
}

const CACHE = new WeakMap<WorkspaceIndex, { generation: number; routes: RoutesInView }>();

export function routesInView(index: WorkspaceIndex): RoutesInView {
  const generation = index.generation;
  const cached = CACHE.get(index);
  if (cached?.generation === generation) return cached.routes;
  const named = new Set<string>();
  const kinds = new Set<string>();
  for (const file of index.allFiles()) {
    for (const part of file.parts) {
      const read = splitIdentity(part);
      if (!read) continue;
      // NUL cannot occur in a kind, a namespace or a name: the keys cannot collide.
      kinds.add(`${read.kind}\0${read.ns}`);
      if (read.name !== undefined) named.add(`${read.kind}\0${read.ns}\0${read.name}`);
    }
  }
  for (const r of index.clusterFacts?.routes ?? []) named.add(`${r.kind}\0${r.namespace}\0${r.name}`);
  const routes: RoutesInView = {
    has: (kind, ns, name) => named.has(`${kind}\0${ns}\0${name}`),
    knows: (kind, ns) => kinds.has(`${kind}\0${ns}`),
  };
  CACHE.set(index, { generation, routes });
  return routes;
}
