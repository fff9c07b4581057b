import { PrometheusClient } from '../../stats/prometheus';
import { refreshRange } from '../../stats/range';
import { StatsPoller, StatsService, type PollerTimers } from '../../stats/statsService';
import type { FamilySetting, StatsResult, StatsSplit } from '../../stats/types';
import type { RolloutActionName, RolloutView, SplitObjectRef } from '../../protocol/messages';
import { backfillSpan, splitKey, StatsHistory } from './history';
import type { LiveSplit } from './liveSplits';
import { buildPanelModel, type PanelModel, type PrometheusStatus } from './model';
import type { LocateResult } from '../../stats/locate';
import { EditorWeights, type EditorDocument } from './editorWeights';
import type { Disposable, PanelSource } from './source';
import { rolloutKey } from './rolloutModel';

/**
 * The panel's engine, free of `vscode` (the view provider feeds it): the cluster snapshot + where Prometheus is +
 * the stats poller + the history → a model posted to the webview, and each refresh's numbers for the lenses, hovers
 * and status bar. The live splits in view are those of the visible panel (all of them) and of visible editors (the
 * objects their lenses are about); the poller runs only while some are, with one refresh per tick over all of them
 * ("no queries while nothing is visible"). A hidden view gets no models, only the latest when it shows again.
 */

export interface PanelSettings {
  /** `canaryLens.prometheus.url` ('' = find it). */
  prometheusUrl: string;
  family: FamilySetting;
  window: string;
  /** Seconds between refreshes (`canaryLens.stats.refreshInterval`). */
  refreshSeconds: number;
  /** `canaryLens.lens.step`. */
  step: number;
}

export const DEFAULT_PANEL_SETTINGS: PanelSettings = { prometheusUrl: '', family: 'auto', window: '1m', refreshSeconds: 5, step: 10 };

export interface ControllerDeps {
  settings(): PanelSettings;
  trusted(): boolean;
  /** Posts a model to the webview (only called while the view is visible). */
  post(model: PanelModel): void;
  log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
  /** Each refresh's numbers, for the lenses, hovers and status bar (the language server shows them). */
  onStats?: (result: StatsResult) => void;
  /** The poller stopped (nothing in view): numbers sent before are no longer kept up to date. */
  onIdle?: () => void;
  /** A rollout's button was clicked in the webview (only an action that rollout offers, of a rollout set here). */
  onRolloutAction?: (split: RolloutView['split'], action: RolloutActionName) => void;
  /** Tests: a Prometheus client with a fake fetch, fake timers, a fixed clock. */
  createClient?: (url: string) => PrometheusClient;
  timers?: PollerTimers;
  now?: () => number;
}

export class PanelController {
  private source: PanelSource | undefined;
  private sourceSub: Disposable | undefined;
  private visible = false;
  /** The split objects visible editors show (their lenses); measured while the panel is hidden too. */
  private editorSplits: readonly SplitObjectRef[] = [];
  /** The documents visible editors show, and their splits' weights (for the cards' "not applied" rows). */
  private editorDocuments: readonly EditorDocument[] = [];
  private readonly editorWeights = new EditorWeights();
  /** The guided rollouts the extension's rollout controller reports (shown on their splits' cards). */
  private rollouts: readonly RolloutView[] = [];
  /** Keys of the splits the latest tick measured: a split coming into view is measured at once, not a tick later. */
  private measured = new Set<string>();
  private disposed = false;
  private prometheus: PrometheusStatus = { kind: 'locating' };
  private service: StatsService | undefined;
  private serviceUrl: string | undefined;
  private stats: StatsResult | undefined;
  readonly history = new StatsHistory();
  /** Splits whose history was filled from a range query (or tried to be): once per split key and scope. */
  private readonly backfilled = new Set<string>();
  private readonly poller: StatsPoller;
  private settings: PanelSettings;
  /** Identity of what the numbers are about: a new one forgets the stats and the history. */
  private scope = '';
  /** Look for Prometheus again at the next tick (a port-forward stopped answering). */
  private relocate = false;

