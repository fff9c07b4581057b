/**
 * The VS Code glue over the cluster layer, against the real kube-apiserver, with a recording stand-in for the
 * `vscode` API (the packaged extension in real VS Code is the end-to-end suite's job). It pins down what the user
 * sees: the status bar per state, the diff, the confirmation, the conflict and 422 handling, the facts notification,
 * untrusted workspaces. No token reaches the log or a message.
 */
import { strict as assert } from 'node:assert';
import Module from 'node:module';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClusterFactsParams } from '../../src/protocol/messages';
import { documents, trafficSplit } from '../support/manifests';
import * as wait from '../support/wait';
import { startCluster, type Cluster } from './harness';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

// ---------------------------------------------------------------------------------------------------------------
// A small recording `vscode`.

type Listener = (e: unknown) => void;
class EventEmitter {
  private listeners: Listener[] = [];
  event = (f: Listener) => {
    this.listeners.push(f);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== f); } };
  };
  fire(e: unknown) { for (const l of this.listeners) l(e); }
  dispose() { this.listeners = []; }
}
class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static from(o: { scheme: string; path: string }) { return new Uri(o.scheme, o.path); }
  static parse(s: string) { const i = s.indexOf(':'); return new Uri(s.slice(0, i), s.slice(i + 1)); }
  static file(p: string) { return new Uri('file', p); }
  get fsPath() { return this.path; }
  toString() { return `${this.scheme}:${this.path}`; }
}
/** A diff tab as `vscode.window.tabGroups` lists it. */
class TabInputTextDiff { constructor(readonly original: Uri, readonly modified: Uri) {} }
interface Tab { input: unknown }
interface Shown { level: 'info' | 'warn' | 'error'; text: string; modal: boolean; detail?: string; buttons: string[] }

const ui = {
  shown: [] as Shown[],
  /** Answers to warning messages (confirmations): a function of the message. */
  answer: (_m: Shown): string | undefined => undefined,
  /** Answers to information messages (their buttons). */
  answerInfo: (_m: Shown): string | undefined => undefined,
  /** The open tabs (`vscode.diff` opens one); `closable` false: closing them fails (the tab API refuses). */
  tabs: [] as Tab[],
  closable: true,
  /** Settings written through `WorkspaceConfiguration.update`: [key, value, target]. */
  updated: [] as unknown[][],
  quickPick: (_items: { label: string; description?: string }[]): string | undefined => undefined,
  commands: [] as unknown[][],
  registered: new Map<string, (...a: unknown[]) => unknown>(),
  diagnostics: new Map<string, { range: { start: { line: number; character: number } }; message: string; source?: string }[]>(),
  providers: [] as { provideTextDocumentContent(u: Uri): string }[],
  configListeners: [] as Listener[],
  settings: {} as Record<string, string>,
  trusted: true,
  editor: undefined as unknown,
  statusBar: { text: '', tooltip: undefined as { value: string } | undefined, backgroundColor: undefined as unknown, show() {}, dispose() {} },
  progress: [] as string[],
};

const message = (level: Shown['level']) => async (text: string, ...rest: unknown[]) => {
  const opts = rest[0] && typeof rest[0] === 'object' ? (rest[0] as { modal?: boolean; detail?: string }) : undefined;
  const buttons = rest.filter((r): r is string => typeof r === 'string');
  const m: Shown = { level, text, modal: !!opts?.modal, ...(opts?.detail ? { detail: opts.detail } : {}), buttons };
  ui.shown.push(m);
  return level === 'warn' ? ui.answer(m) : level === 'info' ? ui.answerInfo(m) : undefined;
};

