import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyWorkspaceEditParams, CodeLens, ShowMessageParams, TextEdit } from 'vscode-languageserver-protocol';
import { splitAtRequest, WEIGHTS_COMMAND, type SplitAtResult, type WeightCommandResult } from '../../src/protocol/messages';
import { applyTextEdits } from '../support/edits';
import { REPO_ROOT } from '../support/built';
import { startBuiltServer, type LspClient } from '../support/lspClient';
import { rangeOf } from '../support/text';
import { hugeSplit } from '../support/hugeSplits';
import { EAGER_LENS_BACKENDS } from '../../src/service/features/lenses';

/** Code lenses and the weight command over stdio against the built server (dist/server.js; the test never builds). */

const EMOJIVOTO = readFileSync(join(REPO_ROOT, 'examples', 'emojivoto', 'web-svc-ts.yaml'), 'utf8');
const WARNING = 2; // MessageType.Warning

let client: LspClient;
let nextUri = 0;

before(async () => {
  client = await startBuiltServer();
});

after(async () => {
  await client?.shutdown();
});

/** An open document the test edits the way an editor does: applyEdit in, didChange out. */
class Doc {
  readonly uri = `file:///virtual/lenses-${++nextUri}.yaml`;
  version = 1;
  constructor(public text: string) {}

  async open(): Promise<void> {
    await client.open(this.uri, this.text);
    await client.waitForDiagnostics(this.uri, (p) => p.version === this.version);
  }

  /** The lenses as an editor shows them: weight lenses come without a command and are resolved (`codeLens/resolve`). */
  async lenses(): Promise<CodeLens[]> {
    const first = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: this.uri } });
    return Promise.all(first.map((l) => (l.command ? Promise.resolve(l) : client.request<CodeLens>('codeLens/resolve', l))));
  }

  async lens(title: string): Promise<CodeLens> {
    const all = await this.lenses();
    const found = all.find((l) => l.command?.title === title);
    assert.ok(found, `no lens "${title}" in ${all.map((l) => l.command?.title).join(' | ')}`);
    return found;
  }

  async titles(): Promise<string[]> {
    return (await this.lenses()).map((l) => l.command?.title ?? '');
  }

  execute(lens: CodeLens): Promise<WeightCommandResult> {
    return client.request<WeightCommandResult>('workspace/executeCommand', { command: lens.command!.command, arguments: lens.command!.arguments });
  }

  /** Sends the edits as incremental changes, last first so earlier ranges stay valid; waits for the new diagnostics. */
  async change(edits: TextEdit[]): Promise<string[]> {
    this.text = applyTextEdits(this.text, edits);
    const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    this.version++;
    await client.change(this.uri, this.version, ordered.map((e) => ({ range: e.range, text: e.newText })));
    const published = await client.waitForDiagnostics(this.uri, (p) => p.version === this.version);
    return published.diagnostics.map((d) => String(d.code)).sort();
  }
}

/** The edits an applyEdit request makes to `doc`, checked against the version the server meant. */
function editsFor(params: ApplyWorkspaceEditParams, doc: Doc): TextEdit[] {
  const change = params.edit.documentChanges?.[0];
  assert.ok(change && 'textDocument' in change, 'a versioned text document edit (the client announced documentChanges)');
  assert.deepEqual(change.textDocument, { uri: doc.uri, version: doc.version });
  assert.equal(params.edit.documentChanges!.length, 1, 'one edit, so one undo restores the file');
  return change.edits as TextEdit[];
}

