import type { ServiceFact } from './context';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * Services Linkerd multicluster creates in this cluster, which a split may name before they exist anywhere in view.
 * The service mirror (linkerd/linkerd2 multicluster/service-mirror/cluster_watcher.go) names a mirror
 * `<service>-<targetClusterName>` and labels it `mirror.linkerd.io/mirrored-service: "true"` and
 * `mirror.linkerd.io/cluster-name: <cluster>` (`getMirrorServiceLabels`); a federated Service (Linkerd 2.17+) is
 * `<service>-federated`, labelled mirrored-service only (`getFederatedServiceLabels`). Label keys:
 * pkg/k8s/labels.go (`MirroredResourceLabel`, `RemoteClusterNameLabel`).
 */
export const MIRRORED_LABEL = 'mirror.linkerd.io/mirrored-service';
export const CLUSTER_NAME_LABEL = 'mirror.linkerd.io/cluster-name';
const FEDERATED = 'federated';

/**
 * Suffixes canary releases give their Services: a version (`web-svc-2`, `web-svc-v2`), or the names of Flagger
 * (`-primary`, `-canary`: https://docs.flagger.app/usage/how-it-works) and Argo Rollouts' examples (`-stable`,
 * `-canary`; `-active`, `-preview` in argoproj/argo-rollouts examples/rollout-bluegreen.yaml). Without a Link or labels,
 * a missing `web-svc-canary` is a missing Service, not a mirror from a cluster named "canary".
 */
const RELEASE_SUFFIX = /^(v?\d+|primary|canary|stable|active|preview|baseline|blue|green)$/;

/** How it is known: the Service's own labels, a Link in the workspace, or a local Service whose name it extends. */
export type RemoteEvidence = 'labels' | 'link' | 'name';

export type RemoteService =
  | { type: 'mirror'; cluster: string; service?: string; by: RemoteEvidence }
  | { type: 'federated'; service: string; by: RemoteEvidence };

/** What multicluster makes of the Service `name` in `ns`, if anything: a Service in view by its labels, else by its name. */
export function remoteService(index: WorkspaceIndex, ns: string, name: string): RemoteService | undefined {
  const facts = index.services(ns, name);
  if (facts.length > 0) return facts.map(fromLabels).find((r) => r !== undefined);
  return fromLinks(index, name) ?? fromLocalService(index, ns, name);
}

function fromLabels(fact: ServiceFact): RemoteService | undefined {
  if (fact.labels?.[MIRRORED_LABEL] !== 'true') return undefined;
  const cluster = fact.labels[CLUSTER_NAME_LABEL];
  if (cluster) {
    const service = strip(fact.name, cluster);
    return { type: 'mirror', cluster, ...(service ? { service } : {}), by: 'labels' };
  }
  const service = strip(fact.name, FEDERATED);
  return service ? { type: 'federated', service, by: 'labels' } : undefined;
}

/** `<service>-<cluster>` for a Link's target cluster (its name, too: `linkerd multicluster link` makes them equal). */
function fromLinks(index: WorkspaceIndex, name: string): RemoteService | undefined {
  const links = index.links();
  for (const link of links) {
    for (const cluster of new Set([link.targetClusterName ?? link.name, link.name])) {
      const service = strip(name, cluster);
      if (service) return { type: 'mirror', cluster, service, by: 'link' };
    }
  }
  const federated = links.length > 0 ? strip(name, FEDERATED) : undefined;
  return federated ? { type: 'federated', service: federated, by: 'link' } : undefined;
}

/**
 * `<service>-<suffix>` next to a local `<service>`: the longest such Service wins (cluster names may hold dashes); a
 * release suffix is no cluster.
 */
function fromLocalService(index: WorkspaceIndex, ns: string, name: string): RemoteService | undefined {
  for (let dash = name.lastIndexOf('-'); dash > 0; dash = name.lastIndexOf('-', dash - 1)) {
    const service = name.slice(0, dash);
    const suffix = name.slice(dash + 1);
    if (suffix === '' || RELEASE_SUFFIX.test(suffix) || index.services(ns, service).length === 0) continue;
    return suffix === FEDERATED ? { type: 'federated', service, by: 'name' } : { type: 'mirror', cluster: suffix, service, by: 'name' };
  }
  return undefined;
}

/** `name` without the suffix `-<suffix>`; undefined when it does not end so (or nothing is left). */
function strip(name: string, suffix: string): string | undefined {
  const tail = `-${suffix}`;
  return name.length > tail.length && name.endsWith(tail) ? name.slice(0, -tail.length) : undefined;
}

/** One line for hovers: what the Service is and how that is known. */
export function describeRemote(r: RemoteService): string {
  const how = r.by === 'labels' ? 'its mirror.linkerd.io labels say so'
    : r.by === 'link' ? 'a multicluster Link for that cluster is in the workspace'
    : `named after Service ${r.service ?? ''} of this namespace`;
  return r.type === 'mirror'
    ? `Linkerd multicluster mirror${r.service ? ` of Service \`${r.service}\`` : ''}, mirrored from cluster \`${r.cluster}\` (${how})`
    : `Linkerd multicluster federated Service: \`${r.service}\` in every linked cluster that exports it (${how})`;
}
