/**
 * The guided rollout's VS Code glue (src/extension/rolloutFlow.ts) against the real kube-apiserver, with a recording
 * stand-in for the `vscode` API: start from the open document (one modal confirmation naming the plan, the first
 * step's weights and the field manager it takes them over from), the step's weights in the document as one minimal
 * edit and in the API server, the state annotation with this window's lease, ticks on the tick interval, the status
 * bar and the views; a second window refused by the lease; the found rollout after a "reload"; cancel. No Prometheus
 * runs here: the gates cannot be read, so the rollout holds at its first step (as it must) and says why.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClusterLog, loadKubeconfig, silentSink, type K8sObject } from '../../src/cluster';
import { CLI_WORDING } from '../../src/cli/wording';
import { ROLLOUT_ANNOTATION, decodeState } from '../../src/rollout/state';
import type { RolloutView } from '../../src/protocol/messages';
import type { GateReport } from '../../src/rollout/gates';
import * as wait from '../support/wait';
import { startCluster, type Cluster } from './harness';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

// ---------------------------------------------------------------------------------------------------------------
// A small recording `vscode`: what rolloutFlow.ts uses.

class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static parse(s: string) { const i = s.indexOf(':'); return new Uri(s.slice(0, i), s.slice(i + 1)); }
  static file(p: string) { return new Uri('file', p); }
  get fsPath() { return this.path; }
  toString() { return `${this.scheme}:${this.path}`; }
}
interface Pos { line: number; character: number }
class Range { constructor(readonly start: Pos, readonly end: Pos) {} }
class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; text: string }[] = [];
  replace(uri: Uri, range: Range, text: string) { this.edits.push({ uri, range, text }); }
}
interface Shown { level: 'info' | 'warn' | 'error'; text: string; modal: boolean; detail?: string; buttons: string[] }

/** An open document whose text edits change (offsets ↔ positions as the editor counts them). */
class Doc {
  version = 1;
  readonly languageId = 'yaml';
  edits: { start: number; end: number; text: string }[] = [];
  /** Set by an edit, cleared by save(). */
  isDirty = false;
  saves = 0;
  constructor(readonly uri: Uri, public text: string) {}
  save() { this.saves++; this.isDirty = false; return Promise.resolve(true); }
  getText() { return this.text; }
  offsetAt(p: Pos) {
    const lines = this.text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i]!.length + 1;
    return o + p.character;
  }
  positionAt(offset: number): Pos {
    const before = this.text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  }
}

const ui = {
  shown: [] as Shown[],
  answer: (_m: Shown): string | undefined => undefined,
  settings: {} as Record<string, unknown>,
  docs: new Map<string, Doc>(),
  statusBar: { text: '', tooltip: '' as unknown, backgroundColor: undefined as unknown, visible: false, name: '', command: '', show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} },
};

const message = (level: Shown['level']) => async (text: string, ...rest: unknown[]) => {
  const opts = rest[0] && typeof rest[0] === 'object' ? (rest[0] as { modal?: boolean; detail?: string }) : undefined;
  const m: Shown = { level, text, modal: !!opts?.modal, ...(opts?.detail ? { detail: opts.detail } : {}), buttons: rest.filter((r): r is string => typeof r === 'string') };
  ui.shown.push(m);
  return ui.answer(m);
};

type Listener = (e: unknown) => void;
class EventEmitter {
  private listeners: Listener[] = [];
  event = (f: Listener) => { this.listeners.push(f); return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== f); } }; };
  fire(e: unknown) { for (const l of this.listeners) l(e); }
  dispose() { this.listeners = []; }
}
const none = { dispose() {} };

