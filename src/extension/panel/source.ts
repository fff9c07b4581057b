import type { LiveObject, LiveSplit } from './liveSplits';
import { liveSplits } from './liveSplits';
import type { LocateResult } from '../../stats/locate';
import type { ClusterRouteStatus, DeliveryKind, DeliveryStatus } from '../../protocol/messages';
// The cluster layer's resource table (this class runs in the cluster bundle only: the panel's code imports types from here).
import { DELIVERY_KIND_IDS, kindSpec } from '../../cluster/requests';

/**
 * What the side panel needs from the cluster layer, kept small so that the cluster glue can implement it in a few
 * lines (`ClusterPanelSource` below does it over a `ClusterSession`) and tests can fake it. No `vscode` here.
 */

export type ClusterSnapshotState =
  | 'no-kubeconfig' // no kubeconfig file at all
  | 'kubeconfig-error' // unreadable kubeconfig, unknown context, ...
  | 'connecting'
  | 'ready'
  | 'crd-missing'
  | 'forbidden'
  | 'unreachable'
  | 'unauthorized'
  | 'error';

export interface ClusterSnapshot {
  state: ClusterSnapshotState;
  /** What a person reads (already redacted): "TrafficSplit CRD not installed: install linkerd-smi". */
  message: string;
  nextStep?: string;
  context?: string;
  namespace?: string;
  /** API server URL (redacted). */
  server?: string;
  /** For `forbidden`: the request that was refused. */
  forbidden?: { verb?: string; resource?: string; user?: string };
  /** The live splits of the namespace (kept while the cluster is away: the last known ones). */
  splits: LiveSplit[];
  /** Routes Linkerd's policy controller did not accept or resolve (from their status), messages redacted. */
  routeProblems?: ClusterRouteStatus[];
  /** The Canaries and Rollouts of the namespace with their live state (messages redacted). */
  deliveries?: DeliveryStatus[];
  /** How the delivery kinds are read (absent: the cluster layer does not watch them). */
  deliveryKinds?: DeliveryKindState[];
}

/** The state of one delivery kind's watch (`canaries.flagger.app`, `rollouts.argoproj.io`). */
export interface DeliveryKindState {
  kind: DeliveryKind;
  /** `Canaries (Flagger)` */
  label: string;
  /** `canaries.flagger.app` */
  resource: string;
  state: string;
  message: string;
  nextStep?: string;
}

export interface Disposable {
  dispose(): void;
}

export interface PanelSource {
  snapshot(): ClusterSnapshot;
  /** Called after the snapshot changed (state, context, namespace, splits). */
  onDidChange(listener: () => void): Disposable;
  /**
   * Where Prometheus is when `canaryLens.prometheus.url` is not set: the stats module's `locatePrometheus({ kc })`
   * (the viz namespace's external-prometheus annotation, else a port-forward to its prometheus pod), which needs the
   * cluster connection, so the cluster side runs it. Absent: the panel asks for the setting.
   */
  locatePrometheus?(): Promise<LocateResult>;
}

// ---------------------------------------------------------------------------------------------------------------
// An implementation over what the cluster layer has today (ClusterSession + ClusterError), for the cluster glue.

/** The parts of `ClusterSession` used here (structural, so this file does not load the cluster layer). */
export interface SessionLike {
  readonly namespace: string;
  readonly server: string | undefined;
  state: {
    state: Exclude<ClusterSnapshotState, 'no-kubeconfig' | 'kubeconfig-error'>;
    message: string;
    nextStep?: string;
    context?: string;
    kinds: Partial<Record<string, { state: string; message?: string; nextStep?: string; error?: { verb?: string; resource?: string; group?: string; user?: string } } | undefined>>;
  };
  splits(): LiveObject[];
  /** The live Canaries and Rollouts (the cluster layer's `deliveryStatusOf` of each); else read from `facts()`. */
  deliveries?(): DeliveryStatus[];
  facts?(): { deliveries?: DeliveryStatus[] };
  /** The objects read of one resource id (the delivery kinds' ids are the registry's `cluster[].id`). */
  items?(id: string): LiveObject[];
  /** Linkerd's verdict on each split object (the cluster layer's `routeStatusOf`). */
  routeStatuses?(): ClusterRouteStatus[];
  on(event: 'state' | 'change', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'state' | 'change', listener: (...args: unknown[]) => void): unknown;
}

/** The parts of a `ClusterError` of kind `config` used here. */
export interface ConfigErrorLike {
  kind: string;
  message: string;
  nextStep?: string;
}

/**
 * A `PanelSource` the cluster glue feeds: `setSession()` on every (re)connect, `setConfigError()` when the
 * kubeconfig cannot be loaded. `safe` redacts text before the panel shows it.
 */
