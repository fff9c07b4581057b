import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { deliveryDocumentOf, planDocumentOf, splitDocumentOf } from '../model/adapters';
import { controllerApiVersionFindings } from './deliveryApiVersion';
import { isOurControllerDocument } from '../model/documentKind';
import { DELIVERY_RULES, PLAN_RULES, RULES, type Finding } from './';
import { DIAGNOSTIC_CODES, SOURCE, type DiagnosticCode } from './codes';
import { collisionsByPart } from './ownership';
import type { YamlFile } from '../document/file';
import type { Span, YamlPart } from '../document/part';
import { validateAgainstSchema } from '../model/schemas/validate';
import { certainlyWellFormed } from '../document/wellFormed';
import { kubectlRead, rootMap } from '../document/yamlNodes';
import { lineEndOf } from '../document/lineBreaks';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

const MAX_SYNTAX_ERRORS = 20;

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

/** Findings that depend only on the part's text: syntax, schema and document rules (cached with the part). */
export function documentFindings(part: YamlPart, index: WorkspaceIndex): Finding[] {
  return part.memo('documentFindings', () => {
    if (part.doc.errors.length > 0) return parseErrorFindings(part);
    if (part.isControllerKind) return controllerDocumentFindings(part, index);
    const doc = splitDocumentOf(part);
    if (!doc) return [];
    const findings: Finding[] = [];
    const read = kubectlRead(part.doc);
    if ('error' in read) findings.push({ code: 'yaml-syntax', span: firstLine(part), message: `kubectl cannot read this document: ${read.error}` });
    if (doc.api) {
      for (const p of validateAgainstSchema(part.doc, doc.api.apiVersion, doc.kind)) {
        findings.push({ code: 'schema', span: { start: p.start, end: p.end }, message: p.message, data: { path: p.path } });
      }
    }
    for (const rule of RULES) if (rule.scope === 'document') findings.push(...rule.check({ doc, part, index }));
    return findings;
  });
}

/**
 * Findings of a Flagger or Argo Rollouts document (Canary, Rollout, their templates) or of a RolloutPlan from its own
 * text: its apiVersion, its schema, and the document rules of its model (delivery for a Canary or Rollout, plan for a
 * RolloutPlan: the registry row's adapter says which).
 */
function controllerDocumentFindings(part: YamlPart, index: WorkspaceIndex): Finding[] {
  if (!isOurControllerDocument(part)) return [];
  const findings: Finding[] = [];
  const read = kubectlRead(part.doc);
  if ('error' in read) findings.push({ code: 'yaml-syntax', span: firstLine(part), message: `kubectl cannot read this document: ${read.error}` });
  const apiVersion = controllerApiVersionFindings(part);
  findings.push(...apiVersion);
  const kind = rootMap(part.doc)?.get('kind');
  const version = rootMap(part.doc)?.get('apiVersion');
  if (apiVersion.length === 0 && typeof kind === 'string' && typeof version === 'string') {
    for (const p of validateAgainstSchema(part.doc, version, kind)) {
      findings.push({ code: 'schema', span: { start: p.start, end: p.end }, message: p.message, data: { path: p.path } });
    }
  }
  const doc = deliveryDocumentOf(part);
  if (doc) for (const rule of DELIVERY_RULES) if (rule.scope === 'document') findings.push(...rule.check({ doc, part, index }));
  const plan = planDocumentOf(part);
  if (plan) for (const rule of PLAN_RULES) if (rule.scope === 'document') findings.push(...rule.check({ doc: plan, part, index }));
  return findings;
}

/** The document's first line (at least one character): where an error about the whole document goes. */
function firstLine(part: YamlPart): Span {
  return { start: 0, end: Math.max(1, lineEndOf(part.text, 0)) };
}

/** The parser's errors as `yaml-syntax` findings. */
function parseErrorFindings(part: YamlPart): Finding[] {
  // One error per nesting level of a runaway flow collection helps nobody: the first few say it all.
  return part.doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({ code: 'yaml-syntax' as const, span: widen({ start: e.pos[0], end: e.pos[1] }, part), message: e.message }));
}

/**
 * `yaml-syntax` findings of a document of any kind (cached with the part). A part nothing has parsed yet is parsed only
 * when the line scan cannot vouch for it: a parse costs several times the scan, and a big file has thousands of context
 * documents. A parse made here is the one the index's facts then come from (`factsOf` reads a parsed part's tree).
 */
