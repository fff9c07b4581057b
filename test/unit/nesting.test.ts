/**
 * Deep nesting never reaches the YAML parser: one `yaml-syntax` error at the document's start, every other document
 * of the file analysed, the same result after an edit as from a fresh parse; ordinary manifests are not affected.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { MAX_NESTING } from '../../src/service/document/part';
import { nestingDepth } from '../../src/service/document/nesting';
import { LanguageService } from '../../src/service/languageService';
import { trafficSplit } from '../support/manifests';

const URI = 'file:///ws/deep.yaml';
const SPLIT = trafficSplit({ name: 'web-svc-ts', apex: 'web-apex', backends: ['web-svc=900', 'web-svc-2=-5'] });
// Splits (a document of another kind reports no syntax errors yet): an HTTPRoute whose spec nests n levels deep.
const HEAD = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: deep}\n';
const flow = (n: number) => `${HEAD}spec: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
const block = (n: number) => `${HEAD}spec:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 2)}k${i}:\n`).join('')}x: 1\n`;

test('the depth: block indentation, same-line sequences and flow collections, quotes and comments ignored', () => {
  assert.equal(nestingDepth('a:\n  b:\n    c: 1\nd: 2\n', 100), 3);
  assert.equal(nestingDepth('a:\n  - - - x\n', 100), 5);
  assert.equal(nestingDepth('a: "[[[{{{"\nb: 1 # [[[[\n# {{{{\n', 100), 1);
  assert.equal(nestingDepth('a: [1, {b: [2]}]\n', 100), 4);
  assert.equal(nestingDepth(flow(1000), 10), 11, 'stops counting past the limit');
  assert.equal(nestingDepth(block(300), 1000), 301);
});

test(`more than ${MAX_NESTING} levels, flow or block: one error at the start, the other documents still analysed`, () => {
  for (const deep of [flow(1000), block(2000), flow(MAX_NESTING + 1)]) {
    const ls = new LanguageService();
    ls.setFile(URI, `${deep}---\n${SPLIT}`);
    const d = ls.diagnostics(URI);
    const syntax = d.filter((x) => x.code === 'yaml-syntax');
    assert.deepEqual(syntax.map((x) => [x.message, x.range.start]), [[`nesting deeper than ${MAX_NESTING} levels: not analysed`, { line: 0, character: 0 }]]);
    assert.ok(d.some((x) => x.code === 'weight-invalid'), 'the split after it is analysed');
    // An edit gives what a fresh parse gives.
    ls.changeFile(URI, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }], 2);
    const fresh = new LanguageService();
    fresh.setFile(URI, `# edited\n${deep}---\n${SPLIT}`);
    assert.deepEqual(ls.diagnostics(URI), fresh.diagnostics(URI));
  }
});

test('every example manifest nests far less than the limit', () => {
  const dir = path.join(__dirname, '..', '..', 'examples', 'emojivoto');
  for (const f of readdirSync(dir)) assert.ok(nestingDepth(readFileSync(path.join(dir, f), 'utf8'), MAX_NESTING) < 20, f);
  assert.equal(nestingDepth(flow(MAX_NESTING - 3), MAX_NESTING) <= MAX_NESTING, true);
});
