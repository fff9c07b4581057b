import type { Hover, Position } from 'vscode-languageserver-types';
import type { DeliveryDocument } from '../model/delivery';
import { deliveryDocumentOf } from '../model/adapters';
import { isOurControllerDocument } from '../model/documentKind';
import { formatSeconds } from '../model/durations';
import { cursorAt } from '../document/cursor';
import type { Span, YamlPart } from '../document/part';
import type { FeatureContext } from './context';
import { holdText, leastTimeText, rollbackText } from './deliveryLenses';

/**
 * Hover on the plan of a Canary or Rollout: on the plan's key (`planSpan`) or inside a step of the spec, the timeline the
 * spec implies as a small table (step, action, weight, hold, elapsed). On a key inside a step the field's own
 * documentation answers instead (the schema hover), so `setWeight` or `duration` keep their docs.
 */

/** Rows the table shows before it says how many more there are. */
export const HOVER_STEPS_SHOWN = 40;

const inside = (span: Span, offset: number, endInclusive: boolean): boolean =>
  offset >= span.start && (endInclusive ? offset <= span.end : offset < span.end);

export function deliveryHover(ctx: FeatureContext, part: YamlPart, position: Position): Hover | null {
  if (!part.isControllerKind || !isOurControllerDocument(part)) return null;
  const doc = deliveryDocumentOf(part);
  if (!doc) return null;
  const offset = part.offsetAt(position);
  const onKey = inside(doc.planSpan, offset, true);
  const step = onKey ? -1 : doc.plan.steps.findIndex((s) => s.span !== undefined && inside(s.span, offset, false));
  if (!onKey && step < 0) return null;
  if (!onKey) {
    const cursor = cursorAt(part.text, offset);
    if (cursor?.at === 'key' && cursor.key !== undefined) return null;
  }
  const span = onKey ? doc.planSpan : doc.plan.steps[step]!.span!;
  return { contents: { kind: 'markdown', value: planMarkdown(ctx, doc, step) }, range: part.rangeOf(span) };
}

/** `|` and line breaks would end a table cell. */
const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');

/** The plan as markdown: a line on the whole, then the timeline; `current` (a step index, or -1) in bold. */
export function planMarkdown(ctx: FeatureContext, doc: DeliveryDocument, current: number): string {
  const { plan } = doc;
  const head = `**Plan** of ${doc.kind}${doc.name ? ` ${doc.name.value}` : ''} (${doc.controller})`;
  if (plan.none) return `${head}\n\nNo plan: ${plan.none}`;
  const summary = [
    plan.interval ? `every ${plan.interval.text}` : undefined,
    plan.rollback ? rollbackText(plan.rollback) : undefined,
    leastTimeText(plan),
    plan.approximate ? 'weights approximated by replicas (no trafficRouting)' : undefined,
  ].filter((s): s is string => s !== undefined);
  const lines = [head, '', ...(summary.length > 0 ? [summary.join(' · '), ''] : [])];
  if (plan.steps.length === 0) return lines.join('\n');
  // The live step, when the cluster reports one: marked in the table.
  const name = doc.name?.value;
  const live = name ? ctx.index.deliveryStatus(doc.kind, doc.ns, name)?.step?.index : undefined;
  lines.push('| step | action | weight | hold | elapsed |', '|---:|---|---:|---|---|');
  // Elapsed: the least time from the start to the end of each step; after a gate without end, from its promotion.
  let elapsed = 0;
  let gated = false;
  let stopped = false;
  for (const [i, s] of plan.steps.slice(0, HOVER_STEPS_SHOWN).entries()) {
    let at: string;
    if (stopped) at = '—';
    else if (s.holdSeconds === undefined) at = s.gate ? 'waits' : 'stops';
    else {
      elapsed += s.holdSeconds;
      at = gated ? `promotion + ${formatSeconds(elapsed)}` : formatSeconds(elapsed);
    }
    if (s.holdSeconds === undefined) {
      if (s.gate) { gated = true; elapsed = 0; } else stopped = true;
    }
    const row = [`${i + 1}${i === live ? ' ◀ now' : ''}`, cell(s.label), `${s.weight}%`, holdText(s), at];
    lines.push(`| ${row.map((c) => (i === current ? `**${c}**` : c)).join(' | ')} |`);
  }
  if (plan.steps.length > HOVER_STEPS_SHOWN) lines.push('', `… ${plan.steps.length - HOVER_STEPS_SHOWN} more steps`);
  return lines.join('\n');
}
