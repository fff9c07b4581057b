import { CodeActionKind, type CodeAction, type Diagnostic, type Position, type TextEdit } from 'vscode-languageserver-types';
import { action, intField, stringField } from './actionSupport';
import type { FeatureContext } from './context';
import { deliveryDocumentOf } from '../model/adapters';
import type { DeliveryDocument } from '../model/delivery';
import type { YamlPart } from '../document/part';
import type { DiagnosticCode } from '../rules/codes';
import type { Finding } from '../rules/rule';
import { partFindings } from '../rules/diagnostics';
import { deleteSeqItem, insertPair } from '../document/yamlEdits'; // editAt: imported below, with the Argo section's
import { pairOf, spanOf } from '../document/yamlNodes';
import { canarySpecOf, type CanarySpec } from '../model/adapters/canarySpec';
import { rolloutSpecOf } from '../model/adapters/rollout';
import { editAt, requote } from '../document/yamlEdits';
import { parseGoDuration } from '../model/durations';

/**
 * Quick fixes for the diagnostics of Flagger Canaries and Argo Rollouts (the delivery rules), called from
 * `quickFixes.ts`. One section per controller; each adds its builders to its own table.
 */

export interface DeliveryLocated { part: YamlPart; doc: DeliveryDocument }

export type DeliveryFix = (ctx: FeatureContext, at: DeliveryLocated, d: Diagnostic, finding: Finding) => CodeAction[];

/** The delivery document at a position, when the part is one and parses cleanly. */
export function deliveryDocumentAt(ctx: FeatureContext, position: Position): DeliveryLocated | undefined {
  const part = ctx.file.partAt(position);
  if (!part.isControllerKind || part.doc.errors.length > 0) return undefined;
  const doc = deliveryDocumentOf(part);
  return doc ? { part, doc } : undefined;
}

/**
 * The finding a diagnostic shows, found again among the part's findings by code and range (published diagnostics
 * carry no `data`); undefined when the text has moved on since, so a stale diagnostic offers nothing.
 */
function findingOf(ctx: FeatureContext, part: YamlPart, d: Diagnostic): Finding | undefined {
  return partFindings(part, ctx.index).find((f) => {
    if (f.code !== d.code) return false;
    const r = part.rangeOf(f.span);
    return r.start.line === d.range.start.line && r.start.character === d.range.start.character
      && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
  });
}

export function deliveryQuickFix(ctx: FeatureContext, d: Diagnostic, title: string, edits: TextEdit[], preferred: boolean): CodeAction {
  return action(ctx, title, CodeActionKind.QuickFix, edits, { diagnostics: [d], ...(preferred ? { isPreferred: true } : {}) });
}

// ---- Flagger ------------------------------------------------------------------------------------------------------

/** The Canary fields of a located document (rules/flagger.ts reads the same). */
function canaryAt(at: DeliveryLocated): CanarySpec | undefined {
  return at.doc.controller === 'Flagger' ? canarySpecOf(at.part.doc) : undefined;
}

const dataOf = (f: Finding): Record<string, unknown> => (f.data !== null && typeof f.data === 'object' ? (f.data as Record<string, unknown>) : {});

/** A weight out of range: write the one the rule names (`stepWeight` → maxWeight, `maxWeight` → 100). */
function setWeight(ctx: FeatureContext, at: DeliveryLocated, d: Diagnostic, finding: Finding): CodeAction[] {
  const data = dataOf(finding);
  const field = stringField(data, 'field');
  const value = intField(data, 'value');
  if (data.fix !== 'set' || !field || value === undefined) return [];
  // Only a number written in place (an inherited value sits behind its `*alias`, which must not be overwritten).
  if (!/^[-+]?[0-9][0-9._]*$/.test(at.part.text.slice(finding.span.start, finding.span.end))) return [];
  return [deliveryQuickFix(ctx, d, `Set ${field} to ${value}`, [editAt(at.part, finding.span, String(value))], true)];
}

/** stepWeights out of order: the same weights, ascending, each once (items written in place, all whole and ≥ 1). */
function sortStepWeights(ctx: FeatureContext, at: DeliveryLocated, d: Diagnostic, finding: Finding): CodeAction[] {
  const data = dataOf(finding);
  const steps = canaryAt(at)?.analysis?.stepWeights;
  const sorted = Array.isArray(data.sorted) ? data.sorted.filter((v): v is number => typeof v === 'number') : [];
  if (data.fix !== 'sort' || !steps?.own || sorted.length === 0 || sorted.length > steps.node.items.length) return [];
  const edits: TextEdit[] = [];
  steps.node.items.forEach((item, i) => {
    const span = spanOf(item as { range?: [number, number, number] });
    if (i < sorted.length) {
      if (span) edits.push(editAt(at.part, span, String(sorted[i])));
      return;
    }
    const edit = deleteSeqItem(at.part, steps.node, i);
    if (edit) edits.push(edit);
  });
  if (edits.length !== steps.node.items.length) return [];
  const dropped = steps.node.items.length - sorted.length;
  return [deliveryQuickFix(ctx, d, `Sort stepWeights: [${sorted.join(', ')}]${dropped > 0 ? ' (duplicates removed)' : ''}`, edits, true)];
}

/** The ports the rule found declared on the target, at most a few: one action each. */
function declaredPorts(data: Record<string, unknown>): { port: number; name?: string }[] {
  const ports = Array.isArray(data.ports) ? data.ports : [];
  return ports.flatMap((p: unknown) => {
    const port = p !== null && typeof p === 'object' ? intField(p as Record<string, unknown>, 'port') : undefined;
    const name = p !== null && typeof p === 'object' ? stringField(p as Record<string, unknown>, 'name') : undefined;
    return port !== undefined ? [{ port, ...(name !== undefined ? { name } : {}) }] : [];
  }).slice(0, 5);
}

