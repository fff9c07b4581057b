import { EventEmitter } from 'node:events';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterFactsParams, ClusterOwnedObject, ClusterRouteStatus, DeliveryStatus } from '../protocol/messages';
import { toClusterError } from './errors';
import { buildClusterFacts } from './facts';
import type { ClusterLog } from './log';
import type { KnownDeliveries } from './ownership';
import { discoverApis, KIND_IDS, kindSpec, pickVersion, QUIET_KIND_IDS, SPLIT_KIND_IDS, TEMPLATE_KIND_IDS, WORKLOAD_KIND_IDS, type K8sObject, type KindId, type ServedApis } from './requests';
import { contextFacts, type ReadKind } from './contextObjects';
import { routeStatusOf } from './routeStatus';
import { KINDS, SPLIT_KINDS } from '../service/model/kinds';
import { CONTROLLER_KINDS, DELIVERY_KINDS } from '../service/model/deliveryKinds';
import { backoffDelay, DEFAULT_BACKOFF, ResourceWatcher, stateOfError, type Backoff, type KindStatus, type WatchChange, type WatchState } from './watcher';
import type { Wording } from './wording';

/**
 * Everything the extension knows about one context + namespace: discovery of the served API versions, one watcher
 * per resource kind, an overall state, and the cluster facts for the language server (debounced, sent only when
 * they change).
 */

export interface SessionOptions {
  kc: KubeConfig;
  namespace: string;
  log: ClusterLog;
  /** For messages: the context's name. */
  context?: string;
  backoff?: Backoff;
  /** How often the served API groups are re-read (a CRD installed or deleted); default 30 s. */
  discoveryIntervalMs?: number;
  factsDebounceMs?: number;
  /** Kinds to read (default: all). */
  kinds?: readonly KindId[];
  watchTimeoutSeconds?: number;
  requestTimeoutMs?: number;
  /** The front end's words for next steps. */
  wording: Wording;
}

export interface SessionState {
  /** The state that matters most (see `overallState`). */
  state: WatchState;
  message: string;
  nextStep?: string;
  context?: string;
  namespace: string;
  server?: string;
  kinds: Partial<Record<KindId, KindStatus>>;
}

/** The events a session emits, with their listeners' arguments. */
export type ClusterSessionEvents = {
  state: [s: SessionState];
  facts: [f: ClusterFactsParams];
  change: [c: WatchChange];
};

/** Order of importance: the first state any relevant kind is in wins. */
const SEVERITY: WatchState[] = ['unauthorized', 'unreachable', 'forbidden', 'error', 'connecting', 'crd-missing', 'ready'];

export function overallState(kinds: Partial<Record<KindId, KindStatus>>): Pick<SessionState, 'state' | 'message' | 'nextStep'> {
  const all = Object.values(kinds).filter((s): s is KindStatus => !!s);
  if (all.length === 0) return { state: 'connecting', message: 'Connecting…' };
  // A split kind whose CRD is missing, or that the user may not read (RBAC written before GRPCRoutes existed), matters
  // only when no kind of split can be read at all; otherwise it is a detail of the ready message. A missing CRD of
  // another kind (ServiceProfiles) never decides the state. Canaries and Rollouts are optional: most clusters have
  // neither controller, and a user may not read them; either stays the kind's own state, as for the workloads and
  // templates their rules read (KindSpec.quiet).
  const splits = SPLIT_KIND_IDS.map((k) => kinds[k]).filter((s): s is KindStatus => !!s);
  const deliveries = QUIET_KIND_IDS.map((k) => kinds[k]).filter((s): s is KindStatus => !!s);
  const aside = (s: KindStatus): boolean => s.state === 'crd-missing' || s.state === 'forbidden';
  const noneUsable = splits.length > 0 && splits.every(aside);
  const relevant = all.filter((s) => (splits.includes(s) ? !aside(s) || noneUsable : deliveries.includes(s) ? !aside(s) : s.state !== 'crd-missing'));
  for (const state of SEVERITY) {
    const hit = relevant.find((s) => s.state === state);
    if (!hit) continue;
    if (state === 'ready') return readyState(kinds);
    return { state, message: hit.message, ...(hit.nextStep ? { nextStep: hit.nextStep } : {}) };
  }
  return { state: 'connecting', message: 'Connecting…' };
}

