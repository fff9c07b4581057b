import type { ClusterRouteStatus, RouteProblem } from '../../protocol/messages';
import type { Span } from '../document/part';
import { isCoreService, type Backend, type SplitDocument } from '../model/split';
import type { ClusterFacts, WorkspaceIndex } from '../workspace/workspaceIndex';
import type { Finding, Rule } from './rule';

/**
 * `route-not-accepted` and `route-refs-unresolved`: what Linkerd's policy controller wrote in the status of the
 * cluster object this document describes (same kind, API group, namespace and name). The verdicts come with the
 * cluster facts; a route the controller has not written about yet gets nothing.
 */

const byObject = new WeakMap<ClusterFacts, Map<string, ClusterRouteStatus>>();
const objectKey = (kind: string, group: string, ns: string, name: string): string => `${kind}\u0000${group}\u0000${ns}\u0000${name}`;

/** The cluster's verdict on the object `doc` describes, if Linkerd wrote one. */
function statusOf(doc: SplitDocument, index: WorkspaceIndex): ClusterRouteStatus | undefined {
  const facts = index.clusterFacts;
  const name = doc.name?.value;
  const apiVersion = doc.apiVersion?.value;
  if (!facts?.routeStatuses || !name || !apiVersion?.includes('/')) return undefined;
  let map = byObject.get(facts);
  if (!map) {
    map = new Map(facts.routeStatuses.map((r) => [objectKey(r.kind, r.group, r.namespace, r.name), r]));
    byObject.set(facts, map);
  }
  return map.get(objectKey(doc.kind, apiVersion.slice(0, apiVersion.indexOf('/')), doc.ns, name));
}

/** The parentRef the controller's entry is for (matched as it resolves them: namespace defaults to the route's). */
function parentSpan(doc: SplitDocument, p: RouteProblem): Span {
  const ns = p.parent.namespace ?? doc.ns;
  const ref = doc.parents?.find((r) => r.name?.value === p.parent.name && r.ns === ns && r.kind === p.parent.kind && r.group === p.parent.group);
  return ref?.name?.span ?? ref?.span ?? doc.parentsSpan ?? doc.kindSpan;
}

/** The backendRefs a ResolvedRefs reason points at, where the document shows which ones. */
function backendSpans(doc: SplitDocument, p: RouteProblem, index: WorkspaceIndex): Span[] {
  const backends: Backend[] = doc.splits.flatMap((s) => s.backends);
  switch (p.reason) {
    case 'BackendNotFound':
      return backends.flatMap((b) => (b.name && isCoreService(b) && index.knowsServicesOf(b.ns) && index.services(b.ns, b.name.value).length === 0 ? [b.name.span] : []));
    case 'InvalidKind':
      return backends.flatMap((b) => (b.kindProblem ? [b.kindProblem.span] : []));
    default:
      return [];
  }
}

function message(doc: SplitDocument, p: RouteProblem): string {
  const parent = `${p.parent.kind || 'parent'} ${p.parent.name}`;
  const what = p.condition === 'Accepted'
    ? `Linkerd's policy controller did not accept this ${doc.kind} in the cluster for ${parent}, so Linkerd ignores it there`
    : `Linkerd's policy controller could not resolve this ${doc.kind}'s backends in the cluster (parent ${parent})`;
  return `${what}: ${p.condition} False, ${p.reason}${p.message ? ` (${p.message})` : ''}. Next step: ${p.nextStep}`;
}

function findings(rule: Rule, condition: RouteProblem['condition'], doc: SplitDocument, index: WorkspaceIndex): Finding[] {
  const status = statusOf(doc, index);
  if (status?.state !== 'problem') return [];
  const seen = new Set<string>();
  return status.problems.filter((p) => p.condition === condition).flatMap((p) => {
    const spans = condition === 'ResolvedRefs' ? backendSpans(doc, p, index) : [];
    return (spans.length > 0 ? spans : [parentSpan(doc, p)]).flatMap((span) => {
      const text = message(doc, p);
      const key = `${span.start}:${span.end}:${text}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ code: rule.code, span, message: text }];
    });
  });
}

/** `route-not-accepted`: Accepted False for a parent; Linkerd skips the route there. */
export const routeNotAccepted: Rule = {
  code: 'route-not-accepted',
  scope: 'workspace',
  check({ doc, index }) {
    return findings(this, 'Accepted', doc, index);
  },
};

/** `route-refs-unresolved`: ResolvedRefs False; the route is served, but a backend cannot be. */
export const routeRefsUnresolved: Rule = {
  code: 'route-refs-unresolved',
  scope: 'workspace',
  check({ doc, index }) {
    return findings(this, 'ResolvedRefs', doc, index);
  },
};
