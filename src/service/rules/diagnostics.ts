import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import { DIAGNOSTIC_CODES, SOURCE, type DiagnosticCode } from './codes';
import type { YamlFile } from '../document/file';
import type { Span, YamlPart } from '../document/part';
import { RULES, type Finding } from './';
import { validateAgainstSchema } from '../model/schemas/validate';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

const MAX_SYNTAX_ERRORS = 20;

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, hint: DiagnosticSeverity.Hint } as const;

/** Findings that depend only on the part's text: syntax, schema and document rules (cached with the part). */
export function documentFindings(part: YamlPart, index: WorkspaceIndex): Finding[] {
  return part.memo('documentFindings', () => {
    const errors = part.doc.errors;
    if (errors.length > 0) {
      // One error per nesting level of a runaway flow collection helps nobody: the first few say it all.
      return errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({ code: 'yaml-syntax' as const, span: widen({ start: e.pos[0], end: e.pos[1] }, part), message: e.message }));
    }
    const doc = splitDocumentOf(part);
    if (!doc) return [];
    const findings: Finding[] = [];
    if (doc.api) {
      for (const p of validateAgainstSchema(part.doc, doc.api.apiVersion, doc.kind)) {
        findings.push({ code: 'schema', span: { start: p.start, end: p.end }, message: p.message, data: { path: p.path } });
      }
    }
    for (const rule of RULES) if (rule.scope === 'document') findings.push(...rule.check({ doc, part, index }));
    return findings;
  });
}

const WORKSPACE_RULES = RULES.filter((r) => r.scope === 'workspace');

/** Findings of the workspace rules, cached with the part while the index's generation holds. */
function workspaceFindings(part: YamlPart, index: WorkspaceIndex): Finding[] {
  const generation = index.generation;
  const cached = part.cache.get('workspaceFindings') as { generation: number; findings: Finding[] } | undefined;
  if (cached?.generation === generation) return cached.findings;
  const doc = part.doc.errors.length === 0 ? splitDocumentOf(part) : undefined;
  const findings = doc ? WORKSPACE_RULES.flatMap((rule) => rule.check({ doc, part, index })) : [];
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

/** Diagnostics of every split document of a file (other kinds are read for context, not diagnosed). */
export function fileDiagnostics(file: YamlFile, index: WorkspaceIndex, withWorkspace = true): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A template file is not YAML until it is rendered: skipped quietly, whole.
  if (file.parts.some((p) => p.templated)) return out;
  for (const part of file.parts) {
    if (!part.isSplit) continue;
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

function shift(d: Diagnostic, lines: number): Diagnostic {
  const { start, end } = d.range;
  return { ...d, range: { start: { line: start.line + lines, character: start.character }, end: { line: end.line + lines, character: end.character } } };
}

export function toDiagnostic(part: YamlPart, f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: part.rangeOf(f.span),
    severity: SEVERITY[DIAGNOSTIC_CODES[f.code].severity],
    code: f.code,
    source: SOURCE,
    message: f.message,
  };
  if (f.data !== undefined) d.data = f.data;
  return d;
}

export function isDiagnosticCode(code: unknown): code is DiagnosticCode {
  return typeof code === 'string' && code in DIAGNOSTIC_CODES;
}

/** An empty error span still needs one visible character (or the last one at the end of the part). */
function widen(span: Span, part: YamlPart): Span {
  const len = part.text.length;
  const start = Math.max(0, Math.min(span.start, len));
  const end = Math.max(start, Math.min(span.end, len));
  if (end > start) return { start, end };
  // On a CRLF, take both characters (the range then ends at the next line's start, as it does for LF).
  if (part.text[start] === '\r' && part.text[start + 1] === '\n') return { start, end: start + 2 };
  return start < len ? { start, end: start + 1 } : { start: Math.max(0, len - 1), end: len };
}
