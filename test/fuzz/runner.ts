/**
 * One fuzz case through every feature of the language service facade, and the plans that make the cases.
 *
 * A case is a text (a seed with mutations, or an issue item's shape) plus, maybe, further workspace files. Each is
 * deterministic in (plan, seed, index): its own generator, so one case replays alone (FUZZ_ONLY=plan:index).
 * runCase: setFile, indexSome, prepareDiagnostics in slices and diagnostics (own and complete), completion, hover,
 * definition, references, splitAt and code actions at random positions, document symbols, code lenses and
 * codeLens/resolve (of a stale lens too), the weight edit of a lens, splitObjects; then random incremental edits,
 * after which the file's text, diagnostics, symbols and lenses equal a fresh file's of the same text; on some cases
 * the CLI's lint of the files in a folder.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CodeLens, Position, Range } from 'vscode-languageserver-types';
import { formatJson, formatSarif, formatText } from '../../src/cli/formats';
import { lint } from '../../src/cli/lint';
import { WEIGHTS_COMMAND, type WeightCommandArgs } from '../../src/protocol/messages';
import { LanguageService } from '../../src/service/languageService';
import { positionAt } from '../support/text';
import { checkActions, checkCompletion, checkEdits, checkLenses, checkLocations, checkRange, checkSymbols, docOf, editsTo, splitsSurrogate, type Doc } from './checks';
import { ALL_MUTATIONS, brief, CHARS, ITEMS, MUTATIONS, pickMutation, TOKENS, type Draft, type Expectation } from './mutations';
import { caseRng, Rng } from './rng';
import { ALL_EXAMPLES, SEEDS } from './seeds';

/** What to run: `count` cases from `from`, random mixes, one issue item, or fixed texts. Plain data (sent to workers). */
export interface Plan {
  /** Names the plan in reports and in FUZZ_ONLY. */
  name: string;
  seed: number;
  from: number;
  count: number;
  /** Cases built by this item of ITEMS (a third of them with random mutations after). */
  item?: string;
  /** Fixed texts instead of generated ones, case i taking text i % length. */
  fixed?: { label: string; text: string }[];
  /** The CLI's lint runs on every lintEvery-th case (0: never). */
  lintEvery: number;
}

export interface Case {
  plan: string;
  seed: number;
  index: number;
  mutations: string[];
  text: string;
  others: string[];
  expect?: Expectation;
}

const hash = (s: string): number => [...s].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261) >>> 0;

export function caseOf(plan: Plan, index: number): Case {
  const rng = caseRng(plan.seed ^ hash(plan.name), index);
  const base = { plan: plan.name, seed: plan.seed, index, others: [] };
  if (plan.fixed) {
    const f = plan.fixed[index % plan.fixed.length]!;
    return { ...base, mutations: [f.label], text: f.text };
  }
  const draft: Draft = { text: rng.pick(SEEDS), others: [], ...(plan.item ? { big: index % 2 === 1 } : {}) };
  const mutations: string[] = [];
  const apply = (name: string): void => {
    mutations.push(name);
    draft.expect = undefined; // an item's expectation holds only for its own output
    ALL_MUTATIONS[name]!.apply(draft, rng);
  };
  if (plan.item) {
    if (!(plan.item in ITEMS)) throw new Error(`no item ${plan.item}; items: ${Object.keys(ITEMS).join(', ')}`);
    apply(plan.item);
    if (index % 3 === 2) for (let n = rng.range(1, 2); n > 0; n--) apply(pickMutation(rng, MUTATIONS));
  } else {
    for (let n = rng.chance(0.5) ? 1 : rng.range(2, 3); n > 0; n--) apply(pickMutation(rng, ALL_MUTATIONS));
  }
  return { ...base, mutations, text: draft.text, others: draft.others, ...(draft.expect ? { expect: draft.expect } : {}) };
}

export const CONTEXT_URI = 'file:///fuzz/context/emojivoto.yaml';

/** A service with the workspace and cluster context the cases' references resolve against. */
export function contextService(): LanguageService {
  const ls = new LanguageService();
  ls.setFile(CONTEXT_URI, ALL_EXAMPLES);
  ls.setClusterFacts({
    namespaces: ['default', 'shop'],
    facts: [
      { type: 'Service', name: 'books', ns: 'shop', ports: [{ port: 8080, name: 'http' }], selector: { app: 'books' }, readyEndpoints: 2 },
      { type: 'Service', name: 'web', ns: 'default', ports: [{ port: 80 }] },
    ],
  });
  ls.index.indexSome(Infinity);
  return ls;
}

