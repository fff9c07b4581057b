import type { Range } from 'vscode-languageserver-types';
import type { Controller, ObjectOwner } from '../../protocol/messages';
import type { SplitDocument } from '../model/split';
import { splitDocumentOf } from '../model/adapters';
import type { YamlPart } from '../document/part';
import type { ServiceFact, WorkloadFact } from '../workspace/context';
import { isSplitKind } from '../model/kinds';
import { uriOf } from '../workspace/refs';
import { appliedNamespace } from '../model/split';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { distinctOwners, ownerCreates, ownerMessage, ownerName } from '../../protocol/ownerWords';
import type { Finding, Rule } from './rule';

/**
 * Who owns a split, and objects written by hand under a name a Canary or Rollout generates. Owners come from the index:
 * the workspace's Canaries and Rollouts (their naming rules and references, `DeliveryFact.owns`) and the cluster's
 * ownerReferences and managedFields (`ClusterFacts.owned`).
 */

/**
 * The owners of the object a split document describes (one entry per owner); none for an unnamed document. A document
 * without metadata.namespace is the workspace's `default` to its Canaries and Rollouts, and lands in the selected
 * namespace when applied: the cluster's owners there own it too.
 */
export function splitOwners(index: WorkspaceIndex, doc: SplitDocument): ObjectOwner[] {
  const name = doc.name?.value;
  if (!name) return [];
  const applied = appliedNamespace(doc, index.clusterFacts?.connection?.namespace);
  return distinctOwners([...index.ownersOf(doc.kind, doc.ns, name), ...(applied !== doc.ns ? index.ownersOf(doc.kind, applied, name) : [])]);
}

/** The owners of the split document at part `partIndex` of `uri` (`canaryLens/owners`, which Apply asks before it applies). */
export function documentOwners(index: WorkspaceIndex, uri: string, partIndex: number): ObjectOwner[] {
  const part = index.getFile(uri)?.parts[partIndex];
  const doc = part?.isSplit ? splitDocumentOf(part) : undefined;
  return doc ? splitOwners(index, doc) : [];
}

