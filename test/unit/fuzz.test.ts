/**
 * Fuzzing the language service facade (seeded, deterministic). The parts are under test/fuzz/: rng.ts, seeds.ts,
 * mutations.ts (random damage, and one generator per item of issue 13), checks.ts (what every answer satisfies),
 * runner.ts (one case through every feature), worker.ts and watchdog.ts (the time bound per document).
 *
 * Asserted for every case: no feature throws; every range lies inside its document under LSP's line rules (`\n`,
 * `\r\n` and a lone `\r` end a line; UTF-16 characters; never inside a `\r\n` or a surrogate pair); after random
 * incremental edits the file's text, diagnostics, symbols and lenses equal a fresh file's; the CLI's lint of a
 * folder with the case reports every file (on some cases); an item's own expectation (its split still analysed,
 * the same answers whatever the line breaks, columns in UTF-16 …); and no case runs longer than FUZZ_CASE_MS
 * (default 10 s, per 384 KB of text past that): a watchdog in the main thread terminates the worker and fails the test, naming the case. Times
 * are reported (t.diagnostic), never asserted otherwise.
 *
 * Environment: FUZZ_SEED (default 20240611), FUZZ_COUNT (random cases, default 2500), FUZZ_CASE_MS. A failing
 * case's texts and steps go to $TMPDIR/canary-lens-fuzz/<plan>-<seed>-<index>.{yaml,json}; replay it alone with
 *   FUZZ_SEED=<seed> FUZZ_ONLY=<plan>:<index> node --import tsx --test test/unit/fuzz.test.ts
 * The long run (50,000 cases, several seeds): npm run bench:fuzz.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { LanguageService } from '../../src/service/languageService';
import { billionLaughs, ITEMS, MB } from '../fuzz/mutations';
import type { Plan } from '../fuzz/runner';
import { example, HTTP_ROUTE_EXAMPLE, TRAFFIC_SPLIT_EXAMPLE } from '../fuzz/seeds';
import { failureReport, FuzzPool, timingLines } from '../fuzz/watchdog';
import { linesOf, offsetAt, positionAt, rangeInside } from '../support/text';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2500);
/** `plan:index`: run that one case and nothing else. */
const ONLY = /^([\w-]+):(\d+)$/.exec(process.env.FUZZ_ONLY ?? '');

/** Cases per item: the heavy ones (1 MB, thousands of backends) fewer. */
const ITEM_COUNTS: Record<keyof typeof ITEMS, number> = {
  deepBlockNesting: 16, deepFlowNesting: 24, hugeSplit: 4, megaLine: 4, crOnlyLineEndings: 40, mixedLineEndings: 40, astralUnicode: 40,
  yaml11Scalars: 40, mergeKeys: 30, nonSplitSyntaxError: 30, parentRefPorts: 30, sameServiceTwoFiles: 30,
};

function plan(name: string, count: number, extra: Partial<Plan> = {}): Plan {
  const p: Plan = { name, seed: SEED, from: 0, count, lintEvery: 3, ...extra };
  if (!ONLY) return p;
  return ONLY[1] === name ? { ...p, from: Number(ONLY[2]), count: 1, lintEvery: 1 } : { ...p, count: 0 };
}

let pool: FuzzPool;
before(() => { pool = new FuzzPool(); });
after(() => pool.close());

async function runPlan(t: { diagnostic: (m: string) => void }, p: Plan): Promise<void> {
  const report = await pool.run(p);
  for (const line of timingLines(report)) t.diagnostic(line);
  if (report.failures.length > 0) assert.fail(`${report.failures.length} failing case(s) in ${p.name}:\n${failureReport(report.failures)}`);
  assert.equal(report.cases, p.count, 'every case ran');
}

test('the position helpers follow LSP line rules (the range checks rely on them)', () => {
  const text = 'a\rb\r\nc\nd🐤';
  assert.deepEqual(linesOf(text), ['a', 'b', 'c', 'd🐤']);
  assert.deepEqual(positionAt(text, 2), { line: 1, character: 0 });
  assert.deepEqual(positionAt(text, 5), { line: 2, character: 0 });
  assert.deepEqual(positionAt(text, 7), { line: 3, character: 0 });
  assert.equal(offsetAt(text, { line: 3, character: 3 }), text.length);
  assert.ok(!rangeInside(text, { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } }), 'a lone \\r is not part of its line');
});

test(`fuzz: ${COUNT} random cases through every feature (seed ${SEED})`, { timeout: 600_000 }, async (t) => {
  await runPlan(t, plan('random', COUNT, { lintEvery: 50 }));
});

