import { CodeActionKind, type CodeAction, type CodeActionKind as Kind, type Range, type TextEdit } from 'vscode-languageserver-types';
import { action, splitAtOffset, splitDocumentAt, type Located } from './actionSupport';
import { conversionTarget, convertEdit } from './convert';
import type { FeatureContext } from './context';
import { totalUnits, type Split } from '../model/split';
import { weightEdits, weightsRefusal } from './weightEdits';
import { applyWeightAction } from '../model/weights';
import { editAt, requote } from '../document/yamlEdits';

/** Refactors offered on the split under the cursor, whatever the diagnostics say. */

const V1ALPHA2 = 'split.smi-spec.io/v1alpha2';

export function refactors(ctx: FeatureContext, range: Range, already: readonly CodeAction[]): CodeAction[] {
  const at = splitDocumentAt(ctx, range.start);
  if (!at) return [];
  const out: CodeAction[] = [];
  const split = splitAtOffset(at.doc, at.part.offsetAt(range.start));
  if (split) out.push(...normalizeActions(ctx, at, split));
  // A deprecated kind (TrafficSplit) gets its migrations; model/kinds.ts says which kinds are.
  if (at.doc.api?.deprecated) {
    const migrate = migrateAction(ctx, at);
    if (migrate) out.push(migrate);
    const convert = convertAction(ctx, at, CodeActionKind.RefactorRewrite);
    // The deprecation hint's quick fix is the same edit: offer it once.
    if (convert && !already.some((a) => a.title === convert.title)) out.push(convert);
  }
  return out;
}

/** Normalise to the configured total first, then 100 and 1000; not offered for a total the split already has. */
function normalizeActions(ctx: FeatureContext, at: Located, split: Split): CodeAction[] {
  if (split.backends.length === 0 || weightsRefusal(at.part, split)) return [];
  const unit = at.doc.api?.weightUnit;
  const current = totalUnits(split);
  const totals = [...new Set([ctx.settings.normalizeTotal, 100, 1000])].filter((t) => Number.isSafeInteger(t) && t > 0 && t !== current);
  return totals.flatMap((total) => {
    const units = applyWeightAction(split.backends.map((b) => b.weight.units!), { type: 'normalize', total });
    const edits = weightEdits(at.part, split, units, unit);
    if (!Array.isArray(edits) || edits.length === 0) return [];
    const shown = unit === 'quantity' ? `${total}m` : String(total);
    return [action(ctx, `Normalise weights to a total of ${shown}`, CodeActionKind.RefactorRewrite, edits)];
  });
}

/** v1alpha1 → v1alpha2: the apiVersion and every weight from milli-quantity to the same integer (500m → 500, 1 → 1000). */
function migrateAction(ctx: FeatureContext, at: Located): CodeAction | undefined {
  const { part, doc } = at;
  const split = doc.splits[0];
  if (doc.api?.weightUnit !== 'quantity' || !doc.apiVersion || !split || weightsRefusal(part, split)) return undefined;
  const edits: TextEdit[] = [editAt(part, doc.apiVersion.span, requote(part.text.slice(doc.apiVersion.span.start, doc.apiVersion.span.end), V1ALPHA2))];
  const own = new Set(split.backends.flatMap((b) => (b.weight.span && !b.weight.inheritedFrom ? [b.weight.span.start] : [])));
  for (const b of split.backends) {
    // An inherited weight (`<<: *stable`) changes with the scalar it comes from; one from outside the split cannot.
    if (b.weight.inheritedFrom) {
      if (!own.has(b.weight.inheritedFrom.start)) return undefined;
      continue;
    }
    // v1alpha2 weights are numbers: a quoted "500m" becomes a plain 500.
    if (b.weight.span) edits.push(editAt(part, b.weight.span, String(b.weight.units)));
  }
  return action(ctx, `Migrate to ${V1ALPHA2} (integer weights)`, CodeActionKind.RefactorRewrite, edits);
}

export function convertAction(ctx: FeatureContext, at: Located, kind: Kind): CodeAction | undefined {
  const target = conversionTarget(at.doc, ctx.index);
  if (!target || !at.doc.api) return undefined;
  const edit = convertEdit(at.part, at.doc, ctx.index, target);
  if (!('range' in edit)) return undefined;
  return action(ctx, `Convert ${at.doc.kind} ${at.doc.name?.value ?? ''} to ${target.kind} (${target.apiVersion})`, kind, [edit]);
}
