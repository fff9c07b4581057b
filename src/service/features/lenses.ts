import type { CodeLens, Command, Range } from 'vscode-languageserver-types';
import {
  APPLY_TO_CLUSTER_COMMAND, WEIGHTS_COMMAND, type ApplyToClusterArgs, type SplitRef, type WeightCommandAction, type WeightCommandArgs,
} from '../../protocol/messages';
import type { FeatureContext } from './context';
import type { Split } from '../model/split';
import { weightText } from './weightEdits';
import {
  afterAction, backendName, editBlock, percent, sharesTitle, splitRef, splitsOf, unitsOf, type SplitAt,
} from './weightCommand';
import { shares, shiftIsCoarse } from '../model/weights';

export { splitAt, weightsEdit } from './weightCommand';

/**
 * Code lenses. Above each split: its shares, then Shift → / Shift ← / Promote the canary (the last
 * backend, by convention the new version), Roll back and Even split. Above each backend: its share, +step and
 * −step, so any backend can be the target. Actions that would change nothing are left out; a split whose
 * weights must not be edited gets one lens saying why.
 */
export function codeLenses(ctx: FeatureContext): CodeLens[] {
  return splitsOf(ctx).flatMap((at) => splitLenses(ctx, at));
}

/** A lens that only shows text: an empty command id renders as a label in VS Code, not a link. */
function label(range: Range, title: string): CodeLens {
  return { range, command: { title, command: '' } };
}

function splitLenses(ctx: FeatureContext, at: SplitAt): CodeLens[] {
  const { part, split } = at;
  if (split.backends.length === 0) return []; // e.g. a redirect rule: there is no traffic split to shift
  const range = part.rangeOf(split.span);
  const blocked = editBlock(ctx, at);
  if (blocked) return [label(range, blocked)];
  const units = unitsOf(split);
  const unit = at.doc.api?.weightUnit;
  const step = ctx.settings.lensStep;
  const canary = split.backends.length - 1;
  const name = backendName(split, canary);
  const act = actionLens(split, units, splitRef(ctx, at), (u, i) => weightText(u, unit, split.backends[i]));
  const live = ctx.live.of(at.doc, split);
  const flagged = live?.backends.filter((b) => b.flagged).map((b) => b.name) ?? [];
  const out = [
    label(range, sharesTitle(split, units)),
    ...(live ? [label(range, `Live: ${live.brief}${flagged.length > 0 ? ` · ⚠ ${flagged.join(', ')} off its weight` : ''}`)] : []),
    ...act(range, `Shift ${step}% → ${name}`, { type: 'shift', target: canary, points: step }),
    ...act(range, `Shift ${step}% ← ${name}`, { type: 'shift', target: canary, points: -step }),
    ...act(range, `Promote ${name}`, { type: 'promote', target: canary }),
    ...act(range, 'Roll back', { type: 'rollback', target: canary }),
    ...act(range, 'Even split', { type: 'even' }),
    ...applyLens(ctx, at, range),
  ];
  const fractions = shares(units);
  for (const [i, b] of split.backends.entries()) {
    const r = part.rangeOf(b.span);
    // Flow-style backends share a line: their lenses then say whose they are.
    const shared = split.backends.some((o) => o !== b && part.positionAt(o.span.start).line === r.start.line);
    const who = shared ? ` ${backendName(split, i)}` : '';
    const stats = live?.backends.find((l) => l.name === b.name?.value);
    out.push(
      label(r, shared ? `${backendName(split, i)} ${percent(fractions[i]!)}` : percent(fractions[i]!)),
      ...(stats ? [label(r, `${stats.brief}${stats.flagged ? ' ⚠' : ''}`)] : []),
      ...act(r, `+${step}%${who}`, { type: 'shift', target: i, points: step }),
      ...act(r, `−${step}%${who}`, { type: 'shift', target: i, points: -step }),
    );
  }
  return out;
}

/** `Apply to cluster`, once per document (above its first split), while a cluster is connected. */
function applyLens(ctx: FeatureContext, at: SplitAt, range: Range): CodeLens[] {
  if (!ctx.index.clusterFacts?.connection || at.doc.splits.find((s) => s.backends.length > 0) !== at.split) return [];
  const args: ApplyToClusterArgs = { uri: ctx.file.uri, part: at.partIndex };
  const { context, namespace } = ctx.index.clusterFacts.connection;
  return [{ range, command: { title: 'Apply to cluster', command: APPLY_TO_CLUSTER_COMMAND, tooltip: `Dry run, diff and apply to ${context} (namespace ${at.doc.namespace?.value ?? namespace})`, arguments: [args] } }];
}

/** Builds action lenses for one split: none when the action would leave the weights as they are. */
type ActionLens = (range: Range, title: string, action: WeightCommandAction) => CodeLens[];

function actionLens(split: Split, units: number[], ref: SplitRef, text: (units: number, i: number) => string): ActionLens {
  return (range, title, action) => {
    const next = afterAction(units, action);
    if (!next) return [];
    const args: WeightCommandArgs = { ...ref, action };
    let tooltip = `${sharesTitle(split, next)} (weights ${next.map(text).join(' / ')})`;
    if (action.type === 'shift' && shiftIsCoarse(units, action.points)) {
      tooltip += `; a total of ${units.reduce((a, b) => a + b, 0)} cannot move exactly ${Math.abs(action.points)} points: normalise the weights for exact steps`;
    }
    const command: Command = { title, command: WEIGHTS_COMMAND, tooltip, arguments: [args] };
    return [{ range, command }];
  };
}