for (const [item, count] of Object.entries(ITEM_COUNTS)) {
  test(`issue 13 item from its generator: ${item} (${count} cases)`, { timeout: 300_000 }, async (t) => {
    await runPlan(t, plan(item, count, { item, lintEvery: count <= 4 ? 2 : 8 }));
  });
}

/** Inputs that once broke something, or sit on an edge the random walk reaches rarely. */
const HAND_PICKED: Record<string, string> = {
  'a lone \\r before ---': 'kind: Service\r---\rapiVersion: v1\nkind: Service\nmetadata:\n  name: x\r---\n' + TRAFFIC_SPLIT_EXAMPLE,
  'U+2028 before ---': `kind: Service\u2028---\nmetadata: {name: x}\n---\n${TRAFFIC_SPLIT_EXAMPLE}`,
  // yaml-syntax with an empty span at a line end: widened onto the \r, it ended between \r and \n.
  'an empty error span on a CRLF': example('web-svc-ts-v1alpha1.yaml').replace(/\n/g, '\r\n').replace('    - service: web-svc\r\n', '!!str     - service: web-svc\r\n'),
  'a BOM': `\ufeff${TRAFFIC_SPLIT_EXAMPLE}`,
  'billion laughs under spec': HTTP_ROUTE_EXAMPLE.replace('spec:', `x:\n${billionLaughs(12, '  ')}spec:`).replace('backendRefs:', 'backendRefs: *lol11\n      x:'),
  'an alias as a backend': TRAFFIC_SPLIT_EXAMPLE.replace('    - service: web-svc\n', '    - &b\n      service: web-svc\n').replace(/    - service: web-svc-2\n.*\n/, '    - *b\n'),
  '1 MB quoted scalar full of escapes': HTTP_ROUTE_EXAMPLE.replace('web-canary', `'${"''".repeat(MB / 2)}'`),
  '500 unclosed [': HTTP_ROUTE_EXAMPLE.replace('weight: 90', `weight: ${'['.repeat(500)}`),
  'only ---': '---',
  'only \\r\\n': '\r\n\r\n',
  'only \\r': '\r\r\r',
  'a \\r\\n split by an edit-sized gap': 'kind: Service\r\r\n\n\r---\r\n' + TRAFFIC_SPLIT_EXAMPLE.replace(/\n/g, '\r'),
};

test('hand-picked manifests', { timeout: 300_000 }, async (t) => {
  const fixed = Object.entries(HAND_PICKED).map(([label, text]) => ({ label, text }));
  // Each text three times, with other random positions and edits each time (and lint on some).
  await runPlan(t, plan('hand-picked', fixed.length * 3, { fixed, lintEvery: fixed.length + 1 }));
});

test('a --- after a lone \\r starts a part, after U+2028 or U+2029 it does not (positions stay right)', () => {
  for (const br of ['\r', '\u2028', '\u2029']) {
    const text = `kind: Service\nmetadata: {name: a}${br}--- # c${br}x\n---\nkind: TrafficSplit\n`;
    const file = new LanguageService().setFile('file:///fuzz/lone.yaml', text);
    for (let o = 0; o <= text.length; o++) {
      if (text[o - 1] === '\r' && text[o] === '\n') continue; // not a position
      assert.deepEqual(file.positionAt(o), positionAt(text, o), `${JSON.stringify(br)}: offset ${o}`);
      assert.equal(file.offsetAt(positionAt(text, o)), o, `${JSON.stringify(br)}: offset ${o}`);
    }
    // A lone \r ends a line (YAML and LSP agree), so the `---` after it is a document marker; U+2028 ends none.
    const cuts = [0, ...(br === '\r' ? [text.indexOf('--- # c')] : []), text.indexOf('---\nkind: T'), text.length];
    assert.deepEqual(file.parts.map((p) => p.text), cuts.slice(1).map((end, i) => text.slice(cuts[i], end)), JSON.stringify(br));
  }
});

test('a weight beyond 2^53 is weight-invalid, and code actions on it do not throw', () => {
  const ls = new LanguageService();
  const text = TRAFFIC_SPLIT_EXAMPLE.replace('weight: 500 # the current version', 'weight: 99999999999999999999');
  ls.setFile('file:///fuzz/big-weight.yaml', text);
  const diagnostics = ls.diagnostics('file:///fuzz/big-weight.yaml');
  assert.ok(diagnostics.some((d) => d.code === 'weight-invalid' && (typeof d.message === 'string' ? d.message : d.message.value).includes('too large')));
  const line = linesOf(text).findIndex((l) => l.includes('9999'));
  assert.doesNotThrow(() => ls.codeActions('file:///fuzz/big-weight.yaml', { start: { line, character: 0 }, end: { line, character: 0 } }, diagnostics));
});
