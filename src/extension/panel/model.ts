import type { BackendFlag, LatencyMs, MetricFamily, RouteStats, SplitKind, SplitStats, StatsResult } from '../../stats/types';
import { hasLatency, HISTORY_SECONDS, splitKey, type SparkPoint, type StatsHistory } from './history';
import type { LiveSplit } from './liveSplits';
import type { LocateFailure, PrometheusLocation } from '../../stats/locate';
import { displayUrl } from '../../stats/prometheus';
import { describeShadow, shadowsOf } from '../../stats/precedence';
import type { ClusterSnapshot } from './source';
import { describeRouteProblem } from '../../cluster/routeStatus';
import { kindNames } from '../../service/model/kinds';
import { buildDeliveries, isDeliveryAction, ownerOfSplit, type PanelDelivery, type SplitOwner } from './deliveryModel';
import type { DeliveryAction, RolloutActionName, RolloutView } from '../../protocol/messages';
import { editorRowOf, type EditorSplit, type EditorWeightsRow } from './editorWeights';
import { isRolloutAction, placeRollouts, type PanelRollout } from './rolloutModel';

/**
 * What the side panel shows, as plain data: the states (each in words with a next step and its buttons) and the
 * splits with their numbers. Built on the extension side from the cluster snapshot, where Prometheus is, the last
 * stats result and the history; sent to the webview as JSON and rendered by `renderPanelBody`. No `vscode`.
 */

export type NoticeState =
  | 'untrusted'
  | 'not-linked'
  | 'no-kubeconfig'
  | 'kubeconfig-error'
  | 'connecting'
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'crd-missing'
  | 'cluster-error'
  | 'route-not-accepted'
  | 'route-refs-unresolved'
  | 'no-splits'
  | 'prometheus-not-configured'
  | 'prometheus-locating'
  | 'viz-not-installed'
  | 'prometheus-pod-not-running'
  | 'prometheus-lookup-failed'
  | 'prometheus-unreachable'
  | 'query-error'
  | 'stats-loading'
  | 'no-traffic'
  | 'delivery-forbidden'
  | 'delivery-error'
  | 'delivery-crd-missing';

/** Commands a notice's buttons run (an allow-list: the extension side accepts nothing else). */
export type PanelCommand = 'openSettings' | 'reconnect' | 'selectContext' | 'selectNamespace' | 'manageTrust' | 'refresh' | 'showLog';
export const PANEL_COMMANDS: readonly PanelCommand[] = ['openSettings', 'reconnect', 'selectContext', 'selectNamespace', 'manageTrust', 'refresh', 'showLog'];

/** What a split's buttons do. */
export type SplitOp = 'open' | 'shift' | 'promote' | 'rollback' | 'apply';
export const SPLIT_OPS: readonly SplitOp[] = ['open', 'shift', 'promote', 'rollback', 'apply'];

/** What a Canary's or Rollout's buttons do: open it, or one of its controller's actions (confirmed first). */
export type DeliveryOp = 'open' | DeliveryAction;

export interface NoticeAction {
  command: PanelCommand;
  label: string;
  /** For openSettings: the setting to show. */
  arg?: string;
}

export interface PanelNotice {
  state: NoticeState;
  severity: 'info' | 'warning' | 'error';
  title: string;
  detail?: string;
  nextStep?: string;
  actions: NoticeAction[];
}

export interface PanelBackend {
  name: string;
  weightText: string;
  desiredShare: number | null;
  observedShare: number | null;
  flagged: boolean;
  /** Why it is flagged (`share`: more than 10 points off; `no-series`: weight, yet not one request). */
  flag?: BackendFlag;
  success: number | null;
  rps: number | null;
  latencyMs: LatencyMs;
  /**
   * Set when the latest refresh measured the backend but its histogram had no new samples in the window: `latencyMs`
   * is then the last latency measured, at this time (Unix seconds), shown as stale rather than as no data.
   */
  latencyStaleSince?: number;
  /** Timeouts / requests (route family, before retries); null otherwise. */
  timeouts: number | null;
  history: SparkPoint[];
}