const vscodeStub = {
  Uri, EventEmitter, TabInputTextDiff,
  ConfigurationTarget: { Global: 1, Workspace: 2 },
  MarkdownString: class { value = ''; appendMarkdown(s: string) { this.value += s; return this; } },
  ThemeColor: class { constructor(readonly id: string) {} },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15 },
  DiagnosticSeverity: { Error: 0 },
  Range: class { start; end; constructor(sl: number, sc: number, el: number, ec: number) { this.start = { line: sl, character: sc }; this.end = { line: el, character: ec }; } },
  Diagnostic: class { source?: string; code?: string; constructor(readonly range: unknown, readonly message: string, readonly severity: number) {} },
  window: {
    createStatusBarItem: () => ui.statusBar,
    showInformationMessage: message('info'),
    showWarningMessage: message('warn'),
    showErrorMessage: message('error'),
    showQuickPick: async (items: { label: string }[]) => {
      const label = ui.quickPick(items);
      return items.find((i) => i.label === label);
    },
    showInputBox: async () => undefined,
    withProgress: async (o: { title: string }, task: () => Promise<unknown>) => { ui.progress.push(o.title); return task(); },
    get activeTextEditor() { return ui.editor; },
    tabGroups: {
      get all() { return [{ tabs: ui.tabs }]; },
      close: async (tabs: Tab | Tab[]) => {
        if (!ui.closable) return false;
        const gone = new Set(Array.isArray(tabs) ? tabs : [tabs]);
        ui.tabs = ui.tabs.filter((t) => !gone.has(t));
        return true;
      },
    },
  },
  workspace: {
    get isTrusted() { return ui.trusted; },
    workspaceFolders: undefined,
    registerTextDocumentContentProvider: (_scheme: string, p: { provideTextDocumentContent(u: Uri): string }) => { ui.providers.push(p); return { dispose() {} }; },
    onDidChangeTextDocument: () => ({ dispose() {} }),
    onDidChangeConfiguration: (l: Listener) => { ui.configListeners.push(l); return { dispose() {} }; },
    onDidGrantWorkspaceTrust: () => ({ dispose() {} }),
    getConfiguration: () => ({
      get: (k: string, d: string) => ui.settings[k] ?? d,
      update: async (k: string, v: string, target: unknown) => { ui.updated.push([k, v, target]); ui.settings = { ...ui.settings, [k]: v }; },
    }),
    openTextDocument: async () => (ui.editor as { document: unknown }).document,
  },
  languages: {
    createDiagnosticCollection: () => ({
      set: (u: Uri, d: never[]) => ui.diagnostics.set(u.toString(), d),
      delete: (u: Uri) => ui.diagnostics.delete(u.toString()),
      dispose() {},
    }),
    // What the language server published: none here (the documents applied are valid), so Apply is not refused.
    getDiagnostics: () => [],
  },
  commands: {
    executeCommand: async (...a: unknown[]) => {
      ui.commands.push(a);
      if (a[0] === 'vscode.diff') ui.tabs.push({ input: new TabInputTextDiff(a[1] as Uri, a[2] as Uri) });
    },
    registerCommand: (id: string, f: (...a: unknown[]) => unknown) => { ui.registered.set(id, f); return { dispose() {} }; },
  },
};

const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};
// Loaded after the stand-in is in place.
const glue = require('../../src/extension/clusterGlue') as typeof import('../../src/extension/clusterGlue');
const commands = require('../../src/extension/clusterCommands') as typeof import('../../src/extension/clusterCommands');

// ---------------------------------------------------------------------------------------------------------------

const NS = 'emojivoto';

/** Waits for `probe`; a timeout says what the status bar showed. */
const waitFor = <T>(what: string, probe: () => wait.Probed<T>, ms: number): Promise<T> =>
  wait.waitFor(what, probe, ms, { detail: () => `; status bar: ${ui.statusBar.text}` });

/** An open YAML editor with the cursor on `line`; `dirty`: it has unsaved changes (`saves` counts its saves). */
function openEditor(text: string, line: number, file = '/ws/canary.yaml', dirty = false) {
  let version = 1;
  const document = {
    uri: Uri.file(file), languageId: 'yaml', getText: () => text, get version() { return version; }, bump() { version++; },
    isUntitled: false, isDirty: dirty, saves: 0,
    async save() { this.saves++; const was = this.isDirty; this.isDirty = false; return was; },
  };
  ui.editor = { document, selection: { active: { line, character: 2 } } };
  return document;
}

/** A Service first, so the split glue-ts (web-svc w1, web-svc-2 w2) is the second document. */
const SPLIT = (w1: number | string, w2: number | string) => documents(
  'apiVersion: v1\nkind: Service\nmetadata: {name: glue-extra}\n',
  trafficSplit({ name: 'glue-ts', namespace: null, backends: [{ service: 'web-svc', weight: w1 }, { service: 'web-svc-2', weight: w2 }] }),
);

