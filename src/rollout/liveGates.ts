/**
 * The gates on live stats: one refresh of the stats module (both Linkerd metric families, as the panel and
 * `canary-lens stats` read them) over the plan's window, judged by gates.ts. Every split of the namespace is known to
 * the refresh, so a split that shares its apex with another is judged as the lenses see it: one that another takes
 * the apex from (src/stats/precedence.ts) waits, saying it is not in effect, and the authority family is never
 * credited to a split that cannot be told from its neighbours. `canary-lens gate` and the rollout runner both judge
 * here. A refresh that cannot be made (Prometheus down, a query error) is an error value: a rollout then holds and
 * applies nothing.
 */
import { StatsService } from '../stats/statsService';
import { splitsFromObjects, type K8sObjectLike, type ManifestSplit } from '../stats/fromManifests';
import { describeShadow, shadowsOf } from '../stats/precedence';
import type { PrometheusClient } from '../stats/prometheus';
import type { FamilySetting, SplitStats, StatsResult, StatsSplit } from '../stats/types';
import { evaluateGates, type GateReport } from './gates';
import type { GateThresholds } from './plan';
import type { RolloutState } from './state';

export interface SplitGates {
  split: StatsSplit;
  report: GateReport;
}

export interface JudgeOptions {
  window: string;
  gates: GateThresholds;
  /** The canary backend (absent: each split's last). */
  canary?: string;
  family?: FamilySetting;
  /** Evaluation time, Unix seconds (absent: now). */
  at?: number;
}

/** The stats of a split with nothing to judge on, and why. */
function unmeasured(split: StatsSplit, why: string): SplitStats {
  return { split, family: null, unmeasured: why, rps: 0, backends: [], route: null, flagged: false, hasTraffic: false };
}

/**
 * Judges `targets` (some of `known`) on one refresh. The result carries the refresh's state: a caller checks it for
 * an unreachable Prometheus or a query error before it trusts the reports.
 */
export async function judgeSplits(client: PrometheusClient, targets: readonly StatsSplit[], known: readonly StatsSplit[], o: JudgeOptions): Promise<{ result: StatsResult; reports: SplitGates[] }> {
  // Latency over the whole window (rate), not the last scrapes (irate, as `linkerd viz stat` and the panel show it):
  // a gate judges the window's traffic, as Flagger's Linkerd request-duration query does.
  const service = new StatsService(client, { family: o.family ?? 'auto', window: o.window, latencyRate: 'rate', ...(o.at !== undefined ? { at: o.at } : {}) });
  const result = await service.refresh(targets, known);
  const shadows = shadowsOf(known);
  const reports = targets.map((split) => {
    const shadow = shadows[known.indexOf(split)];
    const stats = shadow ? unmeasured(split, `not in effect: ${describeShadow(shadow)}`)
      : result.splits.find((s) => s.split === split) ?? unmeasured(split, 'no apex Service or no backend to measure');
    return { split, report: evaluateGates(stats, o.gates, o.canary) };
  });
  return { result, reports };
}

const groupOf = (o: K8sObjectLike): string => (o.apiVersion ?? '').split('/').slice(0, -1).join('/');
const sameObject = (a: K8sObjectLike, b: K8sObjectLike): boolean => a.kind === b.kind && groupOf(a) === groupOf(b)
  && a.metadata?.name === b.metadata?.name && a.metadata?.namespace === b.metadata?.namespace;

/**
 * A rollout's split among the splits of its namespace: the object just read stands in for its listed copy (it is
 * fresher), the others as listed. `rule` is 1-based (absent: the first).
 */
export function rolloutSplits(live: K8sObjectLike, neighbours: readonly K8sObjectLike[], rule?: number): { target: ManifestSplit | undefined; known: ManifestSplit[] } {
  const own = splitsFromObjects([live]).splits;
  const target = own.find((s) => (s.rule ?? 1) === (rule ?? 1)) ?? own[0];
  const others = splitsFromObjects(neighbours.filter((o) => !sameObject(o, live))).splits;
  return { target, known: [...own, ...others] };
}

/** Why a rollout's split routes nothing (another split takes its apex), or undefined when it is in effect. */
export function notInEffect(live: K8sObjectLike, neighbours: readonly K8sObjectLike[], rule?: number): string | undefined {
  const { target, known } = rolloutSplits(live, neighbours, rule);
  if (!target) return undefined;
  const shadow = shadowsOf(known)[known.indexOf(target)];
  return shadow ? describeShadow(shadow) : undefined;
}

/** A rollout's gates now, on its split as the cluster has it among its namespace's splits. */
export async function liveGates(client: PrometheusClient, state: Pick<RolloutState, 'plan' | 'canary'>, live: K8sObjectLike, neighbours: readonly K8sObjectLike[], rule?: number, at?: number): Promise<GateReport | { error: string }> {
  const { target, known } = rolloutSplits(live, neighbours, rule);
  if (!target) return { error: `${live.kind ?? 'the split'} ${live.metadata?.name ?? ''} has no apex to measure` };
  const { result, reports } = await judgeSplits(client, [target], known, { window: state.plan.window, gates: state.plan.gates, canary: state.canary, ...(at !== undefined ? { at } : {}) });
  if (result.state.kind === 'prometheus-unreachable' || result.state.kind === 'query-error') return { error: result.state.message };
  return reports[0]!.report;
}