export interface PanelSplit {
  key: string;
  kind: SplitKind;
  name: string;
  /** The object's namespace. */
  namespace: string;
  /** The apex Service's namespace when it is another one. */
  apexNamespace?: string;
  rule?: number;
  apex: string;
  backends: PanelBackend[];
  /** The last backend (by convention the new version): what shift / promote / roll back act on. */
  canary: string;
  flagged: boolean;
  /** null: no stats for this split (yet). */
  hasTraffic: boolean | null;
  rps: number | null;
  /** The family that measured it; null when none has its series (or no stats yet). */
  family: MetricFamily | null;
  /** Why no family measures it although its apex has series (another split shares the apex). */
  unmeasured?: string;
  /** The route's own numbers (after retries: success, timeouts, retries); null outside the route family. */
  route: RouteStats | null;
  /** The Canary or Rollout that moves its weights: its card offers that object instead of Shift / Promote / Roll back. */
  owner?: SplitOwner;
  /**
   * Another split takes its apex (`stats/precedence.ts`): "web-svc-ts takes web-apex", with the why. Its apex's
   * numbers are that split's, so none are shown here, and it is not "not honoured".
   */
  notInEffect?: { short: string; why: string };
  /** A visible editor holds other weights for it than the cluster (`40/60`), and which document: Apply acts on it. */
  editor?: EditorWeightsRow;
  /** The guided rollout that drives it (src/rollout): its steps, gates and buttons. */
  rollout?: PanelRollout;
}

export interface PanelModel {
  context?: string;
  namespace?: string;
  window: string;
  family?: string;
  prometheus?: { url: string; origin: string };
  /** Evaluation time of the numbers shown (Unix seconds). */
  updatedAt?: number;
  /** Right edge of the sparklines (Unix seconds) and their span. */
  now: number;
  historySeconds: number;
  /** Percentage points a shift moves (`canaryLens.lens.step`). */
  step: number;
  notices: PanelNotice[];
  splits: PanelSplit[];
  /** The Canaries and Rollouts of the namespace (absent when the cluster layer does not watch them). */
  deliveries?: PanelDelivery[];
  /** The states of their kinds (forbidden, failed, not installed). */
  deliveryNotices?: PanelNotice[];
  /** Guided rollouts of splits the panel has no card for (those with a card show on it). */
  rollouts?: PanelRollout[];
}

/** Where Prometheus is, as far as the panel knows. */
export type PrometheusStatus =
  | { kind: 'locating' }
  /** No setting, and no cluster side to look for it. */
  | { kind: 'not-configured' }
  | { kind: 'found'; location: Pick<PrometheusLocation, 'url' | 'source' | 'namespace' | 'pod' | 'lastError' | 'dispose'> }
  /** The lookup's named failure (viz not installed, pod not running, ...), or a setting that is not a URL. */
  | { kind: 'failed'; failure: Pick<LocateFailure, 'state' | 'message' | 'nextStep'> };

export interface ModelInput {
  trusted: boolean;
  /** undefined: the cluster layer is not linked to the panel. */
  cluster: ClusterSnapshot | undefined;
  prometheus: PrometheusStatus;
  stats?: StatsResult;
  history?: StatsHistory;
  window: string;
  step: number;
  /** Unix seconds. */
  now: number;
  /** The splits visible editors hold, for the cards' "editor: …, not applied" rows. */
  editorSplits?: readonly EditorSplit[];
  /** The guided rollouts the extension's rollout controller knows of. */
  rollouts?: readonly RolloutView[];
}

const OPEN_SETTING = (setting: string, label = 'Open settings'): NoticeAction => ({ command: 'openSettings', label, arg: setting });
const RECONNECT: NoticeAction = { command: 'reconnect', label: 'Reconnect' };
const SELECT_CONTEXT: NoticeAction = { command: 'selectContext', label: 'Choose context' };
const SELECT_NAMESPACE: NoticeAction = { command: 'selectNamespace', label: 'Choose namespace' };
const SHOW_LOG: NoticeAction = { command: 'showLog', label: 'Show log' };
const PROMETHEUS_URL = 'canaryLens.prometheus.url';

