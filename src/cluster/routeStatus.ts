import type { ClusterRouteStatus, RouteProblem, SplitKind } from '../protocol/messages';
import type { K8sObject } from './requests';

/**
 * What Linkerd's policy controller says about a route. It never rejects one at admission; it writes its verdict as
 * `status.parents[]` entries with its own controllerName, one per parentRef it understands, and its outbound index
 * skips a route whose entry for a parent lacks `Accepted: True`. Sources (linkerd/linkerd2):
 * - policy-controller/core/src/lib.rs: `POLICY_CONTROLLER_NAME = "linkerd.io/policy-controller"`;
 * - policy-controller/k8s/status/src/index.rs: the `conditions` and `reasons` modules, `parent_condition_service`
 *   (NoMatchingParent, "parent service must have a ClusterIP", RouteReasonConflicted), `backend_condition`
 *   (BackendNotFound, InvalidKind), `parent_has_conflicting_routes` (GEP-1426: GRPCRoute wins over HTTPRoute);
 * - policy-controller/k8s/index/src/outbound/index/http.rs: `route_accepted_by_service` (Accepted True, or skipped).
 */
export const POLICY_CONTROLLER_NAME = 'linkerd.io/policy-controller';

interface RawCondition { type?: unknown; status?: unknown; reason?: unknown; message?: unknown }
interface RawParentRef { group?: unknown; kind?: unknown; namespace?: unknown; name?: unknown; port?: unknown }
interface RawParentStatus { parentRef?: RawParentRef; controllerName?: unknown; conditions?: unknown }

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The next step for a reason, in neutral words (the front ends show it as is). */
export function routeNextStep(p: Omit<RouteProblem, 'nextStep'>, routeNamespace: string): string {
  const parentNs = p.parent.namespace ?? routeNamespace;
  const parent = `${p.parent.kind || 'parent'} ${p.parent.name} in namespace ${parentNs}`;
  switch (p.reason) {
    case 'NoMatchingParent':
      if (/ClusterIP/i.test(p.message)) return `give Service ${p.parent.name} a ClusterIP: a headless Service cannot be a route's parent`;
      return p.parent.kind === 'Service'
        ? `the parentRef must name an existing Service (kind: Service, group: core) with a ClusterIP in namespace ${parentNs}: create ${p.parent.name} there or fix parentRefs`
        : `create ${parent} or fix parentRefs`;
    case 'RouteReasonConflicted':
      return `a route of a kind that takes precedence (GRPCRoute over HTTPRoute, GEP-1426) has the same parent ${parent}: attach only one kind of route to it`;
    case 'BackendNotFound':
      return 'create the backend Service or fix backendRefs: requests sent to the missing backend fail';
    case 'InvalidKind':
      return 'backendRefs must name a Service (group core, kind Service), or an EgressNetwork only when the parent is that EgressNetwork';
    default:
      return `see the route's status (kubectl describe) for ${p.condition} ${p.reason}`;
  }
}

/** The Linkerd entries of a route's status, and the problems in them. */
export function routeStatusOf(object: K8sObject, kind: SplitKind, group: string, defaultNamespace: string): ClusterRouteStatus {
  const namespace = object.metadata?.namespace || defaultNamespace;
  const base = { kind, group, namespace, name: object.metadata?.name ?? '' };
  const parents = (object.status as { parents?: unknown } | undefined)?.parents;
  const ours = (Array.isArray(parents) ? parents as RawParentStatus[] : [])
    .filter((p) => p && typeof p === 'object' && p.controllerName === POLICY_CONTROLLER_NAME);
  if (ours.length === 0) return { ...base, state: 'unknown', problems: [] };
  const problems = ours.flatMap((entry) => {
    const ref = entry.parentRef ?? {};
    const refGroup = str(ref.group) ?? '';
    const port = typeof ref.port === 'number' ? ref.port : undefined;
    const parent = {
      group: refGroup === 'core' ? '' : refGroup, kind: str(ref.kind) ?? '', name: str(ref.name) ?? '',
      ...(str(ref.namespace) ? { namespace: str(ref.namespace)! } : {}), ...(port !== undefined ? { port } : {}),
    };
    const conditions = Array.isArray(entry.conditions) ? entry.conditions as RawCondition[] : [];
    return conditions.flatMap((c): RouteProblem[] => {
      const condition = c?.type;
      if ((condition !== 'Accepted' && condition !== 'ResolvedRefs') || c.status === 'True') return [];
      const problem: Omit<RouteProblem, 'nextStep'> = { condition, reason: str(c.reason) || 'Unknown', message: str(c.message) ?? '', parent };
      return [{ ...problem, nextStep: routeNextStep(problem, namespace) }];
    });
  });
  return { ...base, state: problems.length > 0 ? 'problem' : 'accepted', problems };
}

/** "HTTPRoute web-canary: not accepted by Linkerd for Service web-apex (NoMatchingParent)". */
export function describeRouteProblem(route: Pick<ClusterRouteStatus, 'kind' | 'name'>, p: RouteProblem): string {
  const what = p.condition === 'Accepted' ? 'not accepted by Linkerd' : 'backends not resolved by Linkerd';
  return `${route.kind} ${route.name}: ${what} for ${p.parent.kind || 'parent'} ${p.parent.name} (${p.reason}${p.message ? `: ${p.message}` : ''})`;
}
