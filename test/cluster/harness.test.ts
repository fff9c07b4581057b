/**
 * The real-cluster harness itself: etcd + kube-apiserver 1.20 with RBAC, the CRDs and the emojivoto objects.
 * The first run builds kube-apiserver (6-9 minutes); later runs start in seconds.
 *   node --import tsx --test test/cluster/harness.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EMOJIVOTO_DIR, HARNESS_FIELD_MANAGER, startCluster, type Cluster } from './harness';

const FIRST_BUILD_TIMEOUT_MS = 45 * 60_000;

function raw(cluster: Cluster, method: string, urlPath: string, token: string, body?: string, contentType?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(cluster.server);
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
    const req = request({ host: u.hostname, port: u.port, path: urlPath, method, headers, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

const TS_PATH = '/apis/split.smi-spec.io/v1alpha2/namespaces/emojivoto/trafficsplits/web-svc-ts';

describe('real-cluster harness', { timeout: FIRST_BUILD_TIMEOUT_MS + 10 * 60_000 }, () => {
  let cluster: Cluster;
  const logLines: string[] = [];

  before(
    async () => {
      cluster = await startCluster({
        log: (line) => {
          logLines.push(line);
          process.stderr.write(`[cluster] ${line}\n`);
        },
      });
    },
    { timeout: FIRST_BUILD_TIMEOUT_MS },
  );

  after(async () => {
    if (!cluster) return;
    const dir = cluster.dir;
    await cluster.stop();
    assert.equal(existsSync(dir), false, 'stop() removes the temp dir');
  });

  it('reports timings and memory', (t) => {
    const m = cluster.memory();
    t.diagnostic(`timings: ${JSON.stringify(cluster.timings)}`);
    t.diagnostic(`memory: kube-apiserver ${m.apiserverMB} MB, etcd ${m.etcdMB} MB`);
    assert.ok(cluster.timings.objectsLoadedMs > 0);
    assert.ok((m.apiserverMB ?? 0) > 50, 'kube-apiserver is running');
    assert.ok((m.etcdMB ?? 0) > 5, 'etcd is running');
    assert.match(cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists the emojivoto TrafficSplit with the short name', async () => {
    const r = await cluster.kubectl(['get', 'ts', '-n', 'emojivoto']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^web-svc-ts\s+web-apex\b/m);
  });

  it('uses context canary-lens-test and namespace emojivoto', async () => {
    const r = await cluster.kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].name}/{.contexts[0].context.namespace}']);
    assert.equal(r.stdout, 'canary-lens-test/emojivoto');
    const ts = await cluster.kubectl(['get', 'trafficsplits', '-o', 'name']); // no -n: the context's namespace
    assert.equal(ts.stdout.trim(), 'trafficsplit.split.smi-spec.io/web-svc-ts');
  });

  it('serves the same stored split under v1alpha2 and v1alpha1 (conversion None)', async () => {
    const v2 = await cluster.kubectl(['get', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts', '-o', 'json']);
    assert.equal(v2.code, 0, v2.stderr);
    const o2 = JSON.parse(v2.stdout) as { apiVersion: string; spec: { backends: unknown } };
    assert.equal(o2.apiVersion, 'split.smi-spec.io/v1alpha2');
    assert.deepEqual(o2.spec.backends, [
      { service: 'web-svc', weight: 500 },
      { service: 'web-svc-2', weight: 500 },
    ]);
    const v1 = await cluster.kubectl(['get', 'trafficsplits.v1alpha1.split.smi-spec.io', 'web-svc-ts', '-o', 'json']);
    assert.equal(v1.code, 0, v1.stderr);
    const o1 = JSON.parse(v1.stdout) as { apiVersion: string; spec: { backends: Array<{ weight: unknown }> } };
    assert.equal(o1.apiVersion, 'split.smi-spec.io/v1alpha1');
    // No conversion happens: the stored JSON number comes back unchanged under v1alpha1, where the schema would also
    // allow a quantity string. A client reading v1alpha1 must read 500 as the quantity 500 (= 500000m), not 500m.
    assert.deepEqual(
      o1.spec.backends.map((b: { weight: unknown }) => b.weight),
      [500, 500],
    );
    // And a v1alpha1 quantity string written to the cluster reads back as a string under v1alpha2 (no validation on read).
    const put = await cluster.kubectl(['apply', '--server-side', '--field-manager=harness-test', '-f', '-'], {
      input: [
        'apiVersion: split.smi-spec.io/v1alpha1',
        'kind: TrafficSplit',
        'metadata: {name: milli-ts, namespace: emojivoto}',
        'spec:',
        '  service: web-apex',
        '  backends: [{service: web-svc, weight: 500m}, {service: web-svc-2, weight: 500m}]',
        '',
      ].join('\n'),
    });
    assert.equal(put.code, 0, put.stderr);
    const back = JSON.parse((await cluster.kubectl(['get', 'trafficsplits.v1alpha2.split.smi-spec.io', 'milli-ts', '-o', 'json'])).stdout) as { spec: { backends: Array<{ weight: unknown }> } };
    assert.deepEqual(
      back.spec.backends.map((b: { weight: unknown }) => b.weight),
      ['500m', '500m'],
    );
    assert.equal((await cluster.kubectl(['delete', 'ts', 'milli-ts'])).code, 0);
  });

  it('validates TrafficSplits with the CRD schema (422)', async () => {
    const r = await raw(
      cluster,
      'POST',
      '/apis/split.smi-spec.io/v1alpha2/namespaces/emojivoto/trafficsplits',
      cluster.adminToken,
      JSON.stringify({ apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'bad' }, spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: 'lots' }] } }),
    );
    assert.equal(r.status, 422, r.body);
    assert.match(r.body, /spec\.backends(\[0\])?\.weight/);
  });

  it('loaded the emojivoto objects and ready Endpoints for both web backends', async () => {
    const svc = await cluster.kubectl(['get', 'services', '-o', 'name']);
    assert.deepEqual(svc.stdout.trim().split('\n').sort(), ['service/emoji-svc', 'service/voting-svc', 'service/web-apex', 'service/web-svc', 'service/web-svc-2']);
    const deploy = await cluster.kubectl(['get', 'deployments', '-o', 'name']);
    assert.deepEqual(deploy.stdout.trim().split('\n').sort(), ['deployment.apps/vote-bot', 'deployment.apps/web', 'deployment.apps/web-svc-2']);
    const ep = JSON.parse((await cluster.kubectl(['get', 'endpoints', '-o', 'json'])).stdout) as { items: Array<{ metadata: { name: string }; subsets?: Array<{ addresses?: unknown[] }> }> };
    const ready = Object.fromEntries(ep.items.map((e) => [e.metadata.name, (e.subsets ?? []).flatMap((s) => s.addresses ?? []).length]));
    assert.equal(ready['web-svc'], 1);
    assert.equal(ready['web-svc-2'], 1);
    assert.equal(ready['web-apex'], undefined, 'no controller makes Endpoints: web-apex has none');
    const ts = JSON.parse((await cluster.kubectl(['get', 'ts', 'web-svc-ts', '-o', 'json', '--show-managed-fields'])).stdout) as { metadata: { managedFields: Array<{ manager: string; operation: string }> } };
    const managers = ts.metadata.managedFields.map((f) => `${f.manager}/${f.operation}`);
    assert.deepEqual(managers, [`${HARNESS_FIELD_MANAGER}/Apply`]);
  });

  it('serves both HTTPRoute groups, with defaults and without CEL', async () => {
    const r = await cluster.kubectl(['apply', '--server-side', '--field-manager=harness-test', '-f', path.join(EMOJIVOTO_DIR, 'web-httproute.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    const v1beta1 = JSON.parse((await cluster.kubectl(['get', 'httproutes.v1beta1.gateway.networking.k8s.io', 'web-canary', '-o', 'json'])).stdout) as { apiVersion: string; spec: { rules: Array<{ matches: unknown; backendRefs: unknown[] }> } };
    assert.equal(v1beta1.apiVersion, 'gateway.networking.k8s.io/v1beta1');
    const rule = v1beta1.spec.rules[0];
    assert.deepEqual(rule?.matches, [{ path: { type: 'PathPrefix', value: '/' } }], 'default match');
    assert.deepEqual(rule?.backendRefs[0], { kind: 'Service', name: 'web-svc', port: 80, weight: 90 }, 'defaults kind (not group: no empty-string default on 1.20)');
    const bad = await cluster.kubectl(['apply', '--server-side', '--field-manager=harness-test', '-f', '-'], {
      input: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: bad-route}\nspec:\n  rules:\n  - backendRefs: [{name: web-svc, port: 80, weight: -1}]\n',
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Invalid value: -1: spec\.rules(\[0\])?\.backendRefs(\[0\])?\.weight/);
    assert.equal((await cluster.kubectl(['delete', 'httproutes.gateway.networking.k8s.io', 'web-canary'])).code, 0);

    const policy = await cluster.kubectl(['apply', '--server-side', '--field-manager=harness-test', '-f', '-'], {
      input: 'apiVersion: policy.linkerd.io/v1beta3\nkind: HTTPRoute\nmetadata: {name: policy-route}\nspec:\n  parentRefs: [{name: web-apex}]\n  rules:\n  - backendRefs: [{name: web-svc, port: 80}]\n',
    });
    assert.equal(policy.code, 0, policy.stderr);
    const p = JSON.parse((await cluster.kubectl(['get', 'httproutes.v1beta1.policy.linkerd.io', 'policy-route', '-o', 'json'])).stdout) as { spec: { parentRefs: unknown; rules: Array<{ backendRefs: Array<{ weight: unknown }> }> } };
    assert.deepEqual(p.spec.parentRefs, [{ group: 'policy.linkerd.io', kind: 'Gateway', name: 'web-apex' }]);
    assert.equal(p.spec.rules[0]?.backendRefs[0]?.weight, 1);
    assert.equal((await cluster.kubectl(['delete', 'httproutes.policy.linkerd.io', 'policy-route'])).code, 0);

    const sp = await cluster.kubectl(['get', 'serviceprofiles', '-o', 'name']);
    assert.equal(sp.code, 0, sp.stderr);
  });

  it('lets the reader list but not patch (403)', async () => {
    const list = await cluster.kubectl(['get', 'ts,svc,endpoints,httproutes.gateway.networking.k8s.io,httproutes.policy.linkerd.io,serviceprofiles', '-o', 'name'], { kubeconfig: cluster.readerKubeconfig });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /trafficsplit\.split\.smi-spec\.io\/web-svc-ts/);

    const patch = await cluster.kubectl(['patch', 'ts', 'web-svc-ts', '--type=json', '-p', '[{"op":"replace","path":"/spec/backends/0/weight","value":100}]'], {
      kubeconfig: cluster.readerKubeconfig,
    });
    assert.notEqual(patch.code, 0);
    assert.match(patch.stderr, /forbidden: User "canary-lens-reader" cannot patch resource "trafficsplits" in API group "split.smi-spec.io" in the namespace "emojivoto"/);

    const rawPatch = await raw(cluster, 'PATCH', TS_PATH, cluster.readerToken, '[{"op":"replace","path":"/spec/backends/0/weight","value":100}]', 'application/json-patch+json');
    assert.equal(rawPatch.status, 403, rawPatch.body);
    const other = await raw(cluster, 'GET', '/api/v1/namespaces/default/services', cluster.readerToken);
    assert.equal(other.status, 403, 'nothing outside emojivoto');
    const secrets = await raw(cluster, 'GET', '/api/v1/namespaces/emojivoto/secrets', cluster.readerToken);
    assert.equal(secrets.status, 403, 'no secrets');
    const watch = await raw(cluster, 'GET', '/apis/split.smi-spec.io/v1alpha2/namespaces/emojivoto/trafficsplits?watch=true&timeoutSeconds=1', cluster.readerToken);
    assert.equal(watch.status, 200, 'the reader may watch');
  });

  it('rejects the wrong token (401)', async () => {
    const r = await cluster.kubectl(['get', 'ts'], { kubeconfig: cluster.badTokenKubeconfig });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
    const rawGet = await raw(cluster, 'GET', TS_PATH, cluster.badToken);
    assert.equal(rawGet.status, 401, rawGet.body);
  });

  it('keeps the data across stopApiServer / startApiServer', async (t) => {
    const patch = await cluster.kubectl(['patch', 'ts', 'web-svc-ts', '--type=json', '-p', '[{"op":"replace","path":"/spec/backends/0/weight","value":900}]']);
    assert.equal(patch.code, 0, patch.stderr);
    await cluster.stopApiServer();
    const down = await cluster.kubectl(['get', 'ts', '--request-timeout=3s']);
    assert.notEqual(down.code, 0);
    assert.match(down.stderr, /connection to the server 127\.0\.0\.1:\d+ was refused|connection refused/);
    const t0 = Date.now();
    await cluster.startApiServer();
    t.diagnostic(`kube-apiserver restart to /readyz: ${Date.now() - t0} ms`);
    const r = await cluster.kubectl(['get', 'ts', 'web-svc-ts', '-o', 'jsonpath={.spec.backends[*].weight}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '900 500');
    const reader = await cluster.kubectl(['get', 'ts'], { kubeconfig: cluster.readerKubeconfig });
    assert.equal(reader.code, 0, 'same tokens after a restart');
  });

  it('never writes a token to its log', () => {
    const text = logLines.join('\n');
    assert.ok(logLines.length >= 4, 'progress lines were logged');
    for (const token of [cluster.adminToken, cluster.readerToken, cluster.badToken]) assert.ok(!text.includes(token));
  });
});