/** A position a client may send: inside a line, never inside a surrogate pair; now and then past the end. */
function randomPosition(doc: Doc, rng: Rng): Position {
  if (rng.chance(0.03)) return { line: doc.lines.length + rng.int(3), character: rng.int(5) };
  const line = rng.int(doc.lines.length);
  const len = doc.lines[line]!.length;
  if (rng.chance(0.03)) return { line, character: len + 1 + rng.int(3) };
  const p = { line, character: rng.int(len + 1) };
  return splitsSurrogate(doc, p) ? { line, character: p.character + 1 } : p;
}

/** An offset an editor may put a change at: not inside a `\r\n` nor a surrogate pair. */
function cleanOffset(text: string, o: number): number {
  const a = text.charCodeAt(o - 1);
  const b = text.charCodeAt(o);
  if (a === 13 && b === 10) return o + 1;
  if (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) return o + 1;
  return o;
}

/** A random incremental change (an LSP range) and the text it makes. */
function randomChange(text: string, rng: Rng): { range: Range; text: string; after: string } {
  const start = cleanOffset(text, rng.int(text.length + 1));
  const end = cleanOffset(text, Math.min(text.length, start + (rng.chance(0.5) ? 0 : rng.int(rng.chance(0.1) ? 400 : 12))));
  const insert = rng.chance(0.15) ? rng.pick(['---\n', '\n---\n', '---', '---\r\n', '\r---\r'])
    : rng.chance(0.5) ? rng.pick(TOKENS) : rng.chance(0.6) ? rng.pick(CHARS) : '';
  return { range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert, after: text.slice(0, start) + insert + text.slice(end) };
}

const after = (a: Position, b: Position): boolean => a.line > b.line || (a.line === b.line && a.character > b.character);
const overlaps = (a: Range, b: Range): boolean => !after(a.start, b.end) && !after(b.start, a.end);

/**
 * prepareDiagnostics as the publisher calls it: slices that stop when the caller's clock says so (here a random
 * one), each resuming where the last stopped, until it says the rest is gathering only.
 */
function prepareInSlices(ls: LanguageService, uri: string, complete: boolean, rng: Rng): void {
  const parts = ls.getFile(uri)?.parts.length ?? 0;
  let from: number | undefined = 0;
  for (let calls = 0; from !== undefined; calls++) {
    assert.ok(calls <= 2 * parts + 4, `prepareDiagnostics does not finish: ${calls} slices for ${parts} parts, at part ${from}`);
    let checks = 0;
    from = ls.prepareDiagnostics(uri, complete, from, () => ++checks > 1 && rng.chance(0.5));
  }
}

/** What the incremental file and the fresh one must agree on (lens arguments included: same uri and version). */
function observe(ls: LanguageService, uri: string): unknown {
  return { text: ls.getFile(uri)?.text, diagnostics: ls.diagnostics(uri).map(brief), symbols: ls.documentSymbols(uri), lenses: ls.codeLenses(uri) };
}

export interface CaseResult { ms: number; steps: string }

/** Settings of a run: where lint writes its files, whether it runs for this case. */
export interface CaseOptions { lint: boolean; tmp: string; onStep?: (step: string) => void }