export function syntaxFindings(part: YamlPart): Finding[] {
  return part.memo('syntaxFindings', () => (!part.isParsed && certainlyWellFormed(part.text) ? [] : parseErrorFindings(part)));
}

const WORKSPACE_RULES = RULES.filter((r) => r.scope === 'workspace');
const DELIVERY_WORKSPACE_RULES = DELIVERY_RULES.filter((r) => r.scope === 'workspace');
const PLAN_WORKSPACE_RULES = PLAN_RULES.filter((r) => r.scope === 'workspace');

/** Findings of the workspace rules, cached with the part while the index's generation holds. */
function workspaceFindings(part: YamlPart, index: WorkspaceIndex): Finding[] {
  const generation = index.generation;
  const cached = part.cache.get('workspaceFindings') as { generation: number; findings: Finding[] } | undefined;
  if (cached?.generation === generation) return cached.findings;
  let findings: Finding[] = [];
  if (part.doc.errors.length === 0 && part.isControllerKind) {
    const delivery = isOurControllerDocument(part) ? deliveryDocumentOf(part) : undefined;
    if (delivery) findings = DELIVERY_WORKSPACE_RULES.flatMap((rule) => rule.check({ doc: delivery, part, index }));
    const plan = delivery ? undefined : planDocumentOf(part);
    if (plan) findings = PLAN_WORKSPACE_RULES.flatMap((rule) => rule.check({ doc: plan, part, index }));
  } else {
    const doc = part.doc.errors.length === 0 ? splitDocumentOf(part) : undefined;
    if (doc) findings = WORKSPACE_RULES.flatMap((rule) => rule.check({ doc, part, index }));
  }
  part.cache.set('workspaceFindings', { generation, findings });
  return findings;
}

/** All findings of a split part: document findings, plus the workspace rules' unless `withWorkspace` is false. */
export function partFindings(part: YamlPart, index: WorkspaceIndex, withWorkspace = true): Finding[] {
  const own = documentFindings(part, index);
  if (!withWorkspace) return own;
  const cross = workspaceFindings(part, index);
  return cross.length > 0 ? [...own, ...cross] : own;
}

/**
 * Diagnostics of every split document of a file, and the syntax errors of its other documents (other kinds are read
 * for context, not diagnosed; but kubectl refuses the whole file for one that does not parse). With `yamlSyntax` false
 * (another YAML server reports syntax errors) no `yaml-syntax` at all, and a split document that does not parse says
 * nothing.
 */
export function fileDiagnostics(file: YamlFile, index: WorkspaceIndex, withWorkspace = true, yamlSyntax = true): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A template file is not YAML until it is rendered: skipped quietly, whole.
  if (file.parts.some((p) => p.templated)) return out;
  // Hand-written context documents under a name a Canary or Rollout generates (one lookup a part; none without owners).
  const collisions = withWorkspace ? collisionsByPart(index) : undefined;
  for (const part of file.parts) {
    if (!part.isAnalysed) {
      // Not in the quick first pass of a big file (`withWorkspace` false): its context documents wait for the complete one.
      if (yamlSyntax && withWorkspace) for (const f of syntaxFindings(part)) out.push(toDiagnostic(part, f));
      const collides = collisions?.size ? collisions.get(part) : undefined;
      if (collides) for (const f of collides) out.push(toDiagnostic(part, f));
      continue;
    }
    if (!yamlSyntax && part.doc.errors.length > 0) continue;
    // Cached with ranges relative to the part, so an edit above only shifts them; and shifted, while the part stays put.
    const key = withWorkspace ? index.generation : -1;
    let cached = part.cache.get('diagnostics') as { key: number; list: Diagnostic[]; line: number; shifted: Diagnostic[] } | undefined;
    if (cached?.key !== key) {
      const base = part.startLine;
      const list = partFindings(part, index, withWorkspace).map((f) => shift(toDiagnostic(part, f), -base));
      cached = { key, list, line: 0, shifted: list };
      part.cache.set('diagnostics', cached);
    }
    if (cached.line !== part.startLine) {
      cached.line = part.startLine;
      cached.shifted = cached.list.map((d) => shift(d, part.startLine));
    }
    for (const d of cached.shifted) out.push(d);
  }
  return out;
}