describe('VS Code glue (real kube-apiserver, recording vscode stand-in)', () => {
  let cluster: Cluster;
  let controller: InstanceType<typeof glue.ClusterController>;
  const logLines: string[] = [];
  const channel = Object.fromEntries((['trace', 'debug', 'info', 'warn', 'error'] as const).map((l) => [l, (m: string) => { logLines.push(`[${l}] ${m}`); }]));
  const sent: ClusterFactsParams[] = [];
  const client = { isRunning: () => true, onDidChangeState: () => ({ dispose() {} }), sendNotification: async (_m: string, p: ClusterFactsParams) => { sent.push(p); } };
  const workspaceState = new Map<string, unknown>();
  const context = {
    workspaceState: { get: (k: string) => workspaceState.get(k), update: async (k: string, v: unknown) => { workspaceState.set(k, v); } },
    subscriptions: [] as { dispose(): void }[],
    asAbsolutePath: (p: string) => path.join(__dirname, '..', '..', p),
  };
  const weights = async () => (await cluster.kubectl(['get', 'trafficsplit', 'glue-ts', '-n', NS, '-o', 'jsonpath={.spec.backends[*].weight}'])).stdout;
  const changeSettings = (s: Record<string, string>) => {
    ui.settings = s;
    for (const l of ui.configListeners) l({ affectsConfiguration: (k: string) => k.startsWith('canaryLens.') });
  };
  /** What the user saw, for the closing note. */
  const seen: Record<string, string> = {};

  before(async () => {
    cluster = await startCluster();
    ui.settings = { kubeconfig: cluster.kubeconfig };
    controller = glue.createClusterController({
      context: context as never, channel: channel as never, client: () => client as never,
      sessionOptions: { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 },
    });
  });

  after(async () => {
    controller?.dispose();
    await cluster?.stop();
    process.stderr.write(`[glue.test] seen ${JSON.stringify(seen, null, 1)}\n`);
    const everything = [...logLines, ...ui.shown.map((m) => `${m.text} ${m.detail ?? ''}`), ui.statusBar.text, ui.statusBar.tooltip?.value ?? ''].join('\n');
    for (const token of [cluster.adminToken, cluster.readerToken, cluster.badToken]) assert.ok(!everything.includes(token), 'no token in the log or a message');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  test('connected: the status bar shows context/namespace, the server gets the facts with the connection', async () => {
    await waitFor('ready', () => ui.statusBar.text === '$(cloud) canary-lens-test/emojivoto', 15_000);
    seen.ready = ui.statusBar.text;
    assert.match(ui.statusBar.tooltip!.value, /1 TrafficSplit, 0 HTTPRoutes/);
    assert.match(ui.statusBar.tooltip!.value, /TrafficSplits \(v1alpha2\): 1 TrafficSplit in emojivoto/);
    const facts = await waitFor('facts', () => [...sent].reverse().find((f) => f.namespaces.length > 0 && f.connection?.state === 'ready'), 5000);
    assert.deepEqual(facts.connection, { context: 'canary-lens-test', namespace: NS, state: 'ready' });
    assert.ok(facts.services.some((s) => s.name === 'web-svc' && s.ports.some((p) => p.port === 80)));
  });

  test('apply the split under the cursor: diff, confirmation naming the namespace from the selection, apply', async () => {
    openEditor(SPLIT(300, 700), 9);
    ui.shown = [];
    ui.answer = (m) => (m.modal ? 'Apply' : undefined);
    await controller.applyToCluster();
    const diff = ui.commands.find((c) => c[0] === 'vscode.diff')!;
    assert.equal(diff[3], 'TrafficSplit emojivoto/glue-ts: cluster ↔ after apply');
    const right = ui.providers[0]!.provideTextDocumentContent(diff[2] as Uri);
    assert.match(right, /name: glue-ts\n {2}namespace: emojivoto\n/);
    assert.match(right, /weight: 300[\s\S]*weight: 700/);
    assert.equal(ui.providers[0]!.provideTextDocumentContent(diff[1] as Uri), '# TrafficSplit emojivoto/glue-ts does not exist in the cluster yet\n');
    const confirm = ui.shown.find((m) => m.modal)!;
    seen.confirmation = `${confirm.text} [${confirm.buttons.join(', ')}] ${confirm.detail}`;
    assert.equal(confirm.text, 'Apply TrafficSplit "glue-ts" to namespace "emojivoto" (from your selection) in context "canary-lens-test"?');
    assert.deepEqual(confirm.buttons, ['Apply']);
    assert.match(confirm.detail!, /will be created/);
    assert.match(confirm.detail!, /goes to "emojivoto", the namespace selected in Canary Lens/);
    assert.deepEqual(ui.shown.at(-1), { level: 'info', text: 'Canary Lens: TrafficSplit emojivoto/glue-ts created in canary-lens-test.', modal: false, buttons: [] });
    assert.equal(await weights(), '300 700');
    assert.deepEqual(ui.tabs, [], 'the diff tab is closed once applied');
    assert.doesNotMatch(right, /^# applied to/, 'a closed diff is not marked');
  });

  test('the same document again: nothing to apply; a dismissed confirmation writes nothing', async () => {
    ui.shown = [];
    await controller.applyToCluster();
    assert.equal(ui.shown.at(-1)?.text, 'Canary Lens: TrafficSplit emojivoto/glue-ts already matches the cluster (canary-lens-test); nothing to apply.');
    openEditor(SPLIT(100, 900), 9);
    ui.answer = () => undefined;
    await controller.applyToCluster();
    assert.equal(await weights(), '300 700');
  });

  test('another manager owns the weights: the confirmation names it and offers Force Apply', async () => {
    const other = await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', '-'], {
      input: SPLIT(1, 999).split('---\n')[1]!.replace('metadata:\n', 'metadata:\n  namespace: emojivoto\n'),
    });
    assert.equal(other.code, 0, other.stderr);
    openEditor(SPLIT(200, 800), 9);
    ui.shown = [];
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await controller.applyToCluster();
    const confirm = ui.shown.find((m) => m.modal)!;
    seen.conflictConfirmation = `${confirm.text} [${confirm.buttons.join(', ')}] ${confirm.detail}`;
    assert.deepEqual(confirm.buttons, ['Force Apply']);
    assert.match(confirm.detail!, /Conflict: \.spec\.backends is owned by "other"\. Force Apply takes it over from "other"\./);
    assert.equal(ui.shown.at(-1)?.text, 'Canary Lens: TrafficSplit emojivoto/glue-ts configured in canary-lens-test.');
    assert.equal(await weights(), '200 800');
  });

  test('the object changes while the confirmation is open: the apply refuses and says to look again', async () => {
    openEditor(SPLIT(250, 750), 9);
    ui.shown = [];
    let changed = false;
    ui.answer = (m) => {
      if (!m.modal) return undefined;
      // Someone else writes while the user reads the diff.
      void cluster.kubectl(['label', 'trafficsplit', 'glue-ts', '-n', NS, 'touched=yes', '--overwrite']).then(() => { changed = true; });
      return 'Apply';
    };
    const original = vscodeStub.window.showWarningMessage;
    vscodeStub.window.showWarningMessage = async (text: string, ...rest: unknown[]) => {
      const r = await original(text, ...rest);
      await waitFor('the concurrent write', () => changed, 10_000);
      return r;
    };
    try {
      await controller.applyToCluster();
    } finally {
      vscodeStub.window.showWarningMessage = original;
    }
    const last = ui.shown.at(-1)!;
    seen.stale = last.text;
    assert.equal(last.text, 'Canary Lens: The object changed in the cluster since it was read. Run the apply again to see a fresh diff.');
    assert.equal(await weights(), '200 800');
  });

  test('422: an error message and a diagnostic on the weight\'s line', async () => {
    const doc = openEditor(SPLIT(500, 'abc'), 9);
    ui.shown = [];
    await controller.applyToCluster();
    const err = ui.shown.at(-1)!;
    seen.invalid = err.text;
    assert.equal(err.level, 'error');
    assert.match(err.text, /^Canary Lens: TrafficSplit "glue-ts" is invalid: spec\.backends\.weight: .*must be of type number/);
    const diags = ui.diagnostics.get(doc.uri.toString())!;
    assert.equal(diags.length, 1);
    assert.equal(diags[0]!.source, 'canary-lens-apply');
    assert.deepEqual(diags[0]!.range.start, { line: 14, character: 14 }, 'the line of `weight: abc` in the file (second document)');
  });

  test('the cursor outside a split: says so; Apply File applies every split document', async () => {
    openEditor(SPLIT(400, 600), 1);
    ui.shown = [];
    await controller.applyToCluster();
    assert.equal(ui.shown.at(-1)?.text, 'Canary Lens: put the cursor in a TrafficSplit, HTTPRoute or GRPCRoute document to apply it (or use Apply File to Cluster).');
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    await controller.applyFileToCluster();
    assert.equal(ui.shown.at(-1)?.text, 'Canary Lens: TrafficSplit emojivoto/glue-ts configured in canary-lens-test.');
    assert.equal(await weights(), '400 600');
    // A lens passes the document and the part.
    openEditor(SPLIT(450, 550), 0);
    await controller.applyToCluster({ uri: 'file:/ws/canary.yaml', part: 1 });
    assert.equal(await weights(), '450 550');
  });

  test('after apply: a diff tab that cannot be closed says it was applied; a dirty file is saved as canaryLens.apply.saveAfterApply says', async () => {
    const setting = (v: string | undefined) => {
      const { 'apply.saveAfterApply': _, ...rest } = ui.settings;
      ui.settings = v === undefined ? rest : { ...rest, 'apply.saveAfterApply': v };
    };
    ui.answer = (m) => (m.modal ? m.buttons[0] : undefined);
    let w = 460;
    /** Applies new weights from a dirty editor; returns the document and the message that followed. */
    const apply = async () => {
      w += 10;
      const doc = openEditor(SPLIT(w, 1000 - w), 9, '/ws/canary.yaml', true);
      ui.shown = [];
      ui.tabs = [];
      await controller.applyToCluster();
      assert.equal(await weights(), `${w} ${1000 - w}`);
      return { doc, last: ui.shown.at(-1)! };
    };
    const applied = `TrafficSplit emojivoto/glue-ts configured in canary-lens-test.`;

    // The tab API refuses: the tab stays, and its right-hand side says it was applied, where and when.
    ui.closable = false;
    try {
      setting('never');
      const { doc, last } = await apply();
      assert.equal(ui.tabs.length, 1);
      const diff = ui.tabs[0]!.input as TabInputTextDiff;
      const right = ui.providers[0]!.provideTextDocumentContent(diff.modified);
      assert.match(right, /^# applied to canary-lens-test\/emojivoto at \d\d:\d\d:\d\d\n/);
      assert.match(right, new RegExp(`weight: ${w}`), 'the rest is the result as shown');
      assert.doesNotMatch(ui.providers[0]!.provideTextDocumentContent(diff.original), /^# applied/);
      // never: the file stays dirty, nothing is asked.
      assert.deepEqual([last.text, last.buttons, doc.saves], [`Canary Lens: ${applied}`, [], 0]);
    } finally {
      ui.closable = true;
    }

    // ask (the default): the message says so and offers Save / Always save; Save saves.
    setting(undefined);
    ui.answerInfo = (m) => (m.buttons.includes('Save') ? 'Save' : undefined);
    let r = await apply();
    assert.deepEqual(ui.tabs, []);
    assert.deepEqual([r.last.text, r.last.buttons, r.doc.saves], [`Canary Lens: ${applied} canary.yaml has unsaved changes.`, ['Save', 'Always save'], 1]);
    // Dismissed: not saved.
    ui.answerInfo = () => undefined;
    r = await apply();
    assert.deepEqual([r.last.buttons, r.doc.saves, r.doc.isDirty], [['Save', 'Always save'], 0, true]);
    // Always save: sets the setting (user settings) and saves.
    ui.answerInfo = (m) => (m.buttons.includes('Always save') ? 'Always save' : undefined);
    ui.updated = [];
    r = await apply();
    assert.deepEqual(ui.updated, [['apply.saveAfterApply', 'always', vscodeStub.ConfigurationTarget.Global]]);
    assert.equal(r.doc.saves, 1);

    // always (as set just now): saved silently, the message says so and asks nothing.
    ui.answerInfo = () => undefined;
    r = await apply();
    seen.savedAfterApply = r.last.text;
    assert.deepEqual([r.last.text, r.last.buttons, r.doc.saves], [`Canary Lens: ${applied} Saved canary.yaml (canaryLens.apply.saveAfterApply).`, [], 1]);
    setting(undefined);
    ui.answerInfo = () => undefined;
  });

  test('context picker: the reader context, namespaces it may not list, apply forbidden with verb and resource', async () => {
    changeSettings({ kubeconfig: cluster.allContextsKubeconfig });
    await waitFor('ready on the admin context', () => ui.statusBar.text === '$(cloud) canary-lens-test/emojivoto', 15_000);
    const offered: string[][] = [];
    ui.quickPick = (items) => {
      offered.push(items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`));
      return items.some((i) => i.label === 'canary-lens-reader') ? 'canary-lens-reader' : NS;
    };
    await controller.selectContext();
    assert.deepEqual(offered[0], ['canary-lens-test ((current) namespace emojivoto)', 'canary-lens-reader (namespace emojivoto)', 'canary-lens-bad-token (namespace emojivoto)']);
    assert.deepEqual(offered[1], ['emojivoto ((current))', 'Other namespace… (listing namespaces is not allowed for this user)']);
    assert.deepEqual(workspaceState.get('canaryLens.cluster.selection'), { context: 'canary-lens-reader', namespace: NS });
    await waitFor('ready as the reader', () => ui.statusBar.text === '$(cloud) canary-lens-reader/emojivoto', 15_000);
    openEditor(SPLIT(10, 90), 9);
    ui.shown = [];
    await controller.applyToCluster();
    const err = ui.shown.at(-1)!;
    seen.forbidden = err.text;
    assert.equal(err.text, 'Canary Lens: Forbidden: user "canary-lens-reader" cannot patch trafficsplits.split.smi-spec.io in namespace "emojivoto". Ask for "patch" on trafficsplits in namespace "emojivoto", or choose another context or namespace.');
  });

  test('faults in the status bar: wrong token, API server down and back, no kubeconfig', async () => {
    await controller['remember']({ context: 'canary-lens-bad-token' });
    controller.connect();
    await waitFor('unauthorized', () => ui.statusBar.text === '$(lock) canary-lens-bad-token/emojivoto · unauthorized', 15_000);
    seen.unauthorizedStatusBar = `${ui.statusBar.text} | ${ui.statusBar.tooltip!.value.split('\n\n')[1]}`;
    assert.match(ui.statusBar.tooltip!.value, /The API server rejected the credentials \(401 Unauthorized\)/);
    assert.deepEqual(sent.at(-1)?.namespaces, [], 'no facts for the language server');

    await controller['remember']({ context: 'canary-lens-test' });
    controller.connect();
    await waitFor('ready', () => ui.statusBar.text === '$(cloud) canary-lens-test/emojivoto', 15_000);
    await cluster.stopApiServer();
    await waitFor('unreachable', () => ui.statusBar.text === '$(debug-disconnect) canary-lens-test/emojivoto · unreachable', 10_000);
    seen.unreachableStatusBar = `${ui.statusBar.text} | ${ui.statusBar.tooltip!.value.split('\n\n')[1]}`;
    await cluster.startApiServer();
    await waitFor('ready again', () => ui.statusBar.text === '$(cloud) canary-lens-test/emojivoto', 20_000);

    changeSettings({ kubeconfig: path.join(cluster.dir, 'missing.kubeconfig') });
    await waitFor('no kubeconfig', () => ui.statusBar.text === '$(cloud) No cluster', 5000);
    seen.noKubeconfigStatusBar = `${ui.statusBar.text} | ${ui.statusBar.tooltip!.value.replace(/\n+/g, ' ')}`;
    assert.match(ui.statusBar.tooltip!.value, /No kubeconfig: .*missing\.kubeconfig \(from canaryLens\.kubeconfig\) does not exist/);
    ui.shown = [];
    await controller.applyToCluster();
    assert.match(ui.shown.at(-1)!.text, /^Canary Lens: No kubeconfig: .* does not exist\. Create a kubeconfig/);
  });

  test('untrusted workspace: the cluster commands say why and load nothing', async () => {
    ui.trusted = false;
    ui.shown = [];
    const log = { ...channel } as never;
    const { disposables } = commands.registerClusterCommands(context as never, log, () => undefined);
    try {
      for (const id of ['canaryLens.selectContext', 'canaryLens.applyToCluster', 'canaryLens.applyFileToCluster']) await ui.registered.get(id)!();
      assert.deepEqual(ui.shown.map((m) => m.text), Array(3).fill(commands.UNTRUSTED_MESSAGE));
      seen.untrusted = commands.UNTRUSTED_MESSAGE;
      assert.ok(!logLines.some((l) => l.includes('Cluster support loaded')), 'the cluster bundle was not loaded');
    } finally {
      for (const d of disposables) d.dispose();
      ui.trusted = true;
    }
  });
});
