import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRouteSplitsOf, trafficSplitOf, type K8sObject } from '../../tools/simulator/model';
import { splitsInEffect } from '../../tools/simulator/precedence';

const services = new Map([['web-apex', [80]]]);
const ts = (apiVersion: string): K8sObject => ({
  apiVersion, kind: 'TrafficSplit', metadata: { name: 'web-svc-ts', namespace: 'emojivoto', creationTimestamp: '2026-01-02T00:00:00Z' },
  spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: 60 }, { service: 'web-svc-2', weight: 40 }] },
});
const route = (name: string, createdAt: string, matches?: unknown[]): K8sObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'emojivoto', creationTimestamp: createdAt },
  spec: {
    parentRefs: [{ group: 'core', kind: 'Service', name: 'web-apex', port: 80 }],
    rules: [{ ...(matches ? { matches } : {}), backendRefs: [{ name: 'web-svc', port: 80, weight: 40 }, { name: 'web-svc-2', port: 80, weight: 60 }] }],
  },
});
const names = (splits: { kind: string; name: string }[]) => splits.map((s) => `${s.kind} ${s.name}`);

test("simulator: the demo's TrafficSplit and HTTPRoute on web-apex: only the TrafficSplit carries the apex's traffic", () => {
  const splits = [trafficSplitOf(ts('split.smi-spec.io/v1alpha2'), services)!, ...httpRouteSplitsOf(route('web-route', '2026-01-01T00:00:00Z'), services)];
  const { inEffect, shadowed } = splitsInEffect(splits);
  assert.deepEqual(names(inEffect), ['TrafficSplit web-svc-ts']);
  assert.deepEqual(names(shadowed), ['HTTPRoute web-route']);
});

test('simulator: of two routes with the same matches the older carries the traffic; other matches both do', () => {
  const two = [...httpRouteSplitsOf(route('a-route', '2026-01-03T00:00:00Z'), services), ...httpRouteSplitsOf(route('b-route', '2026-01-01T00:00:00Z'), services)];
  assert.deepEqual(names(splitsInEffect(two).inEffect), ['HTTPRoute b-route']);
  const apart = [...httpRouteSplitsOf(route('a-route', '2026-01-03T00:00:00Z', [{ path: { type: 'PathPrefix', value: '/api' } }]), services), ...httpRouteSplitsOf(route('b-route', '2026-01-01T00:00:00Z'), services)];
  assert.deepEqual(names(splitsInEffect(apart).inEffect), ['HTTPRoute a-route', 'HTTPRoute b-route']);
});

test('simulator: a TrafficSplit version Linkerd does not serve takes nothing', () => {
  const splits = [trafficSplitOf(ts('split.smi-spec.io/v1alpha4'), services)!, ...httpRouteSplitsOf(route('web-route', '2026-01-01T00:00:00Z'), services)];
  assert.equal(splitsInEffect(splits).inEffect.length, 2);
});
