/**
 * The gates of a rollout on live stats: one refresh of the stats module (both Linkerd metric families, as the panel
 * and `canary-lens stats` read them) over the plan's window, judged by gates.ts. A refresh that cannot be made
 * (Prometheus down, a query error) is an error value: the rollout then holds and applies nothing.
 */
import { StatsService } from '../stats/statsService';
import { splitsFromObjects, type K8sObjectLike } from '../stats/fromManifests';
import type { PrometheusClient } from '../stats/prometheus';
import type { StatsSplit } from '../stats/types';
import { evaluateGates, type GateReport } from './gates';
import type { RolloutState } from './state';

/** The split of a live object as the stats module measures it (rule 1-based; absent: the first). */
export function statsSplitOf(object: K8sObjectLike, rule?: number): StatsSplit | undefined {
  const { splits } = splitsFromObjects([object]);
  return splits.find((s) => (s.rule ?? 1) === (rule ?? 1)) ?? splits[0];
}

export async function liveGates(client: PrometheusClient, split: StatsSplit, state: Pick<RolloutState, 'plan' | 'canary'>, at?: number): Promise<GateReport | { error: string }> {
  // Latency over the whole window (rate), not the last scrapes (irate): a gate judges the window's traffic.
  const service = new StatsService(client, { family: 'auto', window: state.plan.window, latencyRate: 'rate', ...(at !== undefined ? { at } : {}) });
  const result = await service.refresh([split]);
  if (result.state.kind === 'prometheus-unreachable' || result.state.kind === 'query-error') return { error: result.state.message };
  const stats = result.splits[0];
  if (!stats) return { error: `no stats for ${split.kind} ${split.name}` };
  return evaluateGates(stats, state.plan.gates, state.canary);
}
