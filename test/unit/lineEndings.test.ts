/**
 * Line endings (issue 13 §2): LSP counts `\n`, `\r\n` and a lone `\r` each as one line end, in UTF-16 code units
 * (https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocuments), and
 * YAML breaks lines at a lone `\r` too. So a file in any of the three styles has the same positions, the same
 * diagnostics, lenses, symbols, hovers, completions and edits, and edits keep the file's own line break. Then a
 * seeded property test: every range every feature returns, on random texts of mixed line breaks and unicode, lies
 * inside the document under those rules; and incremental edits give what a fresh file gives.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, CodeLens, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { WEIGHTS_COMMAND, type WeightCommandArgs } from '../../src/protocol/messages';
import { LanguageService } from '../../src/service/languageService';
import { YamlFile } from '../../src/service/document/file';
import { parseManifest } from '../../src/cluster/apply';
import { findInText } from '../../src/extension/panel/manifest';
import { applyTextEdits } from '../support/edits';
import { lineStarts, linesOf, offsetAt, positionAt, rangeInside } from '../support/text';
import { Rng } from '../fuzz/rng';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'emojivoto');
const NAMES = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort();
const LF_TEXTS: Record<string, string> = Object.fromEntries(NAMES.map((f) => [f, readFileSync(join(EXAMPLES, f), 'utf8')]));
const uriOf = (name: string): string => `file:///examples/emojivoto/${name}`;

const STYLES = { lf: '\n', crlf: '\r\n', cr: '\r' } as const;
type Style = keyof typeof STYLES;
const inStyle = (text: string, style: Style): string => text.replace(/\r\n|\r|\n/g, STYLES[style]);

/** Every line break of `text`, as written. */
const breaksOf = (text: string): string[] => text.match(/\r\n|\r|\n/g) ?? [];

/** A service holding every example, all written in one line-ending style. */
function serviceIn(style: Style): LanguageService {
  const ls = new LanguageService();
  for (const name of NAMES) ls.setFile(uriOf(name), inStyle(LF_TEXTS[name]!, style));
  return ls;
}

const services = { lf: serviceIn('lf'), crlf: serviceIn('crlf'), cr: serviceIn('cr') };

const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const diagnosticsOf = (ls: LanguageService, uri: string): string[] =>
  ls.diagnostics(uri).map((d) => `${String(d.code)} ${JSON.stringify(d.range)} ${messageOf(d)}`).sort();

/**
 * Lenses with their commands. A lens may come without one, for `codeLens/resolve` to fill in (called as the LSP layer
 * does, where the service has it).
 */
function resolvedLenses(ls: LanguageService, uri: string): CodeLens[] {
  const resolve = (ls as { resolveCodeLens?: (lens: CodeLens) => CodeLens | undefined }).resolveCodeLens?.bind(ls);
  return ls.codeLenses(uri).map((l) => (l.command || !resolve ? l : resolve(l) ?? l));
}

/** Lenses as shown: title, range and action (the fingerprint holds the part's length, which the style changes). */
const lensesOf = (ls: LanguageService, uri: string): string[] =>
  resolvedLenses(ls, uri).map((l) => {
    const args = l.command?.arguments?.[0] as WeightCommandArgs | undefined;
    return `${l.command?.title ?? ''} ${JSON.stringify(l.range)} ${args ? JSON.stringify(args.action) : ''}`;
  });

