import type { ClusterOwnedObject, DeliveryKind, ObjectOwner } from '../protocol/messages';
import { CONTROLLER_KINDS, DELIVERY_KINDS, DELIVERY_RESOURCES } from '../service/model/deliveryKinds';
import { LIVE_KINDS, managersOf, objectsNamedBy, type LiveDelivery } from './liveDelivery';
import type { K8sObject } from './requests';

/**
 * Who owns a split or Service of the cluster: a Flagger Canary or an Argo Rollout. First by `ownerReferences`, which
 * both controllers set on what they create (Flagger: `metav1.NewControllerRef(canary, flagger.app/v1beta1 Canary)` in
 * fluxcd/flagger v1.44.0 pkg/router/smi.go, gateway_api.go, gateway_api_v1beta1.go, kubernetes_default.go; Argo
 * Rollouts: `NewControllerRef(rollout, argoproj.io/v1alpha1 Rollout)` in argoproj/argo-rollouts v1.9.1
 * rollout/trafficrouting/smi/smi.go objectMeta). Else by `managedFields`: the objects a controller only sets
 * (a hand-written HTTPRoute the gatewayAPI plugin moves, the Services Argo switches) carry its field manager; the
 * owner is then the Canary or Rollout read from the cluster whose spec names the object.
 */

/** The Canaries and Rollouts read, per kind. A kind that is absent could not be read (CRD missing, forbidden). */
export type KnownDeliveries = Partial<Record<DeliveryKind, readonly K8sObject[]>>;

function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

function owner(kind: DeliveryKind, namespace: string, name: string, via: ObjectOwner['via']): ObjectOwner {
  return { controller: CONTROLLER_KINDS[kind].controller, kind, namespace, name, via };
}

function byOwnerReference(o: K8sObject, namespace: string): ObjectOwner | undefined {
  const refs = o.metadata?.ownerReferences ?? [];
  // The controller reference first: that is the one the controllers set.
  const ordered = [...refs.filter((r) => r.controller === true), ...refs.filter((r) => r.controller !== true)];
  for (const ref of ordered) {
    const hit = DELIVERY_RESOURCES.find((r) => r.kind === ref.kind && r.group === groupOf(ref.apiVersion));
    if (hit && ref.name) return owner(hit.kind, namespace, ref.name, 'ownerReferences');
  }
  return undefined;
}

/**
 * The managers that wrote the object's spec or metadata (a status-only entry is not a claim on the object; status
 * is what Linkerd's policy controller writes on routes).
 */
function writers(o: K8sObject): Set<string> {
  const found = new Set<string>();
  for (const e of o.metadata?.managedFields ?? []) {
    if (!e.manager || e.subresource === 'status') continue;
    const fields = e.fieldsV1 && typeof e.fieldsV1 === 'object' ? Object.keys(e.fieldsV1) : undefined;
    if (!fields || fields.some((f) => f === 'f:spec' || f === 'f:metadata')) found.add(e.manager);
  }
  return found;
}

/** Which object is asked about. */
interface ObjectId { kind: string; group: string; namespace: string; name: string }

function byManagedFields(o: K8sObject, id: ObjectId, known: KnownDeliveries): ObjectOwner | undefined {
  const managers = writers(o);
  if (managers.size === 0) return undefined;
  const { kind, group, namespace, name } = id;
  // A delivery read from the cluster that names the object and whose managers wrote it.
  for (const dk of DELIVERY_KINDS) {
    const candidates = [...(known[dk] ?? [])].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    for (const object of candidates) {
      const d: LiveDelivery = { kind: dk, object };
      if (!managersOf(d).some((m) => managers.has(m))) continue;
      const names = objectsNamedBy(d, namespace).some((n) => n.kind === kind && n.group === group && n.namespace === namespace && n.name === name);
      if (names && object.metadata?.name) return owner(dk, namespace, object.metadata.name, 'managedFields');
    }
  }
  // None does. The controller's own annotation names its owner (a Service Argo switched); otherwise, when the kind
  // cannot be read, the owner is unknown but the controller still writes the object: name ''. When the kind is read
  // and no object names it, the entry is stale (the owner was deleted or points elsewhere): nobody reverts an edit.
  for (const dk of DELIVERY_KINDS) {
    const live = LIVE_KINDS[dk];
    if (![...live.managers, ...(live.usualPlugins ?? [])].some((m) => managers.has(m))) continue;
    const annotated = live.ownerAnnotation ? o.metadata?.annotations?.[live.ownerAnnotation] : undefined;
    const list = known[dk];
    if (annotated && (!list || list.some((x) => x.metadata?.name === annotated))) return owner(dk, namespace, annotated, 'managedFields');
    if (!list) return owner(dk, namespace, '', 'managedFields');
  }
  return undefined;
}

function ownerOf(o: K8sObject, id: ObjectId, known: KnownDeliveries): ObjectOwner | undefined {
  return byOwnerReference(o, id.namespace) ?? byManagedFields(o, id, known);
}

/**
 * The Canary or Rollout that owns `o` (a split or a Service, with its `kind` and `apiVersion`), or undefined.
 * `known` holds the Canaries and Rollouts read from the same namespace; a managedFields owner that cannot be traced
 * because its kind is not readable has the name ''.
 */
export function ownerOfObject(o: K8sObject, known: KnownDeliveries = {}): ObjectOwner | undefined {
  const id = { kind: o.kind ?? '', group: groupOf(o.apiVersion), namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' };
  return ownerOf(o, id, known);
}

/**
 * The owned objects among `objects`, each given with its kind and API group (lists of built-in kinds leave
 * `kind` and `apiVersion` out of their items), sorted as facts are compared.
 */
export function ownedObjects(objects: Iterable<{ kind: string; group: string; object: K8sObject }>, namespace: string, known: KnownDeliveries): ClusterOwnedObject[] {
  const out: ClusterOwnedObject[] = [];
  for (const { kind, group, object } of objects) {
    const name = object.metadata?.name;
    if (!name) continue;
    const id = { kind, group, namespace: object.metadata?.namespace ?? namespace, name };
    const found = ownerOf(object, id, known);
    if (found) out.push({ ...id, owner: found });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
