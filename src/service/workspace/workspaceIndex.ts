import { factsComputed, factsOf, mayHoldFacts, selects, type DeliveryFact, type Fact, type GrantFact, type LinkFact, type ProfileFact, type ServiceFact, type TemplateFact, type WorkloadFact } from './context';
import type { YamlFile } from '../document/file';
import type { YamlPart } from '../document/part';
import type { ClusterConnectionInfo, ClusterOwnedObject, ClusterRouteRef, ClusterRouteStatus, DeliveryStatus, ObjectOwner } from '../../protocol/messages';

/** Facts about the cluster as the client last saw them (pushed through the protocol). */
export interface ClusterFacts {
  /** Namespaces the facts cover: only there can "not found" be said. */
  namespaces: string[];
  facts: Fact[];
  /** The connection they come from, when there is one (even if no list was readable). */
  connection?: ClusterConnectionInfo;
  /** Linkerd's verdicts on the cluster's routes (only those its policy controller wrote a status for). */
  routeStatuses?: ClusterRouteStatus[];
  /** Splits and Services of the cluster a Canary or Rollout owns (ownerReferences, managedFields). */
  owned?: ClusterOwnedObject[];
  /** The live state of the cluster's Canaries and Rollouts. */
  deliveries?: DeliveryStatus[];
  /**
   * The cluster's Deployments, DaemonSets and StatefulSets: apart from `facts`, as only the delivery rules read them
   * (see `WorkspaceIndex.workloadsInView`).
   */
  workloads?: WorkloadFact[];
  /** The cluster's split objects (TrafficSplits, HTTPRoutes, GRPCRoutes), by name. */
  routes?: ClusterRouteRef[];
  /**
   * Per kind of workload, template and split: the namespaces ('' for a cluster-scoped kind) whose objects of that kind
   * the facts hold all of. A kind absent is unknown: nothing of it is said to be missing.
   */
  coverage?: Readonly<Partial<Record<string, readonly string[]>>>;
}

interface Lookup {
  services: Map<string, ServiceFact[]>;
  workloads: Map<string, WorkloadFact[]>;
  /** The cluster's workloads, by namespace: apart, as only the delivery rules read them (see `workloadsInView`). */
  clusterWorkloads: Map<string, WorkloadFact[]>;
  profiles: Map<string, ProfileFact[]>;
  grants: Map<string, GrantFact[]>;
  /** Multicluster Links, in any namespace (they live in the multicluster extension's, not the application's). */
  links: LinkFact[];
  /** Services by namespace, for completion (which lists them all). */
  servicesByNs: Map<string, ServiceFact[]>;
  /** Canaries and Rollouts of the workspace, by namespace. */
  deliveries: Map<string, DeliveryFact[]>;
  /** Owners of objects by kind, namespace and name (`ownedKey`): the workspace's deliveries' and the cluster's. */
  owners: Map<string, ObjectOwner[]>;
  /** Templates by kind, namespace ('' for ClusterAnalysisTemplate) and name. */
  templates: Map<string, TemplateFact[]>;
  /** Workloads by namespace and one pod label (`labelKey`), built on first use. */
  workloadsByLabel?: Map<string, WorkloadFact[]>;
}

const key = (ns: string, name: string): string => `${ns}/${name}`;
const ownedKey = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;
// NUL cannot occur in a Kubernetes label key or value, so these keys cannot collide.
const labelKey = (ns: string, label: string, value: string): string => `${ns}\0${label}\0${value}`;

function push<T>(map: Map<string, T[]>, k: string, v: T): void {
  const list = map.get(k);
  if (list) list.push(v); else map.set(k, [v]);
}

