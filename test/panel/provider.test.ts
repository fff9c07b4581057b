/**
 * The VS Code side of the panel with a recording stand-in for the `vscode` API (the packaged extension in real VS
 * Code is the end-to-end suite's job): the view registration and its options, the document's CSP and fresh nonce,
 * queries to a real HTTP Prometheus stand-in only while the view is visible, and what each button runs.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import Module from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { splitAtRequest, WEIGHTS_COMMAND, type SplitSummary } from '../../src/protocol/messages';
import type { PanelSource } from '../../src/extension/panel/source';
import type { LiveStatsParams } from '../../src/protocol/messages';
import { trafficSplit } from '../support/manifests';
import { waitFor } from '../support/wait';
import { NOW, snapshot, split } from './support';
import { runningView } from './rolloutFixtures';

/** A message's name, whether sent as a string or as a typed message object. */
const methodOf = (type: string | { method: string }): string => (typeof type === 'string' ? type : type.method);

// ---------------------------------------------------------------------------------------------------------------
// A small recording `vscode`.

class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string) { return new Uri('file', p); }
  static joinPath(u: Uri, ...parts: string[]) { return new Uri(u.scheme, [u.path, ...parts].join('/')); }
  get fsPath() { return this.path; }
  toString() { return `${this.scheme}://${this.path}`; }
}
class Position { constructor(readonly line: number, readonly character: number) {} }
class Range { constructor(readonly start: Position, readonly end: Position) {} }

class FakeDocument {
  readonly languageId = 'yaml';
  constructor(readonly uri: Uri, private readonly text: string) {}
  getText() { return this.text; }
  positionAt(offset: number) {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before.at(-1)!.length);
  }
}

type Listener = (e: unknown) => void;
const ui = {
  settings: {} as Record<string, unknown>,
  trusted: true,
  commands: [] as unknown[][],
  shown: [] as { doc: FakeDocument; selection: Range }[],
  messages: [] as string[],
  files: new Map<string, string>(),
  views: [] as { id: string; provider: { resolveWebviewView(v: unknown): unknown }; options: unknown }[],
  configListeners: [] as Listener[],
};

const vscodeStub = {
  Uri, Position, Range,
  window: {
    registerWebviewViewProvider: (id: string, provider: never, options: unknown) => { ui.views.push({ id, provider, options }); return { dispose() {} }; },
    showTextDocument: async (doc: FakeDocument, o: { selection: Range }) => { ui.shown.push({ doc, selection: o.selection }); return {}; },
    showInformationMessage: async (m: string) => { ui.messages.push(m); },
    showWarningMessage: async (m: string) => { ui.messages.push(m); },
    showErrorMessage: async (m: string) => { ui.messages.push(m); },
    activeTextEditor: undefined,
  },
  workspace: {
    get isTrusted() { return ui.trusted; },
    getConfiguration: () => ({ get: (k: string, d: unknown) => ui.settings[k] ?? d }),
    onDidChangeConfiguration: (l: Listener) => { ui.configListeners.push(l); return { dispose() {} }; },
    onDidGrantWorkspaceTrust: () => ({ dispose() {} }),
    textDocuments: [] as FakeDocument[],
    findFiles: async () => [...ui.files.keys()].map((p) => Uri.file(p)),
    fs: { readFile: async (u: Uri) => new TextEncoder().encode(ui.files.get(u.path) ?? '') },
    openTextDocument: async (u: Uri) => new FakeDocument(u, ui.files.get(u.path) ?? ''),
  },
  commands: {
    executeCommand: async (...a: unknown[]) => { ui.commands.push(a); },
  },
};

const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};
// Loaded after the stand-in is in place.
const glue = require('../../src/extension/panelGlue') as typeof import('../../src/extension/panelGlue');
const providerModule = require('../../src/extension/panel/viewProvider') as typeof import('../../src/extension/panel/viewProvider');

// ---------------------------------------------------------------------------------------------------------------

const log = { debug() {}, info() {}, warn() {}, error() {}, trace() {}, show() {} };

