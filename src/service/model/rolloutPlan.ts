/**
 * A RolloutPlan (`canary-lens.dev/v1alpha1`, schema: schemas/rolloutPlan.ts) as the language service reads it, and the
 * checks of a plan the schema cannot state. These checks are the only implementation: src/rollout/plan.ts
 * (`planProblems`) runs them on plans from files, settings and flags; rules/rolloutPlan.ts on the editor's documents.
 * Pure: no I/O.
 */
import type { Document } from 'yaml';
import type { Span } from '../document/part';
import { isScalar, keySpan, mapAt, numberAt, rootMap, seqAt, spanOf, stringAt } from '../document/yamlNodes';
import { parsePrometheusDuration } from './durations';
import { DEFAULT_NAMESPACE, type Located } from './split';

/** What the checks read of a plan: steps, hold time and window as written (Prometheus durations), two gates. */
export interface PlanValues {
  steps: readonly number[];
  holdTime: string;
  window: string;
  gates: { minRequests: number; maxP99Ratio: number };
}

/** The plan's defaults (src/rollout/plan.ts `DEFAULT_PLAN`, the `canaryLens.rollout.*` settings' defaults). */
export const PLAN_DEFAULTS = {
  steps: [10, 25, 50, 100] as readonly number[],
  holdTime: '2m',
  window: '1m',
  autoAdvance: true,
  autoRollback: false,
  gates: { minRequests: 100, minSuccessPercent: 99, maxSuccessDropPoints: 1, maxP99Ratio: 1.5 },
};

/** Where a plan's value is in a file, under `spec` (`['steps', 2]`, `['gates', 'latencyP99', 'maxRatioToStable']`). */
export type PlanPath = readonly (string | number)[];

export interface PlanProblem {
  /** The value at fault. */
  path: PlanPath;
  /** For a problem between two values (hold time against window): the other one. */
  other?: PlanPath;
  message: string;
  /** The schema says this too: a file's schema diagnostics have already said it. */
  inSchema: boolean;
}

