import type { Position, WorkspaceEdit } from 'vscode-languageserver-types';
import type { LiveSplitStats, SplitRef, SplitSummary, WeightCommandAction, WeightCommandArgs, WeightLensData } from '../../protocol/messages';
import { splitAtOffset } from './actionSupport';
import { splitDocumentOf } from '../model/adapters';
import { documentFindings } from '../rules/diagnostics';
import { splitOwners } from '../rules/ownership';
import { ownerRefusal } from '../../protocol/ownerWords';
import type { FeatureContext } from './context';
import type { Split, SplitDocument } from '../model/split';
import type { YamlPart } from '../document/part';
import { shortPercent } from './present';
import { weightEdits, weightsRefusal, weightText } from './weightEdits';
import { applyWeightAction, shares } from '../model/weights';

/**
 * Weight commands: which split a command means, whether it may still be applied, and its edit.
 * Pure: the LSP layer sends the edit and shows refusals.
 */

export const STALE_MESSAGE = 'Canary Lens: the split changed since this lens was shown; try again';

/** A split of the file with everything a lens or command needs. */
export interface SplitAt {
  part: YamlPart;
  partIndex: number;
  doc: SplitDocument;
  split: Split;
}

/** Every split of the file, in order (parts that are not split documents are skipped without a parse). */
export function splitsOf(ctx: FeatureContext): SplitAt[] {
  return ctx.file.parts.flatMap((part, partIndex) => {
    const doc = part.isSplit ? splitDocumentOf(part) : undefined;
    return doc ? doc.splits.map((split) => ({ part, partIndex, doc, split })) : [];
  });
}

/** `<length>:<FNV-1a>` of the part's text: cheap, and changes with any edit that could move a weight. */
export function fingerprint(part: YamlPart): string {
  return part.memo('fingerprint', () => {
    let h = 0x811c9dc5;
    for (let i = 0; i < part.text.length; i++) h = Math.imul(h ^ part.text.charCodeAt(i), 0x01000193);
    return `${part.text.length}:${(h >>> 0).toString(16)}`;
  });
}

export function splitRef(ctx: FeatureContext, at: SplitAt): SplitRef {
  return { uri: ctx.file.uri, version: ctx.file.version, part: at.partIndex, split: at.split.index, fingerprint: fingerprint(at.part) };
}

/**
 * Why the split's weights must not be edited now, or undefined. A Canary or Rollout may own them (its controller sets
 * them), a broken parse could put an edit anywhere, a schema error in the split means the model may not be what the
 * author meant, and aliases, anchors and invalid weights are the author's to fix (`weightsRefusal`).
 */
export function editBlock(ctx: FeatureContext, at: SplitAt): string | undefined {
  const { part, split } = at;
  if (split.backends.length === 0) return `Canary Lens: ${split.label} has no backends`;
  // A Canary or Rollout sets these weights: an edit here is reverted (or fights the controller).
  const owner = splitOwners(ctx.index, at.doc)[0];
  if (owner) return ownerRefusal(owner, at.doc.kind);
  const findings = documentFindings(part, ctx.index);
  // Any syntax error blocks every split of the part: the parse around it, regions included, is a guess.
  const syntax = findings.find((f) => f.code === 'yaml-syntax');
  if (syntax) return `Canary Lens: fix the YAML syntax error on line ${part.positionAt(syntax.span.start).line + 1} to shift weights`;
  const schema = findings.find((f) => f.code === 'schema' && f.span.start < split.region.end && f.span.end > split.region.start);
  if (schema) return `Canary Lens: fix the schema error in ${pathText(schema.data)} to shift weights`;
  const refusal = weightsRefusal(part, split);
  return refusal ? `Canary Lens: ${refusal}` : undefined;
}

