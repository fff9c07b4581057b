/**
 * Completion of a RolloutPlan's references: `spec.targetRef.name` offers the splits of the written kind (every split
 * kind while none is written) in the plan's namespace, `spec.canary` the backends of the split it targets. The keys and
 * enum values come from the schema, as for every kind of the registry (completion.ts).
 */
import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { planDocumentOf } from '../model/adapters';
import { isSplitKind, SPLIT_KINDS } from '../model/kinds';
import type { Cursor } from '../document/cursor';
import type { YamlPart } from '../document/part';
import { backendNames, planSplit, splitNames, splitsNamed } from '../workspace/planTargets';
import type { FeatureContext } from './context';

const samePath = (path: Cursor['path'], want: readonly string[]): boolean =>
  path.length === want.length && want.every((seg, i) => path[i] === seg);

/** Split names or backends for the value at the cursor of a RolloutPlan; none elsewhere, or in another kind. */
export function planReferenceItems(ctx: FeatureContext, part: YamlPart, cursor: Cursor, range: Range): CompletionItem[] {
  if (cursor.at !== 'value') return [];
  const plan = planDocumentOf(part);
  if (!plan) return [];
  const kind = plan.target?.kind?.value;
  if (samePath(cursor.path, ['spec', 'targetRef', 'name'])) {
    const kinds = isSplitKind(kind) ? [kind] : SPLIT_KINDS;
    return splitNames(ctx.index, kinds, plan.ns).map((s): CompletionItem => ({
      label: s.name,
      kind: CompletionItemKind.Reference,
      detail: s.kind,
      documentation: { kind: 'markdown', value: `${s.kind} \`${s.ns}/${s.name}\`, in the ${s.where}` },
      sortText: `${s.where === 'workspace' ? 0 : 1}${s.name}`,
      ...(s.where === 'cluster' ? { labelDetails: { description: 'cluster' } } : {}),
      textEdit: { range, newText: s.name },
    }));
  }
  const name = plan.target?.name?.value;
  if (samePath(cursor.path, ['spec', 'canary']) && isSplitKind(kind) && name) {
    const seen = new Set<string>();
    return splitsNamed(ctx.index, kind, plan.ns, name).flatMap((doc) => {
      const split = planSplit(doc, plan.target?.rule?.value);
      return split ? backendNames(split) : [];
    }).filter((b) => !seen.has(b) && seen.add(b)).map((b, i, all): CompletionItem => ({
      label: b,
      kind: CompletionItemKind.Reference,
      detail: `backend of ${kind} ${name}`,
      // The last backend is the canary when none is said (src/rollout/plan.ts): offered first.
      sortText: `${i === all.length - 1 ? 0 : 1}${String(i).padStart(3, '0')}`,
      textEdit: { range, newText: b },
    }));
  }
  return [];
}
