/**
 * The split objects a file's lenses are about (`canaryLens/documentSplits`): what the client measures while an editor
 * shows the file. Each is keyed as the live numbers are looked up, so numbers sent for it show in the lenses.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageService } from '../../src/service/languageService';
import { documents, httpRoute, service, trafficSplit } from '../support/manifests';

const URI = 'file:///work/splits.yaml';

const FILE = documents(
  trafficSplit({ name: 'web-split', backends: ['web-v1=90', 'web-v2=10'] }),
  service({ name: 'web-apex', ports: [80] }),
  // No namespace: the selected one when a cluster is connected (where Apply puts it), else `default`.
  httpRoute({ name: 'emoji-route', namespace: null, rules: [{ backendRefs: [{ name: 'emoji-v1', port: 80, weight: 1 }] }, { backendRefs: [{ name: 'emoji-v2', port: 80, weight: 1 }] }] }),
  // No backends: no lenses, nothing to measure.
  httpRoute({ name: 'redirect-only', rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }] }),
  // The same object twice in a file counts once.
  trafficSplit({ name: 'web-split', backends: ['web-v1=50', 'web-v2=50'] }),
);

describe('the split objects of a document', () => {
  test('named split documents with backends, once each, with their effective namespace; nothing else', () => {
    const ls = new LanguageService();
    ls.setFile(URI, FILE);
    assert.deepEqual(ls.splitObjects(URI), [
      { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-split' },
      { namespace: 'default', kind: 'HTTPRoute', name: 'emoji-route' },
    ]);
    assert.deepEqual(ls.splitObjects('file:///work/unknown.yaml'), []);
    ls.setFile(URI, service({ name: 'web-apex', ports: [80] }));
    assert.deepEqual(ls.splitObjects(URI), []);
  });

  test('numbers sent for each object show in that object\'s backend lenses', () => {
    const ls = new LanguageService();
    ls.setFile(URI, FILE);
    const live = (): string[] => ls.codeLenses(URI).map((l) => l.command?.title ?? '').filter((t) => t.includes(' numbers'));
    assert.deepEqual(live(), []);
    const backends = ['web-v1', 'web-v2', 'emoji-v1', 'emoji-v2'];
    ls.live.set({ splits: ls.splitObjects(URI).map((r) => ({
      ...r, brief: `${r.name} numbers`, backends: backends.map((b) => ({ name: b, brief: `${r.name} ${b} numbers`, detail: '', flagged: false })),
    })) });
    // Each backend of each split (both TrafficSplits named web-split, both rules of emoji-route); the split rows carry none.
    assert.deepEqual(live().sort(), [
      'emoji-route emoji-v1 numbers', 'emoji-route emoji-v2 numbers',
      'web-split web-v1 numbers', 'web-split web-v1 numbers', 'web-split web-v2 numbers', 'web-split web-v2 numbers',
    ]);
  });

  test('a document without a namespace, with a cluster connected: the selected namespace, for both the request and the numbers', () => {
    const ls = new LanguageService();
    ls.setFile(URI, FILE);
    ls.setClusterFacts({ namespaces: ['shop'], facts: [], connection: { context: 'dev', namespace: 'shop', state: 'ready' } } as never);
    assert.deepEqual(ls.splitObjects(URI), [
      { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-split' },
      { namespace: 'shop', kind: 'HTTPRoute', name: 'emoji-route' },
    ]);
    const numbers = (namespace: string) => ({ splits: [{ namespace, kind: 'HTTPRoute' as const, name: 'emoji-route', brief: 'route numbers', backends: [{ name: 'emoji-v1', brief: `emoji-v1 in ${namespace}`, detail: '', flagged: false }] }] });
    const shown = (): string[] => ls.codeLenses(URI).map((l) => l.command?.title ?? '').filter((t) => t.startsWith('emoji-v1 in'));
    ls.live.set(numbers('shop'));
    assert.deepEqual(shown(), ['emoji-v1 in shop']);
    // Numbers of `default`'s emoji-route are another object's: not shown on this document.
    ls.live.set(numbers('default'));
    assert.deepEqual(shown(), []);
  });
});