function clusterNotice(c: ClusterSnapshot): PanelNotice | undefined {
  const detail = c.message;
  const next = c.nextStep;
  switch (c.state) {
    case 'ready':
      return undefined;
    case 'no-kubeconfig':
      return {
        state: 'no-kubeconfig', severity: 'warning', title: 'No kubeconfig found. Set canaryLens.kubeconfig or KUBECONFIG',
        detail, nextStep: 'Point canaryLens.kubeconfig at your kubeconfig file (or start VS Code with KUBECONFIG set), then the panel connects on its own.',
        actions: [OPEN_SETTING('canaryLens.kubeconfig', 'Open kubeconfig setting')],
      };
    case 'kubeconfig-error':
      return {
        state: 'kubeconfig-error', severity: 'warning', title: 'The kubeconfig cannot be used', detail,
        nextStep: next ?? 'Fix the kubeconfig or choose another context.', actions: [SELECT_CONTEXT, OPEN_SETTING('canaryLens.kubeconfig', 'Open kubeconfig setting')],
      };
    case 'connecting':
      return {
        state: 'connecting', severity: 'info', title: `Connecting to the cluster${c.server ? ` at ${c.server}` : ''}…`, detail,
        nextStep: 'Nothing to do: the splits appear when the first list arrives.', actions: [],
      };
    case 'unreachable':
      return {
        state: 'unreachable', severity: 'error', title: `Cluster unreachable${c.server ? `: ${c.server}` : ''}`, detail,
        nextStep: next ?? 'Check the network (VPN, proxy) and that the API server is up; Canary Lens retries on its own.',
        actions: [RECONNECT, SELECT_CONTEXT],
      };
    case 'unauthorized':
      return {
        state: 'unauthorized', severity: 'error', title: 'The cluster rejected the credentials', detail,
        nextStep: next ?? 'Log in again (refresh the token or certificate in the kubeconfig), then reconnect.', actions: [RECONNECT, SELECT_CONTEXT],
      };
    case 'forbidden': {
      const f = c.forbidden;
      const what = f?.verb || f?.resource ? `cannot ${f.verb ?? 'read'} ${f.resource ?? 'the splits'}` : 'access refused';
      return {
        state: 'forbidden', severity: 'error', title: `Forbidden: ${what}${c.namespace ? ` in namespace ${c.namespace}` : ''}`, detail,
        nextStep: next ?? `Ask for RBAC permission to ${f?.verb ?? 'list and watch'} ${f?.resource ?? 'trafficsplits and httproutes'}${c.namespace ? ` in ${c.namespace}` : ''}, or choose a namespace you can read.`,
        actions: [SELECT_NAMESPACE, RECONNECT],
      };
    }
    case 'crd-missing':
      return {
        state: 'crd-missing', severity: 'warning', title: detail || 'TrafficSplit CRD not installed: install linkerd-smi',
        nextStep: next ?? 'Install linkerd-smi (linkerd smi install | kubectl apply -f -) or the Gateway API CRDs; the panel notices within 30 s.',
        actions: [RECONNECT],
      };
    case 'error':
      return { state: 'cluster-error', severity: 'error', title: 'The cluster answered with an error', detail, nextStep: next ?? 'See the Canary Lens log.', actions: [RECONNECT, SHOW_LOG] };
  }
}

/**
 * One notice per condition Linkerd's policy controller set to False on a route: Accepted False means Linkerd skips the
 * route for that parent; ResolvedRefs False that it serves it but cannot reach a backend (see src/cluster/routeStatus.ts).
 */
function routeNotices(c: ClusterSnapshot): PanelNotice[] {
  return (c.routeProblems ?? []).flatMap((r) => r.problems.map((p): PanelNotice => {
    const accepted = p.condition === 'Accepted';
    return {
      state: accepted ? 'route-not-accepted' : 'route-refs-unresolved',
      severity: accepted ? 'error' : 'warning',
      title: describeRouteProblem(r, p),
      detail: accepted
        ? `Linkerd ignores this ${r.kind} for ${p.parent.kind || 'parent'} ${p.parent.name}: its traffic is not split by it.`
        : `Linkerd serves this ${r.kind}, but requests sent to the backend it cannot resolve fail.`,
      nextStep: p.nextStep,
      actions: [],
    };
  }));
}

