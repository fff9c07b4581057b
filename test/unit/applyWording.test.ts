/**
 * Apply's words, without a cluster: a field-manager conflict names what the user ran (`kubectl apply`, not the manager
 * id `kubectl-client-side-apply`), and a failed dry run or apply logs state, reason and next step, not an error kind.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  applyFailureLine, ClusterError, ClusterLog, fromStatus, managersWords, managerWords, MemoryLog, planApply, wordConflict,
} from '../../src/cluster';
import type { K8sStatus } from '../../src/cluster/errors';
import { CLI_WORDING } from '../../src/cli/wording';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { trafficSplit } from '../support/manifests';

const op = { verb: 'patch', resource: 'trafficsplits', group: 'split.smi-spec.io', namespace: 'emojivoto', name: 'web-svc-ts', server: 'https://127.0.0.1:1' };

/** A 409 as kube-apiserver sends it for a server-side apply that meets other managers' fields. */
function applyConflict(fields: [manager: string, field: string][]): K8sStatus {
  const using = (m: string) => `conflict with "${m}" using split.smi-spec.io/v1alpha2`;
  return {
    kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409,
    message: `Apply failed with ${fields.length} conflict${fields.length === 1 ? '' : 's'}: ${fields.map(([m, f]) => `${using(m)}: ${f}`).join('\n')}`,
    details: { name: 'web-svc-ts', group: 'split.smi-spec.io', kind: 'trafficsplits', causes: fields.map(([m, f]) => ({ reason: 'FieldManagerConflict', message: using(m), field: f })) },
  };
}

describe('conflict wording', () => {
  test('kubectl\'s field managers are the commands the user ran; others stay quoted names', () => {
    assert.equal(managerWords('kubectl-client-side-apply'), 'kubectl apply');
    assert.equal(managerWords('kubectl'), 'kubectl apply --server-side');
    assert.equal(managerWords('kubectl-edit'), 'kubectl edit');
    assert.equal(managerWords('flagger'), '"flagger"');
    // Not a prototype key, not a prefix match.
    assert.equal(managerWords('toString'), '"toString"');
    assert.equal(managerWords('kubectl-client-side-apply-fork'), '"kubectl-client-side-apply-fork"');
    assert.equal(managersWords(['a', 'kubectl-client-side-apply', 'b']), '"a", kubectl apply and "b"');
    assert.equal(managersWords(['kubectl-last-applied', 'kubectl-client-side-apply', 'kubectl-client-side-apply']), '"kubectl-last-applied" and kubectl apply');
  });

  test('a field last set by `kubectl apply` says so, with Force Apply as the next step', () => {
    const e = wordConflict(fromStatus(409, applyConflict([['kubectl-client-side-apply', '.spec.backends']]), op));
    assert.equal(e.kind, 'conflict');
    assert.deepEqual(e.managers, ['kubectl-client-side-apply'], 'the manager id is kept for Force Apply and the logs');
    assert.equal(e.message, 'Conflict: .spec.backends was last set by kubectl apply');
    assert.equal(e.nextStep, 'Force Apply to take it over from kubectl apply, or leave it to kubectl apply.');
    assert.doesNotMatch(e.message, /kubectl-client-side-apply/);
  });

  test('several fields, and a mix of kubectl and another manager', () => {
    const kubectlOnly = wordConflict(fromStatus(409, applyConflict([['kubectl', '.spec.backends'], ['kubectl', '.spec.service']]), op));
    assert.equal(kubectlOnly.message, 'Conflict: .spec.backends, .spec.service were last set by kubectl apply --server-side');
    const mixed = wordConflict(fromStatus(409, applyConflict([['kubectl-client-side-apply', '.spec.backends'], ['flagger', '.spec.service']]), op));
    assert.equal(mixed.message, 'Conflict: .spec.backends, .spec.service are owned by kubectl apply and "flagger"');
    assert.match(mixed.nextStep ?? '', /^Force Apply to take them over from kubectl apply and "flagger"/);
  });

  test('another manager keeps the library\'s wording; other errors pass unchanged', () => {
    const other = fromStatus(409, applyConflict([['other', '.spec.backends']]), op);
    assert.equal(wordConflict(other).message, 'Conflict: .spec.backends is owned by "other"');
    const stale = fromStatus(409, { code: 409, reason: 'Conflict', message: 'the object has been modified; please apply your changes to the latest version and try again' }, op);
    assert.equal(wordConflict(stale), stale);
    const forbidden = fromStatus(403, { code: 403, message: 'forbidden' }, op);
    assert.equal(wordConflict(forbidden), forbidden);
  });
});

describe('log lines of a failed dry run or apply', () => {
  test('an apiVersion the cluster does not serve: what failed, why and what to change, without the error kind', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const text = trafficSplit({ version: 'v1alpha4', backends: ['web-svc=500', 'web-svc-2=500'] });
    // The served versions are passed in, so the error comes before any request.
    const served = new Map([['split.smi-spec.io', ['v1alpha1', 'v1alpha2']]]);
    const e = await planApply(text, { kc, selectedNamespace: 'emojivoto', log: new ClusterLog(new MemoryLog()), served }).then(
      () => assert.fail('the dry run should fail'),
      (x: unknown) => x as ClusterError,
    );
    assert.equal(e.kind, 'crd-missing');
    const line = applyFailureLine('The dry run against "ctx"', e, EXTENSION_WORDING);
    assert.equal(line, 'The dry run against "ctx" failed: The cluster does not serve split.smi-spec.io/v1alpha4 (it serves split.smi-spec.io v1alpha1, v1alpha2). Change apiVersion to split.smi-spec.io/v1alpha1.');
    assert.doesNotMatch(line, /crd-missing/);
  });

  test('the server\'s own text follows when it says more; a knob is named in the front end\'s words', () => {
    const conflict = wordConflict(fromStatus(409, applyConflict([['kubectl-client-side-apply', '.spec.backends']]), op));
    const line = applyFailureLine('Applying TrafficSplit emojivoto/web-svc-ts', conflict, EXTENSION_WORDING);
    assert.match(line, /^Applying TrafficSplit emojivoto\/web-svc-ts failed: Conflict: \.spec\.backends was last set by kubectl apply\. Force Apply/);
    assert.match(line, /\(the API server said: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using split\.smi-spec\.io\/v1alpha2: \.spec\.backends\)$/);
    assert.doesNotMatch(line, /: conflict: /, 'no error kind');

    const noKubeconfig = new ClusterError('config', 'No kubeconfig found', { nextStep: 'Create ~/.kube/config', knob: 'kubeconfig' });
    assert.equal(applyFailureLine('The dry run', noKubeconfig, EXTENSION_WORDING), 'The dry run failed: No kubeconfig found. Create ~/.kube/config, or set canaryLens.kubeconfig.');
    assert.equal(applyFailureLine('The dry run', noKubeconfig, CLI_WORDING), `The dry run failed: No kubeconfig found. Create ~/.kube/config, or ${CLI_WORDING.useKnob('kubeconfig')}.`);
    // The message already holds the server's text (a 422's causes): not said twice.
    const invalid = fromStatus(422, { code: 422, message: 'spec.backends: Required value', details: { causes: [{ field: 'spec.backends', message: 'Required value' }] } }, op);
    assert.equal(applyFailureLine('The dry run', invalid), 'The dry run failed: The object is invalid: spec.backends: Required value. Fix the fields the server named and apply again.');
  });
});
