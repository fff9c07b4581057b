import { computeSplit, countRows } from './compute';
import type { Sample } from './prometheus';
import { namespaceQueries, windowSeconds } from './queries';
import { familiesOf, sharedApexes, splitsByNamespace, stateOfError, type StatsService } from './statsService';
import type { SplitStats, StatsSplit, StatsState } from './types';

/**
 * The numbers of a span of time at once, for a history that starts empty (the panel's sparklines): per namespace ONE
 * range query, the instant refresh's counts query (`namespaceQueries(...).requests`, every split of the namespace in
 * one regex), evaluated by Prometheus at each step. Each step's samples then go through the instant path's own
 * computation (`countRows`, `computeSplit`), so a step's success rate, RPS and shares are what `StatsService.refresh`
 * evaluated at that time gives. Latency is not queried (the sparklines do not show it): it is null at every step.
 */

export interface RangeSpan {
  /** Unix seconds, first step. */
  start: number;
  /** Unix seconds; the last step is the last `start + k·step` not after it. */
  end: number;
  /** Seconds between steps (> 0). */
  step: number;
}

export interface RangeStep {
  /** Unix seconds. */
  t: number;
  /** Each split measured at `t`, in the order the splits came in; `latencyMs` all null (not queried). */
  splits: SplitStats[];
}

export type RangeResult =
  | { kind: 'ok'; steps: RangeStep[]; queries: number; window: string }
  /** The span, the window or a query failed: nothing is filled, and the state says why (as a refresh's would). */
  | { kind: 'failed'; state: StatsState; queries: number };

/** Prometheus answers at most this many steps per series (prometheus/prometheus `web/api/v1/api.go`, `queryRange`). */
export const MAX_RANGE_STEPS = 11_000;

/** Milliseconds, the grid Prometheus steps on (it evaluates at start + k·step in ms): keys that floats cannot split. */
const ms = (seconds: number): number => Math.round(seconds * 1000);

/** The step times of a span, as Prometheus evaluates them. Throws a RangeError on a span Prometheus refuses. */
export function rangeSteps(span: RangeSpan): number[] {
  const { start, end, step } = span;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) throw new RangeError(`not a span: ${start}..${end}`);
  if (!Number.isFinite(step) || ms(step) <= 0) throw new RangeError(`the step must be positive, not ${step}`);
  const count = Math.floor((ms(end) - ms(start)) / ms(step)) + 1;
  if (count > MAX_RANGE_STEPS) throw new RangeError(`${count} steps: Prometheus answers at most ${MAX_RANGE_STEPS}`);
  return Array.from({ length: count }, (_, k) => (ms(start) + k * ms(step)) / 1000);
}

/**
 * The splits' numbers at every step of `span`, with the service's settings (family, window). `known` as for
 * `StatsService.refresh`. Never throws: a failure is a `failed` result, so a caller's instant refresh goes on.
 */
export async function refreshRange(service: StatsService, splits: readonly StatsSplit[], span: RangeSpan, known: readonly StatsSplit[] = splits): Promise<RangeResult> {
  const { window, family: setting } = service.getSettings();
  let queries = 0;
  let steps: number[];
  let windowSec: number;
  try {
    steps = rangeSteps(span);
    windowSec = windowSeconds(window);
  } catch (e) {
    return { kind: 'failed', queries, state: { kind: 'query-error', message: e instanceof Error ? e.message : String(e) } };
  }
  const shared = sharedApexes(splits, known);
  const perStep = steps.map(() => new Map<StatsSplit, SplitStats>());
  try {
    for (const [namespace, list] of splitsByNamespace(splits)) {
      const q = namespaceQueries(familiesOf(setting), namespace, list.map((s) => s.apex), window);
      queries++;
      const series = await service.client.queryRange(q.requests, span.start, span.end, span.step);
      // The matrix turned into one instant vector per step (a series absent at a step has no sample there).
      const byStep = new Map<number, Sample[]>(steps.map((t) => [ms(t), []]));
      for (const s of series) {
        for (const v of s.values) byStep.get(ms(v.t))?.push({ metric: s.metric, value: v.value });
      }
      steps.forEach((t, i) => {
        const rows = countRows(byStep.get(ms(t)) ?? [], namespace);
        for (const split of list) perStep[i]!.set(split, computeSplit(split, rows, [], windowSec, setting, shared(split)));
      });
    }
  } catch (e) {
    return { kind: 'failed', queries, state: stateOfError(e, service.client) };
  }
  return {
    kind: 'ok',
    queries,
    window,
    steps: steps.map((t, i) => ({ t, splits: splits.flatMap((s) => perStep[i]!.get(s) ?? []) })),
  };
}
