import type { LiveStatsParams } from '../protocol/messages';
import { flagText, formatBrief, formatLatency, formatRate, formatShare, formatSuccess } from './format';
import { shadowsOf } from './precedence';
import type { StatsResult } from './types';

/** A refresh's numbers as the language server shows them in lenses and hovers (formatted once, here). */
export function toLiveStats(result: StatsResult): LiveStatsParams {
  // A split another one takes the apex from (`precedence.ts`) is not given that one's numbers.
  const shadows = shadowsOf(result.splits.map((s) => s.split));
  return {
    splits: result.splits.map((s, i) => {
      const head = {
        namespace: s.split.namespace,
        kind: s.split.kind,
        name: s.split.name,
        ...(s.split.rule !== undefined ? { rule: s.split.rule - 1 } : {}),
      };
      const shadow = shadows[i];
      if (shadow) return { ...head, brief: `not in effect (${shadow.winner.name} takes ${shadow.winner.apex})`, backends: [] };
      return {
        ...head,
        brief: s.hasTraffic ? formatBrief(overallSuccess(s.backends), s.rps) : s.unmeasured ? 'not measured (shared apex)' : 'no traffic',
        backends: s.backends.map((b) => ({
          name: b.name,
          // The observed share first: it is what a canary is about (next to the desired share the lens shows).
          brief: `${b.observedShare === null ? '' : `observed ${formatShare(b.observedShare)} · `}${formatBrief(b.success, b.rps)}`,
          detail: `success ${formatSuccess(b.success)} · ${b.rps === null ? '-' : `${b.rps.toFixed(1)} rps`} · P50 ${formatLatency(b.latencyMs.p50)} · P95 ${formatLatency(b.latencyMs.p95)} · P99 ${formatLatency(b.latencyMs.p99)} · ${b.timeouts === null ? '' : `timeouts ${formatRate(b.timeouts)} · `}observed ${formatShare(b.observedShare)} vs desired ${formatShare(b.desiredShare)}${s.family ? ` (${s.family} metrics)` : ''}${b.flagged ? ` · ⚠ ${flagText(b)}` : ''}`,
          flagged: b.flagged,
        })),
      };
    }),
  };
}

function overallSuccess(backends: StatsResult['splits'][number]['backends']): number | null {
  const s = backends.reduce((n, b) => n + b.successCount, 0);
  const f = backends.reduce((n, b) => n + b.failureCount, 0);
  return s + f > 0 ? s / (s + f) : null;
}