  constructor(private readonly deps: ControllerDeps) {
    this.settings = deps.settings();
    this.poller = new StatsPoller(() => this.tick(), this.intervalMs(), deps.timers);
  }

  private intervalMs(): number {
    const s = this.settings.refreshSeconds;
    return Math.max(1, Number.isFinite(s) ? s : 5) * 1000;
  }

  private now(): number {
    return (this.deps.now?.() ?? Date.now()) / 1000;
  }

  /** Queries are running (the panel or an editor shows a live split). */
  get polling(): boolean {
    return this.poller.running;
  }

  /** The live splits in view: all of them while the panel is visible, else those visible editors show. */
  viewedSplits(): LiveSplit[] {
    const splits = this.source?.snapshot().splits ?? [];
    if (this.visible) return splits;
    if (this.editorSplits.length === 0) return [];
    const shown = new Set(this.editorSplits.map((r) => `${r.namespace}/${r.kind}/${r.name}`));
    return splits.filter((s) => shown.has(`${s.objectNamespace}/${s.kind}/${s.name}`));
  }

  /** Whether anything shows live numbers: the panel, or an editor with a live split (in a trusted workspace). */
  private get watching(): boolean {
    return !this.disposed && (this.visible || (this.deps.trusted() && this.viewedSplits().length > 0));
  }

  /** Starts or stops the poller for what is in view; a split new in view gets a refresh now. */
  private watch(): void {
    if (!this.watching) {
      if (!this.poller.running) return;
      this.poller.stop();
      this.measured.clear();
      this.deps.onIdle?.();
      return;
    }
    if (!this.poller.running) this.poller.start();
    else if (this.viewedSplits().some((s) => !this.measured.has(splitKey(s)))) this.poller.kick();
  }

  /** The split objects visible editors show now (an empty list when none shows one). */
  setEditorSplits(refs: readonly SplitObjectRef[]): void {
    if (this.disposed) return;
    this.editorSplits = refs;
    this.watch();
  }

  /** The documents visible editors show (after an edit too): a card whose weights they change says so. */
  setEditorDocuments(documents: readonly EditorDocument[]): void {
    if (this.disposed) return;
    this.editorDocuments = documents;
    this.update();
  }

  /** The guided rollouts to show (all of them, each time: an empty list clears them). */
  setRollouts(views: readonly RolloutView[]): void {
    if (this.disposed) return;
    this.rollouts = views;
    this.update();
  }

  /**
   * A rollout button was clicked (`key`: the rollout's, as its button carries it): passed on only for a rollout set
   * here whose actions include it, so a stale page cannot ask for what the rollout no longer offers.
   */
  rolloutAction(key: string, action: RolloutActionName): void {
    if (this.disposed) return;
    const view = this.rollouts.find((v) => rolloutKey(v.split) === key);
    if (!view || !view.actions.includes(action)) {
      this.deps.log?.('debug', `Panel: ignored ${action} for ${key} (no such rollout, or not offered now)`);
      return;
    }
    this.deps.onRolloutAction?.(view.split, action);
  }

  setSource(source: PanelSource | undefined): void {
    if (source === this.source) return;
    this.sourceSub?.dispose();
    this.source = source;
    this.sourceSub = source?.onDidChange(() => this.sourceChanged());
    this.forgetPrometheus();
    this.sourceChanged();
  }

  private sourceChanged(): void {
    const snap = this.source?.snapshot();
    const scope = snap ? `${snap.context ?? ''}\u0000${snap.namespace ?? ''}` : '';
    if (scope !== this.scope) {
      this.scope = scope;
      this.stats = undefined;
      this.history.clear();
      this.backfilled.clear();
      // Another context may have its own viz namespace: look again.
      this.forgetPrometheus();
    }
    this.update();
    // Splits in view appeared (the first ones, or one an editor shows): measured now rather than at the next tick.
    this.watch();
  }

  setVisible(visible: boolean): void {
    if (this.disposed) return;
    this.visible = visible;
    if (visible) this.update();
    this.watch();
  }

