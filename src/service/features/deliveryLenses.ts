import type { CodeLens, Range } from 'vscode-languageserver-types';
import { appliedNamespace } from '../model/split';
import {
  DELIVERY_ACTION_COMMAND, OPEN_OWNER_COMMAND,
  type Controller, type DeliveryAction, type DeliveryActionArgs, type DeliveryStatus, type ObjectOwner, type OpenOwnerArgs,
} from '../../protocol/messages';
import type { DeliveryDocument, Plan, PlanStep } from '../model/delivery';
import { deliveryDocumentOf } from '../model/adapters';
import { isOurControllerDocument } from '../model/documentKind';
import { formatSeconds } from '../model/durations';
import type { YamlPart } from '../document/part';
import { ownerLensTitle, ownerMessage } from '../../protocol/ownerWords';
import { ownerLocation } from '../rules/ownership';
import type { FeatureContext } from './context';
import { liveTitle, type SplitAt } from './weightCommand';

/**
 * Lenses of progressive delivery: above a Canary or Rollout, the plan its spec implies and, while a cluster reports it,
 * its live state with the controller's actions; above a split a Canary or Rollout owns, the owner instead of the weight
 * actions. Labels only (an empty command) except the actions and the owner, which run client commands.
 */

/** Weights a plan lens lists before it shortens to `first → … → last`. */
export const PLAN_WEIGHTS_SHOWN = 8;

/** Pauses a plan lens lists before it counts them instead. */
const PAUSES_SHOWN = 4;

/** Characters of the rollback rule a lens shows (the tooltip has it whole). */
const ROLLBACK_SHOWN = 70;

/** Gate steps a lens names before it counts the rest. */
const GATES_SHOWN = 2;

/**
 * How a person lets a gated step go on, per controller (a tooltip). Flagger calls each confirm-* webhook at every
 * interval and goes on once it answers at most 202 (fluxcd/flagger pkg/controller/webhook.go `callWebhook`); its
 * loadtester answers 200 on `/gate/approve`, 403 on `/gate/halt`, and on `/gate/check` as POST `/gate/open` and
 * `/gate/close` (body: the Canary's name and namespace) last set it (pkg/loadtester/server.go). An Argo Rollouts pause
 * without a duration waits until promoted (argoproj/argo-rollouts rollout/pause.go; `kubectl argo rollouts promote`,
 * pkg/kubectl-argo-rollouts/cmd/promote).
 */
const GATE_HOW: Readonly<Record<Controller, string>> = {
  Flagger: 'Flagger calls the confirm-* webhook at every interval and goes on once it answers 2xx. With the loadtester: '
    + '/gate/approve always lets it go on, /gate/halt never; /gate/check follows POST /gate/open and /gate/close '
    + '({"name", "namespace"} of the Canary)',
  'Argo Rollouts': 'A pause without a duration waits until the Rollout is promoted (Promote, or kubectl argo rollouts promote)',
};

const ACTION_TITLES: Readonly<Record<DeliveryAction, string>> = {
  promote: 'Promote', 'promote-full': 'Promote fully', abort: 'Abort', retry: 'Retry',
};

function label(range: Range, title: string, tooltip?: string): CodeLens {
  return { range, command: { title, command: '', ...(tooltip ? { tooltip } : {}) } };
}

/** The lenses of every Canary and Rollout of the file. */
export function deliveryLenses(ctx: FeatureContext): CodeLens[] {
  const out: CodeLens[] = [];
  for (const part of ctx.file.parts) {
    if (!part.isControllerKind || !isOurControllerDocument(part)) continue;
    const doc = deliveryDocumentOf(part);
    if (!doc) continue;
    out.push(...liveLenses(ctx, part, doc), ...planLenses(part, doc));
  }
  return out;
}

/**
 * The canary's weight after each step, runs of one weight once, from the first that sends it traffic:
 * `10% → 20% → … → 90% → 100%`. A plan that ends with the traffic back on a promoted primary (Flagger: the primary
 * runs the new version then) ends `→ promoted` instead of stepping back down to 0%.
 */
export function planWeights(plan: Plan): string {
  const weights: number[] = [];
  for (const s of plan.steps) if (weights[weights.length - 1] !== s.weight) weights.push(s.weight);
  while (weights.length > 1 && weights[0] === 0) weights.shift();
  const peak = Math.max(...weights);
  const shown: string[] = weights.slice(0, weights.lastIndexOf(peak) + 1).map((w) => `${w}%`);
  if (weights[weights.length - 1]! < peak) shown.push('promoted');
  if (shown.length <= PLAN_WEIGHTS_SHOWN) return shown.join(' → ');
  return [...shown.slice(0, 3), '…', ...shown.slice(-2)].join(' → ');
}

/** How long a step holds, in words: `10m`, `until promoted` (a gate), `—` (a step the plan stops at: it never ends). */
export function holdText(step: PlanStep): string {
  if (step.holdSeconds !== undefined) return formatSeconds(step.holdSeconds);
  return step.gate ? 'until promoted' : '—';
}

/** The rollback rule as a lens says it: the adapter's words, cut at a word near ROLLBACK_SHOWN characters. */
export function rollbackText(rollback: string): string {
  if (rollback.length <= ROLLBACK_SHOWN) return rollback;
  const cut = rollback.lastIndexOf(' ', ROLLBACK_SHOWN);
  return `${rollback.slice(0, cut > 0 ? cut : ROLLBACK_SHOWN)} …`;
}

/**
 * `≥ 11m to full promotion`; `waits for promotion` when a step waits for a person without end; `stops at <step>` when
 * the plan never gets past a step (a stall, an unreadable pause).
 */