/** "2 TrafficSplits, 1 HTTPRoute, GRPCRoutes not readable (forbidden)": per split kind, summed over its API groups. */
function readyState(kinds: Partial<Record<KindId, KindStatus>>): Pick<SessionState, 'state' | 'message' | 'nextStep'> {
  const count = (id: KindId): number => {
    const status = kinds[id];
    return status?.state === 'ready' ? Number(/^\d+/.exec(status.message)?.[0] ?? 0) : 0;
  };
  const forbidden = SPLIT_KIND_IDS.map((k) => kinds[k]).filter((s): s is KindStatus => s?.state === 'forbidden');
  const splitCounts = SPLIT_KINDS.map((kind) => {
    const resources = KINDS[kind].cluster;
    const n = resources.reduce((sum, r) => sum + count(r.id), 0);
    const denied = resources.filter((r) => kinds[r.id]?.state === 'forbidden');
    if (denied.length === resources.length) return `${KINDS[kind].plural} not readable (forbidden)`;
    return [`${n} ${n === 1 ? kind : KINDS[kind].plural}`, ...denied.map((r) => `${r.label} not readable (forbidden)`)].join(', ');
  });
  // Canaries and Rollouts only when there are some: without the controllers they are not news.
  const deliveries = DELIVERY_KINDS.flatMap((kind) => {
    const n = CONTROLLER_KINDS[kind].cluster.reduce((sum, r) => sum + count(r.id), 0);
    return n > 0 ? [`${n} ${n === 1 ? kind : CONTROLLER_KINDS[kind].plural}`] : [];
  });
  const message = [...splitCounts, ...deliveries].join(', ');
  const nextStep = forbidden.find((s) => s.nextStep)?.nextStep;
  return { state: 'ready', message, ...(nextStep ? { nextStep } : {}) };
}

export class ClusterSession extends EventEmitter<ClusterSessionEvents> {
  private readonly watchers = new Map<KindId, ResourceWatcher>();
  private readonly statuses: Partial<Record<KindId, KindStatus>> = {};
  private disposed = false;
  private discoveryTimer: NodeJS.Timeout | undefined;
  private factsTimer: NodeJS.Timeout | undefined;
  private lastFacts = '';
  private lastState = '';
  private discoveryAttempt = 0;
  private discovering: Promise<void> | undefined;
  private lastMissingCheck = 0;
  readonly namespace: string;
  readonly server: string | undefined;
  state: SessionState;

  constructor(private readonly options: SessionOptions) {
    super();
    this.namespace = options.namespace;
    this.server = options.kc.getCurrentCluster()?.server;
    this.state = { state: 'connecting', message: 'Connecting…', namespace: this.namespace, kinds: {}, ...(options.context ? { context: options.context } : {}), ...(this.server ? { server: this.server } : {}) };
  }

  private get kinds(): readonly KindId[] {
    return this.options.kinds ?? KIND_IDS;
  }