function symbolsOf(symbols: readonly DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${depth} ${s.name} ${JSON.stringify(s.range)} ${JSON.stringify(s.selectionRange)}`, ...symbolsOf(s.children ?? [], depth + 1)]);
}

function editsIn(edit: WorkspaceEdit, uri: string): TextEdit[] {
  if (edit.changes) return edit.changes[uri] ?? [];
  const change = edit.documentChanges?.find((c) => 'textDocument' in c && c.textDocument.uri === uri);
  return change && 'edits' in change ? (change.edits as TextEdit[]) : [];
}

/** Edits with their new text written with `\n`, for comparing across styles. */
const normalised = (edits: readonly TextEdit[]): string[] => edits.map((e) => `${JSON.stringify(e.range)} ${JSON.stringify(inStyle(e.newText, 'lf'))}`);

/** The first weight command a file's lenses offer, and its edit. */
function weightEdit(ls: LanguageService, uri: string): TextEdit[] | undefined {
  const lens = resolvedLenses(ls, uri).find((l) => l.command?.command === WEIGHTS_COMMAND && l.command.title.startsWith('Shift'));
  if (!lens) return undefined;
  const result = ls.weightsEdit(lens.command!.arguments![0] as WeightCommandArgs);
  assert.ok('edit' in result, `refused: ${JSON.stringify(result)}`);
  return editsIn(result.edit, uri);
}

const hoverText = (h: Hover | null): string => (h ? `${JSON.stringify(h.contents)} ${JSON.stringify(h.range)}` : 'none');
const completionText = (items: CompletionItem[]): string[] =>
  items.map((i) => `${i.label} ${i.textEdit && 'range' in i.textEdit ? `${JSON.stringify(i.textEdit.range)} ${JSON.stringify(inStyle(i.textEdit.newText, 'lf'))}` : ''}`);
const locationsText = (ls: Location[]): string[] => ls.map((l) => `${l.uri} ${JSON.stringify(l.range)}`);
const actionsText = (actions: CodeAction[], uri: string): string[] =>
  actions.map((a) => `${a.title}: ${normalised(a.edit ? editsIn(a.edit, uri) : []).join(' | ')}`);
const actionEdits = (actions: CodeAction[], uri: string): TextEdit[] => actions.flatMap((a) => (a.edit ? editsIn(a.edit, uri) : []));

describe('the emojivoto examples in CR-only and CRLF files answer as in LF files', () => {
  test('the examples have splits, lenses, symbols and diagnostics to compare', () => {
    const lf = services.lf;
    assert.ok(NAMES.length >= 6);
    assert.ok(NAMES.some((n) => lensesOf(lf, uriOf(n)).length > 0));
    assert.ok(NAMES.some((n) => lf.documentSymbols(uriOf(n)).length > 0));
    assert.ok(NAMES.some((n) => lf.diagnostics(uriOf(n)).length > 0), 'the TrafficSplits carry their deprecation hint');
    assert.ok(NAMES.filter((n) => weightEdit(lf, uriOf(n)) !== undefined).length >= 3, 'the splits have weight commands');
  });

  for (const style of ['cr', 'crlf'] as const) {
    for (const name of NAMES) {
      test(`${name} in ${style}`, () => {
        const uri = uriOf(name);
        const lf = services.lf;
        const ls = services[style];
        const lfText = LF_TEXTS[name]!;
        const text = inStyle(lfText, style);
        assert.equal(linesOf(text).length, linesOf(lfText).length);
        assert.equal(ls.getFile(uri)!.parts.length, lf.getFile(uri)!.parts.length, 'parts');

        const diagnostics = diagnosticsOf(ls, uri);
        assert.ok(!diagnostics.some((d) => d.startsWith('yaml-syntax')), diagnostics.join('\n'));
        assert.deepEqual(diagnostics, diagnosticsOf(lf, uri));
        assert.deepEqual(lensesOf(ls, uri), lensesOf(lf, uri));
        assert.deepEqual(symbolsOf(ls.documentSymbols(uri)), symbolsOf(lf.documentSymbols(uri)));

        const edits = weightEdit(ls, uri);
        const lfEdits = weightEdit(lf, uri);
        assert.equal(edits === undefined, lfEdits === undefined);
        if (edits && lfEdits) {
          assert.ok(edits.length > 0);
          assert.deepEqual(normalised(edits), normalised(lfEdits));
          const out = applyTextEdits(text, edits);
          assert.deepEqual(new Set(breaksOf(out)), new Set([STYLES[style]]), 'the edited file keeps its line ending');
          assert.equal(inStyle(out, 'lf'), applyTextEdits(lfText, lfEdits));
        }

        // Hover, completion, navigation and code actions on every line: at its first word and at its end.
        const lines = linesOf(text);
        lines.forEach((line, i) => {
          const positions: Position[] = [{ line: i, character: line.length }];
          const word = line.search(/[A-Za-z0-9]/);
          if (word !== -1) positions.push({ line: i, character: word + 1 });
          for (const p of positions) {
            const at = `line ${i} character ${p.character}`;
            assert.equal(hoverText(ls.hover(uri, p)), hoverText(lf.hover(uri, p)), `hover at ${at}`);
            const items = ls.completion(uri, p);
            assert.deepEqual(completionText(items), completionText(lf.completion(uri, p)), `completion at ${at}`);
            for (const item of items) {
              if (item.textEdit && 'range' in item.textEdit) {
                for (const br of breaksOf(item.textEdit.newText)) assert.equal(br, STYLES[style], `completion ${item.label} at ${at}`);
              }
            }
            assert.deepEqual(locationsText(ls.definition(uri, p)), locationsText(lf.definition(uri, p)), `definition at ${at}`);
            assert.deepEqual(locationsText(ls.references(uri, p)), locationsText(lf.references(uri, p)), `references at ${at}`);
          }
          const range: Range = { start: { line: i, character: 0 }, end: { line: i, character: line.length } };
          const actions = ls.codeActions(uri, range, ls.diagnostics(uri));
          assert.deepEqual(actionsText(actions, uri), actionsText(lf.codeActions(uri, range, lf.diagnostics(uri)), uri), `code actions on line ${i}`);
          for (const e of actionEdits(actions, uri)) {
            for (const br of breaksOf(e.newText)) assert.equal(br, STYLES[style], `code action edit on line ${i}`);
            assert.doesNotThrow(() => applyTextEdits(text, [e]));
          }
        });
      });
    }
  }

  test('the TrafficSplit → HTTPRoute conversion writes the file\'s line break (CR only)', () => {
    const name = NAMES.find((n) => /^kind: TrafficSplit$/m.test(LF_TEXTS[n]!))!; // a top-level kind, not a plan's targetRef
    const uri = uriOf(name);
    const ls = services.cr;
    const text = inStyle(LF_TEXTS[name]!, 'cr');
    const line = linesOf(text).findIndex((l) => l === 'kind: TrafficSplit');
    const range: Range = { start: { line, character: 6 }, end: { line, character: 6 } };
    const convert = ls.codeActions(uri, range, ls.diagnostics(uri)).find((a) => /HTTPRoute/.test(a.title));
    assert.ok(convert?.edit, 'a conversion is offered');
    const out = applyTextEdits(text, editsIn(convert.edit, uri));
    assert.match(out, /kind: HTTPRoute\r/);
    assert.deepEqual(new Set(breaksOf(out)), new Set(['\r']));
  });
});

describe('CR-only details', () => {
  const HEAD = 'apiVersion: split.smi-spec.io/v1alpha2\rkind: TrafficSplit\rmetadata:\r  name: web-svc-ts\r  namespace: emojivoto\r';

  test('completion at the end of a CR-only line: keys of the mapping, with a CR in a block to fill', () => {
    const text = `${HEAD}spec:\r  service: web-apex\r  `;
    const ls = new LanguageService();
    ls.setFile('file:///cr.yaml', text);
    const end = positionAt(text, text.length);
    assert.deepEqual(end, { line: 7, character: 2 });
    const items = ls.completion('file:///cr.yaml', end);
    const backends = items.find((i) => i.label === 'backends');
    assert.ok(backends?.textEdit && 'range' in backends.textEdit, `items: ${items.map((i) => i.label).join(', ')}`);
    assert.deepEqual(backends.textEdit.range, { start: end, end });
    assert.match(backends.textEdit.newText, /^backends:\r {2}- \$0$/);
    assert.ok(!items.some((i) => i.label === 'service'), 'a written sibling is not offered again');
  });

  test('completion of a value at the end of a CR-only line', () => {
    const text = 'apiVersion: split.smi-spec.io/v1alpha2\rkind: \rmetadata:\r  name: x\r';
    const ls = new LanguageService();
    ls.setFile('file:///cr.yaml', text);
    const items = ls.completion('file:///cr.yaml', { line: 1, character: 6 });
    assert.ok(items.some((i) => i.label === 'TrafficSplit'), `items: ${items.map((i) => i.label).join(', ')}`);
  });

  test('a --- after a lone CR starts a document; one after U+2028 does not', () => {
    const cr = new YamlFile('u', 'kind: Service\r---\rkind: TrafficSplit\r');
    assert.deepEqual(cr.parts.map((p) => p.text), ['kind: Service\r', '---\rkind: TrafficSplit\r']);
    assert.deepEqual(cr.parts.map((p) => [p.startLine, p.kind]), [[0, 'Service'], [1, 'TrafficSplit']]);
    const ls = new LanguageService();
    ls.setFile('file:///cr.yaml', 'apiVersion: v1\rkind: Service\rmetadata:\r  name: a\r---\r' + inStyle(LF_TEXTS['web-svc-ts.yaml']!, 'cr'));
    assert.ok(!ls.diagnostics('file:///cr.yaml').some((d) => d.code === 'yaml-syntax'));
    const sep = new YamlFile('u', 'kind: Service\u2028---\rkind: TrafficSplit\r');
    assert.equal(sep.parts.length, 1);
    assert.equal(sep.parts[0]!.kind, 'TrafficSplit', 'a kind after U+2028 is not at the start of a line');
  });

  test('positions: a CRLF is one break, never split; offsets clamp before the break', () => {
    const text = 'a: 1\r\nb: 2\rc: 3\n\r\n';
    const file = new YamlFile('u', text);
    assert.deepEqual(file.positionAt(5), { line: 0, character: 4 }, 'between \\r and \\n: the end of the line');
    assert.deepEqual(file.positionAt(text.length), { line: 4, character: 0 });
    assert.equal(file.offsetAt({ line: 0, character: 99 }), 4);
    assert.equal(file.offsetAt({ line: 1, character: 99 }), 10);
    assert.equal(file.offsetAt({ line: 2, character: 99 }), 15);
    assert.equal(file.offsetAt({ line: 3, character: 99 }), 16);
    assert.equal(file.offsetAt({ line: 9, character: 0 }), text.length);
  });
});

describe('other readers of YAML text take a lone CR as a line break', () => {
  const text = inStyle(LF_TEXTS['web-svc-ts.yaml']!, 'cr');

  test('the cluster apply parses a CR-only document', () => {
    const part = new YamlFile('u', text).parts.find((p) => p.kind === 'TrafficSplit')!;
    const manifest = parseManifest(part.text);
    assert.equal(manifest.object.kind, 'TrafficSplit');
    assert.equal(manifest.name, 'web-svc-ts');
  });

  test('the panel finds a split in a CR-only file', () => {
    const hit = findInText(text, { kind: 'TrafficSplit', name: 'web-svc-ts', namespace: 'emojivoto' });
    assert.ok(hit);
    assert.equal(text.slice(hit.offset, hit.offset + 'web-svc-ts'.length), 'web-svc-ts');
  });
});

// ---- the property test ----------------------------------------------------------------------------------------

const EXAMPLE_LINES = [...new Set(Object.values(LF_TEXTS).flatMap((t) => linesOf(t)))];
const UNICODE = ['😀', '🦀', '\ud83d', '\ufeff', '\u2028', '\u2029', '\t', 'é', '中', '\u00a0', ' ', '#', ':', '- ', '"', '[', '{'];
const BREAKS = ['\n', '\r\n', '\r'];

/** Lines of a random text: whole examples (so there are splits, lenses and edits), or a soup of their lines. */
function randomLines(rng: Rng): string[] {
  if (rng.chance(0.5)) {
    const files = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(Object.values(LF_TEXTS)));
    return linesOf(files.join('---\n'));
  }
  return Array.from({ length: 1 + rng.int(60) }, () =>
    (rng.chance(0.08) ? rng.pick(['---', '--- # doc', 'kind: TrafficSplit', 'kind: HTTPRoute', '']) : rng.pick(EXAMPLE_LINES)));
}

/** A random text: lines (a few with unicode put in: at the end, as in a comment, or anywhere) joined by random breaks. */
function randomText(rng: Rng): string {
  const lines = randomLines(rng);
  // One style for most breaks of a text, and now and then another.
  const style = rng.pick(BREAKS);
  let out = rng.chance(0.1) ? '\ufeff' : '';
  lines.forEach((raw, i) => {
    let line = raw;
    if (rng.chance(0.1)) line += ` # ${rng.pick(UNICODE)}${rng.pick(UNICODE)}`;
    else if (rng.chance(0.04)) {
      const at = rng.int(line.length + 1);
      line = line.slice(0, at) + rng.pick(UNICODE) + line.slice(at);
    }
    out += line + (i + 1 < lines.length || rng.chance(0.5) ? (rng.chance(0.8) ? style : rng.pick(BREAKS)) : '');
  });
  return out;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** An offset an editor can send: never inside a `\r\n` or a surrogate pair. */