const vscodeStub = {
  Uri, Range, WorkspaceEdit, EventEmitter,
  ThemeColor: class { constructor(readonly id: string) {} },
  MarkdownString: class { value = ''; appendMarkdown(s: string) { this.value += s; return this; } },
  StatusBarAlignment: { Left: 1, Right: 2 },
  languages: { createDiagnosticCollection: () => ({ set() {}, delete() {}, dispose() {} }), getDiagnostics: () => [] },
  window: {
    // The rollout's item is recorded; the cluster's (ClusterController's own) is not looked at here.
    createStatusBarItem: (id: string) => (id === 'canaryLens.rollout' ? ui.statusBar : { show() {}, hide() {}, dispose() {} }),
    showInformationMessage: message('info'),
    showWarningMessage: message('warn'),
    showErrorMessage: message('error'),
    activeTextEditor: undefined,
  },
  workspace: {
    getConfiguration: () => ({ get: (k: string, d?: unknown) => ui.settings[k] ?? d }),
    workspaceFolders: undefined,
    registerTextDocumentContentProvider: () => none,
    onDidChangeTextDocument: () => none,
    onDidChangeConfiguration: () => none,
    openTextDocument: async (u: Uri) => ui.docs.get(u.toString()) ?? assert.fail(`no document ${u.toString()}`),
    textDocuments: [] as Doc[],
    findFiles: async () => [],
    asRelativePath: (u: Uri) => path.basename(u.path),
    applyEdit: async (e: WorkspaceEdit) => {
      for (const { uri, range, text } of e.edits) {
        const doc = ui.docs.get(uri.toString())!;
        const start = doc.offsetAt(range.start);
        const end = doc.offsetAt(range.end);
        doc.edits.push({ start, end, text });
        doc.text = doc.text.slice(0, start) + text + doc.text.slice(end);
        doc.version++;
        doc.isDirty = true;
      }
      return true;
    },
  },
};

const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};
const flowModule = require('../../src/extension/rolloutFlow') as typeof import('../../src/extension/rolloutFlow');
const glue = require('../../src/extension/clusterGlue') as typeof import('../../src/extension/clusterGlue');

// ---------------------------------------------------------------------------------------------------------------

const NS = 'emojivoto';
const TS = 'trafficsplits.v1alpha2.split.smi-spec.io';
const SPLIT = { kind: 'TrafficSplit' as const, name: 'web-svc-ts', namespace: NS };
/** What the gates say of the canary: every gate passes, or its success rate fails. */
const report = (verdict: 'pass' | 'fail'): GateReport => ({
  canary: 'web-svc-2', stable: ['web-svc'], verdict, gates: [
    { id: 'requests', label: 'requests ≥ 100', verdict: 'pass', value: 500, threshold: 100, comparator: '>=', unit: 'requests', detail: '500 requests ≥ 100' },
    { id: 'successRate', label: 'success rate ≥ 99%', verdict, value: verdict === 'pass' ? 100 : 80, threshold: 99, comparator: '>=', unit: '%', detail: verdict === 'pass' ? '100% ≥ 99%' : '80% < 99%' },
    { id: 'latencyP99', label: 'P99 ≤ 1.5 × stable', verdict: 'pass', value: 10, threshold: 15, comparator: '<=', unit: 'ms', detail: '10 ms ≤ 15 ms' },
  ],
});
const TEXT = readFileSync(path.join(__dirname, '..', '..', 'examples', 'emojivoto', 'web-svc-ts.yaml'), 'utf8');

