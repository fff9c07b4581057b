import type { Plan, PlanStep } from '../delivery';
import { formatSeconds, parseGoDuration } from '../durations';
import type { AnalysisSpec, CanarySpec, IntSpec } from './canarySpec';

/**
 * The plan a Canary's analysis implies, step by step as Flagger's scheduler takes them (fluxcd/flagger v1.44.0
 * pkg/controller/scheduler.go, `advanceCanary` and the `runCanary` / `runAB` / `runBlueGreen` /
 * `runPromotionTrafficShift` it calls; the weight helpers `maxWeight`, `nextStepWeight`, `totalWeight` at its top).
 * Flagger acts once per analysis interval (a ticker, `scheduleCanaries`), one action per tick, so every step holds
 * one interval:
 * - `start`: the tick that sees the new revision (behind the confirm-rollout gate: `checkCanaryStatus`) scales the
 *   canary up and sets the phase Progressing;
 * - then one tick per weight (canary), or per iteration (A/B testing, blue/green); the first runs the pre-rollout
 *   hooks, each later one the analysis of the step before;
 * - then `promote` (behind confirm-promotion): the primary gets the canary's spec;
 * - then the traffic goes back to the primary, at once or by `stepWeightPromotion` per tick;
 * - and one last tick scales the canary to zero (phase Succeeded).
 */

/** scheduler.go `totalWeight`: always 100. */
const TOTAL_WEIGHT = 100;
/** canary.go: `AnalysisInterval = 60 * time.Second`; `GetAnalysisInterval` raises anything shorter than 10s to 10s. */
const DEFAULT_INTERVAL_SECONDS = 60;
const MIN_INTERVAL_SECONDS = 10;
/** scheduler.go: the kubernetes provider cannot shift traffic, so Flagger sets `iterations: 10` when below 1. */
const KUBERNETES_ITERATIONS = 10;
/** More iterations than this are drawn as one step (a typo of 10000 would otherwise draw 10000 steps). */
const MAX_DRAWN_ITERATIONS = 100;

/**
 * Providers whose router reports a mirrored route back (`GetRoutes`' `mirrored`): Istio (pkg/router/istio.go) and the
 * Gateway API routers (gateway_api.go, gateway_api_v1beta1.go). Others always answer false, so Flagger's mirror step
 * (`runCanary`: mirror first while `!mirrored`) starts over at every tick and the weight never leaves 0.
 */
function reportsMirroring(provider: string): boolean {
  return provider === 'istio' || provider.startsWith('gatewayapi:v1');
}

/** `GetAnalysisInterval`: the interval as written, `time.ParseDuration`; unset or unreadable 60s, at least 10s. */
export function analysisInterval(analysis: AnalysisSpec | undefined): { text: string; seconds: number; unreadable?: boolean } {
  const text = analysis?.interval?.value;
  if (text === undefined || text === '') return { text: `${formatSeconds(DEFAULT_INTERVAL_SECONDS)} (default)`, seconds: DEFAULT_INTERVAL_SECONDS };
  const parsed = parseGoDuration(text);
  if (parsed === undefined) return { text, seconds: DEFAULT_INTERVAL_SECONDS, unreadable: true };
  return { text, seconds: Math.max(MIN_INTERVAL_SECONDS, parsed) };
}

/** `GetAnalysisThreshold`: the threshold when above 0, else 1. */
export function analysisThreshold(analysis: AnalysisSpec | undefined): number {
  const t = analysis?.threshold?.value ?? 0;
  return t > 0 ? t : 1;
}

export type CanaryStrategy = 'canary' | 'ab-testing' | 'blue-green';

/**
 * `DeploymentStrategy` (canary.go), after the kubernetes provider's adjustment (scheduler.go: iterations below 1 become
 * 10 and match conditions are dropped): iterations with match conditions is A/B testing, iterations alone blue/green.
 */
export function canaryStrategy(analysis: AnalysisSpec | undefined, provider: string): { strategy: CanaryStrategy; iterations: number } {
  let iterations = analysis?.iterations?.value ?? 0;
  let match = analysis?.match !== undefined;
  if (provider === 'kubernetes') {
    match = false;
    if (iterations < 1) iterations = KUBERNETES_ITERATIONS;
  }
  if (match && iterations > 0) return { strategy: 'ab-testing', iterations };
  return iterations > 0 ? { strategy: 'blue-green', iterations } : { strategy: 'canary', iterations };
}

/** scheduler.go `maxWeight`: the last of stepWeights (at most 100), else maxWeight when above 0, else 100. */
export function effectiveMaxWeight(analysis: AnalysisSpec | undefined): number {
  const steps = analysis?.stepWeights?.values ?? [];
  if (steps.length > 0) return Math.min(TOTAL_WEIGHT, steps[steps.length - 1]!);
  const max = analysis?.maxWeight?.value ?? 0;
  return max > 0 ? max : TOTAL_WEIGHT;
}