function cleanOffset(text: string, o: number): number {
  if (text[o - 1] === '\r' && text[o] === '\n') return o + 1;
  if (isHigh(text.charCodeAt(o - 1)) && isLow(text.charCodeAt(o))) return o + 1;
  return o;
}

class RangeChecker {
  readonly lines: string[];
  readonly starts: number[];
  constructor(readonly text: string) {
    this.lines = linesOf(text);
    this.starts = lineStarts(text);
  }

  check(r: Range | undefined, what: string): void {
    assert.ok(r, `${what}: no range`);
    assert.ok(rangeInside(this.text, r, this.lines), `${what}: ${JSON.stringify(r)} is outside the text (${this.lines.length} lines)`);
    for (const p of [r.start, r.end]) {
      const o = offsetAt(this.text, p, { strict: true, starts: this.starts });
      assert.ok(!(isHigh(this.text.charCodeAt(o - 1)) && isLow(this.text.charCodeAt(o))), `${what}: ${JSON.stringify(p)} splits a surrogate pair`);
    }
  }

  edits(edits: readonly TextEdit[] | undefined, what: string): void {
    for (const e of edits ?? []) this.check(e.range, what);
  }
}

function checkSymbols(c: RangeChecker, symbols: readonly DocumentSymbol[]): void {
  for (const s of symbols) {
    c.check(s.range, `symbol ${s.name}`);
    c.check(s.selectionRange, `symbol ${s.name} (selection)`);
    checkSymbols(c, s.children ?? []);
  }
}

