/**
 * Hand-made bucket sets (gauges named `quantile_probe_bucket`, one `case` label each) on which the stats module's
 * TypeScript histogram_quantile is compared with Prometheus' own: the corner cases of promql/quantile.go.
 */
import { EVAL } from './history';

export interface ProbeCase {
  name: string;
  buckets: Array<[le: string, cumulative: number]>;
}

export const PROBES: ProbeCase[] = [
  { name: 'plain', buckets: [['0.1', 3], ['0.5', 7], ['1', 9], ['+Inf', 10]] },
  { name: 'fractions', buckets: [['1', 0.2], ['2', 0.4], ['5', 1.3000000000000003], ['+Inf', 1.7]] },
  { name: 'rank-in-inf-bucket', buckets: [['1', 1], ['2', 2], ['+Inf', 100]] },
  { name: 'all-in-first', buckets: [['10', 5], ['20', 5], ['+Inf', 5]] },
  { name: 'non-monotonic', buckets: [['1', 5], ['2', 3], ['3', 8], ['4', 7], ['+Inf', 10]] },
  { name: 'duplicate-le', buckets: [['1', 2], ['1.0', 3], ['2', 6], ['+Inf', 8]] },
  { name: 'negative-first', buckets: [['-1', 4], ['0', 6], ['1', 9], ['+Inf', 10]] },
  { name: 'zero-count', buckets: [['1', 0], ['2', 0], ['+Inf', 0]] },
  { name: 'only-inf', buckets: [['+Inf', 4]] },
  { name: 'no-inf', buckets: [['1', 1], ['2', 2]] },
  { name: 'exact-boundary', buckets: [['5', 50], ['10', 95], ['25', 99], ['+Inf', 100]] },
  { name: 'scientific-le', buckets: [['1e-3', 1], ['2.5e-3', 4], ['1e+0', 9], ['+Inf', 9]] },
];

/** OpenMetrics lines (without `# EOF`) for the probes: a sample at EVAL - 30 s and at EVAL. */
export function probeOpenMetrics(): string {
  const lines = ['# TYPE quantile_probe_bucket gauge'];
  for (const p of PROBES) {
    for (const t of [EVAL - 30, EVAL]) {
      for (const [le, v] of p.buckets) lines.push(`quantile_probe_bucket{case="${p.name}",le="${le}"} ${v} ${t}`);
    }
  }
  return lines.join('\n');
}
