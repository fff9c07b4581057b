/**
 * Route statuses as Linkerd's policy controller writes them (linkerd/linkerd2 policy-controller/k8s/status/src/index.rs):
 * a JSON merge patch of the status subresource (`make_patch`, field manager `linkerd.io/policy-controller`) holding
 * `status.parents`: the other controllers' entries kept, then one entry per parentRef it understands, for a Service
 * parent `{ group: core, kind: Service, namespace, name, port }` with two conditions, the parent's (Accepted) and the
 * backends' (ResolvedRefs). Its conditions carry `lastTransitionTime`, `message` ('' when it has none), `reason`,
 * `status`, `type`, and no `observedGeneration` (it writes `None`).
 */

export const POLICY_CONTROLLER = 'linkerd.io/policy-controller';

export interface Condition {
  type: 'Accepted' | 'ResolvedRefs';
  status: 'True' | 'False';
  reason: string;
  message?: string;
  /** Gateway API conditions may carry it; the policy controller leaves it out. */
  observedGeneration?: number;
}

/** The condition functions of index.rs: `accepted()`, `no_matching_parent()`, `backend_not_found()` … */
export const ACCEPTED: Condition = { type: 'Accepted', status: 'True', reason: 'Accepted' };
export const RESOLVED_REFS: Condition = { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' };
export const NO_MATCHING_PARENT: Condition = { type: 'Accepted', status: 'False', reason: 'NoMatchingParent' };
export const HEADLESS_PARENT: Condition = { type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: 'parent service must have a ClusterIP' };
export const ROUTE_CONFLICTED: Condition = { type: 'Accepted', status: 'False', reason: 'RouteReasonConflicted' };
export const BACKEND_NOT_FOUND: Condition = { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' };
export const INVALID_KIND: Condition = { type: 'ResolvedRefs', status: 'False', reason: 'InvalidKind' };

export interface ServiceParent { name: string; namespace: string; port?: number }

/** One `status.parents[]` entry for a Service parent. */
export function serviceParentStatus(parent: ServiceParent, conditions: readonly Condition[], at = new Date()): Record<string, unknown> {
  return {
    parentRef: { group: 'core', kind: 'Service', namespace: parent.namespace, name: parent.name, ...(parent.port !== undefined ? { port: parent.port } : {}) },
    controllerName: POLICY_CONTROLLER,
    conditions: conditions.map((c) => ({
      lastTransitionTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
      message: c.message ?? '',
      ...(c.observedGeneration !== undefined ? { observedGeneration: c.observedGeneration } : {}),
      reason: c.reason,
      status: c.status,
      type: c.type,
    })),
  };
}

/** The merge patch body `make_patch` sends: apiVersion, kind, name and the whole `status`. */
export function statusPatch(apiVersion: string, kind: string, name: string, parents: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { apiVersion, kind, name, status: { parents } };
}
