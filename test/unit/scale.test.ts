import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, type Diagnostic } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { Publisher, type PublishSink } from '../../src/server/publisher';
import { coveringRules } from '../../src/service/model/matchCoverage';
import type { ServiceFact, WorkloadFact } from '../../src/service/workspace/context';
import { generateManifest, oneLineSplit } from '../bench/generate';

/**
 * Big inputs, generated (no multi-megabyte fixture in the repository): what one diagnostic costs on the wire, the one
 * deprecation hint per file, a 1 MB document on one line, lookups that must not scan a namespace per backend, and a
 * publisher that lets a small file through while a big one is being worked on. No clock: work is counted.
 */

const URI = 'file:///work/big.yaml';
const DEPRECATED = 'trafficsplit-deprecated';

function serviceOf(files: Record<string, string>): LanguageService {
  const ls = new LanguageService();
  for (const [uri, text] of Object.entries(files)) ls.setFile(uri, text);
  ls.index.indexSome(Infinity);
  return ls;
}

/** What a client receives: the diagnostics after a trip through JSON. */
const onTheWire = (list: Diagnostic[]): Diagnostic[] => JSON.parse(JSON.stringify(list)) as Diagnostic[];

describe('diagnostics at scale', () => {
  // 2,000 documents of the bench's `diagnostics` mix: 600 TrafficSplits, 600 HTTPRoutes, 2,400 warnings.
  const ls = serviceOf({ [URI]: generateManifest(2000, 1, 'diagnostics') });
  const list = ls.diagnostics(URI);

  test('a diagnostic carries range, severity, code, source and message, and stays under 280 bytes of JSON', () => {
    // Each app's HTTPRoutes share its apex with its TrafficSplits, which linkerd-smi serves as a ServiceProfile.
    assert.equal(list.filter((d) => d.code === 'split-not-in-effect').length, 600, 'every HTTPRoute of the mix is shadowed');
    assert.equal(list.length, 3001, 'the mix: 1,200 service-not-found, 1,200 backend-without-workload, 600 split-not-in-effect, one deprecation hint');
    for (const d of list) assert.deepEqual(Object.keys(d).sort(), ['code', 'message', 'range', 'severity', 'source'], JSON.stringify(d));
    const bytes = Buffer.byteLength(JSON.stringify(list));
    // It was 302 bytes with `data` and the hint on every split; 269 are left, the messages' own words most of them.
    assert.ok(bytes / list.length < 280, `${(bytes / list.length).toFixed(0)} bytes a diagnostic`);
  });

  test(`${DEPRECATED}: one hint per file, on the first TrafficSplit, counting them all`, () => {
    const hints = list.filter((d) => d.code === DEPRECATED);
    assert.equal(hints.length, 1);
    const text = ls.getFile(URI)!.text;
    const firstKind = text.split('\n').indexOf('kind: TrafficSplit');
    assert.deepEqual(hints[0]!.range, { start: { line: firstKind, character: 6 }, end: { line: firstKind, character: 18 } });
    assert.match(hints[0]!.message as string, /deprecated since Linkerd 2\.13.*\. 600 TrafficSplits in this file: shown once, here; each converts with the code action at its kind$/);
  });

  test(`${DEPRECATED}: a file with one TrafficSplit keeps the plain hint`, () => {
    const one = generateManifest(10, 1, 'diagnostics').split('\n---\n').filter((d) => !d.includes('kind: TrafficSplit') || d.includes('-split-0')).join('\n---\n');
    const hints = serviceOf({ [URI]: one }).diagnostics(URI).filter((d) => d.code === DEPRECATED);
    assert.equal(hints.length, 1);
    assert.doesNotMatch(hints[0]!.message as string, /in this file/);
  });

  test('the hint still converts the first split; every other split converts with the code action at its kind', () => {
    const hint = onTheWire(list).find((d) => d.code === DEPRECATED)!;
    const fixes = ls.codeActions(URI, hint.range, [hint]).filter((a) => a.kind === CodeActionKind.QuickFix);
    assert.ok(fixes.some((a) => /HTTPRoute/.test(a.title)), fixes.map((a) => a.title).join(', '));
    const lines = ls.getFile(URI)!.text.split('\n');
    const third = lines.reduce<number[]>((at, l, i) => (l === 'kind: TrafficSplit' ? [...at, i] : at), [])[2]!;
    const here = { line: third, character: 8 };
    const actions = ls.codeActions(URI, { start: here, end: here }, []);
    assert.ok(actions.some((a) => a.kind === CodeActionKind.RefactorRewrite && /HTTPRoute/.test(a.title)), actions.map((a) => a.title).join(', '));
  });

  test('quick fixes find what they need without `data`: the finding is looked up again by code and range', () => {
    const missing = onTheWire(list).find((d) => d.code === 'service-not-found')!;
    assert.equal(missing.data, undefined);
    const fixes = ls.codeActions(URI, missing.range, [missing]).filter((a) => a.kind === CodeActionKind.QuickFix);
    const [, name, ns] = /Service (\S+) \(backend\) is not in namespace (\S+)/.exec(missing.message as string)!;
    assert.deepEqual(fixes.map((a) => a.title), [`Create Service ${name} in ${ns}`]);
    // A diagnostic of an older text (moved by a line) finds no finding, and so no fix.
    const moved = { ...missing, range: { start: { ...missing.range.start, line: missing.range.start.line + 1 }, end: { ...missing.range.end, line: missing.range.end.line + 1 } } };
    assert.deepEqual(ls.codeActions(URI, moved.range, [moved]).filter((a) => a.kind === CodeActionKind.QuickFix), []);
  });
});

