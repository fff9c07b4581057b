import type { CodeLens, Command, Range } from 'vscode-languageserver-types';
import {
  APPLY_TO_CLUSTER_COMMAND, START_ROLLOUT_COMMAND, WEIGHTS_COMMAND,
  type ApplyToClusterArgs, type RolloutSplitArg, type WeightCommandAction, type WeightCommandArgs, type WeightLensData,
} from '../../protocol/messages';
import { rolloutLensTitle } from '../../protocol/rolloutWords';
import type { FeatureContext } from './context';
import { weightText } from './weightEdits';
import {
  afterAction, backendName, compactShares, currentSplit, editBlock, listed, percent, sharesTitle, splitRef, splitsOf, unitsOf, type SplitAt,
} from './weightCommand';
import { shares, shiftIsCoarse } from '../model/weights';
import { deliveryLenses, managedSplitLenses } from './deliveryLenses';
import { splitOwners } from '../rules/ownership';
import { partFindings } from '../rules/diagnostics';
import { appliedNamespace } from '../model/split';
import { DIAGNOSTIC_CODES } from '../rules/codes';
import { applyBlockedWords, blocksApply } from '../../protocol/applyWords';

export { splitAt, weightsEdit } from './weightCommand';

/**
 * Above this many backends a split gets no lenses per backend, only its own and one label saying so. Each backend
 * has three or four lenses, so a split of thousands would fill the editor with lens rows and send tens of thousands
 * of lenses per request; and deciding whether `+10%` changes anything is weight arithmetic over the whole split
 * (O(n log n) per lens), bounded by this cap. A canary has a handful of backends (Gateway API allows 16 per rule);
 * a split of more is generated, and its weights are edited as a whole (Even split) or in the text.
 */
export const MAX_BACKEND_LENSES = 100;

/**
 * Up to this many backends (Gateway API's limit per rule), weight lenses come with their command: VS Code draws a
 * lens only once it has a command, so lazily resolved actions blink out and back each time lenses are asked for
 * again (every refresh of live numbers), and a click right after opening finds nothing. Bigger splits resolve lazily.
 */
export const EAGER_LENS_BACKENDS = 16;

/** The title a lens resolved for a document that has changed since gets: its command would be refused anyway. */
export const STALE_LENS_TITLE = '—';

/**
 * Code lenses. Above each split: its shares (`40/60`), then Shift → / Shift ← / Promote the canary (the last
 * backend, by convention the new version), Roll back, Even split and Apply. Above each backend: its share, its live
 * numbers (⚠ when off its weight), +step and −step, so any backend can be the target. Actions that would change
 * nothing are left out; a split whose weights must not be edited gets one lens saying why. The split's row has no
 * live text: with it the row ran past the editor's edge and hid its last actions; the split's live summary is in
 * the hover on its backends key and in the status bar (`canaryLens/splitAt`).
 *
 * Labels (shares, live numbers) come with their title, O(1) each (a split's shares name the first few backends).
 * Weight actions of a split of more than EAGER_LENS_BACKENDS come without a command: `data` (WeightLensData) names
 * the split and the action, and `resolveCodeLens` computes the title, the tooltip (the shares after the action, O(n))
 * and the arguments when the editor shows the lens, so the response is linear in the split's size.
 */
export function codeLenses(ctx: FeatureContext): CodeLens[] {
  return [...splitsOf(ctx).flatMap((at) => splitLenses(ctx, at)), ...deliveryLenses(ctx)];
}

/** A lens that only shows text: an empty command id renders as a label in VS Code, not a link. */
function label(range: Range, title: string, tooltip?: string): CodeLens {
  return { range, command: { title, command: '', ...(tooltip ? { tooltip } : {}) } };
}

