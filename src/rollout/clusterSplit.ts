/**
 * The split object a rollout drives, in the cluster: read it (weights, owner, who last wrote its spec, the rollout
 * state), and write the state annotation guarded by the object's resourceVersion, so that of two runners racing for
 * the lease the API server lets one through and refuses the other (409). Weights are never written here: they go
 * through the apply path (src/cluster/apply.ts, server-side apply with dry run, field manager `canary-lens`).
 */
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { managerWords, ownerOfObject, parseManifest, toClusterError, type K8sObject } from '../cluster';
import { withTimeout, REQUEST_TIMEOUT_MS } from '../cluster/requests';
import { ownerName } from '../protocol/ownerWords';
import { splitsFromObjects } from '../stats/fromManifests';
import { stateOf, encodeState, ROLLOUT_ANNOTATION, type RolloutState } from './state';
import type { SplitTarget } from './manifest';

/** The field manager of the state annotation: not `canary-lens`, whose applies of the file would otherwise drop it. */
export const STATE_FIELD_MANAGER = 'canary-lens-rollout';
const OURS = new Set(['canary-lens', STATE_FIELD_MANAGER]);

export interface LiveSplit {
  object: K8sObject;
  resourceVersion: string;
  backends: string[];
  weights: number[];
  /** The state on the object: undefined when none; an Error when it cannot be read. */
  state: RolloutState | undefined | Error;
  /** A Flagger Canary or Argo Rollout that owns the object, in words. */
  controller?: string;
  /** The managers other than ours that wrote the spec most recently (managedFields), in words (`kubectl apply`). */
  lastWriters: string[];
}

export interface ClusterSplitRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
  target: SplitTarget;
}

/** Where the split of a manifest document lives (its group, version and plural from the kind registry). */
export function clusterRef(partText: string, namespace: string, target: SplitTarget): ClusterSplitRef {
  const m = parseManifest(partText);
  return { group: m.group, version: m.version, plural: m.spec.plural, namespace, name: m.name, target };
}

/** The managers (other than ours) whose managedFields entry on the spec is the newest. */
export function lastSpecWriters(o: K8sObject): string[] {
  const entries = (o.metadata?.managedFields ?? []).filter((e) => e.manager && !OURS.has(e.manager) && e.subresource !== 'status'
    && e.fieldsV1 !== null && typeof e.fieldsV1 === 'object' && Object.prototype.hasOwnProperty.call(e.fieldsV1, 'f:spec'));
  const newest = entries.reduce((t, e) => (e.time && e.time > t ? e.time : t), '');
  return [...new Set(entries.filter((e) => (e.time ?? '') === newest).map((e) => managerWords(e.manager!)))];
}

export async function readLiveSplit(kc: KubeConfig, ref: ClusterSplitRef): Promise<LiveSplit> {
  const api = kc.makeApiClient(CustomObjectsApi);
  let object: K8sObject;
  try {
    object = (await api.getNamespacedCustomObject({ group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name }, withTimeout(REQUEST_TIMEOUT_MS))) as K8sObject;
  } catch (e) {
    throw toClusterError(e, { verb: 'get', resource: ref.plural, group: ref.group, namespace: ref.namespace, name: ref.name });
  }
  const { splits } = splitsFromObjects([object]);
  const split = splits[(ref.target.rule ?? 1) - 1] ?? splits[0];
  let state: LiveSplit['state'];
  try {
    state = stateOf(object.metadata?.annotations);
  } catch (e) {
    state = e as Error;
  }
  const owner = ownerOfObject(object);
  return {
    object,
    resourceVersion: object.metadata?.resourceVersion ?? '',
    backends: split?.backends.map((b) => b.name) ?? [],
    weights: split?.backends.map((b) => b.weight) ?? [],
    state,
    ...(owner ? { controller: ownerName(owner) } : {}),
    lastWriters: lastSpecWriters(object),
  };
}

/**
 * Writes the state annotation if the object is still at `resourceVersion` (a JSON merge patch carrying it: the API
 * server answers 409 Conflict when the object moved on). `null` removes the annotation. Returns the new resourceVersion.
 */
export async function writeState(kc: KubeConfig, ref: ClusterSplitRef, resourceVersion: string, state: RolloutState | null): Promise<string> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const body = { metadata: { resourceVersion, annotations: { [ROLLOUT_ANNOTATION]: state ? encodeState(state) : null } } };
  try {
    const o = (await api.patchNamespacedCustomObject(
      { group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name, body, fieldManager: STATE_FIELD_MANAGER },
      withTimeout(REQUEST_TIMEOUT_MS, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    )) as K8sObject;
    return o.metadata?.resourceVersion ?? '';
  } catch (e) {
    throw toClusterError(e, { verb: 'patch', resource: ref.plural, group: ref.group, namespace: ref.namespace, name: ref.name });
  }
}
