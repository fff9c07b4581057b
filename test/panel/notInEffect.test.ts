import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveSplits } from '../../src/extension/panel/liveSplits';
import { renderPanelBody } from '../../src/extension/panel/render';
import { toLiveStats } from '../../src/stats/live';
import { modelOf, result, snapshot, statsOf } from './support';

// The demo's two splits on web-apex, as the API server returns them.
const TS = {
  apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit',
  metadata: { name: 'web-svc-ts', namespace: 'emojivoto', creationTimestamp: '2026-01-02T00:00:00Z' },
  spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: 60 }, { service: 'web-svc-2', weight: 40 }] },
};
const route = (name: string, createdAt: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute',
  metadata: { name, namespace: 'emojivoto', creationTimestamp: createdAt },
  spec: {
    parentRefs: [{ group: 'core', kind: 'Service', name: 'web-apex', port: 80 }],
    rules: [{ backendRefs: [{ name: 'web-svc', port: 80, weight: 40 }, { name: 'web-svc-2', port: 80, weight: 60 }] }],
  },
});

function measured(objects: object[]) {
  const splits = liveSplits(objects);
  // Both measured off their weights (80/20 against 60/40 and 40/60): the apex's traffic is counted for each.
  const stats = result(splits.map((s) => statsOf(s, [{ rps: 16, observed: 0.8, success: 1 }, { rps: 4, observed: 0.2, success: 1 }])));
  return Object.assign(modelOf({ cluster: snapshot(splits), stats }), { stats });
}

test('the HTTPRoute a TrafficSplit shadows is "not in effect", without live numbers and not "not honoured"', () => {
  const model = measured([TS, route('web-route', '2026-01-01T00:00:00Z')]);
  const r = model.splits.find((s) => s.kind === 'HTTPRoute')!;
  const t = model.splits.find((s) => s.kind === 'TrafficSplit')!;
  assert.deepEqual(r.notInEffect?.short, 'web-svc-ts takes web-apex');
  assert.match(r.notInEffect?.why ?? '', /ServiceProfile/);
  assert.equal(r.rps, null);
  assert.equal(r.flagged, false);
  assert.ok(r.backends.every((b) => b.rps === null && !b.flagged));
  assert.equal(t.notInEffect, undefined);
  assert.equal(t.rps, 20);

  const html = renderPanelBody(model);
  const card = (key: string) => html.slice(html.indexOf(`data-split="${key}"`), html.indexOf('</article>', html.indexOf(`data-split="${key}"`)));
  const routeCard = card(r.key);
  assert.match(routeCard, /not in effect \(web-svc-ts takes web-apex\)/);
  assert.doesNotMatch(routeCard, /not honoured/);
  assert.match(card(t.key), /not honoured/, 'the split in effect keeps its own verdict');
});

test('between two HTTPRoutes with the same matches, the older one is in effect (cluster creation times)', () => {
  const model = measured([route('a-route', '2026-01-03T00:00:00Z'), route('b-route', '2026-01-01T00:00:00Z')]);
  assert.equal(model.splits.find((s) => s.name === 'a-route')?.notInEffect?.short, 'b-route takes web-apex');
  assert.equal(model.splits.find((s) => s.name === 'b-route')?.notInEffect, undefined);
  assert.equal(model.splits.find((s) => s.name === 'b-route')?.rps, 20);
});

test("the lenses' live numbers (toLiveStats) say the same: none for the shadowed split, its own for the one in effect", () => {
  const live = toLiveStats(measured([TS, route('web-route', '2026-01-01T00:00:00Z')]).stats).splits;
  const r = live.find((s) => s.kind === 'HTTPRoute')!;
  assert.equal(r.brief, 'not in effect (web-svc-ts takes web-apex)');
  assert.deepEqual(r.backends, []);
  assert.equal(live.find((s) => s.kind === 'TrafficSplit')?.backends.length, 2);
});
