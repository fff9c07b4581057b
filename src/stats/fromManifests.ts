import { splitDocumentOf } from '../service/model/adapters';
import { LanguageService } from '../service/languageService';
import { liveObjectText } from './liveVersion';
import type { StatsSplit } from './types';
import { servedAsProfile } from '../service/model/apexPrecedence';

/** A split to measure, with where its object lives (the apex may be in another namespace). */
export interface ManifestSplit extends StatsSplit {
  objectNamespace: string;
  /** For a live object, the version its weights were read under (src/stats/liveVersion.ts). */
  apiVersion?: string;
  /** Linkerd serves it as a ServiceProfile (linkerd-smi's TrafficSplit): see `service/model/apexPrecedence.ts`. */
  viaProfile?: boolean;
  /** The rule's canonical matches (the split model's `matchKey`): routes conflict on an apex only when equal. */
  matchKey?: string;
  /** metadata.creationTimestamp of a live object: Linkerd orders routes of one parent oldest first. */
  createdAt?: string;
}

/** Enough of a Kubernetes object (the cluster layer's objects fit). */
export interface K8sObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string };
  spec?: unknown;
}

/**
 * The StatsSplits of one YAML text (a TrafficSplit each, an HTTPRoute one per rule), read by the language service's
 * own adapters: the same reading for manifests on disk and for objects from the cluster. `label` names the text in
 * the reasons a split is skipped for.
 */
export function splitsOfText(ls: LanguageService, uri: string, text: string, label: string, splits: ManifestSplit[], skipped: string[], defaultNamespace?: string): void {
  const yamlFile = ls.setFile(uri, text);
  for (const part of yamlFile.parts) {
    const doc = part.isSplit ? splitDocumentOf(part) : undefined;
    if (!doc) continue;
    const name = doc.name?.value ?? '';
    for (const split of doc.splits) {
      const where = `${label}: ${doc.kind} ${name || '(no name)'}${doc.splits.length > 1 ? ` rule ${split.index + 1}` : ''}`;
      if (!split.apex) {
        skipped.push(`${where}: no apex Service (${doc.parents !== undefined ? 'no parentRef of kind Service' : 'no spec.service'})`);
        continue;
      }
      // A backend the mesh cannot route to (kindProblem) has no traffic to measure.
      const backends = split.backends.flatMap((b) => (b.name && !b.kindProblem ? [{
        name: b.name.value,
        weight: b.weight.units ?? 0,
        weightText: b.weight.source ?? String(b.weight.units ?? 0),
        ...(b.port ? { port: b.port.value } : {}),
      }] : []));
      if (backends.length === 0) {
        skipped.push(`${where}: no backends`);
        continue;
      }
      // A document without metadata.namespace lands where it is applied: the given namespace (the selected one, as
      // Apply and kubectl use the context's), else the language service's `default`.
      const objectNamespace = doc.namespace?.value || defaultNamespace || doc.ns;
      splits.push({
        objectNamespace,
        ...(doc.apiVersion ? { apiVersion: doc.apiVersion.value } : {}),
        namespace: split.apex.namespace?.value ?? objectNamespace,
        kind: doc.kind,
        name,
        ...(doc.splits.length > 1 ? { rule: split.index + 1 } : {}),
        apex: split.apex.name.value,
        ...(split.apex.port ? { apexPort: split.apex.port.value } : {}),
        backends,
        ...(servedAsProfile(doc.api) ? { viaProfile: true } : {}),
        ...(split.matchKey !== undefined ? { matchKey: split.matchKey } : {}),
      });
    }
  }
}

/**
 * The splits of one document's text (what an editor shows), read as `splitsOfText` reads manifests, for callers
 * that may not hold a language service (the extension); the reasons a split is skipped are not kept.
 */
export function splitsOfDocument(uri: string, text: string, defaultNamespace?: string): ManifestSplit[] {
  const splits: ManifestSplit[] = [];
  splitsOfText(new LanguageService(), uri, text, uri, splits, [], defaultNamespace);
  return splits;
}


/**
 * The StatsSplits of live TrafficSplit / HTTPRoute objects (as the API server returns them): each object goes through
 * the same adapters as a manifest on disk (written out as YAML), so both modes read weights, apexes and ports alike;
 * weights stored through another served version (quantity strings of TrafficSplit v1alpha1) are read under it.
 */
export function splitsFromObjects(objects: Iterable<K8sObjectLike>): { splits: ManifestSplit[]; skipped: string[] } {
  const ls = new LanguageService();
  const splits: ManifestSplit[] = [];
  const skipped: string[] = [];
  for (const o of objects) {
    const name = o.metadata?.name ?? '';
    const namespace = o.metadata?.namespace ?? '';
    const plain = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name, namespace }, spec: o.spec ?? {} };
    const group = (o.apiVersion ?? '').split('/')[0] ?? '';
    const uri = `k8s:/${encodeURIComponent(namespace)}/${encodeURIComponent(group)}/${encodeURIComponent(o.kind ?? '')}/${encodeURIComponent(name)}.yaml`;
    // Under the version the object was written through: a TrafficSplit written as v1alpha1 comes back with quantities.
    const first = splits.length;
    splitsOfText(ls, uri, liveObjectText(uri, plain).text, `${namespace}/${o.apiVersion ?? '?'}`, splits, skipped);
    const createdAt = o.metadata?.creationTimestamp;
    if (createdAt) for (const s of splits.slice(first)) s.createdAt = createdAt;
  }
  return { splits, skipped };
}

