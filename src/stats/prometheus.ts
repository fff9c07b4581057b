import { parseSampleValue } from './quantile';

/**
 * A small client of the Prometheus HTTP API: instant queries (`/api/v1/query`, POST so that long regexes fit) with
 * an evaluation time, range queries (`/api/v1/query_range`), a timeout, and typed errors the UI can word:
 *   PrometheusUnreachableError  nothing answered at the URL (refused, DNS, TLS, timeout)
 *   PrometheusHttpError         Prometheus (or a proxy) answered with an error status; carries Prometheus' message
 *   PrometheusResponseError     an answer that is not a Prometheus API vector
 */

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range query: its labels and its values at the steps where it has one, oldest first. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<{ t: number; value: number }>;
}

export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  statusText: string;
  text(): Promise<string>;
}>;

export interface PrometheusClientOptions {
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Replaces the global fetch (tests count requests with it). */
  fetch?: FetchLike;
  /** Extra headers (a bearer token of a hosted Prometheus); never logged. */
  headers?: Record<string, string>;
}

export class PrometheusError extends Error {}

export class PrometheusUnreachableError extends PrometheusError {
  constructor(readonly url: string, readonly reason: string) {
    super(`Prometheus unreachable at ${url}: ${reason}`);
  }
}

export class PrometheusHttpError extends PrometheusError {
  constructor(readonly status: number, readonly errorType: string | undefined, readonly prometheusMessage: string, readonly query?: string) {
    super(`Prometheus answered ${status}${errorType ? ` (${errorType})` : ''}: ${prometheusMessage}`);
  }
}

export class PrometheusResponseError extends PrometheusError {
  constructor(readonly url: string, detail: string) {
    super(`unexpected answer from ${url}: ${detail}`);
  }
}

/** `http://host:9090/prefix` → `http://host:9090/prefix/api/v1/query`. Throws on a URL that is not http(s). */
export function apiUrl(base: string, path: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new PrometheusError(`not a URL: ${JSON.stringify(base)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PrometheusError(`Prometheus URL must be http or https: ${base}`);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** The URL without credentials, query or fragment: what messages show. */
export function displayUrl(base: string): string {
  try {
    const u = new URL(base);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return base;
  }
}

function reasonOf(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
  const message = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

export class PrometheusClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: FetchLike;
  private readonly headers: Record<string, string>;

  constructor(url: string, options: PrometheusClientOptions = {}) {
    apiUrl(url, 'api/v1/query'); // validates
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.headers = options.headers ?? {};
  }

  /** An instant query; `time` in Unix seconds (default: Prometheus' now). Resolves to the vector's samples. */
  async query(promql: string, time?: number): Promise<Sample[]> {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set('time', String(time));
    const data = await this.post('api/v1/query', params, promql);
    const d = data as { resultType?: unknown; result?: unknown };
    if (d.resultType === 'scalar' && Array.isArray(d.result)) return [{ metric: {}, value: this.value(d.result) }];
    if (d.resultType !== 'vector' || !Array.isArray(d.result)) {
      throw new PrometheusResponseError(displayUrl(this.url), `expected a vector result, got ${String(d.resultType)}`);
    }
    return d.result.map((r: unknown) => {
      const s = r as { metric?: unknown; value?: unknown };
      if (!s || typeof s.metric !== 'object' || s.metric === null) throw new PrometheusResponseError(displayUrl(this.url), 'a sample without labels');
      return { metric: s.metric as Record<string, string>, value: this.value(s.value) };
    });
  }

  /**
   * A range query: the expression evaluated at `start`, `start + step`, ... up to `end` (Unix seconds; step in
   * seconds), as the instant query would be at each of those times. Parameters and the `matrix` answer as
   * prometheus/prometheus `web/api/v1/api.go` (`queryRange`) takes and gives them: a step must be positive, and at
   * most 11,000 steps are answered.
   */
  async queryRange(promql: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const params = new URLSearchParams({ query: promql, start: String(start), end: String(end), step: String(step) });
    const data = await this.post('api/v1/query_range', params, promql);
    const d = data as { resultType?: unknown; result?: unknown };
    if (d.resultType !== 'matrix' || !Array.isArray(d.result)) {
      throw new PrometheusResponseError(displayUrl(this.url), `expected a matrix result, got ${String(d.resultType)}`);
    }
    return d.result.map((r: unknown) => {
      const s = r as { metric?: unknown; values?: unknown };
      if (!s || typeof s.metric !== 'object' || s.metric === null) throw new PrometheusResponseError(displayUrl(this.url), 'a series without labels');
      if (!Array.isArray(s.values)) throw new PrometheusResponseError(displayUrl(this.url), 'a series without values');
      return { metric: s.metric as Record<string, string>, values: s.values.map((v: unknown) => ({ t: this.time(v), value: this.value(v) })) };
    });
  }

  private time(v: unknown): number {
    if (!Array.isArray(v) || typeof v[0] !== 'number' || !Number.isFinite(v[0])) throw new PrometheusResponseError(displayUrl(this.url), 'a sample without a [time, "value"] pair');
    return v[0];
  }

  private value(v: unknown): number {
    if (!Array.isArray(v) || v.length !== 2 || typeof v[1] !== 'string') throw new PrometheusResponseError(displayUrl(this.url), 'a sample without a [time, "value"] pair');
    return parseSampleValue(v[1]);
  }

  private async post(path: string, params: URLSearchParams, query: string): Promise<unknown> {
    const url = apiUrl(this.url, path);
    let res: Awaited<ReturnType<FetchLike>>;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...this.headers },
        body: params.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      throw new PrometheusUnreachableError(displayUrl(this.url), reasonOf(e, this.timeoutMs));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const b = body as { status?: unknown; data?: unknown; error?: unknown; errorType?: unknown } | undefined;
    if (!res.ok || b?.status === 'error') {
      const message = typeof b?.error === 'string' ? b.error : text.trim().slice(0, 300) || res.statusText || 'no message';
      throw new PrometheusHttpError(res.status, typeof b?.errorType === 'string' ? b.errorType : undefined, message, query);
    }
    if (!b || b.status !== 'success' || typeof b.data !== 'object' || b.data === null) {
      throw new PrometheusResponseError(displayUrl(this.url), text ? `not a Prometheus API answer (${JSON.stringify(text.slice(0, 80))})` : 'an empty body');
    }
    return b.data;
  }
}
