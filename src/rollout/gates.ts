/**
 * The gates of a rollout step, judged on one refresh of live stats (src/stats): pure, no I/O. The same judgement
 * serves `canary-lens gate`, the rollout runner and the panel.
 *
 * - requests: the canary had at least `minRequests` requests in the window. Below that every gate says "not enough
 *   traffic" and waits: it never passes, and it never fails on a handful of requests.
 * - success rate: the canary's ≥ `minSuccessPercent`, and ≥ the stable backends' (all other backends together) minus
 *   `maxSuccessDropPoints`. With no stable request in the window, only the absolute bound is judged, and it says so.
 * - latency P99: the canary's ≤ `maxP99Ratio` × the stable's, and ≤ `maxP99Ms` when set. The stable's P99 is that of
 *   the stable backend with the most requests in the window: quantiles of separate histograms do not add up. With no
 *   stable latency and no `maxP99Ms` the gate is not judged ("skipped", said why): it neither passes nor blocks.
 *   Both P99s are interpolated within Linkerd's histogram buckets (…, 5, 10, 20 ms, …), so a ratio on single-digit
 *   milliseconds can flap between evaluations; `maxP99Ms` is the steadier bound there.
 */
import type { BackendStats, SplitStats } from '../stats/types';
import type { GateThresholds } from './plan';

export type GateId = 'requests' | 'successRate' | 'latencyP99';
/** `insufficient`: not enough traffic or data to judge; a step waits. `skipped`: nothing to compare with (see above). */
export type GateVerdict = 'pass' | 'fail' | 'insufficient' | 'skipped';
export type OverallVerdict = 'pass' | 'fail' | 'insufficient';

export interface GateResult {
  id: GateId;
  /** `requests ≥ 100`, `success rate ≥ 99%`, `P99 ≤ 1.5 × stable`. */
  label: string;
  verdict: GateVerdict;
  /** The canary's value (requests, percent, ms); null when there is none. */
  value: number | null;
  /** The bound the value was judged against (requests, percent, ms); null when not judged. */
  threshold: number | null;
  comparator: '>=' | '<=';
  unit: 'requests' | '%' | 'ms';
  /** One line: the value against the threshold and where the threshold comes from, or why it was not judged. */
  detail: string;
}

export interface GateReport {
  canary: string;
  /** The other backends, the baseline. */
  stable: string[];
  verdict: OverallVerdict;
  gates: GateResult[];
  /** Why the whole split could not be judged (not measured, no such canary); gates are then `insufficient`. */
  reason?: string;
}

/** The canary of a split: the named backend, else the last one (as the lenses' Promote). */
export function canaryOf(split: { backends: readonly { name: string }[] }, named?: string): string | undefined {
  if (named !== undefined) return split.backends.some((b) => b.name === named) ? named : undefined;
  return split.backends[split.backends.length - 1]?.name;
}

const requestsOf = (b: BackendStats): number => b.successCount + b.failureCount;
const pct = (v: number): string => `${(Math.round(v * 100) / 100).toString()}%`;
const ms = (v: number): string => `${v >= 100 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString()} ms`;

/** Overall verdict: any fail fails; else any gate short of data waits; else pass (skipped gates do not block). */
export function overallVerdict(gates: readonly GateResult[]): OverallVerdict {
  if (gates.some((g) => g.verdict === 'fail')) return 'fail';
  if (gates.some((g) => g.verdict === 'insufficient')) return 'insufficient';
  return 'pass';
}

function labels(t: GateThresholds): Record<GateId, string> {
  return {
    requests: `requests ≥ ${t.minRequests}`,
    successRate: `success rate ≥ ${t.minSuccessPercent}% and ≥ stable − ${t.maxSuccessDropPoints}`,
    latencyP99: `P99 ≤ ${t.maxP99Ratio} × stable${t.maxP99Ms !== undefined ? ` and ≤ ${ms(t.maxP99Ms)}` : ''}`,
  };
}

function unjudged(t: GateThresholds, why: string): GateResult[] {
  const l = labels(t);
  return [
    { id: 'requests', label: l.requests, verdict: 'insufficient', value: null, threshold: t.minRequests, comparator: '>=', unit: 'requests', detail: why },
    { id: 'successRate', label: l.successRate, verdict: 'insufficient', value: null, threshold: null, comparator: '>=', unit: '%', detail: why },
    { id: 'latencyP99', label: l.latencyP99, verdict: 'insufficient', value: null, threshold: null, comparator: '<=', unit: 'ms', detail: why },
  ];
}