export class ClusterPanelSource implements PanelSource {
  private session: SessionLike | undefined;
  private context: string | undefined;
  private configError: ConfigErrorLike | undefined;
  private readonly listeners = new Set<() => void>();
  private cached: ClusterSnapshot | undefined;
  private readonly onSession = () => this.changed();

  constructor(private readonly safe: (text: string) => string = (t) => t, readonly locatePrometheus?: () => Promise<LocateResult>) {}

  setSession(session: SessionLike, context: string): void {
    this.detach();
    this.session = session;
    this.context = context;
    this.configError = undefined;
    session.on('state', this.onSession);
    session.on('change', this.onSession);
    this.changed();
  }

  setConfigError(error: ConfigErrorLike): void {
    this.detach();
    this.configError = error;
    this.changed();
  }

  private detach(): void {
    this.session?.removeListener('state', this.onSession);
    this.session?.removeListener('change', this.onSession);
    this.session = undefined;
  }

  private changed(): void {
    this.cached = undefined;
    for (const l of [...this.listeners]) l();
  }

  onDidChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  snapshot(): ClusterSnapshot {
    this.cached ??= this.build();
    return this.cached;
  }

  private build(): ClusterSnapshot {
    const safe = this.safe;
    if (this.configError || !this.session) {
      const e = this.configError ?? { kind: 'config', message: 'No cluster selected', nextStep: 'Choose a context.' };
      const none = /^no kubeconfig\b/i.test(e.message);
      return { state: none ? 'no-kubeconfig' : 'kubeconfig-error', message: safe(e.message), ...(e.nextStep ? { nextStep: safe(e.nextStep) } : {}), splits: [] };
    }
    const s = this.session;
    const st = s.state;
    const refused = st.state === 'forbidden' ? Object.values(st.kinds).find((k) => k?.state === 'forbidden')?.error : undefined;
    return {
      state: st.state,
      message: safe(st.message),
      ...(st.nextStep ? { nextStep: safe(st.nextStep) } : {}),
      ...(this.context ? { context: this.context } : {}),
      namespace: s.namespace,
      ...(s.server ? { server: safe(s.server) } : {}),
      ...(refused ? { forbidden: { ...(refused.verb ? { verb: refused.verb } : {}), ...(refused.resource ? { resource: refused.group ? `${refused.resource}.${refused.group}` : refused.resource } : {}), ...(refused.user ? { user: safe(refused.user) } : {}) } } : {}),
      splits: liveSplits(s.splits(), s.namespace),
      ...this.routeProblems(s),
      ...this.deliveries(s),
    };
  }

  /** The live Canaries and Rollouts and how their kinds are read; nothing when the session does not watch them. */
  private deliveries(s: SessionLike): Pick<ClusterSnapshot, 'deliveries' | 'deliveryKinds'> {
    const safe = this.safe;
    const kinds: DeliveryKindState[] = DELIVERY_KIND_IDS.flatMap((id) => {
      const k = s.state.kinds[id];
      const spec = kindSpec(id);
      if (!k || !spec.delivery) return [];
      return [{
        kind: spec.delivery, label: spec.label, resource: `${spec.plural}.${spec.group}`, state: k.state,
        message: safe(k.message ?? ''), ...(k.nextStep ? { nextStep: safe(k.nextStep) } : {}),
      }];
    });
    const statuses = s.deliveries?.() ?? s.facts?.().deliveries ?? [];
    const deliveries = statuses.map((d) => ({ ...d, brief: safe(d.brief), ...(d.message !== undefined ? { message: safe(d.message) } : {}) }));
    return {
      ...(kinds.length > 0 ? { deliveryKinds: kinds } : {}),
      ...(deliveries.length > 0 ? { deliveries } : {}),
    };
  }

  /** A Canary or Rollout as the watch last read it (for a read-only view of an owner), when the session reads it. */
  liveObject(kind: DeliveryKind, namespace: string, name: string): LiveObject | undefined {
    const s = this.session;
    if (!s?.items || s.namespace !== namespace) return undefined;
    return DELIVERY_KIND_IDS.filter((id) => kindSpec(id).delivery === kind).flatMap((id) => s.items!(id)).find((o) => o.metadata?.name === name);
  }

  private routeProblems(s: SessionLike): Pick<ClusterSnapshot, 'routeProblems'> {
    const safe = this.safe;
    const problems = (s.routeStatuses?.() ?? []).filter((r) => r.state === 'problem').map((r) => ({
      ...r, problems: r.problems.map((p) => ({ ...p, message: safe(p.message), nextStep: safe(p.nextStep) })),
    }));
    return problems.length > 0 ? { routeProblems: problems } : {};
  }
}