/** `spec.backends[1]` from a schema finding's JSON path (the dotted path reads like the YAML). */
function pathText(data: unknown): string {
  const path = (data as { path?: unknown } | undefined)?.path;
  if (!Array.isArray(path) || path.length === 0) return 'the document';
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i > 0 ? '.' : ''}${String(seg)}`)).join('');
}

/** Current weights in the split's unit; only called once `editBlock` said they are all valid. */
export function unitsOf(split: Split): number[] {
  return split.backends.map((b) => b.weight.units ?? 0);
}

export function backendName(split: Split, i: number): string {
  return split.backends[i]?.name?.value ?? `backend ${i + 1}`;
}

/**
 * How many backends a title or a tooltip lists before `… 990 more`: a split's title is one line above it, and a
 * list of every backend would make each lens O(n) (a split of 10,000 backends had 200 KB tooltips).
 */
export const LISTED_BACKENDS = 10;

/** The first LISTED_BACKENDS texts of `count` joined by `sep`, then how many more there are. */
export function listed(count: number, text: (i: number) => string, sep: string): string {
  const shown = Array.from({ length: Math.min(count, LISTED_BACKENDS) }, (_, i) => text(i)).join(sep);
  return count > LISTED_BACKENDS ? `${shown}${sep}… ${(count - LISTED_BACKENDS).toLocaleString('en')} more` : shown;
}

/** `web-svc 50% · web-svc-2 50%` (the first LISTED_BACKENDS backends). */
export function sharesTitle(split: Split, units: readonly number[]): string {
  const fractions = shares(units);
  return listed(fractions.length, (i) => `${backendName(split, i)} ${percent(fractions[i]!)}`, ' · ');
}

/** How many shares the compact label shows before `… 6 more`: the split's lens row must fit beside its actions. */
export const COMPACT_BACKENDS = 4;

/**
 * `40/60`: the split's shares in backend order, without names (the backend lenses below name them, the label's
 * tooltip has `sharesTitle`), so the split's lens row is short enough to keep every action on screen. One backend:
 * `100%`; many: the first COMPACT_BACKENDS, then how many more.
 */
export function compactShares(units: readonly number[]): string {
  const fractions = shares(units);
  if (fractions.length === 1) return percent(fractions[0]!);
  const shown = fractions.slice(0, COMPACT_BACKENDS).map((f) => percent(f).replace(/%$/, '')).join('/');
  const more = fractions.length - COMPACT_BACKENDS;
  return more > 0 ? `${shown}/… ${more.toLocaleString('en')} more` : shown;
}

/** One decimal at most; a share that rounds to 0% or 100% without being it says so. */
export function percent(fraction: number): string {
  const text = shortPercent(fraction);
  if (fraction > 0 && text === '0%') return '<0.1%';
  if (fraction < 1 && text === '100%') return '>99.9%';
  return text;
}

/** The weights after `action`; undefined when it changes nothing (or cannot apply to this split). */
export function afterAction(units: readonly number[], action: WeightCommandAction): number[] | undefined {
  try {
    const next = applyWeightAction(units, action);
    return next.every((u, i) => u === units[i]) ? undefined : next;
  } catch {
    return undefined; // a target past the last backend, a bad step: nothing to offer
  }
}

/** The minimal edit for a command, or why it is refused (stale, blocked, nothing to change). */
export function weightsEdit(ctx: FeatureContext, args: WeightCommandArgs, versioned = false): { edit: WorkspaceEdit } | { refused: string } {
  const at = currentSplit(ctx, args);
  if (!at) return { refused: STALE_MESSAGE };
  const { part, doc, split } = at;
  const blocked = editBlock(ctx, at);
  if (blocked) return { refused: blocked };
  const units = unitsOf(split);
  const next = afterAction(units, args.action);
  if (!next) return { refused: `Canary Lens: nothing to change (${sharesTitle(split, units)})` };
  const edits = weightEdits(part, split, next, doc.api?.weightUnit);
  if (!Array.isArray(edits)) return { refused: `Canary Lens: ${edits.refused}` };
  // A versioned edit lets the editor refuse it too if the document moved on while the request was in flight.
  const edit: WorkspaceEdit = versioned
    ? { documentChanges: [{ textDocument: { uri: ctx.file.uri, version: ctx.file.version }, edits }] }
    : { changes: { [ctx.file.uri]: edits } };
  return { edit };
}

/** The split `ref` was computed for, if the file is still the text it was computed on; undefined when stale. */
export function currentSplit(ctx: FeatureContext, ref: SplitRef): SplitAt | undefined {
  const part = ctx.file.parts[ref.part];
  if (ref.uri !== ctx.file.uri || ref.version !== ctx.file.version || !part || fingerprint(part) !== ref.fingerprint) return undefined;
  const doc = part.isSplit ? splitDocumentOf(part) : undefined;
  const split = doc?.splits.find((s) => s.index === ref.split);
  return doc && split ? { part, partIndex: ref.part, doc, split } : undefined;
}

/** The split under the cursor, for the palette commands; undefined when the cursor is in no split. */
export function splitAt(ctx: FeatureContext, position: Position): SplitSummary | undefined {
  const partIndex = ctx.file.partIndexAtLine(position.line);
  const part = ctx.file.parts[partIndex];
  const doc = part?.isSplit ? splitDocumentOf(part) : undefined;
  const split = part && doc ? splitAtOffset(doc, part.offsetAt(position)) : undefined;
  if (!part || !doc || !split) return undefined;
  const at = { part, partIndex, doc, split };
  const blocked = editBlock(ctx, at);
  const units = unitsOf(split);
  const known = split.backends.every((b) => b.weight.units !== undefined);
  const fractions = known ? shares(units) : units.map(() => 0);
  return {
    ...splitRef(ctx, at),
    label: split.label,
    backends: split.backends.map((b, i) => ({
      name: backendName(split, i),
      share: fractions[i]!,
      weight: b.weight.source ?? (b.weight.units === undefined ? '' : weightText(b.weight.units, doc.api?.weightUnit, b)),
    })),
    canary: split.backends.length - 1,
    step: ctx.settings.lensStep,
    ...(blocked ? { blocked } : {}),
    ...liveOf(ctx, at),
  };
}

function liveOf(ctx: FeatureContext, at: SplitAt): { live?: string } {
  const live = ctx.live.of(at.doc, at.split);
  return live ? { live: liveTitle(live) } : {};
}

/**
 * `96.0% · 2.0 rps · ⚠ web-svc off its weight` (two or more: `off their weights`): the split's live numbers, naming
 * the first flagged backends. For the hover and the status bar; the split's lens row carries no live text.
 */
export function liveTitle(live: LiveSplitStats): string {
  const flagged = live.backends.filter((b) => b.flagged);
  if (flagged.length === 0) return live.brief;
  return `${live.brief} · ⚠ ${listed(flagged.length, (i) => flagged[i]!.name, ', ')} ${flagged.length === 1 ? 'off its weight' : 'off their weights'}`;
}

/** Checks command arguments that crossed the protocol as JSON; undefined when they are malformed. */
export function weightCommandArgs(value: unknown): WeightCommandArgs | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const action = weightAction(v.action);
  const ok = typeof v.uri === 'string' && isIndex(v.version) && isIndex(v.part) && isIndex(v.split) && typeof v.fingerprint === 'string';
  return ok && action
    ? { uri: v.uri as string, version: v.version as number, part: v.part as number, split: v.split as number, fingerprint: v.fingerprint as string, action }
    : undefined;
}

/** Checks a weight lens's `data` as it came back in `codeLens/resolve`; undefined when it is not one. */
export function weightLensData(value: unknown): WeightLensData | undefined {
  const args = weightCommandArgs(value);
  const v = value as Record<string, unknown> | undefined;
  if (!args || (v?.place !== 'split' && v?.place !== 'backend') || (v.named !== undefined && typeof v.named !== 'boolean')) return undefined;
  return { ...args, place: v.place, ...(v.named ? { named: true } : {}) };
}

function weightAction(value: unknown): WeightCommandAction | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const a = value as Record<string, unknown>;
  const target = a.target;
  switch (a.type) {
    case 'shift':
      return isIndex(target) && typeof a.points === 'number' && Number.isFinite(a.points) ? { type: 'shift', target, points: a.points } : undefined;
    case 'promote':
    case 'rollback':
      return isIndex(target) ? { type: a.type, target } : undefined;
    case 'even':
      return { type: 'even' };
    case 'normalize':
      return Number.isSafeInteger(a.total) && (a.total as number) > 0 ? { type: 'normalize', total: a.total as number } : undefined;
    default:
      return undefined;
  }
}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
