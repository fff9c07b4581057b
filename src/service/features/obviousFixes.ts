import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import { isScalar, visit, type Node } from 'yaml';
import { action, pointsAt, type Located } from './actionSupport';
import type { FeatureContext } from './context';
import type { Backend } from '../model/split';
import type { WeightUnit } from './weightEdits';
import { servedVersions } from '../model/kinds';
import { nearestVersion } from '../model/kubeVersions';
import { parseQuantity } from '../model/weights';
import { editAt, isBlockScalarSource, requote } from '../document/yamlEdits';
import { pairOf, rootMap, spanOf, stringAt } from '../document/yamlNodes';
import type { YamlPart } from '../document/part';

/**
 * Quick fixes whose edit is obvious from the text under the diagnostic: a negative weight becomes 0, an apiVersion
 * of a known group that nobody serves becomes the nearest served one. Each reads the text again and offers nothing
 * when it no longer matches (a stale diagnostic) or when the value is not written in place (an alias, a merge key:
 * rewriting the anchor would change its other readers).
 */

function fix(ctx: FeatureContext, d: Diagnostic, title: string, edits: TextEdit[]): CodeAction {
  return action(ctx, title, CodeActionKind.QuickFix, edits, { diagnostics: [d], isPreferred: true });
}

/** A split document's backends by where their written weight starts (one lookup per diagnostic, not a search). */
function backendsByWeight(at: Located): Map<number, Backend> {
  return at.part.memo('backendsByWeight', () => {
    const map = new Map<number, Backend>();
    for (const s of at.doc.splits) for (const b of s.backends) if (b.weight.span) map.set(b.weight.span.start, b);
    return map;
  });
}

/** Whether a weight's value is a negative number in the split's unit (and nothing else is wrong with it). */
function isNegative(value: unknown, unit: WeightUnit | undefined): boolean {
  if (unit === 'quantity') {
    if (typeof value === 'number') return Number.isFinite(value) && value < 0;
    if (typeof value !== 'string' || !/^-[0-9.]/.test(value)) return false;
    const q = parseQuantity(value.slice(1));
    return !('error' in q) && q.milli > 0;
  }
  return typeof value === 'number' && Number.isSafeInteger(value) && value < 0;
}

/**
 * `weight-invalid` on a negative weight written in place: 0. Both units read `0` alike (a v1alpha1 quantity `0` is
 * `0m`), so `-500m` becomes `0`; quotes are kept.
 */
export function negativeWeightToZero(ctx: FeatureContext, at: Located, d: Diagnostic): CodeAction[] {
  const backend = backendsByWeight(at).get(at.part.offsetAt(d.range.start));
  const span = backend?.weight.span;
  if (!backend || !span || backend.weight.isAlias || backend.weight.inheritedFrom || !pointsAt(at.part, d, span)) return [];
  const node = pairOf(backend.node, 'weight')?.value;
  // An anchored weight (or backend, or list) may be read elsewhere through an alias: rewriting it would change that too.
  if (!isScalar(node) || insideAnchor(at.part, span.start)) return [];
  const written = at.part.text.slice(span.start, span.end);
  if (isBlockScalarSource(written) || !isNegative(node.value, at.doc.api?.weightUnit)) return [];
  return [fix(ctx, d, 'Set weight to 0', [editAt(at.part, span, requote(written, '0'))])];
}

/** Whether an anchored node holds `offset` (the offset's own scalar included). */
function insideAnchor(part: YamlPart, offset: number): boolean {
  if (!part.text.includes('&')) return false;
  let found = false;
  visit(part.doc, {
    Node(_key, node: Node) {
      const r = node.range;
      if (!r || offset < r[0] || offset >= r[1]) return visit.SKIP;
      if (node.anchor) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * `unknown-api-version` on `group/version` where the kind is served under `group` but not at `version`: the nearest
 * served version of that group (model/kubeVersions.ts). Split and controller kinds alike: the registry's
 * `servedVersions` knows both. Nothing for an unknown group, a missing apiVersion, or one not written in place.
 */
export function nearestApiVersion(ctx: FeatureContext, d: Diagnostic): CodeAction[] {
  const part = ctx.file.partAt(d.range.start);
  if (!part.isAnalysed || part.doc.errors.length > 0) return [];
  const replacement = nearestApiVersionEdit(part, d);
  return replacement ? [fix(ctx, d, `Change to ${replacement.apiVersion}`, [replacement.edit])] : [];
}

function nearestApiVersionEdit(part: YamlPart, d: Diagnostic): { apiVersion: string; edit: TextEdit } | undefined {
  const root = rootMap(part.doc);
  const kind = stringAt(root, 'kind', part.doc)?.value;
  // The root's own pair only: an apiVersion inherited through `<<` is not rewritten.
  const node = pairOf(root, 'apiVersion')?.value;
  const span = spanOf(node);
  if (!kind || !isScalar(node) || node.anchor || typeof node.value !== 'string' || !span || !pointsAt(part, d, span)) return undefined;
  const slash = node.value.lastIndexOf('/');
  if (slash <= 0) return undefined; // the core group (`v1`): no split or controller kind lives there
  const group = node.value.slice(0, slash);
  const served = servedVersions(kind).filter((v) => v.startsWith(`${group}/`)).map((v) => v.slice(group.length + 1));
  const version = node.value.slice(slash + 1);
  if (served.includes(version)) return undefined;
  const nearest = nearestVersion(version, served);
  const written = part.text.slice(span.start, span.end);
  if (!nearest || isBlockScalarSource(written)) return undefined;
  const apiVersion = `${group}/${nearest}`;
  return { apiVersion, edit: editAt(part, span, requote(written, apiVersion)) };
}
