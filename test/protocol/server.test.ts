/**
 * Protocol tests: the bundled server (dist/server.js) started over stdio and driven by an LSP client
 * (test/support/lspClient.ts). Build first (`npm run build`); these tests never build.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CompletionItem,
  DiagnosticSeverity,
  DocumentSymbol,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  Hover,
  InitializedNotification,
  InitializeRequest,
  Location,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { indexedNotification, type IndexedParams } from '../../src/protocol/messages';
import { builtFile } from '../support/built';
import { defaultClientCapabilities, fileUri, startServer, type LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { service as serviceDoc, trafficSplit } from '../support/manifests';
import { offsetAt, positionAt, rangeInside, rangeOf } from '../support/text';

const SERVER = builtFile('server.js');

function launch(): LspClient {
  return startServer(process.execPath, [SERVER, '--stdio'], { name: 'canary-lens-server' });
}

/** A v1alpha2 TrafficSplit (only split documents: it defines no Service, so it never changes what others see). */
function split(name: string, ns: string, apex: string, backends: [string, string][], eol = '\n'): string {
  return trafficSplit({ name, namespace: ns, apex, backends: backends.map(([service, weight]) => ({ service, weight })) }).replace(/\n/g, eol);
}

/** A Service selecting `app: <name>`, with one port. */
const service = (name: string, ns: string, port = 80): string => serviceDoc({ name, namespace: ns, selector: name, ports: [port] });

const NEGATIVE = split('web-svc-ts', 'emojivoto', 'web-apex', [['web-svc', '-5'], ['web-svc-2', '500']]);

/** A diagnostic's message as text (LSP 3.18 allows markup). */
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const codes = (p: PublishedDiagnostics | Diagnostic[]): string[] => (Array.isArray(p) ? p : p.diagnostics).map((d) => String(d.code));
const withCode = (p: PublishedDiagnostics, code: string): Diagnostic[] => p.diagnostics.filter((d) => d.code === code);
/** Range of `needle` inside the first occurrence of `context`. */
function rangeIn(text: string, context: string, needle: string): ReturnType<typeof rangeOf> {
  const at = text.indexOf(context);
  assert.notEqual(at, -1, `"${context}" not in the text`);
  const inner = context.indexOf(needle);
  assert.notEqual(inner, -1);
  return { start: positionAt(text, at + inner), end: positionAt(text, at + inner + needle.length) };
}
const byPosition = (a: Diagnostic, b: Diagnostic): number => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;

/** What the tests compare: everything a client shows. */
const shown = (ds: Diagnostic[]): unknown[] => ds.map((d) => ({ code: d.code, range: d.range, severity: d.severity, message: d.message, source: d.source }));

/**
 * An open document mirrored on the test side: every edit is sent as an incremental change and applied to
 * the mirror, so the server's diagnostics can be compared with a fresh open of the same text.
 */
class Doc {
  version = 1;
  constructor(readonly client: LspClient, readonly uri: string, public text: string) {}

  async open(): Promise<PublishedDiagnostics> {
    const indexed = this.client.nextNotification<IndexedParams>(indexedNotification.method, (p) => p.uri === this.uri);
    await this.client.open(this.uri, this.text, 'yaml', this.version);
    await indexed;
    return this.latest();
  }

  latest(): PublishedDiagnostics {
    const p = this.client.latestDiagnostics(this.uri);
    assert.ok(p, `no diagnostics for ${this.uri}`);
    return p;
  }

  /** Sends the changes (offsets into the text before each change, applied in order) as one didChange. */
  async edit(...changes: { start: number; end: number; text: string }[]): Promise<PublishedDiagnostics> {
    const events: TextDocumentContentChangeEvent[] = [];
    for (const c of changes) {
      events.push({ range: { start: positionAt(this.text, c.start), end: positionAt(this.text, c.end) }, text: c.text });
      this.text = this.text.slice(0, c.start) + c.text + this.text.slice(c.end);
    }
    const version = ++this.version;
    const published = this.client.waitForDiagnostics(this.uri, (p) => p.version === version);
    await this.client.change(this.uri, version, events);
    return published;
  }

  /** Replaces the `nth` occurrence of `needle`. */
  replace(needle: string, text: string, nth = 0): Promise<PublishedDiagnostics> {
    let at = -1;
    for (let i = 0; i <= nth; i++) at = this.text.indexOf(needle, at + 1);
    assert.notEqual(at, -1, `"${needle}" not in the document`);
    return this.edit({ start: at, end: at + needle.length, text });
  }
}