describe('a 1 MB document on one line', () => {
  test('every finding, each on the line, where its value is, in little bytes each', () => {
    const { text, backends } = oneLineSplit(1 << 20);
    const line = text.split('\n').findIndex((l) => l.length > 1 << 20);
    assert.ok(line > 0, 'the split is one line of over 1 MiB');
    const list = serviceOf({ [URI]: text }).diagnostics(URI);
    const count = (code: string): number => list.filter((d) => d.code === code).length;
    assert.equal(count('weight-invalid'), backends);
    assert.equal(count('duplicate-backend'), Math.floor(backends / 5));
    assert.equal(count('service-not-found'), backends);
    assert.equal(count(DEPRECATED), 1);
    for (const d of list) {
      assert.equal(d.range.start.line, line);
      assert.equal(d.range.end.line, line);
    }
    const weight = list.find((d) => d.code === 'weight-invalid')!;
    assert.equal(text.split('\n')[line]!.slice(weight.range.start.character, weight.range.end.character), '-1');
    // 206 bytes a diagnostic; `service-not-found` carried 50 more with its `data`.
    const each = Buffer.byteLength(JSON.stringify(list)) / list.length;
    assert.ok(each < 220, `${each.toFixed(0)} bytes a diagnostic`);
  });
});

describe('work linear in size', () => {
  test('backend-without-workload looks workloads up by label: reads of pod labels grow with workloads + backends, not their product', () => {
    const n = 400;
    let reads = 0;
    const counted = (labels: Record<string, string>): Record<string, string> =>
      new Proxy(labels, { get: (target, key) => { reads++; return Reflect.get(target, key) as unknown; } });
    // Every Service in one namespace (as in a file without namespaces), only the even ones with pods.
    const services: ServiceFact[] = Array.from({ length: n }, (_, i) => ({ type: 'Service', name: `web-${i}`, ns: 'big', ports: [{ port: 80 }], selector: { app: `web-${i}` } }));
    const workloads: WorkloadFact[] = Array.from({ length: n / 2 }, (_, i) => ({ type: 'Workload', kind: 'Deployment', name: `web-${2 * i}`, ns: 'big', podLabels: counted({ app: `web-${2 * i}`, team: 'shop' }) }));
    const backends = Array.from({ length: n }, (_, i) => `    - service: web-${i}\n      weight: 1`).join('\n');
    const ls = new LanguageService();
    ls.setClusterFacts({ namespaces: ['big'], facts: [...services, ...workloads, { type: 'Service', name: 'web', ns: 'big', ports: [{ port: 80 }] }] });
    ls.setFile(URI, `apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: s, namespace: big}\nspec:\n  service: web\n  backends:\n${backends}\n`);
    const missing = ls.diagnostics(URI).filter((d) => d.code === 'backend-without-workload');
    assert.equal(missing.length, n / 2, 'the odd backends');
    // A scan of the namespace per backend read about n * n / 2 = 80,000 labels.
    assert.ok(reads <= 4 * (n + n / 2), `${reads} reads of pod labels`);
  });

  test('unreachable-rule reads each rule\'s matches once, however many rules come before it', () => {
    let reads = 0;
    const counted = <T extends object>(o: T): T => new Proxy(o, { get: (target, key) => { reads++; return Reflect.get(target, key) as unknown; } });
    const rules = Array.from({ length: 300 }, (_, i) => ({ index: i, matchList: [counted({ path: counted({ type: 'PathPrefix', value: `/p${i}` }) })] }));
    for (let i = 1; i < rules.length; i++) coveringRules(rules[i]!.matchList, rules.slice(0, i), 'http');
    // Read again per comparison, it was about 300 * 300 / 2 reads of each match's fields.
    assert.ok(reads <= 20 * rules.length, `${reads} reads`);
  });
});

