/**
 * The demo's objects are a user's (tools/demo/environment.ts): loaded by plain `kubectl apply`, so kubectl's
 * client-side field manager holds them, and Canary Lens's first apply of new weights meets the conflict a user meets,
 * worded by the command the user ran. The demo as `npm start` starts it (gRPC canary, Canary and Rollout), without
 * VS Code; a real kube-apiserver 1.20 and the kubectl on this machine.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClusterLog, loadKubeconfig, MemoryLog, planApply } from '../../src/cluster';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { startDemoEnvironment, type DemoEnvironment } from '../../tools/demo/environment';
import { EMOJIVOTO_DIR, NAMESPACE } from './harness';

describe('the demo cluster holds its examples as kubectl apply left them', { timeout: 5 * 60_000 }, () => {
  let env: DemoEnvironment | undefined;

  before(async () => {
    env = await startDemoEnvironment({ grpc: true, delivery: true, log: (l) => process.stderr.write(`[demo] ${l}\n`) });
  });
  after(async () => {
    await env?.stop();
  });

  /** `manager/operation` of each managedFields entry of an object. */
  const managers = async (resource: string): Promise<string[]> => {
    const r = await env!.cluster.kubectl(['get', resource, '-n', NAMESPACE, '-o', 'json', '--show-managed-fields']);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { metadata: { managedFields?: { manager: string; operation: string }[] } };
    return (o.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
  };

  test('the split, the route and the Canary are kubectl apply\'s (manager kubectl-client-side-apply), not a test harness\'s', async () => {
    assert.deepEqual(await managers('trafficsplit/web-svc-ts'), ['kubectl-client-side-apply/Update']);
    assert.deepEqual(await managers('grpcroute/emoji-canary'), ['kubectl-client-side-apply/Update']);
    // The Canary's spec is the user's; its status is the stand-in controller's.
    assert.ok((await managers('canary/voting')).includes('kubectl-client-side-apply/Update'));
    for (const o of ['trafficsplit/web-svc-ts', 'service/web-svc', 'endpoints/web-svc']) {
      assert.ok(!(await managers(o)).some((m) => /canary-lens-harness|kubectl-create/.test(m)), o);
    }
  });

  test('Apply of new weights: a conflict with kubectl apply, in those words', async () => {
    const { kc } = loadKubeconfig({ setting: env!.kubeconfig }, {}, EXTENSION_WORDING);
    const text = readFileSync(path.join(EMOJIVOTO_DIR, 'web-svc-ts.yaml'), 'utf8').replace('weight: 500 # the current version', 'weight: 400');
    assert.match(text, /weight: 400/);
    const memory = new MemoryLog();
    const plan = await planApply(text, { kc, selectedNamespace: NAMESPACE, log: new ClusterLog(memory), wording: EXTENSION_WORDING });
    assert.deepEqual(plan.conflict?.managers, ['kubectl-client-side-apply']);
    assert.equal(plan.conflict?.message, 'Conflict: .spec.backends was last set by kubectl apply');
    assert.match(memory.text, /Dry run of TrafficSplit emojivoto\/web-svc-ts: Conflict: \.spec\.backends was last set by kubectl apply; the diff shows the result of Force Apply/);
    await assert.rejects(plan.apply(false), (e: Error) => e.message === 'Conflict: .spec.backends was last set by kubectl apply');
    assert.match(memory.text, /Apply of TrafficSplit emojivoto\/web-svc-ts failed: Conflict: \.spec\.backends was last set by kubectl apply\. Force Apply to take it over from kubectl apply, or leave it to kubectl apply\. \(the API server said: .*"kubectl-client-side-apply"/);
  });
});