let freshCount = 0;
/** The diagnostics of `text` opened afresh (then closed again: an `untitled:` document leaves the index on close). */
async function freshDiagnostics(client: LspClient, text: string): Promise<Diagnostic[]> {
  const doc = new Doc(client, `untitled:fresh-${++freshCount}.yaml`, text);
  const published = await doc.open();
  await client.close(doc.uri);
  return published.diagnostics;
}

/** Asserts the edited document's diagnostics equal those of a fresh open of its text, and lie inside it. */
async function assertLikeFresh(doc: Doc, published: PublishedDiagnostics, what: string): Promise<void> {
  for (const d of published.diagnostics) assert.ok(rangeInside(doc.text, d.range), `${what}: ${String(d.code)} range ${JSON.stringify(d.range)} is outside the text`);
  // The fresh copy defines every Service of the text a second time: that hint is the copy's doing, not the edit's.
  const fresh = (await freshDiagnostics(doc.client, doc.text)).filter((d) => d.code !== 'service-defined-twice');
  assert.deepEqual(shown(published.diagnostics), shown(fresh), `${what}: incremental ≠ fresh`);
}

describe('canary-lens-server over stdio', () => {
  let client: LspClient;
  let init: InitializeResult;

  before(async () => {
    client = launch();
    init = await client.initialize(null);
  });
  after(async () => {
    await client?.kill();
  });

  test('initialize announces incremental sync and the language features', () => {
    const caps = init.capabilities;
    const sync = caps.textDocumentSync;
    assert.ok(typeof sync === 'object' && sync !== null, 'textDocumentSync is an options object');
    assert.equal(sync.change, TextDocumentSyncKind.Incremental);
    assert.equal(sync.openClose, true);
    assert.ok(caps.completionProvider, 'completion');
    assert.ok(caps.hoverProvider, 'hover');
    assert.ok(caps.codeActionProvider, 'codeAction');
    assert.ok(caps.documentSymbolProvider, 'documentSymbol');
    assert.ok(caps.definitionProvider, 'definition');
    assert.ok(caps.referencesProvider, 'references');
    assert.equal(init.serverInfo?.name, 'canary-lens');
  });

  test('publishes weight-invalid for a negative weight at the exact range', async () => {
    const doc = new Doc(client, 'file:///virtual/negative.yaml', NEGATIVE);
    const p = await doc.open();
    assert.equal(p.version, 1);
    const invalid = withCode(p, 'weight-invalid');
    assert.equal(invalid.length, 1, JSON.stringify(p.diagnostics));
    assert.deepEqual(invalid[0]!.range, { start: { line: 9, character: 14 }, end: { line: 9, character: 16 } });
    assert.deepEqual(invalid[0]!.range, rangeOf(NEGATIVE, '-5'));
    assert.equal(invalid[0]!.severity, DiagnosticSeverity.Error);
    assert.equal(invalid[0]!.source, 'canary-lens');
    await client.close(doc.uri);
  });

  test('incremental edits: fix the weight, break it again, add a document, merge two documents', async () => {
    const doc = new Doc(client, 'file:///virtual/edits.yaml', NEGATIVE);
    await doc.open();

    let p = await doc.replace('-5', '5');
    assert.deepEqual(codes(p), ['trafficsplit-deprecated'], 'fixed: only the deprecation hint is left');
    p = await doc.replace('weight: 5', 'weight: -7');
    assert.deepEqual(withCode(p, 'weight-invalid').map((d) => d.range), [rangeOf(doc.text, '-7')]);
    assert.equal(withCode(p, 'weight-invalid')[0]!.range.start.line, 9);
    await assertLikeFresh(doc, p, 'broken again');

    // A new `---` document typed at the end, with its own bad weight.
    const second = split('second', 'emojivoto', 'web-apex', [['web-svc', '1.5'], ['web-svc-2', '3']]);
    p = await doc.edit({ start: doc.text.length, end: doc.text.length, text: `---\n${second}` });
    assert.deepEqual(withCode(p, 'weight-invalid').map((d) => d.range.start), [rangeOf(doc.text, '-7').start, rangeOf(doc.text, '1.5').start]);
    // Two TrafficSplits now: one hint for the file, on the first, counting them.
    assert.deepEqual(withCode(p, 'trafficsplit-deprecated').map((d) => [d.range, /2 TrafficSplits in this file/.test(messageOf(d))]), [[rangeOf(doc.text, 'TrafficSplit'), true]]);
    await assertLikeFresh(doc, p, 'document added');

    // Deleting the `---` line merges the two documents: the merged one repeats its keys.
    const sep = doc.text.indexOf('---\n');
    p = await doc.edit({ start: sep, end: sep + 4, text: '' });
    assert.ok(codes(p).includes('yaml-syntax'), `merged document repeats keys: ${codes(p).join(', ')}`);
    for (const d of p.diagnostics) assert.ok(d.range.end.line - d.range.start.line <= 1, 'the error points at a repeated key, not the whole document');
    await assertLikeFresh(doc, p, 'documents merged');

    // Typing the separator back, one character a change, then a two-range change in one notification.
    for (const ch of ['-', '-', '-', '\n']) {
      const at = doc.text.indexOf('apiVersion', 1);
      p = await doc.edit({ start: at, end: at, text: ch });
      await assertLikeFresh(doc, p, `typed ${JSON.stringify(ch)}`);
    }
    assert.equal(withCode(p, 'weight-invalid').length, 2);
    const a = doc.text.indexOf('-7');
    const b = doc.text.indexOf('1.5');
    p = await doc.edit({ start: b, end: b + 3, text: '2' }, { start: a, end: a + 2, text: '7' });
    assert.equal(withCode(p, 'weight-invalid').length, 0, JSON.stringify(p.diagnostics));
    await assertLikeFresh(doc, p, 'two changes in one notification');

    // A whole-text change (no range) is still accepted.
    const version = ++doc.version;
    doc.text = NEGATIVE;
    const full = client.waitForDiagnostics(doc.uri, (x) => x.version === version);
    await client.change(doc.uri, version, [{ text: NEGATIVE }]);
    assert.deepEqual(withCode(await full, 'weight-invalid').map((d) => d.range), [rangeOf(NEGATIVE, '-5')]);
    await client.close(doc.uri);
  });

  test('a CRLF file: same ranges as LF, edits keep them right', async () => {
    const crlf = NEGATIVE.replace(/\n/g, '\r\n');
    const doc = new Doc(client, 'file:///virtual/crlf.yaml', crlf);
    let p = await doc.open();
    assert.deepEqual(withCode(p, 'weight-invalid').map((d) => d.range), [{ start: { line: 9, character: 14 }, end: { line: 9, character: 16 } }]);
    await assertLikeFresh(doc, p, 'crlf open');

    p = await doc.replace('-5', '5');
    assert.equal(withCode(p, 'weight-invalid').length, 0);
    p = await doc.edit({ start: doc.text.length, end: doc.text.length, text: `---\r\n${split('b', 'emojivoto', 'web-apex', [['web-svc', '-1']], '\r\n')}` });
    assert.deepEqual(withCode(p, 'weight-invalid').map((d) => d.range), [rangeOf(doc.text, '-1')]);
    await assertLikeFresh(doc, p, 'crlf document added');
    const sep = doc.text.indexOf('---\r\n');
    p = await doc.edit({ start: sep, end: sep + 5, text: '' });
    assert.ok(codes(p).includes('yaml-syntax'));
    await assertLikeFresh(doc, p, 'crlf documents merged');
    await client.close(doc.uri);
  });

  // Opened by the next test and used by the one after it.
  const multi = { uri: 'file:///virtual/multi.yaml', text: '' };

  test('Services in other documents of the file count only in the complete publication', async () => {
    const splitText = split('web-ts', 'shop', 'web-apex', [['web-svc', '90'], ['web-svc-2', '10']]);
    const text = `${service('web-apex', 'shop')}---\n${service('web-svc', 'shop')}---\n${splitText}`;
    const uri = multi.uri;
    const first = client.nextDiagnostics(uri);
    const indexed = client.nextNotification<IndexedParams>(indexedNotification.method, (p) => p.uri === uri);
    await client.open(uri, text);

    // First the split document's own diagnostics: nothing that needs the index yet.
    const own = await first;
    assert.deepEqual(codes(own), ['trafficsplit-deprecated']);
    const note = await indexed;
    assert.equal(note.params.documents, 3);
    assert.ok(note.params.millis >= 0);
    // Then the complete diagnostics: the namespace has Services now, and only web-svc-2 is not among them.
    const complete = client.latestDiagnostics(uri)!;
    assert.ok(complete.seq > own.seq, 'a second publication');
    assert.deepEqual(withCode(complete, 'service-not-found').map((d) => d.range), [rangeOf(text, 'web-svc-2')]);

    // Renaming the Service of the second document moves the warning to web-svc.
    const doc = new Doc(client, uri, text);
    const p = await doc.replace('name: web-svc\n', 'name: web-svc-2\n');
    assert.deepEqual(withCode(p, 'service-not-found').map((d) => d.range), [rangeIn(doc.text, '- service: web-svc\n', 'web-svc')]);
    await assertLikeFresh(doc, p, 'context document edited');
    multi.text = doc.text;
  });

  test('completion, hover, symbols, definition, references and code actions answer', async () => {
    const { uri, text } = multi;
    assert.ok(text, 'the previous test opened it');
    const at = rangeIn(text, '- service: web-svc-2', 'web-svc-2').end; // the value of the second backend's `service:`
    const items = await client.request<CompletionItem[] | { items: CompletionItem[] } | null>('textDocument/completion', { textDocument: { uri }, position: at });
    assert.ok(items !== null && typeof items === 'object', 'a completion result');
    const list = Array.isArray(items) ? items : items.items;
    assert.ok(Array.isArray(list));
    // Completion already offers Service names; if it ever answers nothing there, this shows.
    assert.ok(list.some((i) => i.label === 'web-apex'), `Service names offered: ${list.map((i) => i.label).join(', ')}`);

    const weight = offsetAt(text, rangeOf(text, '90').start);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, weight + 1) });
    assert.ok(hover === null || (typeof hover === 'object' && 'contents' in hover), 'a hover or null');
    if (hover) assert.match(JSON.stringify(hover.contents), /90/);

    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(Array.isArray(symbols));
    const split = symbols.find((s) => s.name === 'web-ts');
    assert.ok(split, `the split is a symbol: ${symbols.map((s) => s.name).join(', ')}`);
    // Each backend with its share; how name and detail divide the words is the feature's business.
    const children = (split.children ?? []).map((c) => `${c.name} ${c.detail ?? ''}`);
    assert.equal(children.length, 2, children.join(' | '));
    assert.match(children[0]!, /^web-svc\b(?!-).*\b90%/);
    assert.match(children[1]!, /^web-svc-2\b.*\b10%/);

    // The second document's Service was renamed web-svc-2 by the previous test.
    const backend = rangeIn(text, '- service: web-svc-2', 'web-svc-2');
    const declared = rangeIn(text, 'name: web-svc-2', 'web-svc-2');
    const definition = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: backend.start });
    assert.deepEqual(definition, [{ uri, range: declared }]);
    const references = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: declared.start, context: { includeDeclaration: false } });
    assert.ok(Array.isArray(references));
    assert.ok(references.some((l) => l.uri === uri && l.range.start.line === backend.start.line), JSON.stringify(references));
    const position = backend.start;
    const diagnostics = client.latestDiagnostics(uri)!.diagnostics;
    const actions = await client.request<unknown>('textDocument/codeAction', {
      textDocument: { uri }, range: diagnostics[0]?.range ?? { start: position, end: position }, context: { diagnostics },
    });
    assert.ok(Array.isArray(actions));
    // A request for a document the server does not know is an empty answer, not an error.
    assert.deepEqual(await client.request('textDocument/completion', { textDocument: { uri: 'file:///nowhere.yaml' }, position: { line: 0, character: 0 } }), []);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.yaml' }, position: { line: 0, character: 0 } }), null);
  });

  test('malformed requests get error responses and the server keeps serving', async () => {
    const doc = new Doc(client, 'file:///virtual/malformed.yaml', NEGATIVE);
    await doc.open();
    const rejects = async (method: string, params: unknown, code: number): Promise<void> => {
      await assert.rejects(client.request(method, params, 5000), (e: { code?: number; message?: string }) => {
        assert.equal(e.code, code, `${method} ${JSON.stringify(params)}: ${String(e.message)}`);
        return true;
      });
    };
    await rejects('textDocument/hover', {}, ErrorCodes.InvalidParams);
    await rejects('textDocument/hover', { textDocument: { uri: doc.uri }, position: 'line 9' }, ErrorCodes.InvalidParams);
    await rejects('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: -1, character: 0 } }, ErrorCodes.InvalidParams);
    await rejects('textDocument/completion', { textDocument: { uri: doc.uri }, position: { line: 1.5, character: 0 } }, ErrorCodes.InvalidParams);
    await rejects('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: null, context: { diagnostics: [] } }, ErrorCodes.InvalidParams);
    await rejects('textDocument/documentSymbol', { textDocument: 42 }, ErrorCodes.InvalidParams);
    await rejects('canaryLens/noSuchMethod', { x: 1 }, ErrorCodes.MethodNotFound);

    // Malformed notifications have no answer; they are dropped and the document stays as it was.
    await client.notify('textDocument/didOpen', {});
    await client.notify('textDocument/didChange', { textDocument: { uri: doc.uri, version: 99 }, contentChanges: [{ range: 'all', text: 'x' }] });
    await client.notify('canaryLens/noSuchNotification', { y: 2 });

    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: rangeOf(doc.text, '-5').start });
    assert.ok(hover && 'contents' in hover, 'hover still answers');
    const p = await doc.replace('-5', '5');
    assert.equal(withCode(p, 'weight-invalid').length, 0, 'diagnostics still follow edits');
    await assertLikeFresh(doc, p, 'after malformed messages');
    await client.close(doc.uri);
  });

  test('garbage on stdin does not kill the server', async () => {
    const uri = 'file:///virtual/garbage.yaml';
    const doc = new Doc(client, uri, NEGATIVE);
    await doc.open();
    const stdin = client.process.stdin!;
    const raw = (body: string): void => void stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const errorLogged = client.nextNotification<{ message: string }>('window/logMessage', (m) => /neither a response nor a notification/.test(m.message));
    raw('{not json at all');                 // invalid JSON: vscode-jsonrpc drops it (its read error has no listener)
    raw('\u0000\u00ff garbage \u{1F4A5}');   // binary-ish, multi-byte: Content-Length counts bytes
    raw('{"jsonrpc":"2.0","foo":1}');        // JSON, but not a JSON-RPC message: logged and dropped
    raw('[1,2,3]');
    raw('{"jsonrpc":"2.0","id":"x1","method":"textDocument/hover","params":{"position":7}}'); // a valid request with bad params
    await errorLogged;

    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: rangeOf(doc.text, '-5').start });
    assert.ok(hover && 'contents' in hover, 'the server still answers requests');
    const p = await doc.replace('-5', '-6');
    assert.deepEqual(withCode(p, 'weight-invalid').map((d) => d.range), [rangeOf(doc.text, '-6')]);
    assert.equal(client.process.exitCode, null, 'still running');

    // Broken headers: vscode-jsonrpc reports them and drops the header block. It then stops reading the chunk it
    // was in until more bytes arrive, so the garbage is written on its own and given time to be read alone.
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));
    for (const header of ['X-Garbage: yes\r\n\r\n', 'Content-Length: lots\r\n\r\n']) {
      await new Promise<void>((resolve) => stdin.write(header, () => resolve()));
      await pause();
      const again = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: rangeOf(doc.text, '-6').start }, 5000);
      assert.ok(again && 'contents' in again, `answers after ${JSON.stringify(header)}`);
    }
    await client.close(uri);
  });

  test('shutdown and exit end the process with code 0', async () => {
    const result = await client.shutdown(10_000);
    assert.equal(result.killed, false);
    assert.equal(result.code, 0);
  });
});

