/**
 * The cards' "editor: 40/60, not applied" row: a visible editor's weights against the cluster's, read by the same
 * adapters (real YAML texts here), compared as written integers per backend name; the row and its Apply button.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EditorWeights, editorRowOf, editorWeightsText, weightsDiffer, type EditorDocument } from '../../src/extension/panel/editorWeights';
import { renderPanelBody } from '../../src/extension/panel/render';
import { parseWebviewMessage } from '../../src/extension/panel/model';
import { documents, httpRoute, service, trafficSplit } from '../support/manifests';
import { DEFAULT_PANEL_SETTINGS, PanelController } from '../../src/extension/panel/controller';
import type { PanelModel } from '../../src/extension/panel/model';
import { FakeSource, FakeTimers, HOSTILE, modelOf, NOW, snapshot, split } from './support';

const w = (pairs: [string, number][]) => pairs.map(([name, weight]) => ({ name, weight }));

/** A visible editor's document; `reads` counts how often its text was read. */
function editorDoc(uri: string, text: string, version = 1) {
  const d = { uri, version, reads: 0, text: () => { d.reads++; return text; } };
  return d satisfies EditorDocument;
}

const WEB = split('web-split', 'web-svc', [['web-svc-v1', 90], ['web-svc-v2', 10]]);
const webText = (v1: number | string, v2: number | string, namespace: string | null = 'emojivoto') =>
  trafficSplit({ name: 'web-split', namespace, apex: 'web-svc', backends: [{ service: 'web-svc-v1', weight: v1 }, { service: 'web-svc-v2', weight: v2 }] });

