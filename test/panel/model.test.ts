/**
 * The panel's data side without VS Code: the 10-minute history, live objects → splits, the cluster source over a
 * session, the messages the extension accepts from the webview, and finding a split's manifest in a file.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { ClusterSession } from '../../src/cluster';
import { HISTORY_SECONDS, splitKey, StatsHistory } from '../../src/extension/panel/history';
import { liveSplits } from '../../src/extension/panel/liveSplits';
import { findInText } from '../../src/extension/panel/manifest';
import { parseWebviewMessage } from '../../src/extension/panel/model';
import { ClusterPanelSource, type SessionLike } from '../../src/extension/panel/source';
import { positionAt } from '../support/text';
import { NOW, result, split, statsOf } from './support';

describe('history', () => {
  const s = split('web-split', 'web-svc', [['v1', 90], ['v2', 10]]);
  const key = splitKey(s);

  test('one point per refresh and backend, 10 minutes kept', () => {
    const h = new StatsHistory();
    for (let i = 0; i <= 200; i++) h.record(result([statsOf(s, [{ success: 1, rps: i }, { success: 0.5, rps: 1 }])], NOW + i * 5));
    const points = h.get(key, 'v1');
    assert.equal(HISTORY_SECONDS, 600);
    assert.equal(points.length, 121);
    assert.equal(points[0]!.t, NOW + 1000 - 600);
    assert.deepEqual(points.at(-1), { t: NOW + 1000, success: 1, rps: 200 });
    assert.equal(h.get(key, 'v2').at(-1)!.success, 0.5);
    assert.deepEqual(h.get(key, 'nope'), []);
  });

  test('a failed refresh is a gap in every line; the same instant again replaces the point', () => {
    const h = new StatsHistory();
    h.record(result([statsOf(s, [{ success: 1, rps: 1 }, {}])], NOW));
    h.record(result([], NOW + 5, { kind: 'prometheus-unreachable', url: 'http://x', message: 'down' }));
    h.record(result([statsOf(s, [{ success: 0.9, rps: 2 }, {}])], NOW + 10));
    h.record(result([statsOf(s, [{ success: 0.8, rps: 3 }, {}])], NOW + 10));
    assert.deepEqual(h.get(key, 'v1'), [
      { t: NOW, success: 1, rps: 1 },
      { t: NOW + 5, success: null, rps: null },
      { t: NOW + 10, success: 0.8, rps: 3 },
    ]);
  });

  test('series not seen for 10 minutes are dropped; clear() forgets all', () => {
    const h = new StatsHistory();
    h.record(result([statsOf(s, [{ success: 1, rps: 1 }, {}])], NOW));
    const other = split('other', 'o', [['o1', 1]]);
    h.record(result([statsOf(other, [{ success: 1, rps: 1 }])], NOW + 601));
    assert.deepEqual(h.get(key, 'v1'), []);
    assert.equal(h.size, 1);
    h.clear();
    assert.equal(h.size, 0);
  });
});

describe('live objects → splits', () => {
  test('TrafficSplits (integer and quantity weights) and HTTPRoute rules with Service parents', () => {
    const splits = liveSplits([
      { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web-split', namespace: 'emojivoto' }, spec: { service: 'web-svc', backends: [{ service: 'web-v1', weight: 90 }, { service: 'web-v2', weight: 10 }] } },
      { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'old', namespace: 'emojivoto' }, spec: { service: 'old-svc', backends: [{ service: 'a', weight: '500m' }, { service: 'b', weight: 1 }] } },
      {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route', namespace: 'emojivoto' },
        spec: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }, { group: 'core', kind: 'Service', name: 'emoji-svc', port: 8080, namespace: 'other' }],
          rules: [
            { backendRefs: [{ name: 'emoji-v1', port: 8080, weight: 3 }, { name: 'emoji-v2', port: 8080 }] },
            { backendRefs: [{ name: 'bucket', group: 'storage.example', kind: 'Bucket' }] },
            { backendRefs: [{ group: '', kind: 'Service', name: 'emoji-v3', port: 8080, weight: 0 }] },
          ],
        },
      },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'gateway-only', namespace: 'emojivoto' }, spec: { parentRefs: [{ kind: 'Service', name: 'x' }], rules: [{ backendRefs: [{ name: 'y' }] }] } },
      { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'HTTPRoute', metadata: { name: 'policy', namespace: 'emojivoto' }, spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'books' }], rules: [{ backendRefs: [{ name: 'books-v1', weight: 1 }] }] } },
      { kind: 'TrafficSplit', metadata: { name: 'no-apex' }, spec: { backends: [{ service: 'a', weight: 1 }] } },
    ]);
    assert.deepEqual(splits.map((s) => [s.kind, s.name, s.rule, s.namespace, s.apex, s.apexPort, s.backends.map((b) => `${b.name}=${b.weight}(${b.weightText})${b.port ? `:${b.port}` : ''}`)]), [
      ['HTTPRoute', 'policy', undefined, 'emojivoto', 'books', undefined, ['books-v1=1(1)']],
      ['HTTPRoute', 'route', 1, 'other', 'emoji-svc', 8080, ['emoji-v1=3(3):8080', 'emoji-v2=1(1):8080']],
      ['HTTPRoute', 'route', 3, 'other', 'emoji-svc', 8080, ['emoji-v3=0(0):8080']],
      ['TrafficSplit', 'old', undefined, 'emojivoto', 'old-svc', undefined, ['a=500(500m)', 'b=1000(1)']],
      ['TrafficSplit', 'web-split', undefined, 'emojivoto', 'web-svc', undefined, ['web-v1=90(90)', 'web-v2=10(10)']],
    ]);
    assert.equal(splits[1]!.objectNamespace, 'emojivoto');
    assert.equal(splitKey(splits[1]!), 'HTTPRoute/emojivoto/route#1');
  });
});

describe('the cluster source over a session', () => {
  class FakeSession extends EventEmitter implements SessionLike {
    readonly namespace = 'emojivoto';
    readonly server = 'https://127.0.0.1:6443';
    state: SessionLike['state'] = { state: 'connecting', message: 'Connecting…', kinds: {} };
    objects: object[] = [];
    splits() {
      return this.objects;
    }
  }

  test('states, splits, the forbidden request, and redaction', () => {
    const src = new ClusterPanelSource((t) => t.replace(/secret-token/g, '***'));
    let changes = 0;
    src.onDidChange(() => changes++);
    src.setConfigError({ kind: 'config', message: 'No kubeconfig: /root/.kube/config (from the default path) does not exist', nextStep: 'Set canaryLens.kubeconfig' });
    assert.equal(src.snapshot().state, 'no-kubeconfig');
    src.setConfigError({ kind: 'config', message: 'The kubeconfig has no context "x"' });
    assert.equal(src.snapshot().state, 'kubeconfig-error');

    const session = new FakeSession();
    src.setSession(session, 'kind-canary');
    assert.equal(src.snapshot().state, 'connecting');
    session.objects = [{ apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web-split', namespace: 'emojivoto' }, spec: { service: 'web-svc', backends: [{ service: 'a', weight: 1 }] } }];
    session.state = {
      state: 'forbidden', message: 'Forbidden: user secret-token cannot list trafficsplits', kinds: {
        trafficsplits: { state: 'forbidden', error: { verb: 'list', resource: 'trafficsplits', group: 'split.smi-spec.io', user: 'secret-token' } },
      },
    };
    session.emit('state', session.state);
    const snap = src.snapshot();
    assert.equal(snap.state, 'forbidden');
    assert.equal(snap.message, 'Forbidden: user *** cannot list trafficsplits');
    assert.deepEqual(snap.forbidden, { verb: 'list', resource: 'trafficsplits.split.smi-spec.io', user: '***' });
    assert.deepEqual(snap.splits.map((s) => s.name), ['web-split']);
    assert.equal(snap.context, 'kind-canary');
    const before = changes;
    session.emit('change', {});
    assert.equal(changes, before + 1);

    // A new session replaces the old one: the old one's events no longer count.
    const next = new FakeSession();
    src.setSession(next, 'other');
    const after = changes;
    session.emit('state', session.state);
    assert.equal(changes, after);
    assert.equal(session.listenerCount('state'), 0);
  });

  test('the cluster layer\'s ClusterSession fits SessionLike (checked by the type checker)', () => {
    const fits = (s: ClusterSession): SessionLike => s;
    assert.equal(typeof fits, 'function');
  });
});

describe('messages from the webview', () => {
  test('only known commands, Canary Lens settings and split ops pass', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'reconnect' }), { type: 'command', command: 'reconnect' });
    assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'openSettings', arg: 'canaryLens.prometheus.url' }), { type: 'command', command: 'openSettings', arg: 'canaryLens.prometheus.url' });
    assert.deepEqual(parseWebviewMessage({ type: 'split', op: 'shift', key: 'TrafficSplit/ns/web' }), { type: 'split', op: 'shift', key: 'TrafficSplit/ns/web' });
    for (const bad of [
      null, 'ready', { type: 'command', command: 'workbench.action.terminal.new' }, { type: 'command', command: 'openSettings', arg: 'terminal.integrated.shell.linux' },
      { type: 'command', command: 'openSettings', arg: 42 }, { type: 'split', op: 'delete', key: 'x' }, { type: 'split', op: 'open' }, { type: 'split', op: 'open', key: 'x'.repeat(2000) },
      { type: 'eval', code: '1' },
    ]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  });
});

describe('finding the manifest of a live split', () => {
  const text = [
    'apiVersion: v1', 'kind: Service', 'metadata:', '  name: web-split', '---',
    'apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', '  name: web-split', '  namespace: staging', 'spec:', '  service: web-svc', '---',
    'apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', '  name: web-split', 'spec:', '  service: web-svc', '---',
    'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: route', '  namespace: emojivoto', 'spec:', '  rules:',
    '    - backendRefs: [{name: a}]', '    - backendRefs: [{name: b}]', '',
  ].join('\n');
  const line = (offset: number) => positionAt(text, offset).line + 1;

  test('kind, name and namespace; a document without a namespace matches any', () => {
    const staging = findInText(text, { kind: 'TrafficSplit', name: 'web-split', namespace: 'staging' });
    assert.deepEqual(staging && { line: line(staging.offset), score: staging.score }, { line: 9, score: 2 });
    const other = findInText(text, { kind: 'TrafficSplit', name: 'web-split', namespace: 'emojivoto' });
    assert.deepEqual(other && { line: line(other.offset), score: other.score }, { line: 17, score: 1 });
    assert.equal(findInText(text, { kind: 'HTTPRoute', name: 'route', namespace: 'prod' }), undefined);
    assert.equal(findInText(text, { kind: 'TrafficSplit', name: 'nope', namespace: 'emojivoto' }), undefined);
  });

  test('an HTTPRoute rule: the cursor goes to the rule', () => {
    const hit = findInText(text, { kind: 'HTTPRoute', name: 'route', namespace: 'emojivoto', rule: 2 });
    assert.equal(hit && line(hit.offset), 29);
    assert.equal(text.slice(hit!.offset).split('\n')[0], 'backendRefs: [{name: b}]');
  });

  test('broken YAML is not a crash (what parses still counts)', () => {
    assert.doesNotThrow(() => findInText('kind: TrafficSplit\nmetadata: {name: x\n  : : :', { kind: 'TrafficSplit', name: 'x', namespace: 'n' }));
    assert.equal(findInText('kind: TrafficSplit\n\t- [', { kind: 'TrafficSplit', name: 'TrafficSplit', namespace: 'n' }), undefined);
  });
});