export function leastTimeText(plan: Plan): string | undefined {
  if (plan.leastSeconds !== undefined) return `≥ ${formatSeconds(plan.leastSeconds)} to full promotion`;
  const open = plan.steps.find((s) => s.holdSeconds === undefined);
  if (!open) return undefined;
  return open.gate ? 'waits for promotion' : `stops at ${open.label}`;
}

/**
 * Above the plan's key: the weights after each step, the interval or the pauses, the rollback threshold, the least time
 * to full promotion and the gates; or one lens saying why there is no plan.
 */
export function planLenses(part: YamlPart, doc: DeliveryDocument): CodeLens[] {
  const range = part.rangeOf(doc.planSpan);
  const { plan } = doc;
  if (plan.none) return [label(range, `No plan: ${plan.none}`)];
  if (plan.steps.length === 0) return [];
  const out = [label(range, `Plan: ${planWeights(plan)}${plan.approximate ? ' (approximated by replicas)' : ''}`,
    plan.approximate ? 'Without trafficRouting the weights are only approximated by the ratio of canary to stable replicas' : 'The canary\'s share after each step; hover the key for the timeline')];
  if (plan.interval) {
    out.push(label(range, `every ${plan.interval.text}`));
  } else {
    const pauses = plan.steps.filter((s) => s.gate || (s.holdSeconds ?? 0) > 0).map(holdText);
    if (pauses.length > PAUSES_SHOWN) out.push(label(range, `${pauses.length} pauses`, pauses.join(' · ')));
    else if (pauses.length > 0) out.push(label(range, `${pauses.length === 1 ? 'pause' : 'pauses'} ${pauses.join(' · ')}`));
  }
  if (plan.rollback) out.push(label(range, rollbackText(plan.rollback), plan.rollback));
  const least = leastTimeText(plan);
  if (least) out.push(label(range, least, plan.leastSeconds !== undefined ? 'When every check passes at once and every gate is opened at once' : undefined));
  const gates = [...new Set(plan.steps.filter((s) => s.gate).map((s) => s.label))];
  if (gates.length > 0) {
    const more = gates.length > GATES_SHOWN ? ` +${gates.length - GATES_SHOWN} more` : '';
    out.push(label(range, `gates: ${gates.slice(0, GATES_SHOWN).join(', ')}${more}`, `${gates.join(', ')}\n${GATE_HOW[doc.controller]}`));
  }
  return out;
}

/**
 * While the cluster reports the object: its state in one line and the controller's actions now (Argo Rollouts'
 * promote, full promote, abort, retry: each runs the client command, which asks for confirmation first).
 */
export function liveLenses(ctx: FeatureContext, part: YamlPart, doc: DeliveryDocument): CodeLens[] {
  const name = doc.name?.value;
  // The cluster's object: where the document lands when applied (its namespace, else the selected one).
  const status = name ? ctx.index.deliveryStatus(doc.kind, appliedNamespace(doc, ctx.index.clusterFacts?.connection?.namespace), name) : undefined;
  if (!status) return [];
  const range = part.rangeOf(doc.kindSpan);
  const where = ctx.index.clusterFacts?.connection?.context;
  const out = [label(range, status.brief, liveTooltip(status, where))];
  for (const action of status.actions) {
    const args: DeliveryActionArgs = { namespace: status.namespace, name: status.name, action };
    out.push({
      range,
      command: {
        title: ACTION_TITLES[action], command: DELIVERY_ACTION_COMMAND, arguments: [args],
        tooltip: `${ACTION_TITLES[action]} ${status.kind} ${status.name}${where ? ` in ${where}` : ''} (namespace ${status.namespace}), after a confirmation`,
      },
    });
  }
  return out;
}

function liveTooltip(status: DeliveryStatus, context: string | undefined): string {
  const head = `${status.kind} ${status.namespace}/${status.name} in ${context ?? 'the cluster'}: ${status.phase}`;
  return status.message ? `${head}\n${status.message}` : head;
}

/**
 * A split a Canary or Rollout owns: one lens per owner that opens it (its document when the workspace has it), above
 * the document's first split; the live numbers stay. The written weights are not shown: the controller sets the live ones.
 */
export function managedSplitLenses(ctx: FeatureContext, at: SplitAt, owners: readonly ObjectOwner[]): CodeLens[] {
  const range = at.part.rangeOf(at.split.span);
  const out: CodeLens[] = [];
  if (at.doc.splits.find((s) => s.backends.length > 0) === at.split) {
    for (const owner of owners) {
      const args: OpenOwnerArgs = { owner, ...ownerLocation(ctx.index, owner) };
      out.push({ range, command: { title: ownerLensTitle(owner), command: OPEN_OWNER_COMMAND, arguments: [args], tooltip: ownerMessage(owner, at.doc.kind) } });
    }
  }
  const live = ctx.live.of(at.doc, at.split);
  if (!live) return out;
  out.push(label(range, `Live: ${liveTitle(live)}`));
  const stats = new Map(live.backends.map((l) => [l.name, l] as const));
  const ranges = at.split.backends.map((b) => at.part.rangeOf(b.span));
  // Flow-style backends share a line: their numbers then say whose they are (as the weight lenses do).
  const perLine = new Map<number, number>();
  for (const r of ranges) perLine.set(r.start.line, (perLine.get(r.start.line) ?? 0) + 1);
  for (const [i, b] of at.split.backends.entries()) {
    const numbers = b.name ? stats.get(b.name.value) : undefined;
    const r = ranges[i]!;
    if (numbers) out.push(label(r, `${(perLine.get(r.start.line) ?? 0) > 1 ? `${numbers.name} ` : ''}${numbers.brief}${numbers.flagged ? ' ⚠' : ''}`));
  }
  return out;
}