const CASES = Number(process.env.LINE_ENDING_CASES ?? 300);
const URI = 'file:///random/case.yaml';

test(`property: every range of every feature lies inside the text under LSP line rules (${CASES} seeded cases)`, () => {
  const ls = new LanguageService();
  for (const name of NAMES) ls.setFile(uriOf(name), LF_TEXTS[name]!);
  const checked = { ranges: 0, lenses: 0, weightEdits: 0, completions: 0, actions: 0, hovers: 0 };
  for (let seed = 1; seed <= CASES; seed++) {
    const rng = new Rng(seed);
    const text = randomText(rng);
    const at = `seed ${seed}: ${JSON.stringify(text.slice(0, 200))}`;
    const file = ls.setFile(URI, text);
    const c = new RangeChecker(text);
    const randomPosition = (): Position => positionAt(text, cleanOffset(text, rng.int(text.length + 1)));

    // The document model against the tests' own positions.
    for (let k = 0; k < 20; k++) {
      const o = cleanOffset(text, rng.int(text.length + 1));
      assert.deepEqual(file.positionAt(o), positionAt(text, o), `${at}: offset ${o}`);
      assert.equal(file.offsetAt(positionAt(text, o)), o, `${at}: offset ${o}`);
    }
    assert.deepEqual(file.positionAt(text.length), positionAt(text, text.length), at);

    const diagnostics = ls.diagnostics(URI);
    for (const d of diagnostics) c.check(d.range, `${at}: diagnostic ${String(d.code)}`);
    checked.ranges += diagnostics.length;
    for (const l of resolvedLenses(ls, URI)) {
      c.check(l.range, `${at}: lens`);
      checked.lenses++;
      const args = l.command?.arguments?.[0] as WeightCommandArgs | undefined;
      if (l.command?.command === WEIGHTS_COMMAND && args && rng.chance(0.3)) {
        const result = ls.weightsEdit(args);
        if ('edit' in result) {
          const edits = editsIn(result.edit, URI);
          c.edits(edits, `${at}: weight edit`);
          checked.weightEdits++;
          assert.doesNotThrow(() => applyTextEdits(text, edits), at);
        }
      }
    }
    checkSymbols(c, ls.documentSymbols(URI));
    for (let k = 0; k < 4; k++) {
      const p = randomPosition();
      const h = ls.hover(URI, p);
      if (h?.range) { c.check(h.range, `${at}: hover at ${JSON.stringify(p)}`); checked.hovers++; }
      for (const item of ls.completion(URI, p)) {
        const e = item.textEdit;
        if (e && 'range' in e) c.check(e.range, `${at}: completion ${item.label}`);
        if (e && 'insert' in e) { c.check(e.insert, `${at}: completion ${item.label}`); c.check(e.replace, `${at}: completion ${item.label}`); }
        c.edits(item.additionalTextEdits, `${at}: completion ${item.label} (additional)`);
        checked.completions++;
      }
      for (const loc of [...ls.definition(URI, p), ...ls.references(URI, p)]) {
        const target = loc.uri === URI ? c : new RangeChecker(ls.getFile(loc.uri)!.text);
        target.check(loc.range, `${at}: location at ${JSON.stringify(p)}`);
      }
      ls.splitAt(URI, p);
    }
    for (let k = 0; k < 3; k++) {
      const a = randomPosition();
      const b = randomPosition();
      const range = a.line < b.line || (a.line === b.line && a.character <= b.character) ? { start: a, end: b } : { start: b, end: a };
      const near = diagnostics.filter((d) => d.range.start.line <= range.end.line && d.range.end.line >= range.start.line);
      for (const action of ls.codeActions(URI, range, near)) {
        const edits = action.edit ? editsIn(action.edit, URI) : [];
        c.edits(edits, `${at}: action ${action.title}`);
        assert.doesNotThrow(() => applyTextEdits(text, edits), `${at}: action ${action.title}`);
        checked.actions++;
      }
    }
  }
  // The cases reach every feature.
  for (const [what, n] of Object.entries(checked)) assert.ok(n > 0, `no ${what} checked`);
});

