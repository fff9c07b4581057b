/**
 * Go durations as Flagger and Argo Rollouts read them: `time.ParseDuration` (go/src/time/format.go) accepts an
 * optional sign, then one or more `<number><unit>` pairs (`1h5m`, `1.5s`, `300ms`), with units ns, us, µs, μs, ms, s,
 * m, h; a lone `0` is zero. No spaces, no days.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6, // U+00B5 micro sign
  'μs': 1e-6, // U+03BC Greek mu
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PAIR = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Seconds in a Go duration, or undefined when `time.ParseDuration` would refuse it. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  PAIR.lastIndex = 0;
  while (PAIR.lastIndex < rest.length) {
    const m = PAIR.exec(rest);
    if (!m) return undefined;
    const unit = UNIT_SECONDS[m[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
  }
  return sign * total;
}

/** Seconds in words, largest units first: `1h 5m`, `30s`, `2m 30s`, `0s`; fractions of a second rounded to ms. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  const days = Math.floor(rest / 86400);
  if (days > 0) parts.push(`${String(days)}d`);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  if (hours > 0) parts.push(`${String(hours)}h`);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  if (minutes > 0) parts.push(`${String(minutes)}m`);
  rest -= minutes * 60;
  const secs = Math.round(rest * 1000) / 1000;
  if (secs > 0 || parts.length === 0) {
    parts.push(secs >= 1 || secs === 0 ? `${String(secs)}s` : `${String(Math.round(secs * 1000))}ms`);
  }
  return sign + parts.join(' ');
}

const PROMETHEUS_UNIT_SECONDS: Readonly<Record<string, number>> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Seconds in a Prometheus duration (`1m`, `30s`, `1h30m`: integers, units y w d h m s ms in that order, as
 * prometheus/common `model/time.go` ParseDuration reads them), or undefined when it is not one. `''` is none.
 */
export function parsePrometheusDuration(text: string): number | undefined {
  const m = text === '' ? null : PROMETHEUS_DURATION.exec(text);
  if (!m) return undefined;
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  return units.reduce((sum, u, i) => sum + (m[i + 1] ? Number(m[i + 1]) * PROMETHEUS_UNIT_SECONDS[u]! : 0), 0);
}
