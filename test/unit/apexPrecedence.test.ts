import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimsInEffect, describeShadow, servedAsProfile, shadowedBy, type ApexClaim } from '../../src/service/model/apexPrecedence';
import { apiVersionInfo } from '../../src/service/model/kinds';
import { contextFacts } from '../../src/cluster/contextObjects';
import { clusterFacts } from '../../src/server/clusterFacts';

const claim = (name: string, extra: Partial<ApexClaim> = {}): ApexClaim => ({
  kind: 'HTTPRoute', name, namespace: 'emojivoto', apexNamespace: 'emojivoto', apex: 'web-apex', port: 80, viaProfile: false, matchKey: '', ...extra,
});
const ts = (name: string): ApexClaim => ({ kind: 'TrafficSplit', name, namespace: 'emojivoto', apexNamespace: 'emojivoto', apex: 'web-apex', viaProfile: true });

test('servedAsProfile: the TrafficSplit versions Linkerd serves, not routes nor unserved versions (from the kind registry)', () => {
  assert.equal(servedAsProfile(apiVersionInfo('TrafficSplit', 'split.smi-spec.io/v1alpha2')), true);
  assert.equal(servedAsProfile(apiVersionInfo('TrafficSplit', 'split.smi-spec.io/v1alpha4')), false);
  assert.equal(servedAsProfile(apiVersionInfo('HTTPRoute', 'gateway.networking.k8s.io/v1')), false);
  assert.equal(servedAsProfile(undefined), false);
});

test('a TrafficSplit (served as a ServiceProfile) takes the apex from an HTTPRoute on any port, whatever their ages', () => {
  const route = claim('web-route', { createdAt: '2026-01-01T00:00:00Z' });
  const split = ts('web-svc-ts');
  const s = shadowedBy(route, [route, split]);
  assert.equal(s?.winner, split);
  assert.equal(s?.reason, 'service-profile');
  assert.match(describeShadow(s), /^TrafficSplit web-svc-ts takes web-apex: linkerd-smi turns it into a ServiceProfile/);
  assert.equal(shadowedBy(split, [route, split]), undefined);
  assert.deepEqual(claimsInEffect([route, split]), [split]);
});

test('two HTTPRoutes with the same matches: the older wins, then the first by name; a route with a time before one without', () => {
  const older = claim('z-route', { createdAt: '2026-01-01T00:00:00Z' });
  const newer = claim('a-route', { createdAt: '2026-01-02T00:00:00Z' });
  assert.equal(shadowedBy(newer, [older, newer])?.winner, older);
  assert.equal(shadowedBy(newer, [older, newer])?.reason, 'created-earlier');
  assert.equal(shadowedBy(older, [older, newer]), undefined);
  const sameTime = claim('b-route', { createdAt: '2026-01-01T00:00:00Z' });
  assert.equal(shadowedBy(sameTime, [older, sameTime]), undefined, 'z-route loses to b-route by name');
  assert.equal(shadowedBy(older, [older, sameTime])?.reason, 'name-order');
  const untimed = claim('a-untimed');
  assert.equal(shadowedBy(untimed, [untimed, older])?.winner, older);
  const [a, b] = [claim('a'), claim('b')];
  assert.equal(shadowedBy(b, [a, b])?.winner, a);
  assert.match(describeShadow(shadowedBy(b, [a, b])!), /^HTTPRoute a takes web-apex:80: .*by name/);
});

test('no conflict: other ports, other matches, other apexes, other apex namespaces, and two TrafficSplits', () => {
  const a = claim('a');
  assert.equal(shadowedBy(claim('b', { port: 8080 }), [a]), undefined);
  assert.equal(shadowedBy(claim('b', { matchKey: 'path:/api' }), [a]), undefined);
  assert.equal(shadowedBy(claim('b', { apex: 'other' }), [a]), undefined);
  assert.equal(shadowedBy(claim('b', { apexNamespace: 'other' }), [a]), undefined);
  assert.equal(shadowedBy(ts('b'), [ts('a')]), undefined);
  // A route without a port covers every port of the Service: it conflicts with one on port 80.
  assert.equal(shadowedBy(claim('b', { port: undefined }), [a])?.winner, a);
});

test("the cluster's creation times reach the rule: read from metadata by the cluster layer, kept by the server only as strings", () => {
  const o = (name: string, creationTimestamp?: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'test', ...(creationTimestamp ? { creationTimestamp } : {}) } });
  const read = contextFacts({ namespace: 'test', workloads: [], templates: [], routes: [{ kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', items: [o('a', '2026-01-01T00:00:00Z'), o('b', undefined)] }] });
  assert.deepEqual(read.routes?.map((r) => [r.name, r.createdAt]), [['a', '2026-01-01T00:00:00Z'], ['b', undefined]]);
  const routes = [{ kind: 'HTTPRoute' as const, group: 'g', namespace: 'test', name: 'a', createdAt: 7 as unknown as string }, { kind: 'HTTPRoute' as const, group: 'g', namespace: 'test', name: 'b', createdAt: '2026-01-01T00:00:00Z' }];
  const facts = clusterFacts({ namespaces: ['test'], services: [], serviceProfiles: [], routes });
  assert.deepEqual(facts?.routes, [{ kind: 'HTTPRoute', group: 'g', namespace: 'test', name: 'a' }, routes[1]]);
});