/** Everything the suite does with one case; throws an Error naming the step. Returns the time taken. */
export async function runCase(ls: LanguageService, c: Case, options: CaseOptions): Promise<CaseResult> {
  const rng = caseRng(c.seed, c.index, 1);
  const uri = `file:///fuzz/${c.plan}-${c.index}.yaml`;
  const otherUris = c.others.map((_, i) => `file:///fuzz/other-${c.plan}-${c.index}-${i}.yaml`);
  const doc = docOf(c.text);
  const docs = new Map<string, Doc>([[uri, doc], [CONTEXT_URI, docOf(ALL_EXAMPLES)], ...otherUris.map((u, i): [string, Doc] => [u, docOf(c.others[i]!)])]);
  const times: string[] = [];
  let step = 'setFile';
  const started = performance.now();
  let last = started;
  const next = (name: string): void => {
    const now = performance.now();
    times.push(`${step.split(' ')[0]} ${(now - last).toFixed(1)}`);
    last = now;
    step = name;
    options.onStep?.(name);
  };
  const edits: string[] = [];
  try {
    ls.setFile(uri, c.text, 1);
    c.others.forEach((t, i) => ls.setFile(otherUris[i]!, t, 1));
    next('indexSome');
    ls.index.indexSome(Infinity);
    next('prepareDiagnostics (own)');
    prepareInSlices(ls, uri, false, rng);
    next('diagnostics (own)');
    for (const d of ls.diagnostics(uri, false)) checkRange(doc, d.range, `own diagnostic ${String(d.code)}`);
    next('prepareDiagnostics');
    prepareInSlices(ls, uri, true, rng);
    next('diagnostics');
    const diagnostics = ls.diagnostics(uri);
    for (const d of diagnostics) checkRange(doc, d.range, `diagnostic ${String(d.code)}`);

    for (let k = 0; k < 2; k++) {
      const position = randomPosition(doc, rng);
      const where = JSON.stringify(position);
      next(`completion at ${where}`);
      checkCompletion(doc, ls.completion(uri, position));
      next(`hover at ${where}`);
      const hover = ls.hover(uri, position);
      if (hover?.range) checkRange(doc, hover.range, 'hover');
      next(`definition at ${where}`);
      checkLocations(docs, ls.definition(uri, position), 'definition');
      next(`references at ${where}`);
      checkLocations(docs, ls.references(uri, position, rng.chance(0.5)), 'references');
      next(`splitAt ${where}`);
      const summary = ls.splitAt(uri, position);
      if (summary) {
        const ok = summary.backends.length === 0 ? summary.blocked !== undefined : summary.canary >= 0 && summary.canary < summary.backends.length;
        assert.ok(ok, `splitAt: no canary among the backends, and not blocked: ${JSON.stringify(summary).slice(0, 300)}`);
      }
      const other = randomPosition(doc, rng);
      const ordered = position.line < other.line || (position.line === other.line && position.character <= other.character);
      const range: Range = rng.chance(0.5) ? { start: position, end: position } : ordered ? { start: position, end: other } : { start: other, end: position };
      // As a client sends them: the diagnostics that overlap the range (most of them).
      const near = diagnostics.filter((d) => overlaps(d.range, range) && rng.chance(0.8));
      next(`codeActions at ${JSON.stringify(range)}`);
      checkActions(doc, uri, ls.codeActions(uri, range, near));
    }
    next('documentSymbols');
    checkSymbols(doc, ls.documentSymbols(uri));
    next('codeLenses');
    const lenses = ls.codeLenses(uri);
    checkLenses(doc, lenses, true);
    const resolved: CodeLens[] = [];
    if (lenses.length > 0) {
      next('codeLens/resolve');
      for (const lens of [rng.pick(lenses), rng.pick(lenses), rng.pick(lenses)]) {
        const r = ls.resolveCodeLens(lens);
        if (r) resolved.push(r);
      }
      checkLenses(doc, resolved, false);
    }
    const weighted = [...lenses, ...resolved].filter((l) => l.command?.command === WEIGHTS_COMMAND);
    if (weighted.length > 0) {
      const lens = rng.pick(weighted);
      next(`weightsEdit of "${lens.command!.title}"`);
      const result = ls.weightsEdit(lens.command!.arguments![0] as WeightCommandArgs, rng.chance(0.5));
      if ('edit' in result) for (const e of editsTo(result.edit, uri)) checkEdits(doc, e, 'weights edit');
    }
    next('splitObjects');
    assert.ok(Array.isArray(ls.splitObjects(uri)));

    if (options.lint) {
      next('lint');
      await checkLint(c, options.tmp);
    }
    if (c.expect) {
      next('expectation of the item');
      c.expect({ ls, uri, text: c.text, diagnostics });
      ls.setFile(uri, c.text, 1); // the expectation may have replaced it
    }

    // Random incremental edits, then the file must equal a fresh one of the same text.
    let expected = c.text;
    let version = 1;
    for (let n = rng.range(1, 3); n > 0; n--) {
      const changes: { range: Range; text: string }[] = [];
      for (let m = rng.chance(0.3) ? 2 : 1; m > 0; m--) {
        const change = randomChange(expected, rng);
        changes.push({ range: change.range, text: change.text });
        expected = change.after;
      }
      edits.push(JSON.stringify(changes));
      next(`changeFile ${JSON.stringify(changes).slice(0, 300)}`);
      assert.ok(ls.changeFile(uri, changes, ++version), 'changeFile finds the file');
    }
    if (lenses.length > 0) {
      next('codeLens/resolve of a lens from before the edits');
      ls.resolveCodeLens(rng.pick(lenses)); // stale: may be refused, must not throw
    }
    next('incremental');
    ls.index.indexSome(Infinity);
    const afterDoc = docOf(expected);
    const incremental = observe(ls, uri);
    assert.ok(ls.getFile(uri)!.text === expected, 'the edited file holds the edited text');
    for (const d of ls.diagnostics(uri)) checkRange(afterDoc, d.range, `diagnostic ${String(d.code)} after the edits`);
    next('fresh');
    // Replaced in place, so the file keeps its place among the workspace's (messages list files in that order).
    ls.setFile(uri, expected, version);
    ls.index.indexSome(Infinity);
    const fresh = observe(ls, uri);
    assert.deepStrictEqual(incremental, fresh, 'after incremental edits, text, diagnostics, symbols and lenses equal a fresh file\'s');
    next('done');
  } catch (e) {
    const message = e instanceof Error ? e.stack ?? e.message : String(e);
    throw new CaseError(c, step, edits, message);
  } finally {
    ls.removeFile(uri);
    for (const u of otherUris) ls.removeFile(u);
  }
  return { ms: performance.now() - started, steps: times.join(', ') };
}

