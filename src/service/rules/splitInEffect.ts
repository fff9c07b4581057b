import { describeShadow, servedAsProfile, shadowedBy, type ApexClaim } from '../model/apexPrecedence';
import { splitDocumentOf } from '../model/adapters';
import { appliedNamespace, type SplitDocument } from '../model/split';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import type { YamlPart } from '../document/part';
import { YamlFile } from '../document/file';
import type { ClusterApexClaim } from '../../protocol/messages';
import type { Finding, Rule } from './rule';

const objectKey = (kind: string, ns: string, name: string): string => `${kind}\0${ns}\0${name}`;

/** Creation times of the cluster's split objects: the workspace's copies of them are ordered by these. */
function createdInCluster(index: WorkspaceIndex): Map<string, string> {
  const created = new Map<string, string>();
  for (const r of index.clusterFacts?.routes ?? []) if (r.createdAt) created.set(objectKey(r.kind, r.namespace, r.name), r.createdAt);
  return created;
}

/**
 * The claims one split document makes on apex Services: one per split (rule) with an apex; `created` gives the
 * creation time of the objects the cluster has.
 */
export function claimsOf(doc: SplitDocument, created?: ReadonlyMap<string, string>, selected?: string): ApexClaim[] {
  const name = doc.name?.value;
  if (name === undefined || (doc.api && !doc.api.linkerdServes)) return [];
  // Where the object lands when applied (a document without a namespace: the selected one), as the cluster's claims say.
  const ns = appliedNamespace(doc, selected);
  const createdAt = created?.get(objectKey(doc.kind, ns, name));
  return doc.splits.flatMap((s) => (s.apex ? [{
    kind: doc.kind,
    name,
    namespace: ns,
    apexNamespace: s.apex.namespace?.value ?? ns,
    apex: s.apex.name.value,
    ...(s.apex.port ? { port: s.apex.port.value } : {}),
    viaProfile: servedAsProfile(doc.api),
    ...(s.matchKey !== undefined ? { matchKey: s.matchKey } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(doc.splits.length > 1 ? { rule: s.index + 1 } : {}),
  }] : []));
}

const apexKey = (ns: string, name: string): string => `${ns}/${name}`;

/**
 * The claims of a live object (as the API server returns it), read by the same adapters as a manifest: JSON is YAML.
 * For the cluster layer, which sends them with its route list.
 */
export function claimsOfObject(object: unknown): ClusterApexClaim[] {
  const file = new YamlFile('cluster:object', JSON.stringify(object) ?? '', 0);
  return file.parts.flatMap((part) => {
    const doc = part.isSplit && part.doc.errors.length === 0 ? splitDocumentOf(part) : undefined;
    return (doc ? claimsOf(doc) : []).map(({ apexNamespace, apex, port, viaProfile, matchKey, rule }) => ({
      apexNamespace, apex, viaProfile,
      ...(port !== undefined ? { port } : {}),
      ...(matchKey !== undefined ? { matchKey } : {}),
      ...(rule !== undefined ? { rule } : {}),
    }));
  });
}

/**
 * What the split parts among `parts` claim, as one comparable string: an edit whose removed and fresh parts differ in
 * it changes which split takes an apex elsewhere, so the index's generation must move (a weight edit leaves it alone).
 */
export function claimsSignature(parts: readonly YamlPart[]): string {
  const keys: string[] = [];
  for (const part of parts) {
    const doc = part.isSplit && part.doc.errors.length === 0 ? splitDocumentOf(part) : undefined;
    for (const c of doc ? claimsOf(doc) : []) {
      keys.push([c.kind, c.namespace, c.name, c.apexNamespace, c.apex, c.port ?? '', c.viaProfile, c.matchKey ?? '', c.rule ?? ''].join('\0'));
    }
  }
  return keys.sort().join('\n');
}
interface Claims { byApex: Map<string, ApexClaim[]>; created: Map<string, string> }
const CACHE = new WeakMap<WorkspaceIndex, { generation: number; claims: Claims }>();

/** The workspace's claims by apex Service, read once per index generation (split parts are parsed anyway). */
function workspaceClaims(index: WorkspaceIndex): Claims {
  const generation = index.generation;
  const cached = CACHE.get(index);
  if (cached?.generation === generation) return cached.claims;
  const byApex = new Map<string, ApexClaim[]>();
  const created = createdInCluster(index);
  const selected = index.clusterFacts?.connection?.namespace;
  const add = (c: ApexClaim): void => {
    const k = apexKey(c.apexNamespace, c.apex);
    const list = byApex.get(k);
    if (list) list.push(c); else byApex.set(k, [c]);
  };
  const inWorkspace = new Set<string>();
  for (const file of index.allFiles()) {
    for (const part of file.parts) {
      // The same parts as claimsSignature reads: a document that does not parse claims nothing.
      const doc = part.isSplit && part.doc.errors.length === 0 ? splitDocumentOf(part) : undefined;
      if (doc?.name) inWorkspace.add(objectKey(doc.kind, appliedNamespace(doc, selected), doc.name.value));
      for (const c of doc ? claimsOf(doc, created, selected) : []) add(c);
    }
  }
  // The cluster's splits the workspace does not hold (a workspace copy is what the user is about to apply).
  for (const r of index.clusterFacts?.routes ?? []) {
    if (inWorkspace.has(objectKey(r.kind, r.namespace, r.name))) continue;
    for (const c of r.claims ?? []) {
      add({ kind: r.kind, name: r.name, namespace: r.namespace, inCluster: true, ...c, ...(r.createdAt !== undefined ? { createdAt: r.createdAt } : {}) });
    }
  }
  const claims = { byApex, created };
  CACHE.set(index, { generation, claims });
  return claims;
}

/**
 * `split-not-in-effect`: another split of the workspace takes this one's apex (a TrafficSplit, which Linkerd serves as
 * a ServiceProfile, over routes; an earlier route with the same matches over a later one). A ServiceProfile with
 * dstOverrides already in view is `shadowed-by-serviceprofile`'s to say.
 */
export const splitNotInEffect: Rule = {
  code: 'split-not-in-effect',
  scope: 'workspace',
  check({ doc, index }) {
    const { byApex, created } = workspaceClaims(index);
    const mine = claimsOf(doc, created, index.clusterFacts?.connection?.namespace);
    if (mine.length === 0) return [];
    const findings: Finding[] = [];
    for (const claim of mine) {
      const rivals = byApex.get(apexKey(claim.apexNamespace, claim.apex)) ?? [];
      const shadow = shadowedBy(claim, rivals);
      if (!shadow) continue;
      if (shadow.reason === 'service-profile' && index.profiles(claim.apexNamespace, claim.apex).some((p) => p.hasDstOverrides)) continue;
      const split = doc.splits.find((s) => s.apex && (claim.rule === undefined || s.index + 1 === claim.rule));
      if (!split?.apex) continue;
      findings.push({ code: this.code, span: split.apex.name.span, message: `Not in effect: ${describeShadow(shadow)}` });
    }
    return findings;
  },
};