describe('guided rollout glue (real kube-apiserver, recording vscode stand-in)', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  const flows: InstanceType<typeof flowModule.RolloutFlow>[] = [];
  const views: RolloutView[][] = [];
  let clock = 1_000_000;
  const uri = Uri.file('/ws/web-svc-ts.yaml');

  const kubectl = async (args: string[]) => {
    const r = await cluster.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  type Split = K8sObject & { spec: { backends: { weight: number }[] } };
  const object = async (): Promise<Split> => JSON.parse(await kubectl(['-n', NS, 'get', TS, 'web-svc-ts', '-o', 'json'])) as Split;
  const flow = (holder: string, liveSplits: () => K8sObject[] = () => [], gates?: () => GateReport, extra: { endedShownSeconds?: number; namespace?: string } = {}) => {
    const loaded = loadKubeconfig({ setting: cluster.kubeconfig }, {}, CLI_WORDING);
    const { namespace, ...rest } = extra;
    const f = new flowModule.RolloutFlow({
      log: new ClusterLog(silentSink), safe: (t) => t, holder, leaseSeconds: 30, now: () => clock,
      connection: () => ({ kc: loaded.kc, context: loaded.context, namespace: namespace ?? loaded.namespace }),
      notConnected: () => 'not connected', liveSplits, ...(gates ? { gates: () => Promise.resolve(gates()) } : {}), ...rest,
    });
    flows.push(f);
    return f;
  };

  before(async () => {
    cluster = await startCluster();
    // Gates read nothing here: a closed loopback port, so every tick says the stats cannot be read.
    ui.settings = { 'prometheus.url': 'http://127.0.0.1:9', 'rollout.tickInterval': '1s', 'rollout.holdTime': '20s', 'rollout.window': '10s' };
    ui.docs.set(uri.toString(), new Doc(uri, TEXT));
  });

  after(async () => {
    for (const f of flows) f.dispose();
    await cluster?.stop();
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  test('a plan the settings cannot run: an error naming the setting, nothing started', async () => {
    const f = flow('alice@laptop (VS Code)');
    ui.settings = { ...ui.settings, 'rollout.steps': [50, 25] };
    ui.shown = [];
    await f.start(uri as never, SPLIT);
    ui.settings = { ...ui.settings, 'rollout.steps': undefined };
    assert.equal(ui.shown.length, 1);
    assert.equal(ui.shown[0]!.level, 'error');
    assert.match(ui.shown[0]!.text, /canaryLens\.rollout: steps must rise/);
    assert.equal((await object()).metadata?.annotations?.[ROLLOUT_ANNOTATION], undefined);
  });

  test('start: one modal naming plan, first step and the manager it takes the weights from; then document, cluster, state, ticks', async () => {
    const f = flow('alice@laptop (VS Code)');
    f.onViews((v) => views.push(v));
    ui.shown = [];
    // First refused: nothing is written.
    ui.answer = () => undefined;
    await f.start(uri as never, SPLIT);
    assert.equal(ui.shown.filter((m) => m.modal).length, 1);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [500, 500], 'dismissed: nothing applied');
    assert.equal(ui.docs.get(uri.toString())!.text, TEXT);

    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    const t0 = Date.now();
    await f.start(uri as never, SPLIT);
    const startedMs = Date.now() - t0;
    const modal = ui.shown.find((m) => m.modal)!;
    assert.equal(modal.text, 'Start a guided rollout of web-svc-2 on TrafficSplit emojivoto/web-svc-ts?');
    assert.match(modal.detail!, /^Context canary-lens-test, namespace emojivoto\./);
    assert.match(modal.detail!, /Steps: 10% → 25% → 50% → 100% to web-svc-2, each held 20s with the gates passing \(window 10s\)/);
    assert.match(modal.detail!, /Gates: at least 100 requests to the canary; success ≥ 99% and ≥ stable − 1; P99 ≤ 1\.5 × stable\./);
    assert.match(modal.detail!, /weight: 500 → weight: 900/);
    assert.match(modal.detail!, /weight: 500 → weight: 100/);
    // The harness applied the split with its own field manager: the button says whose weights it takes (a manager
    // that is no known command is quoted, as in every conflict message).
    assert.deepEqual(modal.buttons, ['Start, Taking the Weights Over from "canary-lens-harness"']);
    assert.match(modal.detail!, /The weights were last written by "canary-lens-harness": starting takes them over\./);

    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100], 'first step in the API server');
    const doc = ui.docs.get(uri.toString())!;
    assert.equal(doc.text, TEXT.replace('weight: 500 # the current', 'weight: 900 # the current').replace('weight: 500 # the canary', 'weight: 100 # the canary'));
    assert.equal(doc.edits.length, 1, 'one edit');
    assert.equal(TEXT.slice(doc.edits[0]!.start, doc.edits[0]!.end).includes('the current version'), true, 'from the first weight to the second');
    assert.ok(!TEXT.slice(doc.edits[0]!.start, doc.edits[0]!.end).includes('backends:'), 'nothing before the first weight');

    const state = decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!);
    assert.equal(state.phase, 'running');
    assert.equal(state.step, 0);
    assert.equal(state.holder?.id, 'alice@laptop (VS Code)');
    assert.equal(state.startedBy, 'alice@laptop (VS Code)');

    // Ticks every second: each renews the lease (the clock moved) and says the stats cannot be read.
    clock += 5;
    const renewed = await wait.waitFor('a tick renewing the lease', async () => {
      const s = decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!);
      return s.holder && s.holder.renewedAt >= clock ? s : undefined;
    }, 10_000);
    assert.equal(renewed.step, 0, 'no gates, no advance');
    const last = await wait.waitFor('a view with the stats-lost status', () => views.at(-1)?.find((v) => v.status.kind === 'stats-lost'), 10_000);
    assert.equal(last.holder?.mine, true);
    assert.deepEqual(last.actions, ['pause', 'rollback', 'cancel']);
    assert.equal(ui.statusBar.visible, true);
    assert.equal(ui.statusBar.text, '$(rocket) Rollout web-svc-2 · 10% · stats-lost');
    process.stderr.write(`[rollout-glue] confirmation → first step applied and state written: ${startedMs} ms\n`);
  });

  test('a second window: refused by the lease, naming the holder; after a "reload" it sees the rollout as found', async () => {
    const objects = async () => [await object()];
    let listed: K8sObject[] = await objects();
    const other = flow('bob@desk (VS Code)', () => listed);
    const seen: RolloutView[][] = [];
    other.onViews((v) => seen.push(v));
    other.refreshFound();
    const found = seen.at(-1)!;
    assert.equal(found.length, 1);
    assert.equal(found[0]!.holder?.id, 'alice@laptop (VS Code)');
    assert.equal(found[0]!.holder?.mine, false);
    assert.equal(found[0]!.unattended, false, 'the lease is live');
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    vscodeStub.workspace.textDocuments.push(ui.docs.get(uri.toString())!);
    await other.act(SPLIT, 'resume');
    const refused = ui.shown.find((m) => m.level === 'warn' && !m.modal);
    assert.ok(refused, JSON.stringify(ui.shown));
    assert.match(refused.text, /driven by alice@laptop \(VS Code\)/);
    listed = await objects();
  });

  test('cancel: the state says cancelled, the weights stay, ticking stops, the status bar hides', async () => {
    const f = flows[1]!;
    ui.shown = [];
    await f.act(SPLIT, 'cancel');
    const o = await object();
    const state = decodeState(o.metadata!.annotations![ROLLOUT_ANNOTATION]!);
    assert.equal(state.phase, 'cancelled');
    assert.deepEqual(o.spec.backends.map((b) => b.weight), [900, 100], 'cancel leaves the weights where they are');
    assert.equal(ui.statusBar.visible, false);
    const rv = o.metadata?.resourceVersion;
    await wait.sleep(2500);
    assert.equal((await object()).metadata?.resourceVersion, rv, 'no tick writes after cancel');
  });

  test('reload: a window gone without cancelling leaves the rollout unattended; Resume elsewhere takes the lease and ticks', async () => {
    // Back to 500/500, written by kubectl (as a person would), and the document with it.
    await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'merge', '-p', JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] } })]);
    ui.docs.get(uri.toString())!.text = TEXT;
    const alice = flow('alice@laptop (VS Code)');
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await alice.start(uri as never, SPLIT);
    const modal = ui.shown.find((m) => m.modal)!;
    assert.deepEqual(modal.buttons, ['Start, Taking the Weights Over from kubectl patch'], 'the weights were last written by kubectl patch');
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100]);
    alice.dispose(); // the window closes (or reloads): no cancel, no more ticks

    clock += 31; // past alice's 30 s lease
    let listed: K8sObject[] = [await object()];
    const bob = flow('bob@desk (VS Code)', () => listed);
    const seen: RolloutView[][] = [];
    bob.onViews((v) => seen.push(v));
    bob.refreshFound();
    const found = seen.at(-1)!;
    assert.equal(found.length, 1);
    assert.equal(found[0]!.unattended, true);
    assert.deepEqual(found[0]!.actions, ['resume', 'pause', 'rollback', 'cancel'], 'Resume offered for an unattended rollout');
    assert.equal(ui.statusBar.text, '$(rocket) Rollout web-svc-2 · 10% · no runner');

    ui.shown = [];
    await bob.act(SPLIT, 'resume');
    assert.deepEqual(ui.shown.filter((m) => m.level !== 'info'), [], 'no refusal');
    const state = decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!);
    assert.equal(state.holder?.id, 'bob@desk (VS Code)');
    assert.equal(state.phase, 'running');
    clock += 2;
    await wait.waitFor('bob ticking', async () => {
      const s = decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!);
      return s.holder?.id === 'bob@desk (VS Code)' && s.holder.renewedAt >= clock ? s : undefined;
    }, 10_000);
    const view = seen.at(-1)!.find((v) => v.split.name === 'web-svc-ts')!;
    assert.equal(view.holder?.mine, true);
    assert.equal(view.unattended, false);
    listed = [await object()];
  });

  test('roll back: one confirmation, then the start weights in the cluster and the document, the rollout ended', async () => {
    const bob = flows.at(-1)!;
    ui.shown = [];
    ui.answer = () => undefined; // dismissed: nothing happens
    await bob.act(SPLIT, 'rollback');
    assert.equal(ui.shown.length, 1);
    assert.equal(ui.shown[0]!.text, 'Roll back web-svc-2 on TrafficSplit emojivoto/web-svc-ts?');
    assert.match(ui.shown[0]!.detail!, /The weights go back to 500\/500 \(web-svc, web-svc-2\)/);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100]);

    ui.answer = (m) => (m.modal ? 'Roll Back' : undefined);
    await bob.act(SPLIT, 'rollback');
    const o = await object();
    assert.deepEqual(o.spec.backends.map((b) => b.weight), [500, 500]);
    assert.equal(decodeState(o.metadata!.annotations![ROLLOUT_ANNOTATION]!).phase, 'rolled-back');
    assert.equal(ui.docs.get(uri.toString())!.text, TEXT, 'the document is back at the start');
    assert.equal(ui.statusBar.visible, false);
  });

  test('gates: passing gates advance to 25 % by themselves; a failing gate pauses with Roll Back offered, which rolls back', async () => {
    let verdict: 'pass' | 'fail' = 'pass';
    const carol = flow('carol@mac (VS Code)', () => [], () => report(verdict));
    const seen: RolloutView[][] = [];
    carol.onViews((v) => seen.push(v));
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : m.buttons.includes('Roll Back') ? 'Roll Back' : undefined);
    await carol.start(uri as never, SPLIT);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100]);
    const weightsAre = (w: number[]) => async () => JSON.stringify((await object()).spec.backends.map((b) => b.weight)) === JSON.stringify(w);

    // Settled (one window), then holding (hold − window), then the next step.
    clock += 11;
    await wait.waitFor('holding', () => seen.at(-1)?.find((v) => v.status.kind === 'holding'), 10_000);
    const holding = seen.at(-1)![0]!;
    assert.deepEqual(holding.gates.map((g) => g.verdict), ['pass', 'pass', 'pass']);
    clock += 11;
    await wait.waitFor('25 % applied', weightsAre([750, 250]), 10_000);
    assert.match(ui.docs.get(uri.toString())!.text, /weight: 750 # the current version[\s\S]*weight: 250 # the canary/);
    await wait.waitFor('step 2 shown', () => seen.at(-1)?.find((v) => v.step === 1), 10_000);

    verdict = 'fail';
    ui.shown = [];
    clock += 11;
    await wait.waitFor('rolled back after the Roll Back button and its confirmation', weightsAre([500, 500]), 10_000);
    const offered = ui.shown.find((m) => !m.modal && m.buttons.includes('Roll Back'))!;
    assert.match(offered.text, /^Canary Lens: rollout of web-svc-2 on TrafficSplit emojivoto\/web-svc-ts: step 2\/4 \(web-svc-2 25%\): gate failed: success rate ≥ 99%: 80% < 99%/);
    assert.ok(ui.shown.some((m) => m.modal && m.text === 'Roll back web-svc-2 on TrafficSplit emojivoto/web-svc-ts?'), 'one confirmation');
    const o = await object();
    const state = decodeState(o.metadata!.annotations![ROLLOUT_ANNOTATION]!);
    assert.equal(state.phase, 'rolled-back');
    assert.deepEqual(state.history.map((h) => h.verdict).slice(-1), ['fail']);
    assert.equal(ui.docs.get(uri.toString())!.text, TEXT);
  });

  test('autoRollback: a failing gate rolls back by itself and says so', async () => {
    ui.settings = { ...ui.settings, 'rollout.autoRollback': true };
    const dave = flow('dave@box (VS Code)', () => [], () => report('fail'));
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await dave.start(uri as never, SPLIT);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100]);
    clock += 11;
    await wait.waitFor('rolled back by itself', async () => decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!).phase === 'rolled-back', 10_000);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [500, 500]);
    const said = await wait.waitFor('the warning', () => ui.shown.find((m) => m.level === 'warn' && !m.modal && /rolled back to 500\/500/.test(m.text)), 5000);
    assert.deepEqual(said.buttons, [], 'nothing left to offer');
    ui.settings = { ...ui.settings, 'rollout.autoRollback': undefined };
  });

  test('the cluster glue: a rollout on a split the session lists shows in its views (another holder); ended, it goes', async () => {
    const erin = flow('erin@pc (VS Code)');
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await erin.start(uri as never, SPLIT);
    assert.equal(decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!).phase, 'running');

    ui.settings = { ...ui.settings, kubeconfig: cluster.kubeconfig };
    const channel = Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error'].map((l) => [l, () => {}]));
    const client = { isRunning: () => false, onDidChangeState: () => none, sendNotification: async () => {} };
    const workspaceState = new Map<string, unknown>();
    const context = { workspaceState: { get: (k: string) => workspaceState.get(k), update: async (k: string, v: unknown) => { workspaceState.set(k, v); } }, subscriptions: [] };
    const controller = glue.createClusterController({
      context: context as never, channel: channel as never, client: () => client as never,
      sessionOptions: { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 },
    });
    try {
      const seen: RolloutView[][] = [];
      controller.rollouts.onViews((v) => seen.push(v));
      const found = await wait.waitFor('the session lists the split with its rollout', () => seen.at(-1)?.find((v) => v.split.name === 'web-svc-ts'), 20_000);
      assert.equal(found.holder?.id, 'erin@pc (VS Code)');
      assert.equal(found.holder?.mine, false);
      assert.equal(found.phase, 'running');

      await erin.act(SPLIT, 'cancel');
      await wait.waitFor('the ended rollout leaves the views', () => seen.at(-1)?.length === 0, 20_000);
    } finally {
      controller.dispose();
    }
  });

  test('reload of the window that drove it: Resume at once (its own lease), then it ticks again', async () => {
    const before = flow('frank@laptop (VS Code)');
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await before.start(uri as never, SPLIT);
    before.dispose(); // reload: the same window, the same holder, the lease still live
    clock += 2;
    const listed = [await object()];
    const after = flow('frank@laptop (VS Code)', () => listed);
    const seen: RolloutView[][] = [];
    after.onViews((v) => seen.push(v));
    after.refreshFound();
    const v = seen.at(-1)![0]!;
    assert.equal(v.unattended, false, 'the lease is live');
    assert.equal(v.holder?.mine, false, 'no runner in this window yet');
    assert.equal(v.actions[0], 'resume');
    ui.shown = [];
    await after.act(SPLIT, 'resume');
    assert.deepEqual(ui.shown, []);
    const renewed = decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!);
    assert.equal(renewed.holder?.renewedAt, clock, 'the resume tick renewed the lease');
    assert.equal(seen.at(-1)![0]!.holder?.mine, true);
    await after.act(SPLIT, 'cancel');
    assert.equal(decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!).phase, 'cancelled');
  });

  test('autoAdvance off: the step waits, Advance is offered, and the command moves it to 25 %', async () => {
    ui.settings = { ...ui.settings, 'rollout.autoAdvance': false };
    await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'merge', '-p', JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] } })]);
    ui.docs.get(uri.toString())!.text = TEXT;
    const gina = flow('gina@ws (VS Code)', () => [], () => report('pass'));
    const seen: RolloutView[][] = [];
    gina.onViews((v) => seen.push(v));
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await gina.start(uri as never, SPLIT);
    clock += 11;
    await wait.waitFor('holding', () => seen.at(-1)?.find((v) => v.status.kind === 'holding'), 10_000);
    clock += 11;
    const ready = await wait.waitFor('ready', () => seen.at(-1)?.find((v) => v.status.kind === 'ready'), 10_000);
    assert.deepEqual(ready.actions, ['advance', 'pause', 'rollback', 'cancel']);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100], 'it waits for Advance');
    await gina.act(SPLIT, 'advance');
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [750, 250]);
    assert.equal(seen.at(-1)![0]!.step, 1);
    await gina.act(SPLIT, 'cancel');
    ui.settings = { ...ui.settings, 'rollout.autoAdvance': undefined };
  });

  /** 500/500 written by kubectl, no rollout state, the document at the example's text (saved). */
  const fresh = async () => {
    await kubectl(['-n', NS, 'annotate', TS, 'web-svc-ts', `${ROLLOUT_ANNOTATION}-`]);
    await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'merge', '-p', JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] } })]);
    const doc = ui.docs.get(uri.toString())!;
    doc.text = TEXT;
    doc.isDirty = false;
    doc.saves = 0;
    return doc;
  };

  test('a controller takes the split over mid-rollout (Flagger as its owner): paused naming it, nothing applied after; a new start is refused', async () => {
    const doc = await fresh();
    const hana = flow('hana@ws (VS Code)', () => [], () => report('pass'));
    const seen: RolloutView[][] = [];
    hana.onViews((v) => seen.push(v));
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await hana.start(uri as never, SPLIT);
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100]);
    // Flagger's canary controller makes the Canary the TrafficSplit's controlling owner (fluxcd/flagger
    // pkg/router/smi_v1alpha2.go sets OwnerReferences with controller: true). No garbage collector runs here.
    const owner = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'web', uid: '8a6c1d2e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true };
    await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'merge', '-p', JSON.stringify({ metadata: { ownerReferences: [owner] } })]);
    try {
      clock += 11;
      const paused = await wait.waitFor('paused by the takeover', () => seen.at(-1)?.find((v) => v.phase === 'paused'), 10_000);
      assert.match(paused.status.message, /Canary web \(Flagger\) has taken the split over; the rollout stops here/);
      const said = await wait.waitFor('the warning', () => ui.shown.find((m) => m.level === 'warn' && /has taken the split over/.test(m.text)), 5000);
      assert.deepEqual(said.buttons, [], 'no Roll Back: the weights are the controller\'s');
      const state = decodeState((await object()).metadata!.annotations![ROLLOUT_ANNOTATION]!);
      assert.deepEqual(state.stopped, { kind: 'taken-over', controller: 'Canary web (Flagger)' });
      clock += 30;
      await wait.sleep(2500);
      assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100], 'nothing applied after the takeover');
      await hana.act(SPLIT, 'cancel');
      ui.shown = [];
      doc.text = TEXT;
      await hana.start(uri as never, SPLIT);
      const refused = ui.shown.find((m) => m.level === 'warn');
      assert.match(refused?.text ?? JSON.stringify(ui.shown), /Canary web \(Flagger\) manages TrafficSplit emojivoto\/web-svc-ts: its weights are the controller's/);
    } finally {
      await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'json', '-p', JSON.stringify([{ op: 'remove', path: '/metadata/ownerReferences' }])]);
    }
  });

  test('canaryLens.apply.saveAfterApply: ask once per rollout (Save then holds for its later steps), always saves each step, never leaves the buffer', async () => {
    const pass = () => report('pass');
    // ask (the default): one question after the first step's edit; Save saves now and after the next step.
    let doc = await fresh();
    const ivy = flow('ivy@ws (VS Code)', () => [], pass);
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : m.buttons.includes('Save') ? 'Save' : undefined);
    await ivy.start(uri as never, SPLIT);
    await wait.waitFor('saved after Save', () => doc.saves === 1, 5000);
    const asked = ui.shown.filter((m) => m.buttons.includes('Save'));
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0]!.buttons, ['Save', 'Always save']);
    assert.match(asked[0]!.text, /writes each step's weights into web-svc-ts\.yaml, which has unsaved changes/);
    clock += 11; // settled: holding from now
    await wait.sleep(1500);
    clock += 11; // held: the next step
    await wait.waitFor('25 % written and saved', () => /weight: 750/.test(doc.text) && doc.saves === 2 && !doc.isDirty, 10_000);
    assert.equal(ui.shown.filter((m) => m.buttons.includes('Save')).length, 1, 'asked once per rollout');
    await ivy.act(SPLIT, 'cancel');

    // always: saved at each step, no question.
    for (const [setting, saves] of [['always', 1], ['never', 0]] as const) {
      ui.settings = { ...ui.settings, 'apply.saveAfterApply': setting };
      doc = await fresh();
      const f = flow(`${setting}@ws (VS Code)`, () => [], pass);
      ui.shown = [];
      ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
      await f.start(uri as never, SPLIT);
      await wait.sleep(300);
      assert.match(doc.text, /weight: 900/);
      assert.equal(doc.saves, saves, setting);
      assert.equal(doc.isDirty, setting === 'never');
      assert.deepEqual(ui.shown.filter((m) => m.buttons.includes('Save')), [], `${setting}: no question`);
      await f.act(SPLIT, 'cancel');
    }
    ui.settings = { ...ui.settings, 'apply.saveAfterApply': undefined };
  });

  test('an ended rollout keeps its outcome in the views a while (endedShownSeconds), then goes', async () => {
    await fresh();
    const jo = flow('jo@ws (VS Code)', () => [], () => report('pass'), { endedShownSeconds: 1 });
    const seen: RolloutView[][] = [];
    jo.onViews((v) => seen.push(v));
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await jo.start(uri as never, SPLIT);
    await jo.act(SPLIT, 'cancel');
    assert.equal(seen.at(-1)?.[0]?.phase, 'cancelled', 'the outcome shows');
    assert.equal(ui.statusBar.visible, false, 'not in the status bar: nothing runs');
    await wait.waitFor('the ended rollout gone from the views', () => seen.at(-1)?.length === 0, 5000);
  });

  test('a manifest without metadata.namespace: the rollout drives the split in the selected namespace, and edits that document', async () => {
    await fresh();
    const bare = Uri.file('/ws/bare.yaml');
    const text = TEXT.replace(/^  namespace: emojivoto\n/m, '');
    assert.ok(!/namespace:/.test(text));
    ui.docs.set(bare.toString(), new Doc(bare, text));
    const lee = flow('lee@ws (VS Code)', () => [], () => report('pass'), { namespace: NS });
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await lee.start(bare as never, SPLIT);
    assert.deepEqual(ui.shown.filter((m) => m.level !== 'info' && !m.modal), [], 'no refusal');
    assert.deepEqual((await object()).spec.backends.map((b) => b.weight), [900, 100]);
    assert.match(ui.docs.get(bare.toString())!.text, /weight: 900[\s\S]*weight: 100/);
    await lee.act(SPLIT, 'cancel');
  });
});