/** A case's failure: where, with what, and the edits made before it. */
export class CaseError extends Error {
  constructor(readonly c: Case, readonly step: string, readonly edits: string[], readonly detail: string) {
    super(`case ${c.plan}:${c.index} (seed ${c.seed}, ${c.mutations.join('+')}) failed in ${step}${edits.length ? `; edits ${edits.join(' then ')}` : ''}\n${detail}`);
  }
}

/** The CLI's lint over the case's files and the examples in one folder: every file reported once, ranges inside. */
async function checkLint(c: Case, tmp: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmp, 'lint-'));
  try {
    const files = new Map<string, string>([['case.yaml', c.text], ['examples.yaml', ALL_EXAMPLES], ...c.others.map((t, i): [string, string] => [`other-${i}.yaml`, t])]);
    for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
    const reports = await lint([dir]);
    assert.deepEqual(reports.map((r) => path.basename(r.file)).sort(), [...files.keys()].sort(), 'lint reports every file of the folder once');
    for (const r of reports) {
      const doc = docOf(files.get(path.basename(r.file))!);
      const sorted = [...r.diagnostics].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
      assert.deepEqual(r.diagnostics, sorted, 'lint sorts diagnostics by position');
      for (const d of r.diagnostics) checkRange(doc, d.range, `lint diagnostic ${String(d.code)} in ${path.basename(r.file)}`);
    }
    assert.match(formatText(reports), new RegExp(` of ${files.size} files\\n$`), 'the text summary counts every file');
    JSON.parse(formatJson(reports));
    JSON.parse(formatSarif(reports, '0.0.0', dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a case's texts and what it did to `dir` for replay; returns the main file's path. */
export function saveManifest(dir: string, c: Case, about: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const stem = path.join(dir, `${c.plan}-${c.seed}-${c.index}`);
  writeFileSync(`${stem}.yaml`, c.text);
  c.others.forEach((t, i) => writeFileSync(`${stem}.other-${i}.yaml`, t));
  writeFileSync(`${stem}.json`, JSON.stringify({ plan: c.plan, seed: c.seed, index: c.index, mutations: c.mutations, others: c.others.length, ...about, replay: replayCommand(c) }, null, 2));
  return `${stem}.yaml`;
}

export const replayCommand = (c: Case): string => `FUZZ_SEED=${c.seed} FUZZ_ONLY=${c.plan}:${c.index} node --import tsx --test test/unit/fuzz.test.ts`;

/** The folder failing manifests go to. */
export const MANIFEST_DIR = path.join(tmpdir(), 'canary-lens-fuzz');

/** A scratch folder for lint's files. */
export const scratch = (): string => mkdtempSync(path.join(tmpdir(), 'canary-lens-fuzz-run-'));

