/**
 * Which earlier rules take every request a rule matches, as Linkerd's proxy picks rules: the highest-scoring match
 * wins, the earlier rule on a tie (linkerd/linkerd2-proxy linkerd/http/route/src/lib.rs and http/match.rs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coveringRules } from '../../src/service/model/matchCoverage';

const prefix = (value: string, more: Record<string, unknown> = {}) => ({ path: { type: 'PathPrefix', value }, ...more });
const exact = (value: string, more: Record<string, unknown> = {}) => ({ path: { type: 'Exact', value }, ...more });
const rules = (...lists: (unknown[] | undefined)[]) => lists.map((matchList, index) => ({ index, ...(matchList ? { matchList } : {}) }));

test('http: a match said again in other words is covered (trailing slash, defaults, header name case, Exact under its prefix)', () => {
  const earlier = rules(
    [prefix('/api')],
    [{ path: { value: '/web/' }, method: 'GET', headers: [{ name: 'X-Canary', value: 'true' }] }],
  );
  assert.deepEqual(coveringRules([prefix('/api/')], earlier, 'http'), [0]);
  assert.deepEqual(coveringRules([exact('/api')], earlier, 'http'), [0]);
  assert.deepEqual(coveringRules([prefix('/web', { method: 'GET', headers: [{ type: 'Exact', name: 'x-canary', value: 'true' }] })], earlier, 'http'), [1]);
  // The union: each match taken by another earlier rule.
  assert.deepEqual(coveringRules([exact('/api'), prefix('/web', { method: 'GET', headers: [{ name: 'x-CANARY', value: 'true' }] })], earlier, 'http'), [0, 1]);
});

test('http: the catch-all covers only another catch-all, however spelt', () => {
  const earlier = rules(undefined);
  assert.deepEqual(coveringRules(undefined, earlier, 'http'), [0]);
  assert.deepEqual(coveringRules([], earlier, 'http'), [0]);
  assert.deepEqual(coveringRules([{}], earlier, 'http'), [0]);
  assert.deepEqual(coveringRules([prefix('/')], earlier, 'http'), [0]);
  assert.deepEqual(coveringRules([exact('/')], earlier, 'http'), [0]);
});

test('http near misses: a more specific match wins over an earlier general one', () => {
  const catchAll = rules(undefined);
  assert.equal(coveringRules([prefix('/api')], catchAll, 'http'), undefined, 'a longer path scores higher');
  assert.equal(coveringRules([{ method: 'GET' }], catchAll, 'http'), undefined, 'a method scores higher');
  assert.equal(coveringRules([{ headers: [{ name: 'x', value: '1' }] }], catchAll, 'http'), undefined, 'a header scores higher');
  const api = rules([prefix('/api')]);
  assert.equal(coveringRules([exact('/api/')], api, 'http'), undefined, 'Exact /api/ scores 5, PathPrefix /api 4');
  assert.equal(coveringRules([prefix('/api/v1')], api, 'http'), undefined);
});

test('http near misses: not every request taken', () => {
  assert.equal(coveringRules([prefix('/api')], rules([exact('/api')]), 'http'), undefined, 'an Exact path takes no subpaths');
  assert.equal(coveringRules([exact('/foobar')], rules([prefix('/foo')]), 'http'), undefined, 'prefixes match whole segments');
  assert.equal(coveringRules([prefix('/foo')], rules([prefix('/foobar')]), 'http'), undefined);
  assert.equal(coveringRules([prefix('/a'), prefix('/b')], rules([prefix('/a')]), 'http'), undefined, 'one match of two');
  assert.equal(coveringRules([prefix('/a', { method: 'GET' })], rules([prefix('/a', { method: 'POST' })]), 'http'), undefined);
  assert.equal(coveringRules([prefix('/a', { headers: [{ name: 'x', value: 'True' }] })], rules([prefix('/a', { headers: [{ name: 'x', value: 'true' }] })]), 'http'), undefined,
    'header values are case-sensitive');
});

test('http: regular expressions, query parameters and repeated header names are not decided', () => {
  assert.equal(coveringRules([exact('/api')], rules([{ path: { type: 'RegularExpression', value: '/api' } }]), 'http'), undefined);
  assert.equal(coveringRules([{ path: { type: 'RegularExpression', value: '/api' } }], rules([{ path: { type: 'RegularExpression', value: '/api' } }]), 'http'), undefined);
  assert.equal(coveringRules([prefix('/a', { queryParams: [{ name: 'q', value: '1' }] })], rules([prefix('/a', { queryParams: [{ name: 'q', value: '1' }] })]), 'http'), undefined);
  assert.equal(coveringRules([prefix('/a', { headers: [{ name: 'x', value: '1', type: 'RegularExpression' }] })], rules([prefix('/a', { headers: [{ name: 'x', value: '1', type: 'RegularExpression' }] })]), 'http'), undefined);
  const twice = [{ name: 'x', value: '1' }, { name: 'X', value: '2' }];
  assert.equal(coveringRules([prefix('/a', { headers: twice })], rules([prefix('/a', { headers: twice })]), 'http'), undefined);
});

test('grpc: equal methods in other words are covered; any service or method loses to a named one', () => {
  const earlier = rules(
    [{ method: { service: 'emoji.Emoji', method: 'List' } }],
    [{ method: { type: 'Exact', service: 'emoji.Emoji' }, headers: [{ name: 'X-Canary', value: 'true' }] }],
  );
  assert.deepEqual(coveringRules([{ method: { type: 'Exact', method: 'List', service: 'emoji.Emoji' } }], earlier, 'grpc'), [0]);
  assert.deepEqual(coveringRules([
    { method: { service: 'emoji.Emoji', method: 'List' } },
    { method: { service: 'emoji.Emoji', method: '' }, headers: [{ name: 'x-canary', value: 'true' }] },
  ], earlier, 'grpc'), [0, 1]);
  assert.deepEqual(coveringRules([{}], rules(undefined), 'grpc'), [0]);
  assert.equal(coveringRules([{ method: { service: 'emoji.Emoji' } }], rules(undefined), 'grpc'), undefined, 'a named service scores higher');
  assert.equal(coveringRules([{ method: { service: 'emoji.Emoji', method: 'Get' } }], earlier, 'grpc'), undefined);
  assert.equal(coveringRules([{ method: { type: 'RegularExpression', service: 'emoji.Emoji' } }], rules([{ method: { type: 'RegularExpression', service: 'emoji.Emoji' } }]), 'grpc'), undefined);
});