/** Where the owner is written in the workspace (the file and its metadata.name), when it is. */
export function ownerLocation(index: WorkspaceIndex, owner: ObjectOwner): { uri: string; range: Range } | undefined {
  const fact = index.deliveries(owner.namespace).find((f) => f.kind === owner.kind && f.name === owner.name && f.part);
  const uri = fact?.part ? uriOf(index, fact.part) : undefined;
  if (!fact?.part || !uri) return undefined;
  return { uri, range: fact.part.rangeOf(fact.nameSpan ?? { start: 0, end: 0 }) };
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * `managed-by-controller`: a TrafficSplit, HTTPRoute or GRPCRoute a Canary or Rollout creates, on its name.
 * `managed-weights`: a route an Argo Rollout's plugin sets the weights of, which is the user's to write (the plugin needs
 * it): the words say whose the weights are, not that the file is wrong.
 */
export const managedByController: Rule = {
  code: 'managed-by-controller',
  scope: 'workspace',
  check({ doc, index }) {
    const owners = splitOwners(index, doc);
    const span = doc.name?.span ?? doc.kindSpan;
    // A route the user must write, whose weights only are the Rollout's, is no mistake: information, not a warning.
    return owners.map((o) => ({
      code: ownerCreates(o) ? 'managed-by-controller' : 'managed-weights', span, message: capitalised(ownerMessage(o, doc.kind)), data: { owner: o },
    }));
  },
};

export const OWNERSHIP_RULES: readonly Rule[] = [managedByController];

/**
 * What a controller does with an object it would generate that already exists, per controller and kind of object, for
 * the kinds that are context documents here (Services, workloads). Splits it generates get `managed-by-controller`.
 */
const PRIMARY_WORKLOAD = (kind: string): string =>
  `Flagger takes a ${kind} of that name that already exists as the primary, as it is, and replaces its pod template with the target's at every promotion`;
const GENERATED_EXISTING: Readonly<Record<Controller, Readonly<Partial<Record<string, string>>>>> = {
  Flagger: {
    // fluxcd/flagger pkg/router/kubernetes_default.go `reconcileService`: a Service of the name that exists is kept, but
    // its selector and ports are set to Flagger's (its labels and annotations too when it carries the Canary's owner).
    Service: 'Flagger keeps a Service of that name that already exists, but sets its selector and ports to its own at every reconcile',
    // fluxcd/flagger pkg/canary/deployment_controller.go (daemonset_controller.go alike): `createPrimaryDeployment`
    // creates `<target>-primary` only when none exists, and `Promote` replaces its pod template with the target's.
    Deployment: PRIMARY_WORKLOAD('Deployment'),
    DaemonSet: PRIMARY_WORKLOAD('DaemonSet'),
  },
  // Argo Rollouts generates no Service or workload by name (its canary and stable Services are written by hand).
  'Argo Rollouts': {},
};

/** The collisions of an index, for the generation they were computed at. */
const computed = new WeakMap<WorkspaceIndex, { generation: number; byPart: Map<YamlPart, Finding[]> }>();

/**
 * `collides-with-generated` findings by part: hand-written context documents (Services, workloads) whose name is one a
 * Canary or Rollout generates (its naming rules, or the cluster's ownerReferences). Computed once per generation of the
 * index from the owners' side (a few objects per Canary), so a file of 20,000 documents pays one map lookup a part.
 */
export function collisionsByPart(index: WorkspaceIndex): ReadonlyMap<YamlPart, Finding[]> {
  const generation = index.generation;
  const cached = computed.get(index);
  if (cached?.generation === generation) return cached.byPart;
  const byPart = new Map<YamlPart, Finding[]>();
  const generated = new Map<string, { kind: string; ns: string; name: string }>();
  const add = (kind: string, ns: string, name: string): void => {
    if (!isSplitKind(kind)) generated.set(`${kind}\0${ns}\0${name}`, { kind, ns, name });
  };
  for (const d of index.deliveries()) for (const o of d.owns) if (o.how === 'generates' && !o.adopts) add(o.kind, o.ns, o.name);
  for (const o of index.clusterFacts?.owned ?? []) if (ownerCreates(o.owner)) add(o.kind, o.namespace, o.name);
  // Workloads by namespace and name, built for the namespaces asked about only.
  const workloads = new Map<string, Map<string, WorkloadFact[]>>();
  const workloadsNamed = (ns: string, name: string): WorkloadFact[] => {
    let byName = workloads.get(ns);
    if (!byName) {
      byName = new Map();
      for (const w of index.workloads(ns)) byName.set(w.name, [...(byName.get(w.name) ?? []), w]);
      workloads.set(ns, byName);
    }
    return byName.get(name) ?? [];
  };
  for (const { kind, ns, name } of generated.values()) {
    const facts: (ServiceFact | WorkloadFact)[] = kind === 'Service' ? index.services(ns, name) : workloadsNamed(ns, name).filter((w) => w.kind === kind);
    const owners = distinctOwners(index.ownersOf(kind, ns, name)).filter(ownerCreates);
    for (const f of facts) {
      // A fact of the cluster is no hand-written document; a Canary or Rollout's own facts are not context documents.
      if (!f.part || !f.nameSpan || f.part.isAnalysed) continue;
      const list = byPart.get(f.part) ?? [];
      for (const o of owners) {
        const what = GENERATED_EXISTING[o.controller][kind] ?? `${o.controller} takes over a ${kind} of that name that already exists`;
        list.push({
          code: 'collides-with-generated', span: f.nameSpan,
          message: `${ownerName(o)} generates ${kind} ${name}: ${what}; leave the name to the ${o.kind}, or rename this ${kind}`,
          data: { owner: o },
        });
      }
      if (list.length > 0) byPart.set(f.part, list.sort((x, y) => x.span.start - y.span.start));
    }
  }
  computed.set(index, { generation, byPart });
  return byPart;
}
