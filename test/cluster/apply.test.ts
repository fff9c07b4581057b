/**
 * Apply to cluster against a real kube-apiserver (test/cluster/harness.ts): server-side dry run and the diff pair,
 * a real server-side apply that changes the live weights, a second apply that is a no-op, a conflict with another
 * field manager (shown, then resolved by force), 422s mapped back to the document's lines, and a 403 for the
 * read-only user. kubectl is the independent check of what is live.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ClusterError, ClusterLog, loadKubeconfig, MemoryLog, planApply, type ApplyOptions, type LoadedKubeconfig } from '../../src/cluster';
import { trafficSplit as split } from '../support/manifests';
import { positionAt } from '../support/text';
import { startCluster, type Cluster } from './harness';
import { EXTENSION_WORDING } from '../../src/extension/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const NS = 'emojivoto';

/** The emojivoto split `name` with weights w1 (web-svc) and w2 (web-svc-2). */
function trafficSplit(name: string, w1: string | number, w2: string | number, o: { namespace?: boolean; version?: string } = {}): string {
  return split({
    name,
    namespace: o.namespace === false ? null : NS,
    version: o.version,
    backends: [{ service: 'web-svc', weight: w1 }, { service: 'web-svc-2', weight: w2 }],
  });
}

const lineOf = (text: string, offset: number) => positionAt(text, offset).line;
const lineNumberOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('apply to cluster (real kube-apiserver)', () => {
  let cluster: Cluster;
  let admin: LoadedKubeconfig;
  let reader: LoadedKubeconfig;
  const memory = new MemoryLog();
  let log: ClusterLog;
  const timings: Record<string, number> = {};
  let opts: () => ApplyOptions;

  const kubectl = async (args: string[], input?: string) => {
    const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const liveWeights = (name: string) => kubectl(['get', 'trafficsplit.v1alpha2.split.smi-spec.io', name, '-n', NS, '-o', 'jsonpath={.spec.backends[*].weight}']);
  const liveRv = (name: string) => kubectl(['get', 'trafficsplit.v1alpha2.split.smi-spec.io', name, '-n', NS, '-o', 'jsonpath={.metadata.resourceVersion}']);

  before(async () => {
    const t = Date.now();
    cluster = await startCluster();
    timings.clusterStartMs = Date.now() - t;
    admin = loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING);
    reader = loadKubeconfig({ setting: cluster.readerKubeconfig }, {}, EXTENSION_WORDING);
    // One log for everything, redacting with what both kubeconfigs hold (as the extension's redactor does).
    log = new ClusterLog(memory, admin.redactor.addKubeconfig(reader.kc));
    opts = () => ({ kc: admin.kc, selectedNamespace: NS, log });
  });

  after(async () => {
    await cluster?.stop();
    process.stderr.write(`[apply.test] timings ${JSON.stringify(timings)}\n`);
    assert.ok(memory.lines.length > 10, 'the apply flow logged');
    assert.ok(!memory.text.includes(cluster.adminToken), 'the admin token never reaches the log');
    assert.ok(!memory.text.includes(cluster.readerToken), 'the reader token never reaches the log');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  test('dry run of a new object: nothing is written, the diff pair is the empty live side vs. the result', async () => {
    const t = Date.now();
    const plan = await planApply(trafficSplit('canary-apply', 900, 100, { namespace: false }), opts());
    timings.dryRunMs = Date.now() - t;
    assert.equal(plan.namespace, NS);
    assert.equal(plan.namespaceSource, 'selection', 'a document without a namespace uses the selected one and says so');
    assert.equal(plan.live, undefined);
    assert.equal(plan.liveYaml, '');
    assert.equal(plan.resultYaml, [
      'apiVersion: split.smi-spec.io/v1alpha2',
      'kind: TrafficSplit',
      'metadata:',
      '  name: canary-apply',
      '  namespace: emojivoto',
      'spec:',
      '  backends:',
      '    - service: web-svc',
      '      weight: 900',
      '    - service: web-svc-2',
      '      weight: 100',
      '  service: web-apex',
      '',
    ].join('\n'));
    assert.equal(plan.changed, true);
    assert.equal(plan.noop, false);
    // The dry run wrote nothing.
    const get = await cluster.kubectl(['get', 'trafficsplit', 'canary-apply', '-n', NS]);
    assert.notEqual(get.code, 0);
    assert.match(get.stderr, /NotFound|not found/);
  });

  test('a real apply creates the object, a changed weight is applied, a second apply is a no-op', async () => {
    const created = await (await planApply(trafficSplit('canary-apply', 900, 100, { namespace: false }), opts())).apply();
    assert.equal(created.status, 'created');
    assert.equal(await liveWeights('canary-apply'), '900 100');

    const plan = await planApply(trafficSplit('canary-apply', 700, 300), opts());
    assert.equal(plan.namespaceSource, 'document');
    assert.equal(plan.changed, true);
    // The diff is exactly the two weights: noisy metadata is stripped on both sides.
    const live = plan.liveYaml.split('\n');
    const result = plan.resultYaml.split('\n');
    assert.equal(live.length, result.length);
    const differing = live.map((l, i) => [l, result[i]!] as const).filter(([a, b]) => a !== b);
    assert.deepEqual(differing, [['      weight: 900', '      weight: 700'], ['      weight: 100', '      weight: 300']]);
    for (const noisy of ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp']) {
      assert.ok(!plan.liveYaml.includes(noisy) && !plan.resultYaml.includes(noisy), `${noisy} is stripped`);
    }
    const t = Date.now();
    const configured = await plan.apply();
    timings.applyMs = Date.now() - t;
    assert.equal(configured.status, 'configured');
    assert.equal(await liveWeights('canary-apply'), '700 300');
    const rv = await liveRv('canary-apply');
    assert.equal(configured.resourceVersion, rv);

    const again = await planApply(trafficSplit('canary-apply', 700, 300), opts());
    assert.equal(again.changed, false);
    assert.equal(again.noop, true, 'the dry run already knows nothing would be written');
    const unchanged = await again.apply();
    assert.equal(unchanged.status, 'unchanged');
    assert.equal(await liveRv('canary-apply'), rv, 'the resourceVersion did not move');
  });

  test('a conflict with another field manager names it; force takes the weights over', async () => {
    // Another manager takes the weights (as a CD tool would).
    await kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], trafficSplit('canary-apply', 500, 500));
    assert.equal(await liveWeights('canary-apply'), '500 500');

    const plan = await planApply(trafficSplit('canary-apply', 600, 400), opts());
    assert.ok(plan.conflict, 'the dry run reports the conflict');
    assert.equal(plan.conflict.kind, 'conflict');
    assert.deepEqual(plan.conflict.managers, ['other']);
    assert.ok(plan.conflict.conflictFields.includes('.spec.backends'), plan.conflict.conflictFields.join());
    assert.equal(plan.conflict.message, 'Conflict: .spec.backends is owned by "other"');
    assert.match(plan.resultYaml, /weight: 600/, 'the diff shows what a forced apply gives');

    await assert.rejects(plan.apply(false), (e: ClusterError) => {
      assert.equal(e.kind, 'conflict');
      assert.equal(e.status, 409);
      assert.deepEqual(e.managers, ['other']);
      return true;
    });
    assert.equal(await liveWeights('canary-apply'), '500 500', 'nothing was written without force');

    const forced = await plan.apply(true);
    assert.equal(forced.status, 'configured');
    assert.equal(await liveWeights('canary-apply'), '600 400');
    const managers = JSON.parse(await kubectl(['get', 'trafficsplit', 'canary-apply', '-n', NS, '-o', 'json', '--show-managed-fields'])) as {
      metadata: { managedFields: { manager: string; fieldsV1: { 'f:spec'?: Record<string, unknown> } }[] };
    };
    const ours = managers.metadata.managedFields.find((m) => m.manager === 'canary-lens');
    assert.ok(ours?.fieldsV1['f:spec']?.['f:backends'], 'canary-lens owns spec.backends now');
  });

  test('the emojivoto split loaded by the harness: changing its weights conflicts with the harness\'s manager', async () => {
    const text = readFileSync(require.resolve('../../examples/emojivoto/web-svc-ts.yaml'), 'utf8').replace('weight: 500 # the current version', 'weight: 250');
    const plan = await planApply(text, opts());
    assert.deepEqual(plan.conflict?.managers, ['canary-lens-harness']);
    assert.match(plan.liveYaml, /weight: 500/);
    assert.match(plan.resultYaml, /weight: 250/);
  });

  test('the object changed after the dry run: the apply refuses instead of writing over it', async () => {
    const plan = await planApply(trafficSplit('canary-apply', 550, 450), opts());
    await kubectl(['label', 'trafficsplit', 'canary-apply', '-n', NS, 'changed=after-dry-run']);
    await assert.rejects(plan.apply(), (e: ClusterError) => e.kind === 'conflict' && e.stale && e.managers.length === 0);
    assert.equal(await liveWeights('canary-apply'), '600 400');
  });

  test('422: a weight "abc" under v1alpha2 is mapped to its line', async () => {
    const text = trafficSplit('canary-bad', 500, '"abc"');
    await assert.rejects(planApply(text, opts()), (e: ClusterError) => {
      assert.equal(e.kind, 'invalid');
      assert.equal(e.status, 422);
      assert.equal(e.causes.length, 1);
      const cause = e.causes[0]!;
      // kube-apiserver 1.20 drops list indexes from CRD validation paths; the cause's message picks the item.
      assert.match(cause.field, /^spec\.backends(\[1\]|\.1)?\.weight$/);
      assert.ok(cause.span, 'mapped to the document');
      assert.equal(lineOf(text, cause.span.start), lineNumberOf(text, 'weight: "abc"'));
      assert.equal(text.slice(cause.span.start, cause.span.end), '"abc"');
      assert.match(e.message, /is invalid: spec\.backends.*weight/);
      return true;
    });
  });

  test('422: a missing required weight is reported on its backend', async () => {
    const text = trafficSplit('canary-bad', 500, 500).replace('    - service: web-svc-2\n      weight: 500\n', '    - service: web-svc-2\n');
    await assert.rejects(planApply(text, opts()), (e: ClusterError) => {
      assert.equal(e.kind, 'invalid');
      const cause = e.causes[0]!;
      assert.match(cause.message, /Required value/);
      assert.equal(lineOf(text, cause.span!.start), lineNumberOf(text, '- service: web-svc-2'));
      return true;
    });
  });

  test('an apiVersion the cluster does not serve is refused before any write, naming what is served', async () => {
    const text = trafficSplit('canary-v4', 1, 1, { version: 'v1alpha4' });
    await assert.rejects(planApply(text, opts()), (e: ClusterError) => {
      assert.equal(e.kind, 'crd-missing');
      assert.equal(e.message, 'The cluster does not serve split.smi-spec.io/v1alpha4 (it serves split.smi-spec.io v1alpha2, v1alpha1)');
      assert.equal(lineOf(text, e.causes[0]!.span!.start), 0);
      return true;
    });
  });

  test('403: the read-only user may read but not apply: forbidden, with the verb and the resource', async () => {
    await assert.rejects(planApply(trafficSplit('canary-apply', 100, 900), { kc: reader.kc, selectedNamespace: NS, log }), (e: ClusterError) => {
      assert.equal(e.kind, 'forbidden');
      assert.equal(e.status, 403);
      assert.equal(e.verb, 'patch');
      assert.equal(e.resource, 'trafficsplits');
      assert.equal(e.namespace, NS);
      assert.equal(e.message, 'Forbidden: user "canary-lens-reader" cannot patch trafficsplits.split.smi-spec.io in namespace "emojivoto"');
      return true;
    });
    assert.equal(await liveWeights('canary-apply'), '600 400');
  });

  test('an HTTPRoute (gateway.networking.k8s.io/v1) is dry-run and applied the same way', async () => {
    const text = readFileSync(require.resolve('../../examples/emojivoto/web-httproute.yaml'), 'utf8');
    const plan = await planApply(text, opts());
    assert.equal(plan.kind, 'HTTPRoute');
    assert.equal(plan.live, undefined);
    assert.match(plan.resultYaml, /weight: 10/);
    assert.equal((await plan.apply()).status, 'created');
    const shifted = await planApply(text.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'), opts());
    assert.equal((await shifted.apply()).status, 'configured');
    assert.equal(await kubectl(['get', 'httproutes.v1.gateway.networking.k8s.io', 'web-canary', '-n', NS, '-o', 'jsonpath={.spec.rules[0].backendRefs[*].weight}']), '50 50');
  });

  test('the redactor hides the kubeconfig tokens even when the whole kubeconfig is logged', () => {
    log.debug(readFileSync(cluster.kubeconfig, 'utf8'));
    log.debug(`Authorization: Bearer ${cluster.adminToken}`);
    log.debug(`reader ${cluster.readerToken}`);
    assert.ok(!memory.text.includes(cluster.adminToken));
    assert.ok(!memory.text.includes(cluster.readerToken));
  });
});