/** Judges the gates on a split's stats. `canaryName` absent: the last backend. */
export function evaluateGates(stats: SplitStats, thresholds: GateThresholds, canaryName?: string): GateReport {
  const canaryBackend = canaryOf(stats.split, canaryName);
  const stableNames = stats.split.backends.map((b) => b.name).filter((n) => n !== canaryBackend);
  const report = (gates: GateResult[], reason?: string): GateReport => ({
    canary: canaryBackend ?? canaryName ?? '', stable: stableNames, verdict: overallVerdict(gates), gates, ...(reason ? { reason } : {}),
  });
  if (canaryBackend === undefined) {
    const why = canaryName !== undefined ? `${canaryName} is not a backend of this split` : 'the split has no backends';
    return report(unjudged(thresholds, why), why);
  }
  if (stats.unmeasured) return report(unjudged(thresholds, `not measured: ${stats.unmeasured}`), `not measured: ${stats.unmeasured}`);
  if (stats.family === null) {
    const why = 'no Linkerd metrics for this split in the window (is the apex meshed and receiving traffic?)';
    return report(unjudged(thresholds, why), why);
  }

  const canary = stats.backends.find((b) => b.name === canaryBackend);
  const stable = stats.backends.filter((b) => b.name !== canaryBackend);
  const l = labels(thresholds);
  const canaryRequests = canary ? requestsOf(canary) : 0;
  const enough = canaryRequests >= thresholds.minRequests;
  const short = `not enough traffic: ${canaryRequests} of ${thresholds.minRequests} requests to ${canaryBackend} in the window`;

  const requests: GateResult = {
    id: 'requests', label: l.requests, verdict: enough ? 'pass' : 'insufficient', value: canaryRequests, threshold: thresholds.minRequests,
    comparator: '>=', unit: 'requests', detail: enough ? `${canaryRequests} requests to ${canaryBackend} (≥ ${thresholds.minRequests})` : short,
  };
  return report([requests, successGate(canary, stable, thresholds, l.successRate, enough ? undefined : short), latencyGate(canary, stable, thresholds, l.latencyP99, enough ? undefined : short)]);
}

function successGate(canary: BackendStats | undefined, stable: readonly BackendStats[], t: GateThresholds, label: string, notEnough: string | undefined): GateResult {
  const value = canary?.success !== null && canary?.success !== undefined ? canary.success * 100 : null;
  const base = { id: 'successRate' as const, label, value, comparator: '>=' as const, unit: '%' as const };
  if (notEnough !== undefined || value === null) return { ...base, verdict: 'insufficient', threshold: null, detail: notEnough ?? 'no success rate for the canary' };
  const stableOk = stable.reduce((s, b) => s + b.successCount, 0);
  const stableAll = stable.reduce((s, b) => s + requestsOf(b), 0);
  const stableRate = stableAll > 0 ? (stableOk / stableAll) * 100 : null;
  const relative = stableRate !== null ? stableRate - t.maxSuccessDropPoints : null;
  const threshold = relative !== null ? Math.max(t.minSuccessPercent, relative) : t.minSuccessPercent;
  const from = relative !== null && relative > t.minSuccessPercent
    ? `stable ${pct(stableRate!)} − ${t.maxSuccessDropPoints}`
    : relative !== null ? `the floor ${pct(t.minSuccessPercent)}; stable ${pct(stableRate!)}` : `the floor ${pct(t.minSuccessPercent)}; no stable requests in the window to compare with`;
  const pass = value >= threshold - 1e-9;
  return { ...base, verdict: pass ? 'pass' : 'fail', threshold, detail: `${pct(value)} ${pass ? '≥' : '<'} ${pct(threshold)} (${from})` };
}

function latencyGate(canary: BackendStats | undefined, stable: readonly BackendStats[], t: GateThresholds, label: string, notEnough: string | undefined): GateResult {
  const value = canary?.latencyMs.p99 ?? null;
  const base = { id: 'latencyP99' as const, label, value, comparator: '<=' as const, unit: 'ms' as const };
  if (notEnough !== undefined) return { ...base, verdict: 'insufficient', threshold: null, detail: notEnough };
  if (value === null) return { ...base, verdict: 'insufficient', threshold: null, detail: 'no latency for the canary in the window (no histogram series)' };
  // The stable backend with the most requests and a P99: the one the canary is compared with.
  const baseline = [...stable].filter((b) => b.latencyMs.p99 !== null).sort((a, b) => requestsOf(b) - requestsOf(a))[0];
  const relative = baseline ? baseline.latencyMs.p99! * t.maxP99Ratio : undefined;
  const bounds = [relative, t.maxP99Ms].filter((v): v is number => v !== undefined);
  if (bounds.length === 0) {
    return { ...base, verdict: 'skipped', threshold: null, detail: `${ms(value)}, not compared: no stable latency in the window and no maxMs` };
  }
  const threshold = Math.min(...bounds);
  const from = relative !== undefined && threshold === relative
    ? `${t.maxP99Ratio} × ${baseline!.name} ${ms(baseline!.latencyMs.p99!)}`
    : `maxMs${relative === undefined ? '; no stable latency in the window' : ''}`;
  const pass = value <= threshold + 1e-9;
  return { ...base, verdict: pass ? 'pass' : 'fail', threshold, detail: `${ms(value)} ${pass ? '≤' : '>'} ${ms(threshold)} (${from})` };
}
