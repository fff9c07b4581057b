/**
 * Splits with many backends, generated (no big fixtures): for the tests and the benchmark of lenses and symbols
 * on huge splits (test/unit/hugeSplits.test.ts, test/bench/lenses.ts). Weights vary (1..7) so shares differ.
 */
import { httpRoute, trafficSplit } from './manifests';

export type HugeKind = 'TrafficSplit' | 'HTTPRoute';

/** Name of the i-th backend (0-based). */
export const hugeBackend = (i: number): string => `backend-${i}`;

/** Weight of the i-th backend. */
export const hugeWeight = (i: number): number => 1 + (i % 7);

/** A TrafficSplit (v1alpha2) or an HTTPRoute (one rule) with `n` backends. */
export function hugeSplit(kind: HugeKind, n: number): string {
  const names = Array.from({ length: n }, (_, i) => i);
  return kind === 'TrafficSplit'
    ? trafficSplit({ name: 'huge', backends: names.map((i) => ({ service: hugeBackend(i), weight: hugeWeight(i) })) })
    : httpRoute({ name: 'huge', apex: { name: 'web-apex', port: 80 }, backends: names.map((i) => ({ name: hugeBackend(i), port: 80, weight: hugeWeight(i) })) });
}
