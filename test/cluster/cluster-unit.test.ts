/**
 * The cluster layer's pure parts, without a cluster: redaction, error classification from real Status shapes,
 * field paths mapped to document spans, facts, the overall state, kubeconfig loading and change detection.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  buildClusterFacts, ClusterError, ClusterLog, fieldPath, fromStatus, kubeconfigPaths, KubeconfigWatcher, loadKubeconfig,
  backoffDelay, kindSpec, MemoryLog, overallState, parseManifest, pickVersion, REDACTED, Redactor, spanOf, stripNoise, toClusterError, toYaml,
  type KindStatus,
} from '../../src/cluster';
import { trafficSplit } from '../support/manifests';
import { positionAt } from '../support/text';
import { waitFor } from '../support/wait';
import { EXTENSION_WORDING } from '../../src/extension/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));
after(() => assert.deepEqual(rejections, [], 'no unhandled promise rejections'));

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtopsecretkeymaterial\nabcdef\n-----END RSA PRIVATE KEY-----';

describe('redaction', () => {
  test('bearer headers, JWTs, PEM keys, key/value pairs, flags and URL passwords are hidden', () => {
    const r = new Redactor();
    const cases: [string, string][] = [
      ['Authorization: Bearer abc123def456', 'abc123def456'],
      ['{"authorization":"Bearer s3cr3tt0ken"}', 's3cr3tt0ken'],
      ['headers: { Authorization: "Basic dXNlcjpwYXNz" }', 'dXNlcjpwYXNz'],
      [`token: ${JWT}`, JWT],
      [`id-token=${JWT} rest`, JWT],
      ['  client-key-data: TUlJRW93SUJBQUtDQVFFQXRvcHNlY3JldA==', 'TUlJRW93SUJBQUtDQVFFQXRvcHNlY3JldA=='],
      ['password: hunter2hunter2', 'hunter2hunter2'],
      ['"client-secret": "abcd-efgh-ijkl"', 'abcd-efgh-ijkl'],
      ['kubectl --token=f00dbabe1234 get ts', 'f00dbabe1234'],
      ['https://admin:p4ssw0rd@127.0.0.1:6443/api', 'p4ssw0rd'],
      [`key:\n${PEM}\n`, 'topsecretkeymaterial'],
      [`a ${JWT} b`, JWT],
    ];
    for (const [text, secret] of cases) {
      const out = r.redact(text);
      assert.ok(!out.includes(secret), `${JSON.stringify(text)} → ${JSON.stringify(out)}`);
      assert.ok(out.includes(REDACTED), out);
    }
  });

  test('ordinary text is left alone', () => {
    const r = new Redactor();
    for (const text of [
      'TrafficSplit emojivoto/web-svc-ts: 2 backends, weight 500',
      'Forbidden: user "canary-lens-reader" cannot patch trafficsplits.split.smi-spec.io in namespace "emojivoto"',
      'tokens.csv written; secretName: tls-cert; kind: Secret',
      'https://127.0.0.1:6443/apis/split.smi-spec.io/v1alpha2',
    ]) assert.equal(r.redact(text), text);
  });

  test('the exact secrets of a kubeconfig are hidden wherever they appear, even without a key', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cl-redact-'));
    try {
      const file = path.join(dir, 'config');
      const key = Buffer.from(PEM).toString('base64');
      writeFileSync(file, kubeconfigText({ token: 'plain-opaque-token-1234', extraUsers: `- name: basic\n  user:\n    username: me\n    password: hunter2hunter2\n- name: cert\n  user:\n    client-key-data: ${key}\n` }));
      const loaded = loadKubeconfig({ setting: file }, {}, EXTENSION_WORDING);
      const mem = new MemoryLog();
      const log = new ClusterLog(mem, loaded.redactor);
      log.info('the token plain-opaque-token-1234 appeared bare');
      log.warn('pw hunter2hunter2 and key ' + key + ' and ' + PEM);
      for (const s of ['plain-opaque-token-1234', 'hunter2hunter2', key, 'topsecretkeymaterial']) assert.ok(!mem.text.includes(s), mem.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errors from Status bodies', () => {
  const op = { verb: 'patch', resource: 'trafficsplits', group: 'split.smi-spec.io', namespace: 'emojivoto', name: 'web-svc-ts', server: 'https://127.0.0.1:1' };

  test('403 names the verb, resource and namespace', () => {
    const e = fromStatus(403, {
      kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403,
      message: 'trafficsplits.split.smi-spec.io "web-svc-ts" is forbidden: User "canary-lens-reader" cannot patch resource "trafficsplits" in API group "split.smi-spec.io" in the namespace "emojivoto"',
      details: { name: 'web-svc-ts', group: 'split.smi-spec.io', kind: 'trafficsplits' },
    }, op);
    assert.equal(e.kind, 'forbidden');
    assert.equal(e.verb, 'patch');
    assert.equal(e.resource, 'trafficsplits');
    assert.equal(e.namespace, 'emojivoto');
    assert.equal(e.user, 'canary-lens-reader');
    assert.equal(e.message, 'Forbidden: user "canary-lens-reader" cannot patch trafficsplits.split.smi-spec.io in namespace "emojivoto"');
  });

  test('409 from server-side apply names the managers and fields', () => {
    const e = fromStatus(409, {
      kind: 'Status', reason: 'Conflict', code: 409,
      message: 'Apply failed with 2 conflicts: conflicts with "other" using split.smi-spec.io/v1alpha2:\n- .spec.backends\nconflict with "flagger": .spec.service',
      details: { causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "other" using split.smi-spec.io/v1alpha2', field: '.spec.backends' },
        { reason: 'FieldManagerConflict', message: 'conflict with "flagger"', field: '.spec.service' },
      ] },
    }, op);
    assert.equal(e.kind, 'conflict');
    assert.deepEqual(e.managers, ['other', 'flagger']);
    assert.deepEqual(e.conflictFields, ['.spec.backends', '.spec.service']);
    assert.equal(e.stale, false);
  });

  test('409 because the object changed is "stale", without managers', () => {
    const e = fromStatus(409, { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on trafficsplits.split.smi-spec.io "web-svc-ts": the object has been modified; please apply your changes to the latest version and try again' }, op);
    assert.equal(e.kind, 'conflict');
    assert.equal(e.stale, true);
    assert.deepEqual(e.managers, []);
  });

  test('422 keeps the field paths', () => {
    const e = fromStatus(422, {
      code: 422, reason: 'Invalid', message: 'TrafficSplit.split.smi-spec.io "x" is invalid: spec.backends.weight: Invalid value: "string"',
      details: { name: 'x', kind: 'TrafficSplit', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "string": spec.backends.weight in body must be of type number: "string"', field: 'spec.backends.weight' }] },
    }, op);
    assert.equal(e.kind, 'invalid');
    assert.deepEqual(e.causes.map((c) => c.field), ['spec.backends.weight']);
  });

  test('404: a named object is not-found, a missing type is crd-missing', () => {
    assert.equal(fromStatus(404, { code: 404, reason: 'NotFound', message: 'trafficsplits.split.smi-spec.io "x" not found', details: { name: 'x' } }, op).kind, 'not-found');
    assert.equal(fromStatus(404, { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} }, op).kind, 'crd-missing');
    assert.equal(fromStatus(404, undefined, { ...op, name: undefined }).kind, 'crd-missing');
  });

  test('401, network errors, 503 and the generated client\'s ApiException shape', () => {
    assert.equal(fromStatus(401, undefined, op).kind, 'unauthorized');
    const refused = Object.assign(new Error('request to https://127.0.0.1:1/apis failed, reason: connect ECONNREFUSED'), { code: 'ECONNREFUSED', type: 'system' });
    const u = toClusterError(refused, op);
    assert.equal(u.kind, 'unreachable');
    assert.equal(u.message, 'Cannot reach the API server at https://127.0.0.1:1: connection refused');
    assert.equal(toClusterError(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }), op).kind, 'unreachable');
    assert.equal(toClusterError(Object.assign(new Error('Service Unavailable'), { statusCode: 503 }), op).kind, 'unreachable');
    const apiException = Object.assign(new Error('HTTP-Code: 403'), { code: 403, body: JSON.stringify({ code: 403, message: 'User "u" cannot list resource "services" in API group "" in the namespace "x"' }) });
    const f = toClusterError(apiException, { verb: 'list', resource: 'services', namespace: 'x' });
    assert.equal(f.kind, 'forbidden');
    assert.equal(f.message, 'Forbidden: user "u" cannot list services in namespace "x"');
  });
});

describe('field paths to document spans', () => {
  // Line 5 `  service: web-apex`, line 10 `      weight: abc`, line 11 `    - service: web-svc-3` (no weight).
  const doc = trafficSplit({ namespace: null, backends: ['web-svc=500', 'web-svc-2=abc', 'web-svc-3'] });
  const lineOf = (offset: number) => positionAt(doc, offset).line;

  test('paths in every spelling', () => {
    assert.deepEqual(fieldPath('spec.backends[1].weight'), ['spec', 'backends', 1, 'weight']);
    assert.deepEqual(fieldPath('.spec.backends.1.weight'), ['spec', 'backends', 1, 'weight']);
    assert.deepEqual(fieldPath('metadata.annotations[a.b/c]'), ['metadata', 'annotations', 'a.b/c']);
  });

  test('indexed paths, dotted indexes, missing fields and index-less paths', () => {
    assert.equal(lineOf(spanOf(doc, 'spec.backends[1].weight')!.start), 10);
    assert.equal(doc.slice(spanOf(doc, 'spec.backends[1].weight')!.start, spanOf(doc, 'spec.backends[1].weight')!.end), 'abc');
    assert.equal(lineOf(spanOf(doc, 'spec.backends.0.weight')!.start), 8);
    // A missing required field: its list item.
    assert.equal(lineOf(spanOf(doc, 'spec.backends[2].weight')!.start), 11);
    // No index (API servers before 1.22): the first item that has the field, unless the cause says which one.
    assert.equal(lineOf(spanOf(doc, 'spec.backends.weight')!.start), 8);
    const typeCause = { reason: 'FieldValueInvalid', message: 'Invalid value: "string": spec.backends.weight in body must be of type number: "string"' };
    assert.equal(lineOf(spanOf(doc, 'spec.backends.weight', typeCause)!.start), 10);
    assert.equal(lineOf(spanOf(doc, 'spec.backends.weight', { reason: 'FieldValueRequired', message: 'Required value' })!.start), 11);
    assert.equal(lineOf(spanOf(doc, 'spec.backends.service', { message: 'Invalid value: "web-svc-2": spec.backends.service in body should match ...' })!.start), 9);
    assert.equal(lineOf(spanOf(doc, 'spec.backends.weight', { message: 'Invalid value: 500: spec.backends.weight in body should be less than or equal to 100' })!.start), 8);
    assert.equal(lineOf(spanOf(doc, 'spec.service')!.start), 5);
    assert.equal(spanOf(doc, ''), undefined);
  });

  test('manifests that cannot be sent say why, with a span', () => {
    assert.throws(() => parseManifest('kind: TrafficSplit\nmetadata: {name: x}\n'), (e: ClusterError) => e.kind === 'invalid' && /apiVersion/.test(e.message));
    assert.throws(() => parseManifest('a: [\n'), (e: ClusterError) => e.kind === 'invalid' && e.causes[0]!.span !== undefined);
    assert.throws(() => parseManifest('apiVersion: v1\nkind: Service\nmetadata: {name: x}\n'), (e: ClusterError) => e.kind === 'other');
    assert.equal(parseManifest(doc).spec.id, 'trafficsplits');
    assert.equal(parseManifest(doc.replace('split.smi-spec.io/v1alpha2\nkind: TrafficSplit', 'policy.linkerd.io/v1beta3\nkind: HTTPRoute')).spec.id, 'httproutes-policy');
  });

  test('noisy metadata is stripped for the diff', () => {
    const o = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a', uid: 'u', resourceVersion: '1', generation: 2, creationTimestamp: 't', managedFields: [{}], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, labels: { a: 'b' } } };
    assert.deepEqual(stripNoise(o), { apiVersion: 'v1', kind: 'X', metadata: { name: 'a', labels: { a: 'b' } } });
    assert.equal(toYaml(o), 'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  labels:\n    a: b\n');
    assert.equal(toYaml(undefined), '');
  });
});

describe('facts and states', () => {
  test('Services with ports, selector and ready endpoints; ServiceProfiles with dstOverrides', () => {
    const facts = buildClusterFacts({
      namespace: 'emojivoto',
      services: [
        { metadata: { name: 'web-svc', namespace: 'emojivoto' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: 'web-svc' } } },
        { metadata: { name: 'web-apex', namespace: 'emojivoto' }, spec: { ports: [{ port: 80 }], selector: {} } },
      ],
      endpoints: [{ metadata: { name: 'web-svc' }, subsets: [{ addresses: [{}, {}], notReadyAddresses: [{}] }, { addresses: [{}] }] }],
      serviceProfiles: [{ metadata: { name: 'web-apex.emojivoto.svc.cluster.local' }, spec: { dstOverrides: [{ authority: 'x', weight: 1 }] } }],
    });
    assert.deepEqual(facts, {
      namespaces: ['emojivoto'],
      services: [
        { name: 'web-apex', namespace: 'emojivoto', ports: [{ port: 80 }], readyEndpoints: 0 },
        { name: 'web-svc', namespace: 'emojivoto', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: 'web-svc' }, readyEndpoints: 3 },
      ],
      serviceProfiles: [{ name: 'web-apex.emojivoto.svc.cluster.local', namespace: 'emojivoto', hasDstOverrides: true }],
    });
    assert.deepEqual(buildClusterFacts({ namespace: 'x' }), { namespaces: [], services: [], serviceProfiles: [] });
  });

  test('versions: v1alpha2 then v1alpha1 for TrafficSplit; v1 then v1beta1; v1beta3..v1beta1 for policy HTTPRoutes', () => {
    const served = (entries: [string, string[]][]) => new Map(entries);
    assert.equal(pickVersion(kindSpec('trafficsplits'), served([['split.smi-spec.io', ['v1alpha1', 'v1alpha2']]])), 'v1alpha2');
    assert.equal(pickVersion(kindSpec('trafficsplits'), served([['split.smi-spec.io', ['v1alpha1']]])), 'v1alpha1');
    assert.equal(pickVersion(kindSpec('trafficsplits'), served([['split.smi-spec.io', ['v1alpha4']]])), undefined, 'the upstream SMI CRD (v1alpha4 only) is not what Linkerd reads');
    assert.equal(pickVersion(kindSpec('trafficsplits'), served([])), undefined);
    assert.equal(pickVersion(kindSpec('httproutes-gateway'), served([['gateway.networking.k8s.io', ['v1beta1', 'v1alpha2']]])), 'v1beta1');
    assert.equal(pickVersion(kindSpec('httproutes-gateway'), served([['gateway.networking.k8s.io', ['v1', 'v1beta1']]])), 'v1');
    assert.equal(pickVersion(kindSpec('httproutes-policy'), served([['policy.linkerd.io', ['v1beta1', 'v1beta2']]])), 'v1beta2');
    // GRPCRoute: v1 from Gateway API v1.1, v1alpha2 only before (and in v1.1's experimental channel).
    assert.equal(pickVersion(kindSpec('grpcroutes-gateway'), served([['gateway.networking.k8s.io', ['v1', 'v1beta1', 'v1alpha2']]])), 'v1');
    assert.equal(pickVersion(kindSpec('grpcroutes-gateway'), served([['gateway.networking.k8s.io', ['v1beta1', 'v1alpha2']]])), 'v1alpha2');
    assert.equal(pickVersion(kindSpec('services'), served([])), 'v1');
  });

  test('backoff doubles up to the cap, with jitter', () => {
    const b = { initialMs: 500, maxMs: 30_000 };
    for (const [attempt, base] of [[0, 500], [1, 1000], [2, 2000], [5, 16_000], [6, 30_000], [20, 30_000]] as const) {
      for (let i = 0; i < 20; i++) {
        const d = backoffDelay(attempt, b);
        assert.ok(d >= base * 0.8 && d <= base * 1.2, `attempt ${attempt}: ${d}`);
      }
    }
  });

  test('the overall state: a missing TrafficSplit CRD is a detail while HTTPRoutes are readable', () => {
    const s = (kind: KindStatus['kind'], state: KindStatus['state'], message: string): KindStatus => ({ kind, label: kind, state, message });
    const ready = { services: s('services', 'ready', '5 Services'), endpoints: s('endpoints', 'ready', '2 Endpoints') };
    assert.equal(overallState({ ...ready, trafficsplits: s('trafficsplits', 'crd-missing', 'TrafficSplit CRD not installed: install linkerd-smi'), 'httproutes-gateway': s('httproutes-gateway', 'ready', '1 HTTPRoute in x') }).state, 'ready');
    const missing = overallState({ ...ready, trafficsplits: s('trafficsplits', 'crd-missing', 'TrafficSplit CRD not installed: install linkerd-smi') });
    assert.deepEqual([missing.state, missing.message], ['crd-missing', 'TrafficSplit CRD not installed: install linkerd-smi']);
    assert.equal(overallState({ ...ready, services: s('services', 'unreachable', 'Cannot reach') }).state, 'unreachable');
    assert.equal(overallState({ ...ready, services: s('services', 'unauthorized', '401'), endpoints: s('endpoints', 'unreachable', 'x') }).state, 'unauthorized');
    assert.equal(overallState({ ...ready, trafficsplits: s('trafficsplits', 'ready', '1 TrafficSplit in emojivoto') }).message, '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes');
    assert.equal(overallState({ ...ready, 'grpcroutes-gateway': s('grpcroutes-gateway', 'ready', '2 GRPCRoutes in emojivoto') }).message, '0 TrafficSplits, 0 HTTPRoutes, 2 GRPCRoutes');
  });

  test('the overall state: a split kind the user may not read is a detail while another kind is readable', () => {
    const s = (kind: KindStatus['kind'], state: KindStatus['state'], message: string, nextStep?: string): KindStatus =>
      ({ kind, label: kind, state, message, ...(nextStep ? { nextStep } : {}) });
    const ready = { services: s('services', 'ready', '5 Services'), endpoints: s('endpoints', 'ready', '2 Endpoints') };
    const denied = s('grpcroutes-gateway', 'forbidden', 'Forbidden: list grpcroutes', 'ask for get/list/watch on grpcroutes');
    const partly = overallState({ ...ready, 'httproutes-gateway': s('httproutes-gateway', 'ready', '2 HTTPRoutes in x'), 'grpcroutes-gateway': denied });
    assert.deepEqual(partly, { state: 'ready', message: '0 TrafficSplits, 2 HTTPRoutes, GRPCRoutes not readable (forbidden)', nextStep: 'ask for get/list/watch on grpcroutes' });
    const policyDenied = overallState({ ...ready, 'httproutes-gateway': s('httproutes-gateway', 'ready', '1 HTTPRoute in x'), 'httproutes-policy': s('httproutes-policy', 'forbidden', 'Forbidden') });
    assert.equal(policyDenied.message, '0 TrafficSplits, 1 HTTPRoute, HTTPRoutes (policy.linkerd.io) not readable (forbidden), 0 GRPCRoutes');
    // No split kind readable at all: forbidden is the state.
    const none = overallState({ ...ready, trafficsplits: s('trafficsplits', 'crd-missing', 'missing'), 'grpcroutes-gateway': denied });
    assert.deepEqual([none.state, none.message], ['forbidden', 'Forbidden: list grpcroutes']);
    // A Service list that is forbidden still decides.
    assert.equal(overallState({ ...ready, services: s('services', 'forbidden', 'no'), 'httproutes-gateway': s('httproutes-gateway', 'ready', '1 HTTPRoute') }).state, 'forbidden');
  });
});

function kubeconfigText(o: { token?: string; server?: string; extraUsers?: string; current?: string; contexts?: string } = {}): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: ${o.server ?? 'https://127.0.0.1:6443'}
    insecure-skip-tls-verify: true
users:
- name: u1
  user:
    token: ${o.token ?? 'tok-1234567890'}
${o.extraUsers ?? ''}contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: emojivoto}
- name: two
  context: {cluster: c1, user: u1}
${o.contexts ?? ''}current-context: ${o.current ?? 'one'}
`;
}

describe('kubeconfig', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-kubeconfig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('setting, then KUBECONFIG, then ~/.kube/config', () => {
    const env = { KUBECONFIG: ['/a/one', '/b/two'].join(path.delimiter) };
    assert.deepEqual(kubeconfigPaths({ setting: '~/k', env, home: '/home/me' }), { paths: ['/home/me/k'], origin: 'setting' });
    assert.deepEqual(kubeconfigPaths({ env, home: '/home/me' }), { paths: ['/a/one', '/b/two'], origin: 'KUBECONFIG' });
    assert.deepEqual(kubeconfigPaths({ env: {}, home: '/home/me' }), { paths: ['/home/me/.kube/config'], origin: 'default' });
  });

  test('context and namespace selection, merged files, and config errors', () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    writeFileSync(a, kubeconfigText());
    writeFileSync(b, kubeconfigText({ server: 'https://other:6443', contexts: '- name: three\n  context: {cluster: c1, user: u1, namespace: prod}\n', current: 'three' }));
    const l = loadKubeconfig({ setting: [a, b].join(path.delimiter) }, {}, EXTENSION_WORDING);
    assert.equal(l.context, 'one'); // the first file's current-context wins
    assert.equal(l.namespace, 'emojivoto');
    assert.equal(l.namespaceSource, 'context');
    assert.equal(l.server, 'https://127.0.0.1:6443'); // the first definition of c1 wins
    assert.deepEqual(l.contexts.map((c) => c.name), ['one', 'two', 'three']);
    const two = loadKubeconfig({ setting: a }, { context: 'two' }, EXTENSION_WORDING);
    assert.deepEqual([two.context, two.namespace, two.namespaceSource], ['two', 'default', 'default']);
    const sel = loadKubeconfig({ setting: a }, { context: 'two', namespace: 'canary' }, EXTENSION_WORDING);
    assert.deepEqual([sel.namespace, sel.namespaceSource], ['canary', 'selection']);
    assert.throws(() => loadKubeconfig({ setting: path.join(dir, 'nope') }, {}, EXTENSION_WORDING), (e: ClusterError) => e.kind === 'config' && /No kubeconfig/.test(e.message));
    assert.throws(() => loadKubeconfig({ setting: a }, { context: 'zzz' }, EXTENSION_WORDING), (e: ClusterError) => e.kind === 'config' && /no context "zzz"/.test(e.message));
    writeFileSync(path.join(dir, 'broken'), 'clusters: [\n');
    assert.throws(() => loadKubeconfig({ setting: path.join(dir, 'broken') }, {}, EXTENSION_WORDING), (e: ClusterError) => e.kind === 'config' && /Cannot read kubeconfig/.test(e.message));
  });

  test('file changes are noticed (edit and creation)', async () => {
    const f = path.join(dir, 'watched');
    writeFileSync(f, kubeconfigText());
    const seen: string[] = [];
    const w = new KubeconfigWatcher([f, path.join(dir, 'later')], (file) => seen.push(path.basename(file)), 100, 50);
    try {
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(f, kubeconfigText({ token: 'tok-changed-123456' }));
      await waitFor('the change to the watched file', () => seen.includes('watched'), 3000, { intervalMs: 25 });
      writeFileSync(path.join(dir, 'later'), kubeconfigText());
      await waitFor('the file created later', () => seen.includes('later'), 3000, { intervalMs: 25 });
    } finally {
      w.dispose();
    }
  });
});
