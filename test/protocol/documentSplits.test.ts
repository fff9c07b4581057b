import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentSplitsRequest, type SplitObjectRef } from '../../src/protocol/messages';
import { REPO_ROOT } from '../support/built';
import { startBuiltServer, type LspClient } from '../support/lspClient';

/**
 * `canaryLens/documentSplits` over stdio against the built server (dist/server.js; the test never builds): the split
 * objects of the visible editors' documents, in one request, as the client asks before measuring them.
 */

const EXAMPLES = join(REPO_ROOT, 'examples', 'emojivoto');
const read = (name: string): string => readFileSync(join(EXAMPLES, name), 'utf8');

let client: LspClient;

before(async () => {
  client = await startBuiltServer();
});

after(async () => {
  await client?.shutdown();
});

describe('canaryLens/documentSplits', () => {
  test('the split objects of several open documents in one answer; a document without splits or unknown adds none', async () => {
    const ts = 'file:///virtual/ds-ts.yaml';
    const route = 'file:///virtual/ds-route.yaml';
    const plain = 'file:///virtual/ds-service.yaml';
    await client.open(ts, read('web-svc-ts.yaml'));
    await client.open(route, read('web-httproute.yaml'));
    await client.open(plain, read('web-apex.yaml'));
    const refs = await client.request<SplitObjectRef[]>(documentSplitsRequest.method, {
      textDocuments: [{ uri: ts }, { uri: route }, { uri: plain }, { uri: 'file:///virtual/not-open.yaml' }],
    });
    const kinds = refs.map((r) => r.kind);
    assert.deepEqual(kinds, ['TrafficSplit', 'HTTPRoute'], JSON.stringify(refs));
    assert.deepEqual(refs[0], { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-svc-ts' });
    assert.deepEqual(await client.request(documentSplitsRequest.method, { textDocuments: [] }), []);
  });

  test('malformed params are invalid params', async () => {
    await assert.rejects(client.request(documentSplitsRequest.method, { textDocuments: 'x' }), /Invalid params/);
    await assert.rejects(client.request(documentSplitsRequest.method, { textDocuments: [{ uri: 3 }] }), /Invalid params/);
  });
});