function prometheusNotice(p: PrometheusStatus): PanelNotice | undefined {
  const setUrl = OPEN_SETTING(PROMETHEUS_URL, 'Set Prometheus URL');
  const retry: NoticeAction = { command: 'refresh', label: 'Retry' };
  switch (p.kind) {
    case 'found':
      return undefined;
    case 'locating':
      return { state: 'prometheus-locating', severity: 'info', title: 'Looking for Prometheus…', actions: [] };
    case 'not-configured':
      return {
        state: 'prometheus-not-configured', severity: 'warning', title: 'Prometheus not found',
        nextStep: 'Set canaryLens.prometheus.url (for example http://127.0.0.1:9090 after kubectl -n linkerd-viz port-forward svc/prometheus 9090).',
        actions: [setUrl],
      };
    case 'failed': {
      const f = p.failure;
      switch (f.state) {
        case 'viz-not-installed':
          return { state: 'viz-not-installed', severity: 'warning', title: 'Linkerd viz not installed', detail: f.message, nextStep: f.nextStep, actions: [retry, setUrl] };
        case 'prometheus-pod-not-running':
          return { state: 'prometheus-pod-not-running', severity: 'warning', title: 'Prometheus pod not running', detail: f.message, nextStep: f.nextStep, actions: [retry, setUrl] };
        case 'prometheus-unreachable':
          return { state: 'prometheus-unreachable', severity: 'error', title: 'Prometheus unreachable', detail: f.message, nextStep: f.nextStep, actions: [retry, setUrl] };
        default:
          return { state: 'prometheus-lookup-failed', severity: 'error', title: 'Prometheus not found', detail: f.message, nextStep: f.nextStep, actions: [retry, setUrl] };
      }
    }
  }
}

function statsNotice(r: StatsResult | undefined, p: PrometheusStatus): PanelNotice | undefined {
  if (!r) return { state: 'stats-loading', severity: 'info', title: 'Loading live stats…', actions: [] };
  const s = r.state;
  switch (s.kind) {
    case 'ok':
      return undefined;
    case 'no-traffic':
      return {
        state: 'no-traffic', severity: 'info', title: 'No traffic yet', detail: s.message,
        nextStep: `Send requests through the apex Service; the numbers appear with the next refresh (window ${r.window}).`, actions: [{ command: 'refresh', label: 'Refresh now' }],
      };
    case 'prometheus-unreachable':
      return {
        state: 'prometheus-unreachable', severity: 'error', title: `Prometheus unreachable at ${s.url}`, detail: s.message,
        ...(forwardError(p) ? { detail: `${s.message}\n${forwardError(p)}` } : {}),
        nextStep: p.kind === 'found' && p.location.source === 'setting'
          ? 'Check canaryLens.prometheus.url (and the port-forward or proxy behind it); the panel retries on each refresh.'
          : 'Check that Prometheus is running, or set canaryLens.prometheus.url; the panel retries on each refresh.',
        actions: [{ command: 'refresh', label: 'Retry' }, OPEN_SETTING(PROMETHEUS_URL, 'Set Prometheus URL')],
      };
    case 'query-error':
      return {
        state: 'query-error', severity: 'error', title: 'A Prometheus query failed', detail: s.query ? `${s.message}\nquery: ${s.query}` : s.message,
        nextStep: 'Check the metric family (canaryLens.stats.family) and the window (canaryLens.stats.window); the full query is in the Canary Lens log.',
        actions: [OPEN_SETTING('canaryLens.stats', 'Open stats settings'), SHOW_LOG],
      };
  }
}

/** Why the port-forward's last connection failed (port-forward only). */
function forwardError(p: PrometheusStatus): string | undefined {
  return p.kind === 'found' ? p.location.lastError() : undefined;
}