class FakeView {
  visible = false;
  html = '';
  options: { enableScripts?: boolean; localResourceRoots?: Uri[] } = {};
  posted: { type: string; model: { notices: { state: string }[]; splits: { key: string }[] } }[] = [];
  private onMessage: Listener | undefined;
  private onVisibility: (() => void) | undefined;
  readonly cspSource = 'vscode-webview://fake-origin';
  readonly webview = {
    cspSource: this.cspSource,
    asWebviewUri: (u: Uri) => new Uri('vscode-webview', u.path),
    postMessage: async (m: never) => { this.posted.push(m); return true; },
    onDidReceiveMessage: (l: Listener) => { this.onMessage = l; return { dispose() {} }; },
    get html() { return view.html; },
    set html(v: string) { view.html = v; },
    get options() { return view.options; },
    set options(o) { view.options = o; },
  };
  onDidChangeVisibility = (l: () => void) => { this.onVisibility = l; return { dispose() {} }; };
  onDidDispose = () => ({ dispose() {} });
  show(visible: boolean) { this.visible = visible; this.onVisibility?.(); }
  send(m: unknown) { this.onMessage?.(m); }
}
let view: FakeView;

/** A Prometheus that answers every query with the route family and counts the queries. */
let queries = 0;
let prometheus: http.Server;
let prometheusUrl = '';