  /** The settings changed (`canaryLens.prometheus.*`, `canaryLens.stats.*`, `canaryLens.lens.step`). */
  settingsChanged(): void {
    const before = this.settings;
    this.settings = this.deps.settings();
    if (before.prometheusUrl !== this.settings.prometheusUrl) {
      this.forgetPrometheus();
      this.stats = undefined;
    }
    if (before.family !== this.settings.family || before.window !== this.settings.window) {
      this.service?.configure({ family: this.settings.family, window: this.settings.window });
      this.stats = undefined;
    }
    this.poller.setInterval(this.intervalMs());
    this.update();
    this.refreshNow();
  }

  /** Trust was granted, or the user asked for a retry. */
  refreshNow(): void {
    if (this.prometheus.kind !== 'found') this.prometheus = this.fromSetting() ?? { kind: 'locating' };
    if (!this.watching) {
      this.watch();
      return;
    }
    if (this.poller.running) this.poller.kick();
    else this.poller.start();
  }

  /** Forget where Prometheus is (a reconnect): the next tick looks again. */
  forgetPrometheus(): void {
    if (this.prometheus.kind === 'found') void this.prometheus.location.dispose();
    this.prometheus = this.fromSetting() ?? { kind: 'locating' };
    this.service = undefined;
    this.serviceUrl = undefined;
  }

  model(): PanelModel {
    const cluster = this.source?.snapshot();
    return buildPanelModel({
      trusted: this.deps.trusted(),
      cluster,
      prometheus: this.prometheus,
      ...(this.stats ? { stats: this.stats } : {}),
      history: this.history,
      window: this.settings.window,
      step: this.settings.step,
      now: this.stats?.evaluatedAt ?? this.now(),
      editorSplits: this.editorWeights.splitsOf(this.editorDocuments, cluster?.namespace),
      rollouts: this.rollouts,
    });
  }

  /** Posts the model when the view is visible (a hidden view gets the latest one when it shows again). */
  update(): void {
    if (this.disposed || !this.visible) return;
    this.deps.post(this.model());
  }

  /** The webview (re)loaded: it needs the model even when nothing changed. */
  webviewReady(): void {
    this.update();
  }

  /** The setting's URL, when there is one (it wins over everything). */
  private fromSetting(): PrometheusStatus | undefined {
    const url = this.settings.prometheusUrl.trim();
    return url ? { kind: 'found', location: { url, source: 'setting', lastError: () => undefined, dispose: async () => {} } } : undefined;
  }

  private async locate(): Promise<PrometheusStatus> {
    const setting = this.fromSetting();
    if (setting) return setting;
    const source = this.source;
    if (!source?.locatePrometheus) return { kind: 'not-configured' };
    const r: LocateResult = await source.locatePrometheus();
    return 'url' in r ? { kind: 'found', location: r } : { kind: 'failed', failure: r };
  }