/**
 * The costly part of `fileDiagnostics` (parses, rules: what its per-part caches keep), from part `from` on, until
 * `stop()` says so; returns the index of the first part not done (`file.parts.length` when all are). Then
 * `fileDiagnostics` only gathers. Lets a caller with a clock spread a big file over several turns of its event loop;
 * the service has no clock of its own.
 */
export function prepareFileDiagnostics(file: YamlFile, index: WorkspaceIndex, withWorkspace: boolean, yamlSyntax: boolean, from: number, stop: () => boolean): number {
  // A template file gets no diagnostics at all (see fileDiagnostics): nothing to prepare.
  if (from <= 0 && file.parts.some((p) => p.templated)) return file.parts.length;
  // One part at least per call, however late: every call makes progress.
  for (let i = Math.max(0, from); i < file.parts.length;) {
    const part = file.parts[i++]!;
    if (part.isAnalysed) {
      // What partFindings caches, without the merged list it would allocate for every part of every pass.
      documentFindings(part, index);
      if (withWorkspace) workspaceFindings(part, index);
    } else if (yamlSyntax && withWorkspace) {
      syntaxFindings(part);
    }
    if (i < file.parts.length && stop()) return i;
  }
  return file.parts.length;
}

const DEPRECATED: DiagnosticCode = 'trafficsplit-deprecated';

/**
 * One `trafficsplit-deprecated` hint per file, on its first TrafficSplit, saying how many the file has. The same hint on
 * each of 6,000 TrafficSplits said nothing the first one does not, and was a fifth of what every edit republished;
 * each split still converts with the code action at its kind (features/refactors.ts), the first one also as this
 * hint's quick fix. `list` is not changed.
 */
export function oneDeprecationHint(list: readonly Diagnostic[]): Diagnostic[] {
  let first = -1;
  let count = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.code !== DEPRECATED) continue;
    if (first < 0) first = i;
    count++;
  }
  if (count <= 1) return list as Diagnostic[];
  const out: Diagnostic[] = [];
  for (let i = 0; i < list.length; i++) {
    const d = list[i]!;
    // toDiagnostic makes every message a string.
    if (i === first) out.push({ ...d, message: `${d.message as string}. ${count} TrafficSplits in this file: shown once, here; each converts with the code action at its kind` });
    else if (d.code !== DEPRECATED) out.push(d);
  }
  return out;
}

function shift(d: Diagnostic, lines: number): Diagnostic {
  const { start, end } = d.range;
  return { ...d, range: { start: { line: start.line + lines, character: start.character }, end: { line: end.line + lines, character: end.character } } };
}

/**
 * What the client shows, and no more: LSP publishes a file's whole list after every edit, so each byte here is sent
 * again per diagnostic per keystroke (30,000 diagnostics made 11 MB). A finding's `data` stays on the server: a quick
 * fix finds the finding again by code and range (features/quickFixes.ts, `findingData`).
 */
export function toDiagnostic(part: YamlPart, f: Finding): Diagnostic {
  return { range: part.rangeOf(f.span), severity: SEVERITY[DIAGNOSTIC_CODES[f.code].severity], code: f.code, source: SOURCE, message: f.message };
}

export function isDiagnosticCode(code: unknown): code is DiagnosticCode {
  return typeof code === 'string' && code in DIAGNOSTIC_CODES;
}

/** An empty error span still needs one visible character (or the last one at the end of the part). */
function widen(span: Span, part: YamlPart): Span {
  const len = part.text.length;
  const start = Math.max(0, Math.min(span.start, len));
  const end = Math.max(start, Math.min(span.end, len));
  // A span that ends between the \r and \n of a CRLF takes the \n too: it ends at the next line's start, as for LF
  // (a position between them is the end of the line, which would leave a span of just the \r empty).
  if (end > start) return { start, end: part.text[end - 1] === '\r' && part.text[end] === '\n' ? end + 1 : end };
  // On a CRLF, take both characters (the range then ends at the next line's start, as it does for LF).
  if (part.text[start] === '\r' && part.text[start + 1] === '\n') return { start, end: start + 2 };
  return start < len ? { start, end: start + 1 } : { start: Math.max(0, len - 1), end: len };
}
