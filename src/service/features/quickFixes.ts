import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { action, apexPorts, intField, pointsAt, splitDocumentAt, stringField, type Located } from './actionSupport';
import { partFindings } from '../rules/diagnostics';
import type { DiagnosticCode } from '../rules/codes';
import { convertAction } from './refactors';
import type { FeatureContext } from './context';
import type { Split, SplitDocument } from '../model/split';
import type { Span, YamlPart } from '../document/part';
import type { Finding } from '../rules/rule';
import { serviceStubText } from './serviceStub';
import { weightEdits } from './weightEdits';
import { deleteSeqItem, editAt, insertPair } from '../document/yamlEdits';
import { endsWithLineBreak } from '../document/lineBreaks';
import { pairOf } from '../document/yamlNodes';
import { yaml11Difference } from '../rules/yaml11';
import { deliveryQuickFixes } from './deliveryFixes';
import { nearestApiVersion, negativeWeightToZero } from './obviousFixes';

/** Quick fixes for Canary Lens diagnostics, one builder per code that has a fix. */

type Fix = (ctx: FeatureContext, at: Located, d: Diagnostic) => CodeAction[];

const FIXES: Partial<Record<DiagnosticCode, Fix>> = {
  'weights-all-zero': fixAllZero,
  'duplicate-backend': removeDuplicate,
  'backend-ref-port-missing': addPort,
  'service-not-found': createService,
  'trafficsplit-deprecated': convert,
  'yaml-1-1-value': yaml11Fixes,
  'weight-invalid': negativeWeightToZero,
};

/** Fixes that read only the part, for split and controller kinds alike (before either's own table). */
const PART_FIXES: Partial<Record<DiagnosticCode, (ctx: FeatureContext, d: Diagnostic) => CodeAction[]>> = {
  'unknown-api-version': nearestApiVersion,
};

export function quickFixes(ctx: FeatureContext, d: Diagnostic, code: DiagnosticCode): CodeAction[] {
  const partFix = PART_FIXES[code];
  if (partFix) return partFix(ctx, d);
  const delivery = deliveryQuickFixes(ctx, d, code); // a Canary's or a Rollout's: features/deliveryFixes.ts
  if (delivery) return delivery;
  const fix = FIXES[code];
  const at = fix ? splitDocumentAt(ctx, d.range.start) : undefined;
  return fix && at ? fix(ctx, at, d) : [];
}

function quickFix(ctx: FeatureContext, d: Diagnostic, title: string, edits: TextEdit[], preferred: boolean): CodeAction {
  return action(ctx, title, CodeActionKind.QuickFix, edits, { diagnostics: [d], ...(preferred ? { isPreferred: true } : {}) });
}

/**
 * What the rule knew when it found the problem `d` shows (which split, which backend, which Service): published
 * diagnostics carry no `data` (rules/diagnostics.ts, `toDiagnostic`), so the finding is looked up again among the
 * part's findings, cached with the part, by code and range. None (an empty record) when the text has moved on since.
 */
function findingData(ctx: FeatureContext, at: Located, d: Diagnostic): Record<string, unknown> {
  const f = findingsByRange(ctx, at.part).get(rangeKey(String(d.code), d.range));
  return f?.data !== null && typeof f?.data === 'object' ? (f.data as Record<string, unknown>) : {};
}

