import type { ClusterFactsParams, ClusterRouteRef, ClusterTemplate, ClusterWorkload, SplitKind, TemplateKind } from '../protocol/messages';
import type { K8sObject } from './requests';
import { claimsOfObject } from '../service/rules/splitInEffect';

/**
 * What the delivery rules read of the cluster besides Services: its workloads (a Canary's targetRef and the ports its
 * Services send to, a Rollout's workloadRef), the templates analyses name and the split objects a Rollout names; and,
 * per kind, whether the namespace's list is complete. Watchers keep only these parts of each object (`slim*`): a
 * Deployment's full manifest (managedFields, the whole pod spec, status) is many times what is read.
 */

interface PodTemplateSpec {
  template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { name?: string; ports?: { name?: string; containerPort?: number }[] }[] } };
}

const identity = (o: K8sObject): K8sObject['metadata'] => ({
  ...(o.metadata?.name !== undefined ? { name: o.metadata.name } : {}),
  ...(o.metadata?.namespace !== undefined ? { namespace: o.metadata.namespace } : {}),
  // The watcher compares it to tell changed objects on a re-list.
  ...(o.metadata?.resourceVersion !== undefined ? { resourceVersion: o.metadata.resourceVersion } : {}),
});

/** A workload reduced to its name, pod template labels and container ports (`spec.template`: apps/v1 DeploymentSpec and the others). */
export function slimWorkload(o: K8sObject): K8sObject {
  const template = (o.spec as PodTemplateSpec | undefined)?.template;
  const containers = (template?.spec?.containers ?? []).map((c) => ({ ports: (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), ...(p.containerPort !== undefined ? { containerPort: p.containerPort } : {}) })) }));
  const labels = template?.metadata?.labels;
  return { metadata: identity(o), spec: { template: { metadata: { ...(labels ? { labels: { ...labels } } : {}) }, spec: { containers } } } };
}

/** A template reduced to its name. */
export function slimTemplate(o: K8sObject): K8sObject {
  return { metadata: identity(o) };
}

/** What was read of one kind: its objects, when the whole list of the namespace (or of the cluster) was read. */
export interface ReadKind {
  kind: string;
  /** The API group (for routes). */
  group: string;
  /** The objects, or undefined when the kind is not known (CRD missing, list refused, not synced yet). */
  items: Iterable<K8sObject> | undefined;
  clusterScoped?: boolean;
}

export interface ContextInput {
  namespace: string;
  workloads: readonly ReadKind[];
  templates: readonly ReadKind[];
  /** Every resource of each split kind (a kind with two API groups is complete only when both are read). */
  routes: readonly ReadKind[];
}

/** What a split object claims of apex Services, read by the language service's adapters. */
function claimsOf(o: K8sObject): Pick<ClusterRouteRef, 'claims'> {
  const claims = claimsOfObject({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace }, spec: o.spec });
  return claims.length > 0 ? { claims } : {};
}

const byName = <T extends { kind: string; namespace: string; name: string }>(a: T, b: T): number =>
  a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/** The workloads, templates and routes read, and where each kind's list is complete (the facts are compared as JSON). */
export function contextFacts(input: ContextInput): Pick<ClusterFactsParams, 'workloads' | 'templates' | 'routes' | 'coverage'> {
  const coverage: Record<string, string[]> = {};
  const cover = (kind: string, ns: string): void => {
    const list = (coverage[kind] ??= []);
    if (!list.includes(ns)) list.push(ns);
  };
  const nsOf = (o: K8sObject): string => o.metadata?.namespace ?? input.namespace;

  const workloads: ClusterWorkload[] = input.workloads.flatMap((r) => {
    if (!r.items) return [];
    cover(r.kind, input.namespace);
    return [...r.items].flatMap((o): ClusterWorkload[] => {
      const name = o.metadata?.name;
      if (!name) return [];
      const template = (o.spec as PodTemplateSpec | undefined)?.template;
      const containerPorts = (template?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).flatMap((p) =>
        (typeof p.containerPort === 'number' ? [{ port: p.containerPort, ...(p.name ? { name: p.name } : {}) }] : [])));
      return [{ kind: r.kind, namespace: nsOf(o), name, podLabels: { ...template?.metadata?.labels }, containerPorts }];
    });
  }).sort(byName);

  const templates: ClusterTemplate[] = input.templates.flatMap((r) => {
    if (!r.items) return [];
    const ns = (o: K8sObject): string => (r.clusterScoped ? '' : nsOf(o));
    cover(r.kind, r.clusterScoped ? '' : input.namespace);
    return [...r.items].flatMap((o): ClusterTemplate[] => (o.metadata?.name ? [{ kind: r.kind as TemplateKind, namespace: ns(o), name: o.metadata.name }] : []));
  }).sort(byName);

  // A split kind is complete only when every resource of it (each API group) was read.
  const routeKinds = new Map<string, readonly ReadKind[]>();
  for (const r of input.routes) routeKinds.set(r.kind, [...(routeKinds.get(r.kind) ?? []), r]);
  for (const [kind, resources] of routeKinds) if (resources.every((r) => r.items)) cover(kind, input.namespace);
  const routes: ClusterRouteRef[] = input.routes.flatMap((r) => [...(r.items ?? [])].flatMap((o): ClusterRouteRef[] =>
    (o.metadata?.name ? [{
      kind: r.kind as SplitKind, group: r.group, namespace: nsOf(o), name: o.metadata.name,
      ...(typeof o.metadata.creationTimestamp === 'string' ? { createdAt: o.metadata.creationTimestamp } : {}),
      ...claimsOf(o),
    }] : []))).sort((a, b) => byName(a, b) || a.group.localeCompare(b.group));

  return {
    ...(workloads.length > 0 ? { workloads } : {}),
    ...(templates.length > 0 ? { templates } : {}),
    ...(routes.length > 0 ? { routes } : {}),
    ...(Object.keys(coverage).length > 0 ? { coverage } : {}),
  };
}