test('an emoji (a surrogate pair) anywhere in broken YAML: no diagnostic range ends inside it, in any line-ending style', () => {
  // Errors the parser reports at one code unit (then widened to one character) land on emoji here.
  const bases = [
    'kind: TrafficSplit\napiVersion: split.smi-spec.io/v1alpha2\nmetadata:\n  name: x\nspec:\n  service: a\n  backends:\n  - service: b\n    weight: 1\n',
    'a: [1, 2\nb: "x\n',
    'x: {\n',
  ];
  const ls = new LanguageService();
  let checked = 0;
  for (const style of ['lf', 'crlf', 'cr'] as const) {
    for (const lf of bases) {
      const base = inStyle(lf, style);
      for (let i = 0; i <= base.length; i++) {
        const text = cleanOffset(base, i) === i ? base.slice(0, i) + '😀' + base.slice(i) : undefined;
        if (text === undefined) continue;
        ls.setFile(URI, text);
        const c = new RangeChecker(text);
        for (const d of ls.diagnostics(URI)) { c.check(d.range, `${JSON.stringify(text)}: ${String(d.code)}`); checked++; }
      }
    }
  }
  assert.ok(checked > 100);
});

const PIECES = ['', 'x', '\n', '\r', '\r\n', '---', '---\n', '\r---\r', '\n---\r\n', '-', ' ', '😀', '\u2028', 'kind: HTTPRoute\r', 'weight: 5', '#'];