/** scheduler.go `nextStepWeight`: how far the canary's weight moves from `weight` at the next step. */
export function nextStepWeight(analysis: AnalysisSpec | undefined, weight: number): number {
  const steps = analysis?.stepWeights?.values ?? [];
  const stepWeight = analysis?.stepWeight?.value ?? 0;
  if (stepWeight > 0 || steps.length === 0) return stepWeight;
  const maxStep = TOTAL_WEIGHT - weight;
  if (maxStep === 0) return 1;
  if (weight === 0) return Math.min(maxStep, steps[0]!);
  for (let i = 0; i < steps.length - 1; i++) {
    if (steps[i] === weight) return Math.min(maxStep, steps[i + 1]! - weight);
  }
  return maxStep;
}

/** A field Go reads as an `int` holding a fraction: Flagger's decoder refuses the whole Canary. */
export function fractionalField(analysis: AnalysisSpec | undefined): { field: string; value: IntSpec } | undefined {
  if (!analysis) return undefined;
  const fields: [string, IntSpec | undefined][] = [
    ['iterations', analysis.iterations], ['maxWeight', analysis.maxWeight], ['stepWeight', analysis.stepWeight],
    ['stepWeightPromotion', analysis.stepWeightPromotion], ['threshold', analysis.threshold],
    ...(analysis.stepWeights?.items ?? []).map((i): [string, IntSpec | undefined] => ['stepWeights', i]),
  ];
  for (const [field, value] of fields) if (value && !value.whole) return { field, value };
  return undefined;
}

interface Gates { rollout: boolean; traffic: boolean; promotion: boolean }

function gatesOf(analysis: AnalysisSpec | undefined): Gates {
  const types = new Set((analysis?.webhooks ?? []).map((w) => w.type));
  return { rollout: types.has('confirm-rollout'), traffic: types.has('confirm-traffic-increase'), promotion: types.has('confirm-promotion') };
}

/** A step's label with the gates it waits behind, e.g. `promote (confirm-promotion)`. */
function gated(label: string, gates: string[]): { label: string; gate?: true } {
  return gates.length > 0 ? { label: `${label} (${gates.join(', ')})`, gate: true } : { label };
}

/** The plan of a Canary whose traffic is routed by `provider` (spec.provider, else the install's default). */
export function canaryPlan(spec: CanarySpec, provider: string): Plan {
  const analysis = spec.analysis;
  const interval = analysisInterval(analysis);
  const hold = interval.seconds;
  const base: Plan = {
    steps: [],
    interval: { text: interval.text, seconds: interval.seconds },
    rollback: `rolls back after ${plural(analysisThreshold(analysis), 'failed check')}`,
  };
  if (spec.suspend) return { ...base, none: 'suspended (spec.suspend): Flagger runs no analysis until it is resumed' };
  // The CRD requires an analysis, and Flagger's scheduler reads its interval unguarded (canary.go GetAnalysisInterval).
  if (!analysis) return { ...base, none: 'no spec.analysis: Flagger needs one to schedule the Canary' };
  const fraction = fractionalField(analysis);
  if (fraction) {
    return { ...base, none: `${fraction.field} ${fraction.value.value} is not a whole number: Flagger cannot decode this Canary` };
  }
  const gates = gatesOf(analysis);
  const steps: PlanStep[] = [{ weight: 0, holdSeconds: hold, ...gated('start', gates.rollout ? ['confirm-rollout'] : []) }];
  // canary.go SkipAnalysis: the next tick promotes at once (scheduler.go shouldSkipAnalysis).
  if (spec.skipAnalysis) {
    steps.push({ weight: 0, holdSeconds: 0, label: 'promote (analysis skipped)' });
    return finish(base, steps);
  }
  const { strategy, iterations } = canaryStrategy(analysis, provider);
  let weight: number;
  if (strategy === 'canary') {
    const reached = canarySteps(analysis, provider, gates, hold, steps);
    if (reached === undefined) return { ...base, steps };
    weight = reached;
  } else {
    weight = iterationSteps(analysis, strategy, iterations, provider, gates, hold, steps);
  }
  promotionSteps(analysis, strategy, provider, weight, hold, steps);
  return finish(base, steps);
}

/**
 * The weight steps of the canary strategy, then `promote`; returns the canary's weight at promotion, or undefined when
 * Flagger never gets there (a stall step ends the plan, holding indefinitely).
 */