const rangeKey = (code: string, r: Range): string => `${code} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/**
 * The part's findings by code and range, built once per index generation and place of the part in the file: a client
 * asks for the actions of every diagnostic of a range at once, and a search per diagnostic made 7,800 of them take 30 s.
 */
function findingsByRange(ctx: FeatureContext, part: YamlPart): Map<string, Finding> {
  const key = `${ctx.index.generation}@${part.startLine}`;
  const cached = part.cache.get('findingsByRange') as { key: string; map: Map<string, Finding> } | undefined;
  if (cached?.key === key) return cached.map;
  const map = new Map<string, Finding>();
  for (const f of partFindings(part, ctx.index)) {
    const k = rangeKey(f.code, part.rangeOf(f.span));
    if (!map.has(k)) map.set(k, f);
  }
  part.cache.set('findingsByRange', { key, map });
  return map;
}

/** The splits of a document by where their apex and backend names start, to find the one a diagnostic points at. */
function namesByStart(part: YamlPart, doc: SplitDocument): { apexes: Map<number, Split>; backends: Map<number, { split: Split; name: Span }> } {
  return part.memo('namesByStart', () => {
    const apexes = new Map<number, Split>();
    const backends = new Map<number, { split: Split; name: Span }>();
    for (const s of doc.splits) {
      if (s.apex && !apexes.has(s.apex.name.span.start)) apexes.set(s.apex.name.span.start, s);
      for (const b of s.backends) if (b.name && !backends.has(b.name.span.start)) backends.set(b.name.span.start, { split: s, name: b.name.span });
    }
    return { apexes, backends };
  });
}

/** Backend `i` of a split: at its place in the list as a rule, found by search only if not (linear per fix, else quadratic over a split's diagnostics). */
function backendAt(split: Split | undefined, i: number | undefined): Split['backends'][number] | undefined {
  if (!split || i === undefined) return undefined;
  const placed = split.backends[i];
  return placed?.index === i ? placed : split.backends.find((b) => b.index === i);
}

function splitOf(ctx: FeatureContext, at: Located, d: Diagnostic): Split | undefined {
  const i = intField(findingData(ctx, at, d), 'split');
  return i === undefined ? undefined : at.doc.splits.find((s) => s.index === i);
}

/** Every weight is 0: the first backend takes the whole total (100, or 1 = 1000m for quantities). */
function fixAllZero(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  const split = splitOf(ctx, at, d);
  const first = split?.backends[0];
  if (!split || !first || !split.backends.every((b) => b.weight.units === 0)) return [];
  const unit = at.doc.api?.weightUnit;
  const total = unit === 'quantity' ? 1000 : 100;
  const edits = weightEdits(at.part, split, split.backends.map((_, i) => (i === 0 ? total : 0)), unit);
  if (!Array.isArray(edits)) return [];
  return [quickFix(ctx, d, `Give ${first.name?.value ?? 'the first backend'} the whole weight`, edits, true)];
}

function removeDuplicate(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  const split = splitOf(ctx, at, d);
  const i = intField(findingData(ctx, at, d), 'backend');
  const backend = backendAt(split, i);
  if (!split?.backendsNode || !backend?.name || !pointsAt(at.part, d, backend.name.span)) return [];
  const edit = deleteSeqItem(at.part, split.backendsNode, backend.index);
  return edit ? [quickFix(ctx, d, `Remove duplicate backend ${backend.name.value}`, [edit], true)] : [];
}

/** The backend Service's port that the apex sends to, else its first port; nothing when the Service is unknown. */
function addPort(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  const split = splitOf(ctx, at, d);
  const i = intField(findingData(ctx, at, d), 'backend');
  const backend = backendAt(split, i);
  if (!backend?.node || !backend.name || backend.port || !pointsAt(at.part, d, backend.name.span)) return [];
  const svc = ctx.index.services(backend.ns, backend.name.value)[0];
  const ports = svc?.ports.map((p) => p.port) ?? [];
  const port = apexPorts(ctx, at.doc, split).find((p) => ports.includes(p)) ?? ports[0];
  if (port === undefined) return [];
  const edit = insertPair(at.part, backend.node, 'port', String(port), pairOf(backend.node, 'name'));
  return edit ? [quickFix(ctx, d, `Add port: ${port} (from Service ${backend.name.value})`, [edit], true)] : [];
}

/**
 * A stub Service after the document. Port: the backendRef's own port (the route sends there), else the apex's
 * port (a TrafficSplit backend must have it), else 80. For a missing apex: its parentRef port, else a known
 * backend Service's first port, else 80.
 */
function createService(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  const data = findingData(ctx, at, d);
  const name = stringField(data, 'name');
  const ns = stringField(data, 'ns');
  if (!name || !ns) return [];
  const { part, doc } = at;
  const start = part.offsetAt(d.range.start);
  const { apexes, backends } = namesByStart(part, doc);
  const apexSplit = apexes.get(start);
  const asApex = apexSplit?.apex && pointsAt(part, d, apexSplit.apex.name.span) ? apexSplit : undefined;
  const backend = backends.get(start);
  const asBackend = backend && pointsAt(part, d, backend.name) ? backend.split : undefined;
  if (!asApex && !asBackend) return [];
  let port = intField(data, 'port');
  if (asApex) {
    port ??= asApex.apex?.port?.value ?? asApex.backends
      .map((b) => (b.name ? ctx.index.services(b.ns, b.name.value)[0]?.ports[0]?.port : undefined))
      .find((p) => p !== undefined);
  } else {
    port ??= apexPorts(ctx, doc, asBackend)[0];
  }
  // Name the namespace only where the split does (or the Service lives elsewhere): the stub lands beside it.
  const namespace = doc.namespace || ns !== doc.ns ? ns : undefined;
  const eol = part.eol;
  const end = part.text.length;
  const lead = end === 0 || endsWithLineBreak(part.text) ? '' : eol;
  const text = lead + serviceStubText({ name, port: port ?? 80, ...(namespace !== undefined ? { namespace } : {}) }, eol);
  return [quickFix(ctx, d, `Create Service ${name}${namespace ? ` in ${namespace}` : ''}`, [editAt(part, { start: end, end }, text)], false)];
}

function convert(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  if (!pointsAt(at.part, d, at.doc.kindSpan)) return [];
  const a = convertAction(ctx, at, CodeActionKind.QuickFix);
  return a ? [{ ...a, diagnostics: [d], isPreferred: true }] : [];
}

/**
 * A plain scalar kubectl reads as YAML 1.1: write the value kubectl reads, or quote the text for the string. Both are
 * offered, neither preferred: `1_000` is most likely the number, `yes` in a header value the string. Read again from
 * the text under the diagnostic, so a stale diagnostic offers nothing.
 */
function yaml11Fixes(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  const span = { start: at.part.offsetAt(d.range.start), end: at.part.offsetAt(d.range.end) };
  const source = at.part.text.slice(span.start, span.end);
  const difference = yaml11Difference(source);
  if (!difference) return [];
  const { replacement, quoted } = difference.data;
  return [
    ...(replacement ? [quickFix(ctx, d, `Write ${replacement} (what kubectl reads)`, [editAt(at.part, span, replacement)], false)] : []),
    quickFix(ctx, d, `Quote ${source} as the string ${quoted}`, [editAt(at.part, span, quoted)], false),
  ];
}