describe('code lenses over stdio', () => {
  test('the server advertises code lenses (resolved when shown) and the weight command', () => {
    const caps = client.initializeResult?.capabilities;
    assert.deepEqual(caps?.codeLensProvider, { resolveProvider: true });
    assert.deepEqual(caps.executeCommandProvider?.commands, [WEIGHTS_COMMAND]);
  });

  test('request lenses, execute one, apply the edit, send it back: new lenses and diagnostics', async () => {
    const doc = new Doc(EMOJIVOTO);
    await doc.open();
    const before = client.latestDiagnostics(doc.uri)!.diagnostics.map((d) => String(d.code)).sort();
    assert.deepEqual(await doc.titles(), [
      '50/50', 'Shift 10% → web-svc-2', 'Shift 10% ← web-svc-2', 'Promote web-svc-2', 'Roll back',
      '50%', '+10%', '−10%', '50%', '+10%', '−10%',
    ]);
    const applied = client.nextServerRequest<ApplyWorkspaceEditParams>('workspace/applyEdit');
    const result = await doc.execute(await doc.lens('Shift 10% → web-svc-2'));
    assert.deepEqual(result, { applied: true });
    const edits = editsFor((await applied).params, doc);
    const after = await doc.change(edits);
    assert.equal(doc.text, EMOJIVOTO.replace('weight: 500 # the current', 'weight: 400 # the current').replace('weight: 500 # the canary', 'weight: 600 # the canary'));
    assert.deepEqual(after, before, 'a weight shift changes no diagnostic');
    assert.equal((await doc.titles())[0], '40/60');
  });

  test('fixing all-zero weights with Even split clears the weights-all-zero error', async () => {
    const doc = new Doc(EMOJIVOTO.replace(/weight: 500/g, 'weight: 0'));
    await doc.open();
    assert.ok(client.latestDiagnostics(doc.uri)!.diagnostics.some((d) => d.code === 'weights-all-zero'));
    const applied = client.nextServerRequest<ApplyWorkspaceEditParams>('workspace/applyEdit');
    await doc.execute(await doc.lens('Even split'));
    const codes = await doc.change(editsFor((await applied).params, doc));
    assert.ok(!codes.includes('weights-all-zero'), codes.join(', '));
    assert.equal((await doc.titles())[0], '50/50');
  });

  test('a stale command is refused with a warning and no applyEdit', async () => {
    const doc = new Doc(EMOJIVOTO);
    await doc.open();
    const promote = await doc.lens('Promote web-svc-2');
    await doc.change([{ range: rangeOf(doc.text, '# the canary'), newText: '# the new version' }]);
    const edits = client.appliedEdits.length;
    const warned = client.nextNotification<ShowMessageParams>('window/showMessage');
    const result = await doc.execute(promote);
    const message = (await warned).params;
    assert.deepEqual(message, { type: WARNING, message: 'Canary Lens: the split changed since this lens was shown; try again' });
    assert.deepEqual(result, { applied: false, reason: message.message });
    assert.equal(client.appliedEdits.length, edits, 'no workspace/applyEdit for a stale command');
  });

  test(`a split of more than ${EAGER_LENS_BACKENDS} backends: weight lenses come unresolved; a lens resolved after an edit is a harmless label; bad lens data is invalid params`, async () => {
    const doc = new Doc(hugeSplit('TrafficSplit', EAGER_LENS_BACKENDS + 1));
    await doc.open();
    const first = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: doc.uri } });
    const promote = first.find((l) => !l.command && JSON.stringify(l.data).includes('"promote"'));
    assert.ok(promote, 'the Promote lens comes without its command');
    assert.equal((await client.request<CodeLens>('codeLens/resolve', promote)).command?.title, `Promote backend-${EAGER_LENS_BACKENDS}`);
    await doc.change([{ range: rangeOf(doc.text, 'name: huge'), newText: 'name: huger' }]);
    assert.deepEqual((await client.request<CodeLens>('codeLens/resolve', promote)).command, { title: '—', command: '' });
    await assert.rejects(client.request('codeLens/resolve', { range: promote.range, data: { uri: doc.uri } }), /Invalid params/);
  });

  test('canaryLens/splitAt answers the palette; bad command arguments are invalid params', async () => {
    const doc = new Doc(EMOJIVOTO);
    await doc.open();
    const at = await client.request<SplitAtResult>(splitAtRequest.method, { textDocument: { uri: doc.uri }, position: rangeOf(doc.text, 'web-svc-2').start });
    assert.ok(at);
    assert.deepEqual([at.label, at.canary, at.version, at.backends.map((b) => b.name)], ['web-svc-ts', 1, 1, ['web-svc', 'web-svc-2']]);
    assert.equal(await client.request(splitAtRequest.method, { textDocument: { uri: doc.uri }, position: { line: 0, character: 0 } }).then((r) => (r as SplitAtResult)?.split), 0);
    await assert.rejects(client.request('workspace/executeCommand', { command: WEIGHTS_COMMAND, arguments: [{ uri: doc.uri }] }), /Invalid params/);
  });

  test('a change of the lens step asks the client to refresh the lenses', async () => {
    const doc = new Doc(EMOJIVOTO);
    await doc.open();
    const refresh = client.nextServerRequest('workspace/codeLens/refresh');
    await client.changeConfiguration({ canaryLens: { lens: { step: 25 } } });
    await refresh;
    assert.ok((await doc.titles()).includes('Shift 25% → web-svc-2'));
  });
});