describe('workspace scan and watched files', () => {
  let dir: string;
  let client: LspClient;
  const ns = 'shop';
  const servicesFile = (): string => path.join(dir, 'services.yaml');
  const writeServices = (names: string[]): void => writeFileSync(servicesFile(), names.map((n) => service(n, ns)).join('---\n'));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-scan-'));
    writeServices(['web-apex', 'web-svc', 'web-svc-2']);
    writeFileSync(path.join(dir, 'notes.txt'), service('not-yaml', ns)); // not a YAML file: never read
    client = launch();
    // Only rootUri (workspaceFolders null): the server must fall back to it.
    const scanned = client.nextNotification<{ message: string }>('window/logMessage', (m) => m.message.startsWith('Workspace scan'));
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: fileUri(dir), workspaceFolders: null, capabilities: defaultClientCapabilities,
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    assert.match((await scanned).params.message, /^Workspace scan: 1 YAML files/);
  });
  after(async () => {
    await client?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const good = split('good', ns, 'web-apex', [['web-svc', '50'], ['web-svc-2', '50']]);
  const bad = split('bad', ns, 'web-apex', [['web-svc', '50'], ['web-missing', '50']]);
  const goodUri = (): string => fileUri(path.join(dir, 'good.yaml'));
  const badUri = (): string => fileUri(path.join(dir, 'bad.yaml'));
  const notFound = (uri: string): string[] => (client.latestDiagnostics(uri)?.diagnostics ?? []).filter((d) => d.code === 'service-not-found').map(messageOf);

  /** Resolves once `until()` holds, checking after every publication (a reload republishes each open file). */
  function whenPublished(until: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (until()) { resolve(); return; }
      const timer = setTimeout(() => { off(); reject(new Error(`timed out waiting for: ${what}; good: ${notFound(goodUri()).join(' | ')}; bad: ${notFound(badUri()).join(' | ')}`)); }, timeoutMs);
      const off = client.onNotification('textDocument/publishDiagnostics', () => {
        if (!until()) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  test('Services from the scanned folder satisfy references; a missing one is reported', async () => {
    const g = await new Doc(client, goodUri(), good).open();
    assert.deepEqual(withCode(g, 'service-not-found'), []);
    const b = await new Doc(client, badUri(), bad).open();
    assert.deepEqual(withCode(b, 'service-not-found').map((d) => d.range), [rangeOf(bad, 'web-missing')]);
    assert.match(messageOf(withCode(b, 'service-not-found')[0]!), /web-missing/);
  });

  test('workspace/didChangeWatchedFiles reloads changed, created and deleted files', async () => {
    const changed = async (uri: string, type: FileChangeType, until: () => boolean, what: string): Promise<void> => {
      assert.ok(!until(), `not yet: ${what}`);
      const done = whenPublished(until, what);
      await client.notify(DidChangeWatchedFilesNotification.method, { changes: [{ uri, type }] });
      await done;
    };
    writeServices(['web-apex', 'web-svc', 'web-svc-2', 'web-missing']);
    await changed(fileUri(servicesFile()), FileChangeType.Changed, () => notFound(badUri()).length === 0 && notFound(goodUri()).length === 0, 'web-missing defined');

    writeServices(['web-apex', 'web-svc-2', 'web-missing']);
    await changed(fileUri(servicesFile()), FileChangeType.Changed, () => notFound(goodUri()).length === 1 && notFound(badUri()).length === 1, 'web-svc removed');
    assert.match(notFound(goodUri())[0]!, /\bweb-svc\b(?!-)/);

    const extra = path.join(dir, 'extra.yml');
    writeFileSync(extra, service('web-svc', ns));
    await changed(fileUri(extra), FileChangeType.Created, () => notFound(goodUri()).length === 0 && notFound(badUri()).length === 0, 'web-svc created');

    unlinkSync(servicesFile());
    // Only extra.yml (web-svc) is left: the apex and the other backends are gone.
    await changed(fileUri(servicesFile()), FileChangeType.Deleted, () => notFound(goodUri()).length === 2 && notFound(badUri()).length === 2, 'services.yaml deleted');
    assert.deepEqual(withCode(client.latestDiagnostics(badUri())!, 'service-not-found').sort(byPosition).map((d) => d.range), [rangeOf(bad, 'web-apex'), rangeOf(bad, 'web-missing')]);
  });
});

// The VS Code client resolves `auto` (src/extension/yamlSyntax.ts); the server obeys what it is sent.
describe('canaryLens.yamlSyntax', () => {
  let client: LspClient;
  const uri = 'file:///virtual/syntax.yaml';
  // A Service with a tab in its indentation (line 4), then a split.
  const text = `${service('web-apex', 'emojivoto').replace('\n  namespace:', '\n\tnamespace:')}---\n${NEGATIVE}`;
  const syntaxLines = (p: PublishedDiagnostics): number[] => withCode(p, 'yaml-syntax').map((d) => d.range.start.line);

  before(async () => {
    client = startServer(process.execPath, [SERVER, '--stdio'], { name: 'canary-lens-server', settings: { canaryLens: { yamlSyntax: 'never' } } });
    await client.initialize(null, { yamlSyntax: 'never' });
  });
  after(async () => {
    await client?.kill();
  });

  test('never: no yaml-syntax; always again on a configuration change; auto unresolved means always', async () => {
    const complete = client.nextDiagnostics(uri, (p) => withCode(p, 'weight-invalid').length > 0 && p.diagnostics.some((d) => d.code === 'service-not-found' || d.code === 'trafficsplit-deprecated'));
    await client.open(uri, text);
    const off = await complete;
    assert.deepEqual(syntaxLines(off), [], 'never');

    for (const [value, want] of [['always', [4]], ['never', []], ['auto', [4]]] as const) {
      client.settings = { canaryLens: { yamlSyntax: value } };
      const next = client.nextDiagnostics(uri, (p) => syntaxLines(p).length === want.length);
      await client.notify(DidChangeConfigurationNotification.method, { settings: null });
      assert.deepEqual(syntaxLines(await next), want, value);
    }
  });
});
