import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens, ShowMessageParams } from 'vscode-languageserver-protocol';
import {
  clusterFactsNotification, DELIVERY_ACTION_COMMAND, OPEN_OWNER_COMMAND, ownersRequest, splitAtRequest, WEIGHTS_COMMAND,
  type ClusterFactsParams, type ObjectOwner, type OpenOwnerArgs, type SplitAtResult, type WeightCommandResult,
} from '../../src/protocol/messages';
import { startBuiltServer, type LspClient } from '../support/lspClient';
import { rangeOf } from '../support/text';
import { canarySplit, canaryStrategy, PODINFO_CANARY, webRollout } from '../support/deliveryManifests';

/**
 * The owner lens of a managed split, Apply's owner request and the live delivery lenses, over stdio against the built
 * server (dist/server.js; the test never builds).
 */

const SPLIT = canarySplit('podinfo');

const WARNING = 2; // MessageType.Warning

let client: LspClient;

before(async () => {
  client = await startBuiltServer();
});

after(async () => {
  await client?.shutdown();
});

const lensesOf = (uri: string): Promise<CodeLens[]> => client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });

async function openAll(files: Record<string, string>): Promise<void> {
  for (const [uri, text] of Object.entries(files)) {
    await client.open(uri, text);
    await client.waitForDiagnostics(uri);
  }
}

const facts = (p: Partial<ClusterFactsParams>): ClusterFactsParams => ({ namespaces: ['test'], services: [], serviceProfiles: [], ...p });

describe('delivery lenses over stdio', () => {
  test('a split a Canary owns: its warning, one owner lens instead of the weight actions, the weight command and Apply\'s owner request refuse', async () => {
    const canary = 'file:///virtual/dl-canary.yaml';
    const split = 'file:///virtual/dl-split.yaml';
    await openAll({ [canary]: PODINFO_CANARY, [split]: SPLIT });
    const published = await client.waitForDiagnostics(split, (p) => p.diagnostics.some((d) => d.code === 'managed-by-controller'));
    const warning = published.diagnostics.find((d) => d.code === 'managed-by-controller')!;
    assert.match(warning.message as string, /^Managed by Canary podinfo \(Flagger\)/);

    const lenses = await lensesOf(split);
    const running = lenses.filter((l) => l.command?.command);
    assert.deepEqual(running.map((l) => [l.command?.title, l.command?.command]), [['Managed by Canary podinfo (Flagger) — open', OPEN_OWNER_COMMAND]]);
    const args = running[0]!.command!.arguments![0] as OpenOwnerArgs;
    assert.equal(args.uri, canary);
    assert.deepEqual(args.range, rangeOf(PODINFO_CANARY, 'podinfo'));

    // The palette's weight command for the split under the cursor: refused with the warning's words.
    const at = await client.request<SplitAtResult>(splitAtRequest.method, { textDocument: { uri: split }, position: rangeOf(SPLIT, 'weight: 10').start });
    assert.ok(at?.blocked);
    const shown = client.nextNotification<ShowMessageParams>('window/showMessage');
    const result = await client.request<WeightCommandResult>('workspace/executeCommand', {
      command: WEIGHTS_COMMAND, arguments: [{ uri: at.uri, version: at.version, part: at.part, split: at.split, fingerprint: at.fingerprint, action: { type: 'promote', target: 1 } }],
    });
    assert.equal(result.applied, false);
    assert.equal(result.reason, at.blocked);
    assert.match(result.reason ?? '', /^Canary Lens: managed by Canary podinfo \(Flagger\)/);
    assert.equal((await shown).params.type, WARNING);

    const owners = await client.request<ObjectOwner[]>(ownersRequest.method, { uri: split, part: 0 });
    assert.deepEqual(owners, [{ controller: 'Flagger', kind: 'Canary', namespace: 'test', name: 'podinfo', via: 'naming' }]);
    await assert.rejects(client.request(ownersRequest.method, { uri: split }), /Invalid params/);
  });

  test('cluster facts with a live Rollout: the lenses are refreshed and show its state and actions', async () => {
    const uri = 'file:///virtual/dl-rollout.yaml';
    const rollout = webRollout('test', canaryStrategy({ steps: '        - setWeight: 20\n        - pause: {}\n' }));
    await openAll({ [uri]: rollout });
    assert.ok(!(await lensesOf(uri)).some((l) => l.command?.command === DELIVERY_ACTION_COMMAND));
    const refresh = client.nextServerRequest('workspace/codeLens/refresh');
    await client.notify(clusterFactsNotification.method, facts({
      connection: { context: 'kind-demo', namespace: 'test', state: 'ready' },
      deliveries: [{
        kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'test', name: 'web', phase: 'Paused', weight: 20, paused: true,
        brief: 'Paused · 20% · step 2/2', actions: ['promote', 'abort'],
      }],
    }));
    await refresh;
    const titles = (await lensesOf(uri)).map((l) => l.command?.title);
    assert.ok(titles.includes('Paused · 20% · step 2/2'), titles.join(' | '));
    assert.ok(titles.includes('Promote') && titles.includes('Abort'), titles.join(' | '));

    // The same facts again: nothing for lenses changed, no refresh; a new state: a refresh.
    const again = client.nextServerRequest('workspace/codeLens/refresh', 1500);
    await client.notify(clusterFactsNotification.method, facts({
      connection: { context: 'kind-demo', namespace: 'test', state: 'ready' },
      deliveries: [{
        kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'test', name: 'web', phase: 'Paused', weight: 20, paused: true,
        brief: 'Paused · 20% · step 2/2', actions: ['promote', 'abort'],
      }],
    }));
    await assert.rejects(again, 'no refresh when the lenses would not change');
    const next = client.nextServerRequest('workspace/codeLens/refresh');
    await client.notify(clusterFactsNotification.method, facts({
      connection: { context: 'kind-demo', namespace: 'test', state: 'ready' },
      deliveries: [{ kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'test', name: 'web', phase: 'Healthy', weight: 100, brief: 'Healthy · 100%', actions: [] }],
    }));
    await next;
    assert.ok((await lensesOf(uri)).some((l) => l.command?.title === 'Healthy · 100%'));
  });
});