function backendsOf(split: LiveSplit, stats: SplitStats | undefined, history: StatsHistory | undefined, key: string): PanelBackend[] {
  const total = split.backends.reduce((a, b) => a + b.weight, 0);
  return split.backends.map((b, i) => {
    // The stats module computes per backend in the split's order; match by position and name.
    const st = stats?.backends[i]?.name === b.name ? stats.backends[i] : stats?.backends.find((x) => x.name === b.name);
    // Measured now, without latency (no new histogram samples in the window): the last latency, marked stale.
    const last = st && !hasLatency(st.latencyMs) ? history?.lastLatency(key, b.name) : undefined;
    return {
      name: b.name,
      weightText: b.weightText ?? String(b.weight),
      desiredShare: total > 0 ? b.weight / total : null,
      observedShare: st?.observedShare ?? null,
      flagged: st?.flagged ?? false,
      ...(st?.flag ? { flag: st.flag } : {}),
      success: st?.success ?? null,
      rps: st?.rps ?? null,
      latencyMs: last?.latencyMs ?? st?.latencyMs ?? { p50: null, p95: null, p99: null },
      ...(last ? { latencyStaleSince: last.at } : {}),
      timeouts: st?.timeouts ?? null,
      history: history?.get(key, b.name) ?? [],
    };
  });
}

/** Does the result still describe this split (same backends and weights)? Otherwise its shares would lie. */
function sameSplit(a: LiveSplit, b: SplitStats['split']): boolean {
  return a.apex === b.apex && a.backends.length === b.backends.length && a.backends.every((x, i) => x.name === b.backends[i]!.name && x.weight === b.backends[i]!.weight);
}

export function buildPanelModel(input: ModelInput): PanelModel {
  const { cluster, stats } = input;
  const base: PanelModel = {
    window: input.window,
    now: input.now,
    historySeconds: HISTORY_SECONDS,
    step: input.step,
    notices: [],
    splits: [],
    ...(cluster?.context ? { context: cluster.context } : {}),
    ...(cluster?.namespace ? { namespace: cluster.namespace } : {}),
  };
  if (!input.trusted) {
    base.notices.push({
      state: 'untrusted', severity: 'info', title: 'Cluster access is off in untrusted workspaces',
      nextStep: 'Trust this workspace to see the live splits and their numbers.', actions: [{ command: 'manageTrust', label: 'Manage workspace trust' }],
    });
    return base;
  }
  if (!cluster) {
    base.notices.push({
      state: 'not-linked', severity: 'info', title: 'Waiting for the cluster connection',
      nextStep: 'The cluster support starts shortly after activation; if this stays, see the Canary Lens log.', actions: [SHOW_LOG],
    });
    return base;
  }
  const cn = clusterNotice(cluster);
  if (cn) base.notices.push(cn);
  if (cluster.state === 'no-kubeconfig' || cluster.state === 'kubeconfig-error') return base;
  base.notices.push(...routeNotices(cluster));

  const byKey = new Map<string, SplitStats>();
  for (const s of stats?.splits ?? []) byKey.set(splitKey(s.split), s);
  const shadows = shadowsOf(cluster.splits);
  cluster.splits.forEach((split, i) => {
    const key = splitKey(split);
    const shadow = shadows[i];
    const st = shadow ? undefined : byKey.get(key);
    const fresh = st && sameSplit(split, st.split) ? st : undefined;
    const backends = backendsOf(split, fresh, input.history, key);
    const editor = editorRowOf(split, input.editorSplits);
    base.splits.push({
      key,
      kind: split.kind,
      name: split.name,
      namespace: split.objectNamespace,
      ...(split.namespace !== split.objectNamespace ? { apexNamespace: split.namespace } : {}),
      ...(split.rule !== undefined ? { rule: split.rule } : {}),
      apex: split.apex,
      backends,
      canary: split.backends[split.backends.length - 1]?.name ?? '',
      flagged: backends.some((b) => b.flagged),
      hasTraffic: fresh ? fresh.hasTraffic : null,
      rps: fresh && fresh.backends.some((b) => b.rps !== null) ? fresh.rps : null,
      family: fresh?.family ?? null,
      ...(fresh?.unmeasured ? { unmeasured: fresh.unmeasured } : {}),
      route: fresh?.route ?? null,
      ...(shadow ? { notInEffect: { short: `${shadow.winner.name} takes ${shadow.winner.apex}`, why: describeShadow(shadow) } } : {}),
      ...(editor ? { editor } : {}),
    });
  });

  const { deliveries, deliveryNotices } = buildDeliveries(cluster, base.splits);
  if (deliveries.length > 0) {
    base.deliveries = deliveries;
    for (const s of base.splits) {
      const owner = ownerOfSplit(s, deliveries);
      if (owner) s.owner = owner;
    }
  }
  if (deliveryNotices.length > 0) base.deliveryNotices = deliveryNotices;

  const { onCards, cardless } = placeRollouts(input.rollouts ?? [], base.splits);
  for (const [i, r] of onCards) base.splits[i]!.rollout = r;
  if (cardless.length > 0) base.rollouts = cardless;

  if (cluster.state === 'ready' && cluster.splits.length === 0) {
    base.notices.push({
      state: 'no-splits', severity: 'info', title: `No ${kindNames('or')} in namespace ${cluster.namespace ?? '(default)'}`,
      detail: cluster.message,
      nextStep: 'Apply a split from its manifest (the "Apply to cluster" lens), or choose the namespace your splits live in.',
      actions: [SELECT_NAMESPACE],
    });
    return base;
  }
  if (base.splits.length === 0) return base;

  const pn = prometheusNotice(input.prometheus);
  if (pn) {
    base.notices.push(pn);
    return base;
  }
  if (input.prometheus.kind === 'found') {
    const l = input.prometheus.location;
    base.prometheus = { url: displayUrl(l.url), origin: l.source === 'port-forward' ? `port-forward to ${l.namespace ?? '?'}/${l.pod ?? '?'}` : l.source === 'annotation' ? `annotation of ${l.namespace ?? '?'}` : 'setting' };
  }
  const sn = statsNotice(stats, input.prometheus);
  if (sn) base.notices.push(sn);
  if (stats) {
    base.updatedAt = stats.evaluatedAt;
    const families = [...new Set(Object.values(stats.families).flat())].sort();
    if (families.length > 0) base.family = families.join(', ');
  }
  return base;
}