function canarySteps(analysis: AnalysisSpec, provider: string, gates: Gates, hold: number, steps: PlanStep[]): number | undefined {
  const maxWeight = effectiveMaxWeight(analysis);
  let weight = 0;
  let mirrored = false;
  // Each tick raises the weight by at least 1 up to 100, or stalls: this ends within ~100 steps.
  for (;;) {
    const next = nextStepWeight(analysis, weight);
    if (next <= 0) {
      steps.push({ weight, label: `stalls at ${weight}%: the next step weight is ${next}` });
      return undefined;
    }
    // The confirm-traffic-increase hooks run before every step unless the traffic is mirrored.
    const trafficGate = gates.traffic && !mirrored ? ['confirm-traffic-increase'] : [];
    if (weight >= maxWeight) {
      steps.push({ weight, holdSeconds: hold, ...gated('promote', [...trafficGate, ...(gates.promotion ? ['confirm-promotion'] : [])]) });
      return weight;
    }
    if (analysis.mirror && weight === 0) {
      if (!mirrored) {
        if (!reportsMirroring(provider)) {
          steps.push({ weight, label: `stalls mirroring: the ${provider} router cannot mirror` });
          return undefined;
        }
        mirrored = true;
        steps.push({ weight: 0, holdSeconds: hold, ...gated('mirror', trafficGate) });
        continue;
      }
      mirrored = false;
      weight = Math.min(TOTAL_WEIGHT, next);
    } else {
      const before = weight;
      weight = Math.min(TOTAL_WEIGHT, weight + next);
      if (weight === before) {
        steps.push({ weight, label: `stalls at ${weight}%: maxWeight ${maxWeight} is never reached` });
        return undefined;
      }
    }
    steps.push({ weight, holdSeconds: hold, ...gated(`${weight}%`, trafficGate) });
  }
}

/**
 * The iterations of A/B testing (`runAB`: requests matching `analysis.match` go to the canary, the rest stays on the
 * primary: weight 0) or blue/green (`runBlueGreen`: no traffic, or mirrored, until every iteration passed; then all
 * of it to the canary, a tick before the promotion). Returns the weight the router reports at promotion.
 */
function iterationSteps(analysis: AnalysisSpec, strategy: CanaryStrategy, iterations: number, provider: string, gates: Gates, hold: number, steps: PlanStep[]): number {
  const mirror = strategy === 'blue-green' && analysis.mirror && provider !== 'kubernetes' ? ' (mirrored)' : '';
  if (iterations > MAX_DRAWN_ITERATIONS) {
    steps.push({ weight: 0, holdSeconds: hold * iterations, label: `iterations 1–${iterations}${mirror}` });
  } else {
    for (let i = 1; i <= iterations; i++) steps.push({ weight: 0, holdSeconds: hold, label: `iteration ${i}/${iterations}${mirror}` });
  }
  const promotionGate = gates.promotion ? ['confirm-promotion'] : [];
  if (strategy === 'ab-testing') {
    steps.push({ weight: 0, holdSeconds: hold, ...gated('promote', promotionGate) });
    // The router's weighted rule is the one for matching requests, all of them on the canary (gateway_api.go GetRoutes).
    return TOTAL_WEIGHT;
  }
  const weight = provider === 'kubernetes' ? 0 : TOTAL_WEIGHT;
  // The kubernetes provider routes nothing: the tick only counts the last iteration.
  steps.push({ weight, holdSeconds: hold, ...gated(provider === 'kubernetes' ? 'iterations passed' : `${weight}%`, promotionGate) });
  steps.push({ weight, holdSeconds: hold, label: 'promote' });
  return weight;
}

/**
 * `runPromotionTrafficShift`: the kubernetes provider finalises at once; without stepWeightPromotion all traffic goes
 * back to the primary in one tick; with it, the primary gains that much per tick. One more tick then scales the
 * canary to zero, which the last step's hold covers.
 */
function promotionSteps(analysis: AnalysisSpec, strategy: CanaryStrategy, provider: string, weight: number, hold: number, steps: PlanStep[]): void {
  const shift = analysis.stepWeightPromotion?.value ?? 0;
  const shown = (canary: number): number => (strategy === 'ab-testing' ? 0 : canary);
  if (provider === 'kubernetes') {
    steps.push({ weight: 0, holdSeconds: hold, label: 'finalise' });
    return;
  }
  if (shift === 0) {
    steps.push({ weight: 0, holdSeconds: hold, label: 'primary 100%' });
    return;
  }
  if (shift < 0 || weight <= 0) {
    steps.push({ weight: shown(weight), label: shift < 0 ? `stalls: stepWeightPromotion ${shift} moves traffic away from the primary` : 'stalls: no canary traffic to move back' });
    return;
  }
  let canary = weight;
  let primary = TOTAL_WEIGHT - weight;
  while (primary < TOTAL_WEIGHT) {
    primary = Math.min(TOTAL_WEIGHT, primary + shift);
    canary = Math.max(0, canary - shift);
    steps.push({ weight: shown(canary), holdSeconds: hold, label: `primary ${primary}%` });
  }
}

/** The least time to Succeeded when every check and gate passes at once: the steps' holds, unless one waits forever. */
function finish(base: Plan, steps: PlanStep[]): Plan {
  const least = steps.every((s) => s.holdSeconds !== undefined) ? steps.reduce((sum, s) => sum + (s.holdSeconds ?? 0), 0) : undefined;
  return { ...base, steps, ...(least !== undefined ? { leastSeconds: least } : {}) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