const portWords = (p: { port: number; name?: string }): string => (p.name ? `${p.port} (${p.name})` : String(p.port));

/**
 * service.port missing, or the port the Services send to not on the target's containers: one action per declared
 * container port, preferred when there is only one. A missing port is added as `port`; a wrong one gets a
 * `targetPort` (set in place when written, else added after `port`), so the Services keep the port clients use.
 */
function fixPort(ctx: FeatureContext, at: DeliveryLocated, d: Diagnostic, finding: Finding): CodeAction[] {
  const data = dataOf(finding);
  const service = canaryAt(at)?.service;
  const ports = declaredPorts(data);
  if (!service?.own || ports.length === 0) return [];
  const preferred = ports.length === 1;
  if (data.fix === 'port') {
    if (service.portWritten) return [];
    return ports.flatMap((p) => {
      const edit = insertPair(at.part, service.node, 'port', String(p.port), pairOf(service.node, 'name'));
      return edit ? [deliveryQuickFix(ctx, d, `Add port: ${p.port} (a port of the target's containers${p.name ? `, ${p.name}` : ''})`, [edit], preferred)] : [];
    });
  }
  if (data.fix !== 'targetPort') return [];
  if (data.written === true) {
    const written = service.targetPort;
    if (!written || at.part.text.slice(written.span.start, written.span.end) !== String(written.value)) return [];
    return ports.map((p) => deliveryQuickFix(ctx, d, `Set targetPort to ${portWords(p)}`, [editAt(at.part, written.span, String(p.port))], preferred));
  }
  return ports.flatMap((p) => {
    const edit = insertPair(at.part, service.node, 'targetPort', String(p.port), pairOf(service.node, 'port'));
    return edit ? [deliveryQuickFix(ctx, d, `Add targetPort: ${portWords(p)}`, [edit], preferred)] : [];
  });
}

/** canary-weights-invalid has two kinds of fix, told apart by the finding's data. */
function fixWeights(ctx: FeatureContext, at: DeliveryLocated, d: Diagnostic, finding: Finding): CodeAction[] {
  return dataOf(finding).fix === 'sort' ? sortStepWeights(ctx, at, d, finding) : setWeight(ctx, at, d, finding);
}

const FLAGGER_FIXES: Partial<Record<DiagnosticCode, DeliveryFix>> = {
  'canary-weights-invalid': fixWeights,
  'canary-port-invalid': fixPort,
};

// ---- Argo Rollouts ------------------------------------------------------------------------------------------------

/** The Rollout step whose setWeight or pause duration a finding points at, when that scalar is written in place. */
function rolloutScalarAt(at: DeliveryLocated, span: { start: number; end: number }, field: 'setWeight' | 'duration'): boolean {
  return (rolloutSpecOf(at.doc)?.steps ?? []).some((s) => {
    const v = field === 'setWeight' ? s.setWeight : s.pause?.duration;
    return v?.written === true && v.span.start === span.start && v.span.end === span.end;
  });
}

/** setWeight outside 0..max: the nearest weight Argo Rollouts accepts (120 → 100, -5 → 0). */
const fixRolloutWeight: DeliveryFix = (ctx, at, d, finding) => {
  const data = finding.data as { fixed?: unknown } | undefined;
  const fixed = data?.fixed;
  if (typeof fixed !== 'number' || !rolloutScalarAt(at, finding.span, 'setWeight')) return [];
  return [deliveryQuickFix(ctx, d, `Set setWeight to ${fixed}`, [editAt(at.part, finding.span, String(fixed))], true)];
};

/** A pause in days (`1d`, `1d12h`: Go's time.ParseDuration has no days): the same time in hours, minutes and seconds. */
const fixRolloutPause: DeliveryFix = (ctx, at, d, finding) => {
  if (!rolloutScalarAt(at, finding.span, 'duration')) return [];
  const written = at.part.text.slice(finding.span.start, finding.span.end);
  const plain = written.replace(/^["']|["']$/g, '');
  const m = /^(\d+)d(.*)$/.exec(plain);
  const rest = m ? (m[2] === '' ? 0 : parseGoDuration(m[2]!)) : undefined;
  if (!m || rest === undefined || rest < 0) return [];
  const total = Number(m[1]) * 86400 + rest;
  if (!Number.isInteger(total)) return [];
  const [h, min, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const go = `${h > 0 ? `${h}h` : ''}${min > 0 ? `${min}m` : ''}${sec > 0 || total === 0 ? `${sec}s` : ''}`;
  return [deliveryQuickFix(ctx, d, `Write ${plain} as ${go}`, [editAt(at.part, finding.span, requote(written, go))], true)];
};

const ARGO_FIXES: Partial<Record<DiagnosticCode, DeliveryFix>> = {
  'rollout-weight-invalid': fixRolloutWeight,
  'rollout-pause-invalid': fixRolloutPause,
};

// ---------------------------------------------------------------------------------------------------------------------

const DELIVERY_FIXES: Partial<Record<DiagnosticCode, DeliveryFix>> = { ...FLAGGER_FIXES, ...ARGO_FIXES };

/** The fixes of a diagnostic of a Canary or Rollout; undefined when the diagnostic is not in one (the split fixes answer). */
export function deliveryQuickFixes(ctx: FeatureContext, d: Diagnostic, code: DiagnosticCode): CodeAction[] | undefined {
  const at = deliveryDocumentAt(ctx, d.range.start);
  if (!at) return undefined;
  const fix = DELIVERY_FIXES[code];
  const finding = fix ? findingOf(ctx, at.part, d) : undefined;
  return fix && finding ? fix(ctx, at, d, finding) : [];
}