// ---------------------------------------------------------------------------------------------------------------
// Messages between the webview and the extension.

export type ToWebview = { type: 'model'; model: PanelModel };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'command'; command: PanelCommand; arg?: string }
  | { type: 'split'; op: SplitOp; key: string }
  | { type: 'delivery'; op: DeliveryOp; key: string }
  | { type: 'rollout'; action: RolloutActionName; key: string };

/** Checks a message from the webview (its content is ours, but nothing from it is trusted further than this). */
export function parseWebviewMessage(m: unknown): FromWebview | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'ready') return { type: 'ready' };
  if (o.type === 'command' && PANEL_COMMANDS.includes(o.command as PanelCommand)) {
    if (o.arg === undefined) return { type: 'command', command: o.command as PanelCommand };
    // Only Canary Lens settings can be opened from the panel.
    if (typeof o.arg === 'string' && /^canaryLens(\.[A-Za-z]+)*$/.test(o.arg)) return { type: 'command', command: o.command as PanelCommand, arg: o.arg };
    return undefined;
  }
  if (o.type === 'split' && SPLIT_OPS.includes(o.op as SplitOp) && typeof o.key === 'string' && o.key.length < 1000) {
    return { type: 'split', op: o.op as SplitOp, key: o.key };
  }
  if (o.type === 'delivery' && (o.op === 'open' || isDeliveryAction(o.op)) && typeof o.key === 'string' && o.key.length < 1000) {
    return { type: 'delivery', op: o.op, key: o.key };
  }
  if (o.type === 'rollout' && isRolloutAction(o.action) && typeof o.key === 'string' && o.key.length < 1000) {
    return { type: 'rollout', action: o.action, key: o.key };
  }
  return undefined;
}