/**
 * Every file the service knows (open documents and scanned workspace files) and the facts of their context
 * documents. Facts are computed part by part (`indexSome`), so a big file never blocks a request; lookups
 * see what has been indexed so far.
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, YamlFile>();
  private cluster: ClusterFacts | undefined;
  private lookup: Lookup | undefined;
  private gen = 0;

  /** Changes whenever lookups may answer differently: results cached against it stay valid while it holds. */
  get generation(): number {
    void this.maps;
    return this.gen;
  }

  /** Parts waiting for their facts, oldest first; `next` is how far indexing has come. */
  private queue: YamlPart[] = [];
  private next = 0;

  setFile(file: YamlFile): void {
    this.files.set(file.uri, file);
    this.lookup = undefined;
    for (const part of file.parts) if (mayHoldFacts(part) && !factsComputed(part)) this.queue.push(part);
  }
  removeFile(uri: string): void { if (this.files.delete(uri)) this.lookup = undefined; }
  getFile(uri: string): YamlFile | undefined { return this.files.get(uri); }
  allFiles(): IterableIterator<YamlFile> { return this.files.values(); }
  setCluster(facts: ClusterFacts | undefined): void { this.cluster = facts; this.lookup = undefined; }
  get clusterFacts(): ClusterFacts | undefined { return this.cluster; }
  /** An edit changed a file's parts. */
  invalidate(): void { this.lookup = undefined; }

  /** Whether every context document known so far has its facts. */
  isIndexed(): boolean {
    while (this.next < this.queue.length && factsComputed(this.queue[this.next]!)) this.next++;
    if (this.next === this.queue.length) { this.queue = []; this.next = 0; }
    return this.queue.length === 0;
  }

  /**
   * Compute facts until `now()` reaches `deadline` (the caller's clock: the service has none of its own; without one,
   * everything is indexed); returns true when nothing is left.
   */
  indexSome(deadline: number, now: () => number = () => -Infinity): boolean {
    let did = false;
    while (!this.isIndexed()) {
      factsOf(this.queue[this.next++]!); // a part since replaced by an edit costs one wasted scan, nothing more
      did = true;
      if (now() >= deadline) break;
    }
    if (did) this.lookup = undefined;
    return this.isIndexed();
  }

  private get maps(): Lookup {
    if (this.lookup) return this.lookup;
    const l: Lookup = {
      services: new Map(), workloads: new Map(), clusterWorkloads: new Map(), profiles: new Map(), grants: new Map(), links: [], servicesByNs: new Map(),
      deliveries: new Map(), owners: new Map(), templates: new Map(),
    };
    const add = (f: Fact): void => {
      switch (f.type) {
        case 'Service': push(l.services, key(f.ns, f.name), f); push(l.servicesByNs, f.ns, f); break;
        case 'Workload': push(l.workloads, f.ns, f); break;
        case 'ServiceProfile': push(l.profiles, key(f.serviceNamespace, f.service), f); break;
        case 'ReferenceGrant': push(l.grants, f.ns, f); break;
        case 'Link': l.links.push(f); break;
        case 'Template': push(l.templates, ownedKey(f.kind, f.ns, f.name), f); break;
        case 'Delivery':
          push(l.deliveries, f.ns, f);
          for (const o of f.owns) {
            push(l.owners, ownedKey(o.kind, o.ns, o.name), {
              controller: f.controller, kind: f.kind, namespace: f.ns, name: f.name, via: o.how === 'generates' ? 'naming' : 'reference',
            });
          }
          break;
      }
    };
    for (const file of this.files.values()) {
      for (const part of file.parts) factsComputed(part)?.forEach(add);
    }
    this.cluster?.facts.forEach(add);
    for (const w of this.cluster?.workloads ?? []) push(l.clusterWorkloads, w.ns, w);
    for (const o of this.cluster?.owned ?? []) push(l.owners, ownedKey(o.kind, o.namespace, o.name), o.owner);
    this.lookup = l;
    this.gen++;
    return l;
  }

  /** Services named `name` in `ns`: workspace definitions first, then the cluster's. */
  services(ns: string, name: string): ServiceFact[] {
    return this.maps.services.get(key(ns, name)) ?? [];
  }

  allServices(ns?: string): ServiceFact[] {
    if (ns !== undefined) return [...(this.maps.servicesByNs.get(ns) ?? [])];
    return [...this.maps.servicesByNs.values()].flat();
  }

  /** Whether "this Service does not exist" can be said for `ns`: the workspace defines Services there, or the cluster covers it. */
  knowsServicesOf(ns: string): boolean {
    return this.cluster?.namespaces.includes(ns) === true || this.maps.servicesByNs.has(ns);
  }

  /** The workloads of `ns` the workspace defines (and any the cluster facts hold as facts). */
  workloads(ns: string): WorkloadFact[] { return this.maps.workloads.get(ns) ?? []; }

  /**
   * The workloads of `ns` the workspace defines, then those the cluster runs (Deployments, DaemonSets, StatefulSets
   * only: the rules that ask whether any workload selects a Service's pods read `workloads`, as the cluster's pods may
   * come from kinds it does not list).
   */
  workloadsInView(ns: string): WorkloadFact[] {
    const cluster = this.maps.clusterWorkloads.get(ns);
    return cluster ? [...this.workloads(ns), ...cluster] : this.workloads(ns);
  }

  /** Whether the cluster facts hold every object of `kind` in `ns` ('' for a cluster-scoped kind). */
  clusterCovers(kind: string, ns: string): boolean {
    // Services: the namespaces the cluster facts are complete for (the first list they carried); other kinds: `coverage`.
    if (kind === 'Service') return this.cluster?.namespaces.includes(ns) === true;
    const coverage = this.cluster?.coverage;
    return !!coverage && Object.prototype.hasOwnProperty.call(coverage, kind) && coverage[kind]!.includes(ns);
  }

  /**
   * Whether a workload of `ns` has pods `selector` selects (an empty selector selects nothing). Only the workloads
   * that carry one of the selector's labels are candidates: scanning the namespace's workloads for every backend
   * made a file of 12,000 workloads in one namespace take minutes.
   */
  selectsWorkload(ns: string, selector: Record<string, string>): boolean {
    const l = this.maps;
    if (!l.workloadsByLabel) {
      l.workloadsByLabel = new Map();
      for (const [wns, list] of l.workloads) {
        for (const w of list) for (const [k, v] of Object.entries(w.podLabels)) push(l.workloadsByLabel, labelKey(wns, k, v), w);
      }
    }
    let candidates: WorkloadFact[] | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const list = l.workloadsByLabel.get(labelKey(ns, k, v));
      if (!list) return false;
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    return candidates !== undefined && candidates.some((w) => selects(selector, w.podLabels));
  }
  profiles(ns: string, service: string): ProfileFact[] { return this.maps.profiles.get(key(ns, service)) ?? []; }
  grants(ns: string): GrantFact[] { return this.maps.grants.get(ns) ?? []; }
  links(): LinkFact[] { return this.maps.links; }

  /** Canaries and Rollouts of the workspace in `ns`, or in every namespace. */
  deliveries(ns?: string): DeliveryFact[] {
    return ns !== undefined ? this.maps.deliveries.get(ns) ?? [] : [...this.maps.deliveries.values()].flat();
  }

  /**
   * Who owns the object `kind` `ns`/`name` (a TrafficSplit, HTTPRoute, GRPCRoute or Service): the workspace's Canaries and
   * Rollouts by their naming rules and references, then the cluster's ownerReferences and managedFields.
   */
  ownersOf(kind: string, ns: string, name: string): ObjectOwner[] {
    return this.maps.owners.get(ownedKey(kind, ns, name)) ?? [];
  }

  /** Templates of a kind named `name` in `ns` (ClusterAnalysisTemplate: `ns` ''). */
  templates(kind: string, ns: string, name: string): TemplateFact[] {
    return this.maps.templates.get(ownedKey(kind, ns, name)) ?? [];
  }

  /**
   * Whether "no such template" can be said: templates of `kind` are defined in `ns` ('' for cluster-scoped ones) in the
   * workspace, or the cluster's list of them is complete there.
   */
  knowsTemplatesOf(kind: string, ns: string): boolean {
    if (this.clusterCovers(kind, ns)) return true;
    const prefix = ownedKey(kind, ns, '');
    for (const k of this.maps.templates.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  /** The live state of a Canary or Rollout of the cluster, when connected. */
  deliveryStatus(kind: string, ns: string, name: string): DeliveryStatus | undefined {
    return this.cluster?.deliveries?.find((d) => d.kind === kind && d.namespace === ns && d.name === name);
  }
}