before(async () => {
  prometheus = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      queries++;
      const query = new URLSearchParams(body).get('query') ?? '';
      const result = query.includes('outbound_http_route_backend_response_statuses_total')
        ? [{ metric: { lens_series: 'http-backend', parent_name: 'web-svc', backend_name: 'web-v2', http_status: '200' }, value: [NOW, '60'] }] : [];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', r));
  prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
after(() => prometheus.close());

const live = split('web-split', 'web-svc', [['web-v1', 90], ['web-v2', 10]]);
const source: PanelSource = { snapshot: () => snapshot([live]), onDidChange: () => ({ dispose() {} }) };
const MANIFEST = '/ws/web.yaml';
ui.files.set(MANIFEST, trafficSplit({ name: 'web-split', namespace: null, apex: 'web-svc', backends: ['web-v2=10', 'web-v1=90'] }));

const requests: { method: string; params: unknown }[] = [];
const notifications: { method: string; params: unknown }[] = [];
const summary: SplitSummary = {
  uri: `file://${MANIFEST}`, version: 3, part: 0, split: 0, fingerprint: '9:abc', label: 'web-split',
  backends: [{ name: 'web-v2', share: 0.1, weight: '10' }, { name: 'web-v1', share: 0.9, weight: '90' }], canary: 1, step: 10,
};
const client = {
  isRunning: () => true,
  code2ProtocolConverter: { asUri: (u: Uri) => u.toString(), asPosition: (p: Position) => ({ line: p.line, character: p.character }) },
  sendRequest: async (type: string | { method: string }, params: unknown) => { requests.push({ method: methodOf(type), params }); return summary; },
  sendNotification: async (type: string | { method: string }, params: unknown) => { notifications.push({ method: methodOf(type), params }); },
};

describe('the panel in VS Code (stand-in)', () => {
  test('activation registers the view and nothing else; the provider is made on first resolve', async () => {
    const disposable = glue.registerPanel({ extensionUri: Uri.file('/ext') } as never, { log: log as never, client: () => undefined, cluster: {} });
    assert.equal(ui.views.length, 1);
    assert.equal(ui.views[0]!.id, 'canaryLens.panel');
    assert.deepEqual(ui.views[0]!.options, { webviewOptions: { retainContextWhenHidden: false } });
    const v = new FakeView();
    view = v;
    await ui.views[0]!.provider.resolveWebviewView(v);
    assert.match(v.html, /data-state="not-linked"/, 'no cluster side offered: the panel says so');
    disposable.dispose();
  });

  let provider: InstanceType<typeof providerModule.CanaryPanelProvider>;

  test('the document: scripts on, resources from dist/ and media/ only, CSP with a fresh nonce', () => {
    ui.settings = { 'prometheus.url': prometheusUrl, 'stats.refreshInterval': 1 };
    provider = new providerModule.CanaryPanelProvider({ extensionUri: Uri.file('/ext') as never, log: log as never, client: () => client as never, source: () => source });
    view = new FakeView();
    provider.resolveWebviewView(view as never);
    assert.equal(view.options.enableScripts, true);
    assert.deepEqual(view.options.localResourceRoots!.map(String), ['file:///ext/dist', 'file:///ext/media']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(view.html.replace(/&#39;/g, "'"))?.[1];
    assert.ok(nonce && nonce.length >= 16);
    assert.match(view.html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}" src="vscode-webview:///ext/dist/panel.js"></script>`));
    assert.match(view.html, /img-src vscode-webview:\/\/fake-origin data:; style-src vscode-webview:\/\/fake-origin/);
    const first = view.html;
    const again = new FakeView();
    provider.resolveWebviewView(again as never);
    assert.notEqual(/nonce-([^&]+)&#39;/.exec(again.html)?.[1], /nonce-([^&]+)&#39;/.exec(first)?.[1], 'a new nonce per document');
    view = again;
  });

  test('queries only while the view is visible', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(queries, 0, 'hidden: nothing asked');
    view.show(true);
    await waitFor('the first refresh', () => queries >= 3, 5000);
    await waitFor('numbers in the panel', () => view.posted.some((m) => m.model.notices.length === 0 && m.model.splits.length === 1), 5000);
    await waitFor('a second refresh a second later', () => queries >= 5, 5000);
    // Each refresh also reaches the language server, for the lenses and hovers.
    const live = notifications.filter((n) => n.method === 'canaryLens/liveStats').map((n) => n.params as LiveStatsParams);
    assert.ok(live.length >= 1);
    assert.deepEqual(live.at(-1)!.splits.map((s) => [s.name, s.backends.map((b) => b.name)]), [['web-split', ['web-v1', 'web-v2']]]);
    view.show(false);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = queries;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(queries, stopped, 'hidden again: no more queries');
  });

  test('the webview asks for the model when it (re)loads; unknown messages are ignored', async () => {
    view.show(true);
    const n = view.posted.length;
    view.send({ type: 'ready' });
    assert.ok(view.posted.length > n);
    ui.commands.length = 0;
    view.send({ type: 'command', command: 'workbench.action.terminal.new' });
    view.send({ type: 'command', command: 'openSettings', arg: 'terminal.integrated.shell.linux' });
    view.send({ type: 'split', op: 'shift', key: 'TrafficSplit/emojivoto/not-shown' });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ui.commands, []);
  });

  test('notice buttons run their commands', async () => {
    for (const [m, expected] of [
      [{ type: 'command', command: 'openSettings', arg: 'canaryLens.prometheus.url' }, ['workbench.action.openSettings', 'canaryLens.prometheus.url']],
      [{ type: 'command', command: 'selectContext' }, ['canaryLens.selectContext']],
      [{ type: 'command', command: 'selectNamespace' }, ['canaryLens.selectNamespace']],
      [{ type: 'command', command: 'reconnect' }, ['canaryLens.reconnectCluster']],
      [{ type: 'command', command: 'manageTrust' }, ['workbench.trust.manage']],
    ] as const) {
      ui.commands.length = 0;
      view.send(m);
      await waitFor(JSON.stringify(m), () => ui.commands.length > 0, 5000);
      assert.deepEqual(ui.commands[0], expected);
    }
  });

  const key = 'TrafficSplit/emojivoto/web-split';

  test('open manifest: the file that defines the split, with the cursor on it', async () => {
    ui.commands.length = 0;
    ui.shown.length = 0;
    view.send({ type: 'split', op: 'open', key });
    await waitFor('the editor', () => ui.shown.length > 0, 5000);
    assert.equal(ui.shown[0]!.doc.uri.path, MANIFEST);
    assert.deepEqual(ui.shown[0]!.selection.start, new Position(3, 8));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ui.commands, []);
  });

  test('shift → canary, promote, roll back: the lens command on the split at the cursor, targeting the canary by name', async () => {
    for (const [op, action] of [
      ['shift', { type: 'shift', target: 0, points: 10 }],
      ['promote', { type: 'promote', target: 0 }],
      ['rollback', { type: 'rollback', target: 0 }],
    ] as const) {
      ui.commands.length = 0;
      requests.length = 0;
      view.send({ type: 'split', op, key });
      await waitFor(op, () => ui.commands.length > 0, 5000);
      assert.deepEqual(requests, [{ method: splitAtRequest.method, params: { textDocument: { uri: `file://${MANIFEST}` }, position: { line: 3, character: 8 } } }]);
      // The live canary is web-v2, which the file lists first: the target is found by name, not position.
      assert.deepEqual(ui.commands[0], [WEIGHTS_COMMAND, { uri: summary.uri, version: 3, part: 0, split: 0, fingerprint: '9:abc', action }]);
    }
  });

  test('apply: the apply command on that document part', async () => {
    ui.commands.length = 0;
    view.send({ type: 'split', op: 'apply', key });
    await waitFor('apply', () => ui.commands.length > 0, 5000);
    assert.deepEqual(ui.commands[0], ['canaryLens.applyToCluster', { uri: summary.uri, part: 0 }]);
  });

  test('apply on the card\'s "editor: …, not applied" row: the document of that editor, not another that defines the split', async () => {
    const text = (v2: number, v1: number) => trafficSplit({ name: 'web-split', namespace: 'emojivoto', apex: 'web-svc', backends: [`web-v2=${v2}`, `web-v1=${v1}`] });
    const other = new FakeDocument(Uri.file('/ws/other.yaml'), text(10, 90));
    const edited = new FakeDocument(Uri.file('/ws/edited.yaml'), text(40, 60));
    vscodeStub.workspace.textDocuments.push(other, edited);
    try {
      view.show(true);
      provider.setEditorSplits([{ namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-split' }], [other, edited].map((d, i) => ({ uri: d.uri.toString(), version: i, text: () => d.getText() })));
      // In the card's order (web-v1, web-v2), though the file lists web-v2 first.
      await waitFor('the row', () => JSON.stringify(view.posted.at(-1)?.model).includes('"editor":{"weights":"60/40","uri":"file:///ws/edited.yaml"}'), 5000);
      ui.shown.length = 0;
      ui.commands.length = 0;
      view.send({ type: 'split', op: 'apply', key });
      await waitFor('apply', () => ui.commands.length > 0, 5000);
      assert.equal(ui.shown[0]!.doc.uri.path, '/ws/edited.yaml');
      assert.equal(ui.commands[0]![0], 'canaryLens.applyToCluster');
    } finally {
      vscodeStub.workspace.textDocuments.length = 0;
      provider.setEditorSplits([], []);
    }
  });

  test('no manifest in the workspace: said in words, nothing run', async () => {
    const saved = new Map(ui.files);
    ui.files.clear();
    ui.commands.length = 0;
    ui.messages.length = 0;
    view.send({ type: 'split', op: 'shift', key });
    await waitFor('the message', () => ui.messages.length > 0, 5000);
    assert.match(ui.messages[0]!, /no manifest of TrafficSplit web-split \(namespace emojivoto\) in this workspace/);
    assert.deepEqual(ui.commands, []);
    for (const [k, v] of saved) ui.files.set(k, v);
    provider.dispose();
  });

  test('rollouts through the glue: setRollouts loads the panel and shows them; a rollout button reaches onRolloutAction', async () => {
    const handle = glue.registerPanel({ extensionUri: Uri.file('/ext') } as never, { log: log as never, client: () => client as never, cluster: { panelSource: () => source } });
    const clicks: unknown[][] = [];
    const sub = handle.onRolloutAction((split, action) => clicks.push([split, action]));
    try {
      handle.setRollouts([runningView()]);
      const v = new FakeView();
      await ui.views.at(-1)!.provider.resolveWebviewView(v);
      v.show(true);
      await waitFor('the rollout on its card', () => v.posted.some((m) => (m.model.splits[0] as { rollout?: { key: string } } | undefined)?.rollout?.key === key), 5000);
      v.send({ type: 'rollout', action: 'pause', key });
      v.send({ type: 'rollout', action: 'advance', key });
      v.send({ type: 'rollout', action: 'pause', key: 'TrafficSplit/emojivoto/not-shown' });
      assert.deepEqual(clicks, [[{ namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-split' }, 'pause']], 'only an action the rollout offers, of a rollout shown');
      handle.setRollouts([]);
      await waitFor('cleared', () => (v.posted.at(-1)!.model.splits[0] as { rollout?: unknown }).rollout === undefined, 5000);
    } finally {
      sub.dispose();
      handle.dispose();
    }
  });
});
