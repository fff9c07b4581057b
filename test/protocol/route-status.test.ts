import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { clusterFactsNotification, type ClusterFactsParams, type ClusterRouteStatus } from '../../src/protocol/messages';
import { startBuiltServer, type LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { httpRoute } from '../support/manifests';
import { rangeOf } from '../support/text';

/**
 * Linkerd's route statuses over stdio against the built server (dist/server.js; the test never builds): cluster facts
 * sent by message name, as the cluster bundle sends them, with a route the policy controller did not accept, put
 * `route-not-accepted` on the open file's route when it is that object, and new facts take it away.
 */

const URI = 'file:///virtual/route-status.yaml';
const TEXT = httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-2', port: 80, weight: 10 }] });
const CONNECTION = { context: 'kind-canary', namespace: 'emojivoto', state: 'ready' } as const;

let client: LspClient;

before(async () => {
  client = await startBuiltServer();
});

after(async () => {
  await client?.shutdown();
});

function status(name: string, state: ClusterRouteStatus['state']): ClusterRouteStatus {
  return {
    kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', namespace: 'emojivoto', name, state,
    problems: state === 'problem' ? [{
      condition: 'Accepted', reason: 'NoMatchingParent', message: 'parent service must have a ClusterIP', nextStep: 'give Service web-apex a ClusterIP',
      parent: { group: '', kind: 'Service', namespace: 'emojivoto', name: 'web-apex', port: 80 },
    }] : [],
  };
}

function facts(routeStatuses: ClusterRouteStatus[]): ClusterFactsParams {
  return {
    namespaces: ['emojivoto'], connection: CONNECTION, serviceProfiles: [], routeStatuses,
    services: ['web-apex', 'web-svc', 'web-svc-2'].map((name) => ({ name, namespace: 'emojivoto', ports: [{ port: 80 }] })),
  };
}

const routeCodes = (p: PublishedDiagnostics): Diagnostic[] => p.diagnostics.filter((d) => String(d.code).startsWith('route-'));

/** Sends the facts and waits for the next publication of the file. */
async function send(params: ClusterFactsParams): Promise<PublishedDiagnostics> {
  const published = client.nextDiagnostics(URI);
  await client.notify(clusterFactsNotification.method, params);
  return published;
}

test('route statuses in the cluster facts: a diagnostic on the parentRef of that route, gone when Linkerd accepts it', async () => {
  await client.open(URI, TEXT);
  const first = await client.waitForDiagnostics(URI);
  assert.deepEqual(routeCodes(first), []);

  // Another route's problem, and this one's acceptance: nothing to say.
  assert.deepEqual(routeCodes(await send(facts([status('web-other', 'problem'), status('web-canary', 'accepted')]))), []);

  // Malformed entries (a client of another version) are dropped, not a crash.
  const malformed = [null, { name: 'web-canary' }, { ...status('web-canary', 'problem'), problems: 'none' }] as unknown as ClusterRouteStatus[];
  assert.deepEqual(routeCodes(await send(facts(malformed))), []);

  const bad = routeCodes(await send(facts([status('web-canary', 'problem')])));
  assert.equal(bad.length, 1);
  const d = bad[0]!;
  assert.equal(d.code, 'route-not-accepted');
  assert.equal(d.severity, 1);
  assert.equal(d.source, 'canary-lens');
  assert.deepEqual(d.range, rangeOf(TEXT, 'web-apex'));
  const message = typeof d.message === 'string' ? d.message : '';
  for (const part of ['NoMatchingParent', 'parent service must have a ClusterIP', 'Next step: give Service web-apex a ClusterIP']) {
    assert.ok(message.includes(part), `"${message}" should contain "${part}"`);
  }

  assert.deepEqual(routeCodes(await send(facts([status('web-canary', 'accepted')]))), []);
});