  start(): void {
    this.options.log.info(`Connecting to ${this.server ?? '?'} (context ${this.options.context ?? '?'}, namespace ${this.namespace})`);
    for (const id of this.kinds) {
      const spec = kindSpec(id);
      if (spec.group === '') this.startWatcher(id, 'v1');
      else this.setKindStatus({ kind: id, label: spec.label, state: 'connecting', message: `Discovering ${spec.label}…` });
    }
    this.runDiscovery();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.discoveryTimer);
    clearTimeout(this.factsTimer);
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    this.removeAllListeners();
  }

  /** Retry every failed part now (e.g. the user clicked "reconnect"). */
  retryNow(): void {
    for (const w of this.watchers.values()) w.retryNow();
    this.runDiscovery();
  }

  /** Objects of one kind (empty when not read). */
  items(kind: KindId): K8sObject[] {
    return [...(this.watchers.get(kind)?.items.values() ?? [])];
  }

  /** Live splits in the namespace: TrafficSplits and HTTPRoutes of both groups. */
  splits(): K8sObject[] {
    return SPLIT_KIND_IDS.flatMap((k) => this.items(k));
  }

  /** Linkerd's verdict on every split object read (`unknown` where its policy controller wrote nothing). */
  routeStatuses(): ClusterRouteStatus[] {
    return SPLIT_KIND_IDS.flatMap((id) => {
      const { split, group } = kindSpec(id);
      return split ? this.items(id).map((o) => routeStatusOf(o, split, group, this.namespace)) : [];
    });
  }

  facts(): ClusterFactsParams {
    const synced = (id: KindId) => {
      const w = this.watchers.get(id);
      const s = this.statuses[id]?.state;
      return w?.synced && s !== 'unauthorized' && s !== 'forbidden' ? w : undefined;
    };
    // A delivery kind counts as known only when every resource of it is read (then a field manager's owner that no
    // Canary or Rollout names is stale, not unknown: see ownership.ts).
    const deliveries: KnownDeliveries = {};
    for (const kind of DELIVERY_KINDS) {
      const resources = CONTROLLER_KINDS[kind].cluster;
      const watchers = resources.map((r) => synced(r.id)).filter((w) => !!w);
      if (resources.length > 0 && watchers.length === resources.length) deliveries[kind] = watchers.flatMap((w) => [...w.items.values()]);
    }
    const read = (id: KindId): ReadKind => {
      const { kind, group, clusterScoped } = kindSpec(id);
      const w = synced(id);
      return { kind, group, items: w?.items.values(), ...(clusterScoped ? { clusterScoped } : {}) };
    };
    const context = contextFacts({
      namespace: this.namespace,
      // A kind the session does not read has no watcher: unknown, never complete.
      workloads: WORKLOAD_KIND_IDS.map(read),
      templates: TEMPLATE_KIND_IDS.map(read),
      routes: SPLIT_KIND_IDS.map(read),
    });
    return {
      ...this.splitFacts(synced, deliveries),
      ...context,
    };
  }

  private splitFacts(synced: (id: KindId) => ResourceWatcher | undefined, deliveries: KnownDeliveries): ClusterFactsParams {
    const services = synced('services');
    const endpoints = synced('endpoints');
    const profiles = synced('serviceprofiles');
    return buildClusterFacts({
      namespace: this.namespace,
      ...(services ? { services: services.items.values() } : {}),
      ...(endpoints ? { endpoints: endpoints.items.values() } : {}),
      ...(profiles ? { serviceProfiles: profiles.items.values() } : {}),
      routeStatuses: this.routeStatuses(),
      splits: SPLIT_KIND_IDS.flatMap((id) => {
        const { kind, group } = kindSpec(id);
        return this.items(id).map((object) => ({ kind, group, object }));
      }),
      deliveries,
    });
  }

  /** The live state of the namespace's Canaries and Rollouts (empty when none can be read). */
  deliveries(): DeliveryStatus[] {
    return this.facts().deliveries ?? [];
  }

  /** The namespace's splits and Services a Canary or Rollout owns. */
  owned(): ClusterOwnedObject[] {
    return this.facts().owned ?? [];
  }

  private runDiscovery(): void {
    if (this.disposed || this.discovering) return;
    clearTimeout(this.discoveryTimer);
    this.discovering = this.discover().finally(() => { this.discovering = undefined; });
    this.discovering.catch((e) => this.options.log.error(`Discovery failed: ${String(e)}`));
  }

  private async discover(): Promise<void> {
    let served: ServedApis;
    try {
      served = await discoverApis(this.options.kc, this.options.requestTimeoutMs);
    } catch (e) {
      if (this.disposed) return;
      const err = toClusterError(e, { verb: 'discover', resource: 'API groups', server: this.server });
      const delay = backoffDelay(this.discoveryAttempt++, this.options.backoff ?? DEFAULT_BACKOFF);
      for (const id of this.kinds) {
        const spec = kindSpec(id);
        if (spec.group === '' || this.watchers.has(id)) continue;
        this.setKindStatus({ kind: id, label: spec.label, state: stateOfError(err), message: err.message, error: err, retryInMs: delay, ...(err.nextStep ? { nextStep: err.nextStepIn(this.options.wording) } : {}) });
      }
      this.discoveryTimer = setTimeout(() => this.runDiscovery(), delay);
      return;
    }
    if (this.disposed) return;
    this.discoveryAttempt = 0;
    let suspect = false;
    for (const id of this.kinds) {
      const spec = kindSpec(id);
      if (spec.group === '') continue;
      const version = pickVersion(spec, served);
      const current = this.watchers.get(id);
      if (version && current?.version === version) {
        this.misses.delete(id);
        continue;
      }
      // A restarting API server serves a partial discovery for a moment: a kind that was being read counts as gone
      // only when a second discovery, a second later, agrees.
      if (current && !version && (this.misses.get(id) ?? 0) < 1) {
        this.misses.set(id, 1);
        suspect = true;
        continue;
      }
      this.misses.delete(id);
      if (current) {
        current.dispose();
        this.watchers.delete(id);
        this.options.log.info(`${spec.label}: ${version ? `now reading ${spec.group}/${version}` : 'no longer served'}`);
      }
      if (version) {
        this.startWatcher(id, version);
      } else {
        const versions = served.get(spec.group);
        const message = versions && versions.length > 0
          ? `${spec.label}: the cluster serves ${spec.group} ${versions.join(', ')}, none of ${spec.versions.join(', ')}`
          : spec.missing ?? `${spec.label} are not served`;
        this.setKindStatus({ kind: id, label: spec.label, state: 'crd-missing', message, ...(spec.missing && versions?.length ? { nextStep: spec.missing } : {}) });
      }
    }
    this.emitFactsSoon();
    this.discoveryTimer = setTimeout(() => this.runDiscovery(), suspect ? 1000 : this.options.discoveryIntervalMs ?? 30_000);
  }

  private readonly misses = new Map<KindId, number>();

  private startWatcher(id: KindId, version: string): void {
    const w = new ResourceWatcher(this.options.kc, kindSpec(id), this.namespace, version, {
      log: this.options.log,
      wording: this.options.wording,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.watchTimeoutSeconds ? { watchTimeoutSeconds: this.options.watchTimeoutSeconds } : {}),
      ...(this.options.requestTimeoutMs ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
    });
    this.watchers.set(id, w);
    w.on('status', (s) => this.setKindStatus(s));
    w.on('change', (c) => {
      this.emit('change', c);
      // Every kind read is in the facts (a route's status, a workload's ports); unchanged facts are not sent again.
      this.emitFactsSoon();
    });
    // The type went away (404 on list): re-read discovery now, at most every 2 s.
    w.on('missing', () => {
      if (Date.now() - this.lastMissingCheck < 2000) return;
      this.lastMissingCheck = Date.now();
      this.runDiscovery();
    });
    this.setKindStatus(w.status);
    w.start();
  }

  private setKindStatus(s: KindStatus): void {
    if (this.disposed) return;
    this.statuses[s.kind] = s;
    const overall = overallState(this.statuses);
    const next: SessionState = { ...this.state, ...overall, kinds: { ...this.statuses } };
    if (!overall.nextStep) delete next.nextStep;
    this.state = next;
    // Several kinds change at once (a server going away): one event for all of them, after the current turn.
    if (!this.stateQueued) {
      this.stateQueued = true;
      setImmediate(() => {
        this.stateQueued = false;
        if (this.disposed) return;
        const st = this.state;
        const key = JSON.stringify([st.state, st.message, Object.values(st.kinds).map((k) => [k!.kind, k!.state, k!.message])]);
        if (key === this.lastState) return;
        this.lastState = key;
        this.emit('state', st);
      });
    }
    this.emitFactsSoon();
  }

  private stateQueued = false;

  private emitFactsSoon(): void {
    if (this.disposed) return;
    clearTimeout(this.factsTimer);
    this.factsTimer = setTimeout(() => {
      if (this.disposed) return;
      const facts = this.facts();
      const key = JSON.stringify(facts);
      if (key === this.lastFacts) return;
      this.lastFacts = key;
      this.options.log.debug(`Cluster facts: ${facts.services.length} Services, ${facts.serviceProfiles.length} ServiceProfiles in ${facts.namespaces.join(', ') || '(none)'}`);
      this.emit('facts', facts);
    }, this.options.factsDebounceMs ?? 250);
  }
}