function splitLenses(ctx: FeatureContext, at: SplitAt): CodeLens[] {
  const { part, split } = at;
  const n = split.backends.length;
  if (n === 0) return []; // e.g. a redirect rule: there is no traffic split to shift
  // A split a Canary or Rollout owns gets its owner instead of weight actions (and Apply).
  const owners = splitOwners(ctx.index, at.doc);
  if (owners.length > 0) return managedSplitLenses(ctx, at, owners);
  const range = part.rangeOf(split.span);
  const blocked = editBlock(ctx, at);
  if (blocked) return [label(range, blocked)];
  const units = unitsOf(split);
  const step = ctx.settings.lensStep;
  const canary = n - 1;
  const ref = splitRef(ctx, at);
  // Offered only when it changes the weights; for a big split, the command itself is computed on resolve.
  const act = (r: Range, place: WeightLensData['place'], action: WeightCommandAction, named = false): CodeLens[] => {
    if (!afterAction(units, action)) return [];
    const data: WeightLensData = { ...ref, action, place, ...(named ? { named } : {}) };
    return [n <= EAGER_LENS_BACKENDS ? { range: r, command: weightCommand(at, data) } : { range: r, data }];
  };
  const live = ctx.live.of(at.doc, split);
  const out = [
    label(range, compactShares(units), sharesTitle(split, units)),
    ...act(range, 'split', { type: 'shift', target: canary, points: step }),
    ...act(range, 'split', { type: 'shift', target: canary, points: -step }),
    ...act(range, 'split', { type: 'promote', target: canary }),
    ...act(range, 'split', { type: 'rollback', target: canary }),
    ...act(range, 'split', { type: 'even' }),
    ...applyLens(ctx, at, range),
  ];
  if (n > MAX_BACKEND_LENSES) {
    out.push(label(range, `${n.toLocaleString('en')} backends: per-backend lenses are off above ${MAX_BACKEND_LENSES}; use Shift or Even split above, or edit the weights`));
    return out;
  }
  const fractions = shares(units);
  const ranges = split.backends.map((b) => part.rangeOf(b.span));
  // Flow-style backends share a line: their lenses then say whose they are. Counted once per line, not per pair.
  const perLine = new Map<number, number>();
  for (const r of ranges) perLine.set(r.start.line, (perLine.get(r.start.line) ?? 0) + 1);
  const stats = new Map(live?.backends.map((l) => [l.name, l] as const));
  for (const [i, b] of split.backends.entries()) {
    const r = ranges[i]!;
    const shared = (perLine.get(r.start.line) ?? 0) > 1;
    const numbers = b.name ? stats.get(b.name.value) : undefined;
    out.push(
      label(r, shared ? `${backendName(split, i)} ${percent(fractions[i]!)}` : percent(fractions[i]!)),
      ...(numbers ? [label(r, `${numbers.brief}${numbers.flagged ? ' · ⚠ off its weight' : ''}`, numbers.detail)] : []),
      ...act(r, 'backend', { type: 'shift', target: i, points: step }, shared),
      ...act(r, 'backend', { type: 'shift', target: i, points: -step }, shared),
      ...(i === canary ? rolloutLens(ctx, at, r) : []),
    );
  }
  return out;
}

/** Phases after which a split may start another rollout (src/rollout/state.ts ENDED_PHASES). */
const ENDED_ROLLOUT: readonly string[] = ['completed', 'rolled-back', 'cancelled'];

/**
 * On the canary's line, not the split's (that row is full: its last actions would run past a 1,280 px editor): the
 * rollout on the split (`Rollout 2/4 · gates ✓`; opens the panel, where its actions are), else, while a cluster is
 * connected, `Start rollout → <canary>…` (one confirmation of the whole plan follows). Splits a controller owns never
 * get here (their owner's lenses instead).
 */
function rolloutLens(ctx: FeatureContext, at: SplitAt, range: Range): CodeLens[] {
  const name = at.doc.name?.value;
  if (!name) return [];
  const connection = ctx.index.clusterFacts?.connection;
  // The object's namespace as Apply resolves it: the document's, else the selected one.
  const namespace = appliedNamespace(at.doc, connection?.namespace);
  const rule = at.doc.splits.indexOf(at.split) + 1;
  const view = ctx.rollouts?.of(at.doc.kind, namespace, name, rule);
  if (view && !ENDED_ROLLOUT.includes(view.phase)) {
    return [{ range, command: { title: rolloutLensTitle(view), command: 'canaryLens.panel.focus', tooltip: view.status.message } }];
  }
  if (!connection || at.split.backends.length < 2) return [];
  // A split another takes the apex from routes nothing: its gates would never see traffic (the runner refuses it too).
  const apex = at.split.apex?.name.span.start;
  const shadowed = apex === undefined ? undefined : partFindings(at.part, ctx.index).find((f) => f.code === 'split-not-in-effect' && f.span.start === apex);
  if (shadowed) return [label(range, 'Rollout: not in effect', `${shadowed.message}. A rollout of this split would never see traffic: roll out the split in effect.`)];
  const canary = backendName(at.split, at.split.backends.length - 1);
  const split: RolloutSplitArg = { kind: at.doc.kind, name, namespace, ...(at.doc.splits.length > 1 ? { rule } : {}) };
  return [{
    range,
    command: {
      title: `Start rollout → ${canary}…`, command: START_ROLLOUT_COMMAND, arguments: [ctx.file.uri, split],
      tooltip: `A guided rollout of ${canary} in ${connection.context} (namespace ${namespace}): the steps, hold time and gates of the canaryLens.rollout settings, confirmed once`,
    },
  }];
}