describe('editor weights against the cluster', () => {
  test('written integers per backend name: order does not matter, shares do not make weights equal, one-sided backends differ', () => {
    assert.equal(weightsDiffer(w([['a', 40], ['b', 60]]), w([['b', 60], ['a', 40]])), false);
    assert.equal(weightsDiffer(w([['a', 40], ['b', 60]]), w([['a', 2], ['b', 3]])), true, '40/60 and 2/3: equal shares, other weights');
    assert.equal(weightsDiffer(w([['a', 40], ['b', 60]]), w([['a', 40], ['b', 60], ['c', 0]])), true, 'a backend in the editor only');
    assert.equal(weightsDiffer(w([['a', 40], ['b', 60], ['c', 0]]), w([['a', 40], ['b', 60]])), true, 'a backend in the cluster only');
    assert.equal(weightsDiffer(w([['a', 40], ['b', 60]]), w([['a', 40], ['c', 60]])), true, 'a renamed backend');
    assert.equal(weightsDiffer(w([['a', 40], ['b', 60]]), w([['a', 41], ['b', 60]])), true);
  });

  test('the weights as the row says them: in the card\'s order when the backends are the same, else with names', () => {
    const editor = [{ name: 'b', weight: 70, weightText: '70' }, { name: 'a', weight: 30, weightText: '30' }];
    assert.equal(editorWeightsText(w([['a', 40], ['b', 60]]), editor), '30/70');
    assert.equal(editorWeightsText(w([['a', 40], ['c', 60]]), editor), 'b 70 / a 30');
  });

  test('a document is read once per version; documents no longer shown are forgotten', () => {
    const ew = new EditorWeights();
    const doc = editorDoc('file:///ws/web.yaml', documents(service({ name: 'web-svc' }), webText(40, 60)));
    const first = ew.splitsOf([doc]);
    assert.deepEqual(first.map((s) => [s.key, s.uri, s.backends.map((b) => `${b.name}=${b.weightText}`).join(',')]),
      [['TrafficSplit/emojivoto/web-split', 'file:///ws/web.yaml', 'web-svc-v1=40,web-svc-v2=60']]);
    ew.splitsOf([doc]);
    assert.equal(doc.reads, 1);
    const edited = editorDoc('file:///ws/web.yaml', webText(50, 50), 2);
    assert.deepEqual(ew.splitsOf([edited])[0]!.backends.map((b) => b.weight), [50, 50]);
    assert.equal(edited.reads, 1);
    assert.deepEqual(ew.splitsOf([]), []);
    ew.splitsOf([doc]);
    assert.equal(doc.reads, 2, 'read again after it was hidden');
  });

  test('the card gets the row only when an editor holds other weights for its split', () => {
    const ew = new EditorWeights();
    const same = ew.splitsOf([editorDoc('file:///ws/same.yaml', webText(90, 10))]);
    assert.equal(editorRowOf(WEB, same), undefined, 'the editor holds what the cluster does');
    const other = ew.splitsOf([editorDoc('file:///ws/same.yaml', webText(90, 10)), editorDoc('file:///ws/edited.yaml', webText(40, 60))]);
    assert.deepEqual(editorRowOf(WEB, other), { weights: '40/60', uri: 'file:///ws/edited.yaml' });
    // Another namespace: another object. A document without one lands in the selected namespace (as Apply puts it):
    // the card's when that is the card's namespace, another object's otherwise (no selection: `default`).
    assert.equal(editorRowOf(WEB, ew.splitsOf([editorDoc('file:///ws/ns.yaml', webText(40, 60, 'staging'))])), undefined);
    assert.equal(editorRowOf(WEB, ew.splitsOf([editorDoc('file:///ws/none.yaml', webText(40, 60, null))])), undefined);
    assert.deepEqual(editorRowOf(WEB, ew.splitsOf([editorDoc('file:///ws/none.yaml', webText(40, 60, null))], 'emojivoto')), { weights: '40/60', uri: 'file:///ws/none.yaml' });
    assert.equal(editorRowOf(WEB, ew.splitsOf([editorDoc('file:///ws/none.yaml', webText(40, 60, null))], 'staging')), undefined);
    assert.equal(editorRowOf(WEB, undefined), undefined);
  });

  test('HTTPRoute rules: each rule compared with its own card', () => {
    const text = httpRoute({
      name: 'emoji-route', namespace: 'emojivoto', apex: 'emoji-svc',
      rules: [
        { backendRefs: [{ name: 'emoji-v1', port: 80, weight: 50 }, { name: 'emoji-v2', port: 80, weight: 50 }] },
        { backendRefs: [{ name: 'emoji-v1', port: 80, weight: 20 }, { name: 'emoji-v2', port: 80, weight: 80 }] },
      ],
    });
    const editors = new EditorWeights().splitsOf([editorDoc('file:///ws/route.yaml', text)]);
    const rule = (n: number, a: number, b: number) => split('emoji-route', 'emoji-svc', [['emoji-v1', a], ['emoji-v2', b]], { kind: 'HTTPRoute', rule: n });
    assert.equal(editorRowOf(rule(1, 50, 50), editors), undefined);
    assert.deepEqual(editorRowOf(rule(2, 50, 50), editors), { weights: '20/80', uri: 'file:///ws/route.yaml' });
  });

  test('the model and the card: "editor: 40/60, not applied" with an Apply button the webview posts as the card\'s apply', () => {
    const editorSplits = new EditorWeights().splitsOf([editorDoc('file:///ws/edited.yaml', webText(40, 60))]);
    const quiet = split('quiet', 'quiet-svc', [['q1', 50], ['q2', 50]]);
    const model = modelOf({ cluster: snapshot([WEB, quiet]), editorSplits });
    assert.deepEqual(model.splits.map((s) => [s.name, s.editor]), [['web-split', { weights: '40/60', uri: 'file:///ws/edited.yaml' }], ['quiet', undefined]]);
    const html = renderPanelBody(model);
    const row = /<div class="cl-editor-row[^"]*" data-editor="file:\/\/\/ws\/edited\.yaml">(.*?)<\/div>/.exec(html);
    assert.ok(row, html);
    assert.match(row[1]!, /editor: 40\/60, not applied/);
    const button = /<button [^>]*>Apply<\/button>/.exec(row[1]!)?.[0];
    assert.ok(button);
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(button)?.[1];
    assert.deepEqual(parseWebviewMessage({ type: 'split', op: attr('data-op'), key: attr('data-split') }), { type: 'split', op: 'apply', key: model.splits[0]!.key });
    assert.equal(html.match(/cl-editor-row/g)?.length, 1, 'only the card whose weights differ');
    // Without editors: no row.
    assert.doesNotMatch(renderPanelBody(modelOf({ cluster: snapshot([WEB, quiet]) })), /cl-editor-row/);
  });

  test('a split its Canary or Rollout moves: the words, no Apply (it would be refused); the URI is escaped', () => {
    const model = modelOf({ cluster: snapshot([WEB]) });
    const s = { ...model.splits[0]!, editor: { weights: '40/60', uri: `file:///ws/${HOSTILE}.yaml` } };
    const owned = renderPanelBody({ ...model, splits: [{ ...s, owner: { controller: 'Flagger', kind: 'Canary', name: 'web', deliveryKey: 'Canary/emojivoto/web' } }] });
    assert.match(owned, /editor: 40\/60, not applied<\/span><\/div>/);
    assert.ok(!owned.includes(HOSTILE));
    assert.match(renderPanelBody({ ...model, splits: [s] }), /not applied<\/span> <button/);
  });

  test('the controller: an edit shows the row at once, an edit back or the apply reaching the cluster takes it away', () => {
    const source = new FakeSource(snapshot([WEB]));
    const posts: PanelModel[] = [];
    const c = new PanelController({ settings: () => DEFAULT_PANEL_SETTINGS, trusted: () => true, post: (m) => posts.push(m), timers: new FakeTimers(), now: () => NOW * 1000 });
    c.setSource(source);
    c.setVisible(true);
    const row = () => posts.at(-1)?.splits[0]?.editor;
    assert.equal(row(), undefined);
    c.setEditorDocuments([editorDoc('file:///ws/web.yaml', webText(40, 60), 2)]);
    assert.deepEqual(row(), { weights: '40/60', uri: 'file:///ws/web.yaml' });
    c.setEditorDocuments([editorDoc('file:///ws/web.yaml', webText(90, 10), 3)]);
    assert.equal(row(), undefined, 'edited back to the cluster\'s weights');
    c.setEditorDocuments([editorDoc('file:///ws/web.yaml', webText(40, 60), 4)]);
    assert.ok(row());
    source.set(snapshot([split('web-split', 'web-svc', [['web-svc-v1', 40], ['web-svc-v2', 60]])]));
    assert.equal(row(), undefined, 'applied: the cluster holds what the editor shows');
    c.setEditorDocuments([]);
    c.dispose();
  });
});
