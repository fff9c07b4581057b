/**
 * Shared pieces of the panel tests: live splits, hand-made stats results and a history, the hostile string, and
 * the webview bundle built exactly as scripts/build.mjs builds it.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { StatsHistory } from '../../src/extension/panel/history';
import type { LiveSplit } from '../../src/extension/panel/liveSplits';
import { buildPanelModel, type ModelInput, type PanelModel } from '../../src/extension/panel/model';
import type { ClusterSnapshot, PanelSource } from '../../src/extension/panel/source';
import type { LocateResult } from '../../src/stats/locate';
import type { PollerTimers } from '../../src/stats/statsService';
import type { BackendStats, SplitStats, StatsResult, StatsState } from '../../src/stats/types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const HOSTILE = '<img src=x onerror=alert(1)>';
export const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z

export function split(name: string, apex: string, backends: [string, number][], extra: Partial<LiveSplit> = {}): LiveSplit {
  return {
    namespace: 'emojivoto', objectNamespace: 'emojivoto', kind: 'TrafficSplit', name, apex,
    backends: backends.map(([n, w]) => ({ name: n, weight: w, weightText: String(w) })),
    ...extra,
  };
}

export interface BackendNumbers {
  success?: number | null;
  rps?: number | null;
  observed?: number | null;
  p50?: number | null;
  p95?: number | null;
  p99?: number | null;
  timeouts?: number | null;
}

/** SplitStats for a live split with the given numbers per backend (desired shares and flags computed as the stats module does). */
export function statsOf(s: LiveSplit, numbers: BackendNumbers[]): SplitStats {
  const total = s.backends.reduce((a, b) => a + b.weight, 0);
  const backends: BackendStats[] = s.backends.map((b, i) => {
    const n = numbers[i] ?? {};
    const desired = total > 0 ? b.weight / total : null;
    const observed = n.observed ?? null;
    return {
      name: b.name, weight: b.weight, weightText: b.weightText ?? String(b.weight), desiredShare: desired, observedShare: observed,
      flagged: desired !== null && observed !== null && Math.abs(observed - desired) > 0.1,
      successCount: 0, failureCount: 0, success: n.success ?? null, rps: n.rps ?? null,
      latencyMs: { p50: n.p50 ?? null, p95: n.p95 ?? null, p99: n.p99 ?? null }, hasData: n.rps !== undefined && n.rps !== null,
      timeoutCount: 0, timeouts: n.timeouts ?? null,
    };
  });
  const rps = backends.reduce((a, b) => a + (b.rps ?? 0), 0);
  return { split: s, family: 'route', rps, backends, route: null, flagged: backends.some((b) => b.flagged), hasTraffic: rps > 0 };
}

export function result(splits: SplitStats[], at = NOW, state?: StatsState): StatsResult {
  return {
    state: state ?? (splits.some((s) => s.hasTraffic) ? { kind: 'ok' } : { kind: 'no-traffic', message: 'no requests to these splits in the last 1m' }),
    splits, families: { emojivoto: ['route'] }, evaluatedAt: at, window: '1m', queries: 2,
  };
}

export function snapshot(splits: LiveSplit[], extra: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return { state: 'ready', message: `${splits.length} TrafficSplits, 0 HTTPRoutes`, context: 'kind-canary', namespace: 'emojivoto', splits, ...extra };
}

export const FOUND = { kind: 'found', location: { url: 'http://127.0.0.1:9090', source: 'setting', lastError: () => undefined, dispose: async () => {} } } as const;

export function modelOf(input: Partial<ModelInput>): PanelModel {
  return buildPanelModel({ trusted: true, cluster: snapshot([]), prometheus: FOUND, window: '1m', step: 10, now: NOW, ...input });
}

/** The emojivoto demo: web-split 90/10 whose canary gets 26% (flagged), and a quiet HTTPRoute rule. */
export function demo(): { splits: LiveSplit[]; result: StatsResult; history: StatsHistory } {
  const web = split('web-split', 'web-svc', [['web-svc-v1', 90], ['web-svc-v2', 10]]);
  const route = split('emoji-route', 'emoji-svc', [['emoji-v1', 50], ['emoji-v2', 50]], { kind: 'HTTPRoute', rule: 2 });
  const history = new StatsHistory();
  for (let i = 0; i <= 120; i++) {
    const t = NOW - 600 + i * 5;
    const wave = Math.sin(i / 9);
    history.record(result([
      statsOf(web, [
        { success: 0.995 - 0.01 * Math.max(0, wave), rps: 1.1 + 0.2 * wave, observed: 0.74 },
        { success: i > 80 && i < 90 ? null : 0.93 + 0.04 * Math.cos(i / 7), rps: 0.38 + 0.1 * Math.cos(i / 5), observed: 0.26 },
      ]),
      statsOf(route, [{}, {}]),
    ], t));
  }
  const last = result([
    statsOf(web, [
      { success: 0.9912, rps: 1.1, observed: 0.74, p50: 3, p95: 9.4, p99: 19.6 },
      { success: 0.9412, rps: 0.39, observed: 0.26, p50: 4, p95: 14, p99: 48 },
    ]),
    statsOf(route, [{}, {}]),
  ], NOW);
  history.record(last);
  return { splits: [web, route], result: last, history };
}

/** The webview bundle, built with the options of scripts/build.mjs. */
export async function buildWebviewBundle(): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'src/extension/panel/webview.ts')], bundle: true, platform: 'browser', format: 'iife',
    target: 'chrome120', minify: true, sourcemap: false, write: false, logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Timers the test fires by hand (the poller's next refresh). */
export class FakeTimers implements PollerTimers {
  private next = 1;
  readonly pending = new Map<number, () => void>();
  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  /** Fires every timer due. */
  fire(): void {
    const due = [...this.pending];
    this.pending.clear();
    for (const [, fn] of due) fn();
  }
}

/** A cluster side whose snapshot the test sets, optionally with a Prometheus lookup it counts. */
export class FakeSource implements PanelSource {
  private listeners = new Set<() => void>();
  locateCalls = 0;
  disposed = 0;
  constructor(public snap: ClusterSnapshot, public locate?: () => LocateResult) {}
  snapshot() {
    return this.snap;
  }
  onDidChange(l: () => void) {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  set(snap: ClusterSnapshot) {
    this.snap = snap;
    for (const l of this.listeners) l();
  }
  get locatePrometheus() {
    const locate = this.locate;
    if (!locate) return undefined;
    return async () => {
      this.locateCalls++;
      return locate();
    };
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** VS Code's Dark Modern: the theme variables the panel reads, as VS Code puts them on the webview's document. */
export const DARK_THEME: Record<string, string> = {
  'sideBar-background': '#181818', foreground: '#cccccc', descriptionForeground: '#9d9d9d', focusBorder: '#0078d4',
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"DejaVu Sans Mono", monospace',
  'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
  'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
  'charts-green': '#89d185', 'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-yellow': '#cca700', 'charts-orange': '#d18616',
  'charts-purple': '#b180d7', 'charts-lines': 'rgba(204, 204, 204, 0.5)', 'widget-border': '#313131', 'panel-border': '#2b2b2b',
  'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'editorWarning-foreground': '#cca700', errorForeground: '#f85149',
  'textBlockQuote-background': '#2b2b2b',
};