  private async tick(): Promise<void> {
    if (!this.watching) return;
    const viewed = this.viewedSplits();
    this.measured = new Set(viewed.map(splitKey));
    if (!this.deps.trusted() || viewed.length === 0) {
      this.update();
      return;
    }
    if (this.relocate) {
      this.relocate = false;
      this.forgetPrometheus();
    }
    if (this.prometheus.kind !== 'found') {
      // Read the settings again: a remote host (code-server) may deliver the user's settings after we read them, and
      // a missed change event must not leave the numbers waiting for a Prometheus the setting names.
      this.settings = this.deps.settings();
      const before = this.prometheus;
      const located = await this.locate().catch((e: unknown): PrometheusStatus => ({
        kind: 'failed', failure: { state: 'cluster-unreachable', message: e instanceof Error ? e.message : String(e), nextStep: 'Try again, or set canaryLens.prometheus.url' },
      }));
      // Settings or a reconnect decided meanwhile (a URL was set while the lookup ran): that answer wins.
      if (!this.watching || this.prometheus !== before) {
        if (located.kind === 'found') void located.location.dispose();
        if (!this.watching) return;
      } else {
        this.prometheus = located;
        if (located.kind === 'found') this.deps.log?.('info', `Panel: Prometheus from ${located.location.source === 'setting' ? 'canaryLens.prometheus.url' : located.location.source}`);
        else if (located.kind === 'failed' && before.kind !== 'failed') this.deps.log?.('warn', `Panel: no Prometheus: ${located.failure.message}`);
      }
      if (this.prometheus.kind !== 'found') {
        this.update();
        return;
      }
    }
    const found = this.prometheus.location;
    if (!this.service || this.serviceUrl !== found.url) {
      let client: PrometheusClient;
      try {
        client = this.deps.createClient?.(found.url) ?? new PrometheusClient(found.url);
      } catch (e) {
        this.prometheus = {
          kind: 'failed',
          failure: { state: 'prometheus-unreachable', message: e instanceof Error ? e.message : String(e), nextStep: 'Set canaryLens.prometheus.url to an http(s) URL such as http://127.0.0.1:9090' },
        };
        this.update();
        return;
      }
      this.service = new StatsService(client, { family: this.settings.family, window: this.settings.window });
      this.serviceUrl = found.url;
    }
    const service = this.service;
    const scope = this.scope;
    const measuring = this.viewedSplits();
    const known = this.source?.snapshot().splits ?? [];
    // Splits the history has nothing for (new in view, or since the scope changed): filled from a range query below.
    const fresh = measuring.filter((s) => !this.backfilled.has(splitKey(s)) && !this.history.hasSplit(splitKey(s)));
    // One refresh over every split in view (the service groups them by namespace): the queries do not grow with them.
    // All the cluster's splits tell it which apexes several splits share, whichever of them are in view.
    const result = await service.refresh(measuring, known);
    if (!this.watching || scope !== this.scope || service !== this.service) return;
    this.stats = result;
    this.history.record(result);
    this.deps.onStats?.(result);
    if (result.state.kind === 'query-error') this.deps.log?.('warn', `Panel stats: ${result.state.message}${result.state.query ? `\n  query: ${result.state.query}` : ''}`);
    // A port-forward that stopped answering (the pod restarted): look for the pod again next time.
    if (result.state.kind === 'prometheus-unreachable' && found.source === 'port-forward') this.relocate = true;
    this.update();
    // After the numbers are shown, so a slow range query never holds them up; tried again only while Prometheus
    // fails the instant refresh too (then it would fail the same way).
    if (fresh.length > 0 && (result.state.kind === 'ok' || result.state.kind === 'no-traffic')) await this.backfill(service, scope, fresh, known, result.evaluatedAt);
  }

  /**
   * Fills the sparklines of splits new to the history with the span before `end` (one range query per namespace,
   * whatever their number). A failure leaves their history as it is (the polls fill it) and is logged, once.
   */
  private async backfill(service: StatsService, scope: string, splits: readonly StatsSplit[], known: readonly StatsSplit[], end: number): Promise<void> {
    for (const s of splits) this.backfilled.add(splitKey(s));
    const started = Date.now();
    const range = await refreshRange(service, splits, backfillSpan(end, this.settings.refreshSeconds), known);
    if (!this.watching || scope !== this.scope || service !== this.service) return;
    if (range.kind === 'failed') {
      this.deps.log?.('warn', `Panel history: the range query failed, the sparklines fill as the panel polls: ${'message' in range.state ? range.state.message : range.state.kind}`);
      return;
    }
    const added = this.history.fill(range.steps);
    this.deps.log?.('debug', `Panel history: ${added} points of ${splits.length} new split${splits.length === 1 ? '' : 's'} from ${range.queries} range quer${range.queries === 1 ? 'y' : 'ies'} in ${Date.now() - started} ms`);
    this.update();
  }

  dispose(): void {
    this.disposed = true;
    this.poller.stop();
    this.sourceSub?.dispose();
    if (this.prometheus.kind === 'found') void this.prometheus.location.dispose();
  }
}