/** Problems of a plan: steps rising, hold time at least two windows, and what the schema also bounds (for plans from flags). */
export function planValueProblems(plan: PlanValues): PlanProblem[] {
  const problems: PlanProblem[] = [];
  plan.steps.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0 || s > 100) {
      problems.push({ path: ['steps', i], message: `steps[${i}] must be a percentage between 0 and 100, not ${s}`, inSchema: true });
    } else if (i > 0 && s <= plan.steps[i - 1]!) {
      problems.push({ path: ['steps', i], message: `steps must rise: steps[${i}] (${s}) is not above steps[${i - 1}] (${plan.steps[i - 1]})`, inSchema: false });
    }
  });
  if (plan.steps.length === 0) problems.push({ path: ['steps'], message: 'steps must hold at least one step', inSchema: true });
  const seconds = (what: 'holdTime' | 'window'): number | undefined => {
    const s = parsePrometheusDuration(plan[what]);
    if (s === undefined) {
      problems.push({ path: [what], message: `${what}: must be a Prometheus duration such as 1m, 30s or 1h30m, not ${JSON.stringify(plan[what])}`, inSchema: true });
    } else if (s <= 0) {
      // The schema's pattern takes `0s`: only the plan knows a step must last.
      problems.push({ path: [what], message: `${what} must be longer than 0, not ${plan[what]}`, inSchema: false });
    }
    return s;
  };
  const hold = seconds('holdTime');
  const window = seconds('window');
  // A zero hold or window is said above: not again as too short.
  if (hold !== undefined && hold > 0 && window !== undefined && window > 0 && hold < 2 * window) {
    problems.push({
      path: ['holdTime'], other: ['window'], inSchema: false,
      message: `holdTime ${plan.holdTime} is shorter than two stats windows (2 × ${plan.window}): the gates would judge a step on traffic from the one before`,
    });
  }
  const g = plan.gates;
  if (!(g.minRequests >= 1)) problems.push({ path: ['gates', 'minRequests'], message: `gates.minRequests must be at least 1, not ${g.minRequests}`, inSchema: true });
  if (!(g.maxP99Ratio >= 1)) {
    problems.push({ path: ['gates', 'latencyP99', 'maxRatioToStable'], message: `gates.latencyP99.maxRatioToStable must be at least 1, not ${g.maxP99Ratio}`, inSchema: true });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// A RolloutPlan document

export interface PlanDocument {
  kindSpan: Span;
  name?: Located<string>;
  /** metadata.namespace, else `default`: where the target split is looked for. */
  ns: string;
  /** `spec.targetRef` as written: its key, kind, name and rule (a kind outside the split kinds is the schema's to say). */
  target?: { span: Span; kind?: Located<string>; name?: Located<string>; rule?: Located<number> };
  canary?: Located<string>;
  /** The values the checks read: the file's where it writes one of the right type, else the defaults. */
  values: PlanValues;
  /** Where each value the file writes is (key: the path joined by `.`, `steps.2`). */
  spans: ReadonlyMap<string, Span>;
}

export const planPathKey = (path: PlanPath): string => path.join('.');

/** The plan model of a parsed RolloutPlan document; undefined when it has no root mapping. */
export function adaptRolloutPlan(doc: Document.Parsed): PlanDocument | undefined {
  const root = rootMap(doc);
  const kindSpan = keySpan(root, 'kind', doc);
  if (!root || !kindSpan) return undefined;
  const metadata = mapAt(root, 'metadata', doc);
  const spec = mapAt(root, 'spec', doc);
  const spans = new Map<string, Span>();
  const name = stringAt(metadata, 'name', doc);
  const namespace = stringAt(metadata, 'namespace', doc);

  const ref = mapAt(spec, 'targetRef', doc);
  const refKey = keySpan(spec, 'targetRef', doc);
  const kind = stringAt(ref, 'kind', doc);
  const refName = stringAt(ref, 'name', doc);
  const rule = numberAt(ref, 'rule', doc);
  const target = refKey ? { span: refKey, ...(kind ? { kind } : {}), ...(refName ? { name: refName } : {}), ...(rule ? { rule } : {}) } : undefined;

  const steps: number[] = [];
  const seq = seqAt(spec, 'steps', doc);
  for (const [i, item] of (seq?.items ?? []).entries()) {
    const span = spanOf(item as { range?: [number, number, number] });
    if (isScalar(item) && typeof item.value === 'number' && span) {
      steps.push(item.value);
      spans.set(planPathKey(['steps', i]), span);
    }
  }
  const text = (key: 'holdTime' | 'window'): string => {
    const v = stringAt(spec, key, doc);
    if (!v) return PLAN_DEFAULTS[key];
    spans.set(key, v.span);
    return v.value;
  };
  const gates = mapAt(spec, 'gates', doc);
  const minRequests = numberAt(gates, 'minRequests', doc);
  const ratio = numberAt(mapAt(gates, 'latencyP99', doc), 'maxRatioToStable', doc);
  if (minRequests) spans.set('gates.minRequests', minRequests.span);
  if (ratio) spans.set('gates.latencyP99.maxRatioToStable', ratio.span);
  const canary = stringAt(spec, 'canary', doc);
  return {
    kindSpan,
    ...(name ? { name } : {}),
    ns: namespace?.value || DEFAULT_NAMESPACE,
    ...(target ? { target } : {}),
    ...(canary ? { canary } : {}),
    values: {
      // A list with anything but numbers is the schema's to report: the checks then read the default steps.
      steps: seq && steps.length === seq.items.length ? steps : PLAN_DEFAULTS.steps,
      holdTime: text('holdTime'),
      window: text('window'),
      gates: { minRequests: minRequests?.value ?? PLAN_DEFAULTS.gates.minRequests, maxP99Ratio: ratio?.value ?? PLAN_DEFAULTS.gates.maxP99Ratio },
    },
    spans,
  };
}