/**
 * `Apply`, once per document (above its first split), while a cluster is connected. A document with an error gets a
 * label saying what to fix first instead: the API server would refuse it, or it would push what the author did not
 * mean. The client's Apply command refuses in the same words (protocol/applyWords.ts).
 */
function applyLens(ctx: FeatureContext, at: SplitAt, range: Range): CodeLens[] {
  if (!ctx.index.clusterFacts?.connection || at.doc.splits.find((s) => s.backends.length > 0) !== at.split) return [];
  const errors = partFindings(at.part, ctx.index)
    .filter((f) => DIAGNOSTIC_CODES[f.code].severity === 'error' && blocksApply(f.code))
    .sort((a, b) => a.span.start - b.span.start)
    .map((f) => ({ code: f.code, line: at.part.positionAt(f.span.start).line + 1 }));
  if (errors.length > 0) return [label(range, `Apply: ${applyBlockedWords(errors)}`, 'Apply is offered once the document has no errors (see the Problems panel)')];
  const args: ApplyToClusterArgs = { uri: ctx.file.uri, part: at.partIndex };
  const { context, namespace } = ctx.index.clusterFacts.connection;
  return [{ range, command: { title: 'Apply', command: APPLY_TO_CLUSTER_COMMAND, tooltip: `Apply to cluster: dry run, diff and apply to ${context} (namespace ${at.doc.namespace?.value ?? namespace})`, arguments: [args] } }];
}

/**
 * `codeLens/resolve` for a weight lens: its title, tooltip and command. A lens computed for another version of the
 * document (the client resolves after an edit it has sent) gets a plain STALE_LENS_TITLE label: its split may have
 * moved, and the client asks for new lenses after every change anyway. Not an error: vscode-languageclient answers a
 * failed resolve with the unresolved lens and an error notification (microsoft/vscode-languageserver-node,
 * client/src/common/codeLens.ts and `handleFailedRequest` in client/src/common/client.ts). `ctx` is undefined when
 * the file is gone.
 */
export function resolveCodeLens(ctx: FeatureContext | undefined, lens: CodeLens, data: WeightLensData): CodeLens {
  const at = ctx ? currentSplit(ctx, data) : undefined;
  if (!at) return { ...lens, command: { title: STALE_LENS_TITLE, command: '' } };
  return { ...lens, command: weightCommand(at, data) };
}

function weightCommand(at: SplitAt, data: WeightLensData): Command {
  const { split } = at;
  const { action } = data;
  const args: WeightCommandArgs = { uri: data.uri, version: data.version, part: data.part, split: data.split, fingerprint: data.fingerprint, action };
  const command: Command = { title: lensTitle(at, data), command: WEIGHTS_COMMAND, arguments: [args] };
  // Same version and text as when the lens was made, so the same weights: a lens that changes nothing was left out.
  const units = unitsOf(split);
  const next = afterAction(units, action);
  if (!next) return command;
  const unit = at.doc.api?.weightUnit;
  let tooltip = `${sharesTitle(split, next)} (weights ${listed(next.length, (i) => weightText(next[i]!, unit, split.backends[i]), ' / ')})`;
  if (action.type === 'shift' && shiftIsCoarse(units, action.points)) {
    tooltip += `; a total of ${units.reduce((a, b) => a + b, 0)} cannot move exactly ${Math.abs(action.points)} points: normalise the weights for exact steps`;
  }
  return { ...command, tooltip };
}

/** `Shift 10% → web-svc-2`, `Promote web-svc-2`, `+10%`, `−10% b` (flow style): from the action and where the lens is. */
function lensTitle(at: SplitAt, data: WeightLensData): string {
  const { action } = data;
  switch (action.type) {
    case 'shift': {
      const size = Math.abs(action.points);
      const name = backendName(at.split, action.target);
      if (data.place === 'split') return action.points >= 0 ? `Shift ${size}% → ${name}` : `Shift ${size}% ← ${name}`;
      return `${action.points >= 0 ? '+' : '−'}${size}%${data.named ? ` ${name}` : ''}`;
    }
    case 'promote':
      return `Promote ${backendName(at.split, action.target)}`;
    case 'rollback':
      return 'Roll back';
    case 'even':
      return 'Even split';
    case 'normalize':
      return `Normalise weights to ${action.total}`;
  }
}
