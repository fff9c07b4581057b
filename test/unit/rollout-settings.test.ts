import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PLAN } from '../../src/rollout/plan';
import { minimalReplacement, planFromSettings, ROLLOUT_SETTINGS } from '../../src/extension/rolloutSettings';

/** A reader of `canaryLens.rollout.*` over values keyed without the prefix. */
const settings = (values: Record<string, unknown>) => (key: string) => values[key.replace(/^rollout\./, '')];

/** The `canaryLens.rollout.*` defaults package.json declares, keyed without the prefix. */
function declaredDefaults(): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[] };
  };
  const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
  const out: Record<string, unknown> = {};
  for (const s of sections) {
    for (const [k, v] of Object.entries(s.properties)) if (k.startsWith(`${ROLLOUT_SETTINGS}.`)) out[k.slice(ROLLOUT_SETTINGS.length + 1)] = v.default;
  }
  return out;
}

test('settings → plan: the declared defaults are DEFAULT_PLAN, ticking every 5 s', () => {
  const defaults = declaredDefaults();
  assert.deepEqual(Object.keys(defaults).sort(), ['autoAdvance', 'autoRollback', 'holdTime', 'maxP99Ratio', 'maxSuccessDrop', 'minRequests', 'minSuccessRate', 'steps', 'tickInterval', 'window']);
  const r = planFromSettings(settings(defaults));
  assert.ok('plan' in r, JSON.stringify(r));
  assert.deepEqual(r.plan, DEFAULT_PLAN);
  assert.equal(r.tickSeconds, 5);
  // Nothing set at all: the same plan.
  const none = planFromSettings(settings({}));
  assert.ok('plan' in none);
  assert.deepEqual(none.plan, DEFAULT_PLAN);
});

test('settings → plan: each setting lands on its plan field', () => {
  const r = planFromSettings(settings({
    steps: [5, 20, 100], holdTime: '10m', window: '2m', minRequests: 50, minSuccessRate: 98.5, maxSuccessDrop: 2, maxP99Ratio: 2,
    autoAdvance: false, autoRollback: true, tickInterval: '30s',
  }));
  assert.ok('plan' in r, JSON.stringify(r));
  assert.deepEqual(r.plan.steps, [5, 20, 100]);
  assert.equal(r.plan.holdTime, '10m');
  assert.equal(r.plan.window, '2m');
  assert.deepEqual(r.plan.gates, { minRequests: 50, minSuccessPercent: 98.5, maxSuccessDropPoints: 2, maxP99Ratio: 2 });
  assert.equal(r.plan.autoAdvance, false);
  assert.equal(r.plan.autoRollback, true);
  assert.equal(r.tickSeconds, 30);
});

test('settings → plan: a plan that cannot run says why, naming the settings', () => {
  const falling = planFromSettings(settings({ steps: [50, 25] }));
  assert.ok('problems' in falling);
  assert.match(falling.problems.join('\n'), /canaryLens\.rollout: steps must rise: steps\[1\] \(25\) is not above steps\[0\] \(50\)/);
  const short = planFromSettings(settings({ holdTime: '1m', window: '1m' }));
  assert.ok('problems' in short);
  assert.match(short.problems.join('\n'), /holdTime/);
  const types = planFromSettings(settings({ steps: '10,20', minRequests: 'many', autoAdvance: 'yes', tickInterval: 'soon' }));
  assert.ok('problems' in types);
  assert.equal(types.problems.length, 4, types.problems.join('\n'));
  assert.ok(types.problems.some((p) => p.startsWith('canaryLens.rollout.minRequests must be a number')));
  assert.ok(types.problems.some((p) => p.startsWith('canaryLens.rollout.steps must be a list')));
  assert.ok(types.problems.some((p) => p.startsWith('canaryLens.rollout.autoAdvance must be true or false')));
  assert.ok(types.problems.some((p) => p.startsWith('canaryLens.rollout.tickInterval must be a duration')));
  const zero = planFromSettings(settings({ tickInterval: '0s' }));
  assert.ok('problems' in zero);
  assert.match(zero.problems[0]!, /tickInterval must be longer than 0 s/);
});

/** Applies a replacement as the editor would. */
const apply = (before: string, r: { start: number; end: number; text: string } | undefined): string => (r ? before.slice(0, r.start) + r.text + before.slice(r.end) : before);

test('minimal replacement: only the changed characters, and applying it gives the new text', () => {
  const before = 'spec:\n  backends:\n    - service: web-svc\n      weight: 1000 # stable\n    - service: web-svc-2\n      weight: 0 # canary\n';
  const after = before.replace('weight: 1000', 'weight: 900').replace('weight: 0 #', 'weight: 100 #');
  const r = minimalReplacement(before, after)!;
  assert.equal(apply(before, r), after);
  // From the first changed weight's digits to the last's: the comments and everything around stay untouched.
  assert.equal(before.slice(0, r.start), 'spec:\n  backends:\n    - service: web-svc\n      weight: ');
  assert.equal(before.slice(r.end), '0 # canary\n', 'the new 100 ends in the old 0, which stays');
  assert.equal(minimalReplacement(before, before), undefined);
});

test('minimal replacement: insertions, deletions, repeated characters and surrogate pairs', () => {
  const cases: [string, string][] = [
    ['weight: 10', 'weight: 100'], ['weight: 100', 'weight: 10'], ['aaaa', 'aa'], ['aa', 'aaaa'], ['', 'x'], ['x', ''],
    ['a😀b', 'a😁b'], ['😀', '😀😀'], ['\r\nw: 1\r\n', '\r\nw: 2\r\n'],
  ];
  for (const [b, a] of cases) {
    const r = minimalReplacement(b, a)!;
    assert.equal(apply(b, r), a, `${JSON.stringify(b)} → ${JSON.stringify(a)}`);
    assert.ok(r.start <= r.end && r.end <= b.length);
    // The replacement is no longer than the texts' difference needs.
    assert.ok(r.text.length <= a.length);
  }
  const emoji = minimalReplacement('a😀b', 'a😁b')!;
  assert.deepEqual([emoji.start, emoji.end, emoji.text], [1, 3, '😁'], 'a surrogate pair is replaced whole');
  const repeated = minimalReplacement('aaaa', 'aa')!;
  assert.equal(repeated.end - repeated.start, 2);
  assert.equal(repeated.text, '');
});
