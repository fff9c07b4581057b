/**
 * The splits a RolloutPlan's targetRef may name, as the plan rules and completion look them up: the workspace's split
 * documents by kind, namespace and name (the line scan's identity, routeLookup.ts), parsed only when one matches, and
 * the cluster's split objects by name.
 */
import { splitDocumentOf } from '../model/adapters';
import type { Split, SplitDocument } from '../model/split';
import { splitIdentity } from './routeLookup';
import type { WorkspaceIndex } from './workspaceIndex';
import type { YamlPart } from '../document/part';

/** The workspace's split documents of `kind` named `name` in `ns` (one per file that defines it). */
export function splitsNamed(index: WorkspaceIndex, kind: string, ns: string, name: string): SplitDocument[] {
  const out: SplitDocument[] = [];
  for (const file of index.allFiles()) {
    for (const part of file.parts) {
      const id = splitIdentity(part);
      if (id?.kind !== kind || id.ns !== ns || id.name !== name) continue;
      const doc = splitDocumentOf(part);
      if (doc) out.push(doc);
    }
  }
  return out;
}

export interface SplitName { kind: string; name: string; ns: string; where: 'workspace' | 'cluster' }

/** Names of the splits of `kinds` in `ns`: the workspace's, then the cluster's it does not define; one per kind and name. */
export function splitNames(index: WorkspaceIndex, kinds: readonly string[], ns: string): SplitName[] {
  const seen = new Set<string>();
  const out: SplitName[] = [];
  const add = (kind: string, name: string, where: SplitName['where']): void => {
    // NUL cannot occur in a kind or a name: the keys cannot collide.
    const key = `${kind}\0${name}`;
    if (!kinds.includes(kind) || seen.has(key)) return;
    seen.add(key);
    out.push({ kind, name, ns, where });
  };
  for (const file of index.allFiles()) {
    for (const part of file.parts) {
      const id = splitIdentity(part);
      if (id?.name !== undefined && id.ns === ns) add(id.kind, id.name, 'workspace');
    }
  }
  for (const r of index.clusterFacts?.routes ?? []) if (r.namespace === ns) add(r.kind, r.name, 'cluster');
  return out;
}

/** The split a plan drives in a split document: a route's weighted rule `rule` (1-based, default 1), as src/rollout/manifest.ts reads it. */
export function planSplit(doc: SplitDocument, rule: number | undefined): Split | undefined {
  return doc.splits[(rule ?? 1) - 1];
}

/** The backend names of a split, as written. */
export function backendNames(split: Split): string[] {
  return split.backends.flatMap((b) => (b.name ? [b.name.value] : []));
}

/**
 * What the splits among `parts` offer a plan, as one comparable string: identity (the line scan's) and each rule's
 * backend names. An edit whose removed and fresh parts differ in it changes what plan rules elsewhere answer, so the
 * index's generation must move (a weight edit leaves it alone).
 */
export function planTargetsSignature(parts: readonly YamlPart[]): string {
  const keys: string[] = [];
  for (const part of parts) {
    const id = splitIdentity(part);
    if (!id) continue;
    const doc = splitDocumentOf(part);
    keys.push([id.kind, id.ns, id.name ?? '', doc ? doc.splits.map((s) => backendNames(s).join(',')).join('|') : '-'].join('\0'));
  }
  return keys.sort().join('\n');
}
