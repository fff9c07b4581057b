import { splitsFromObjects, type K8sObjectLike, type ManifestSplit } from '../../stats/fromManifests';

/**
 * Live TrafficSplit / HTTPRoute objects (as the API server returns them) → the splits the stats module measures
 * and the panel shows. The reading is the language server's own (adapters over the split model), shared with
 * `canary-lens stats`; this only fills in the namespace and fixes the order.
 */

export type LiveObject = K8sObjectLike;
export type LiveSplit = ManifestSplit;

/** The splits of live objects, sorted by namespace, kind, name and rule (a stable order for the panel). */
export function liveSplits(objects: Iterable<LiveObject>, defaultNamespace = 'default'): LiveSplit[] {
  const named = [...objects].filter((o) => o.metadata?.name).map((o) => ({
    ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace || defaultNamespace },
  }));
  return splitsFromObjects(named).splits
    .sort((a, b) => a.objectNamespace.localeCompare(b.objectNamespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || (a.rule ?? 0) - (b.rule ?? 0));
}