describe('Publisher: one big file never delays another file\'s diagnostics', () => {
  const BIG = 'file:///work/big.yaml';
  const SMALL = 'file:///work/small.yaml';
  const SMALL_TEXT = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: small, namespace: core-0}\nspec:\n  service: web\n  backends:\n    - service: web-1\n      weight: -1\n';

  interface Event { uri: string; version: number; count: number; turn: number }

  /** Opens BIG, then SMALL a turn later; counts the event loop's turns (a ticker) and records each publish with the turn it came in. */
  function run(edit?: (ls: LanguageService, publisher: Publisher) => void): Promise<{ events: Event[]; ls: LanguageService }> {
    const ls = new LanguageService();
    const open = new Set([BIG, SMALL]);
    const events: Event[] = [];
    let turn = 0;
    let clock = 0;
    return new Promise((resolve) => {
      const sink: PublishSink = {
        publish: (uri, version, diagnostics) => {
          events.push({ uri, version, count: diagnostics.length, turn });
          if (edit && uri === SMALL && version === 1) edit(ls, publisher);
        },
        indexed: (p) => { if (p.uri === BIG) { done = true; } },
        log: (m) => assert.fail(m),
      };
      let done = false;
      // A clock that moves one tick each time it is read: slices end after a fixed amount of work, not of time.
      const publisher = new Publisher(ls, open, sink, () => clock++);
      ls.setFile(BIG, generateManifest(1200, 1, 'diagnostics'), 1);
      publisher.opened(BIG);
      const tick = (): void => {
        turn++;
        if (turn === 2) { ls.setFile(SMALL, SMALL_TEXT, 1); publisher.opened(SMALL); }
        if (done && events.some((e) => e.uri === BIG)) resolve({ events, ls });
        else setImmediate(tick);
      };
      setImmediate(tick);
    });
  }

  test('a small file opened while a big one is prepared is published first; the big one takes many turns, each short', async () => {
    const { events, ls } = await run();
    const firstBig = events.findIndex((e) => e.uri === BIG);
    const firstSmall = events.findIndex((e) => e.uri === SMALL);
    assert.ok(firstSmall >= 0 && firstSmall < firstBig, JSON.stringify(events));
    assert.ok(events[firstBig]!.turn - events[firstSmall]!.turn > 10, `the big file's work was spread over turns: ${JSON.stringify(events)}`);
    // And in the end each file has its complete diagnostics.
    const last = (uri: string): Event => events.filter((e) => e.uri === uri).at(-1)!;
    assert.equal(last(BIG).count, ls.diagnostics(BIG).length);
    assert.equal(last(SMALL).count, ls.diagnostics(SMALL).length);
    assert.ok(ls.diagnostics(BIG).length > 1000);
  });

  test('an edit to the small file is published before the big file is done', async () => {
    const { events } = await run((ls, publisher) => {
      ls.changeFile(SMALL, [{ range: { start: { line: 7, character: 14 }, end: { line: 7, character: 15 } }, text: '2' }], 2);
      publisher.changed(SMALL);
    });
    const edited = events.findIndex((e) => e.uri === SMALL && e.version === 2);
    const firstBig = events.findIndex((e) => e.uri === BIG);
    assert.ok(edited >= 0 && edited < firstBig, JSON.stringify(events));
  });
});