test(`property: incremental edits in LSP positions give the parts, text and diagnostics of a fresh file (${CASES} seeded cases)`, () => {
  for (let seed = 1; seed <= CASES; seed++) {
    const rng = new Rng(10_000 + seed);
    let text = randomText(rng);
    const ls = new LanguageService();
    ls.setFile(URI, text);
    for (let step = 0; step < 6; step++) {
      const start = cleanOffset(text, rng.int(text.length + 1));
      const end = cleanOffset(text, Math.min(text.length, start + (rng.chance(0.4) ? 0 : rng.int(rng.chance(0.1) ? 200 : 8))));
      const insert = rng.chance(0.3) ? rng.pick(PIECES) + rng.pick(PIECES) : rng.pick(PIECES);
      const range = { start: positionAt(text, start), end: positionAt(text, end) };
      const at = `seed ${seed} step ${step}: ${JSON.stringify(range)} ${JSON.stringify(insert)} in ${JSON.stringify(text.slice(0, 200))}`;
      const file = ls.changeFile(URI, [{ range, text: insert }], step + 1)!;
      text = text.slice(0, start) + insert + text.slice(end);
      const fresh = new YamlFile(URI, text);
      assert.equal(file.text, text, at);
      assert.deepEqual(file.parts.map((p) => [p.text, p.start, p.startLine, p.lineBreaks]), fresh.parts.map((p) => [p.text, p.start, p.startLine, p.lineBreaks]), at);
      const again = new LanguageService();
      again.setFile(URI, text);
      // Lookups answer from what is indexed so far (an edit indexes its new parts at once): compare both fully indexed.
      ls.index.indexSome(Infinity);
      again.index.indexSome(Infinity);
      assert.deepEqual(ls.diagnostics(URI), again.diagnostics(URI), at);
    }
  }
});
