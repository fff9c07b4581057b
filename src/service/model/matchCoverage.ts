/**
 * Which earlier rules of a route take every request a rule matches, decided exactly or not at all.
 *
 * Linkerd does not pick the first rule that matches. Its proxy scores each rule by its best matching match and takes
 * the highest score; on a tie the earlier rule wins (linkerd/linkerd2-proxy `linkerd/http/route/src/lib.rs`, `find`
 * and `best`), and the policy controller keeps a route's rules in the order written
 * (linkerd/linkerd2 `policy-controller/k8s/index/src/outbound/index/http.rs`). The score of an HTTP match is, in this
 * order: characters of the path matched (Exact: its length; PathPrefix: its length without trailing slashes, `/`
 * counts 1), number of header matches, number of query parameter matches, whether it names a method
 * (`linkerd/http/route/src/http/match.rs`, `match/path.rs`). A gRPC match scores the lengths of its service and method,
 * then its number of header matches (`linkerd/http/route/src/grpc/match.rs`).
 *
 * So an earlier rule shadows a match only if one of its matches takes every request that match takes, with a score at
 * least as high. A more general match scores lower (`PathPrefix /` loses to `PathPrefix /api`), so in practice the
 * earlier match says the same thing in other words (`/api/` for `/api`, `PathPrefix /api` for `Exact /api`). Regular
 * expressions and query parameters are not decided here.
 */

export type MatchDialect = 'http' | 'grpc';

/** A match reduced to what decides coverage; undefined when it cannot be decided. */
interface HttpMatch { dialect: 'http'; path: { exact: boolean; value: string }; method?: string; headers: Map<string, string> }
interface GrpcMatch { dialect: 'grpc'; service?: string; method?: string; headers: Map<string, string> }

/**
 * The earlier rules (their indexes, ascending) that together take every request `rule` matches; undefined when some
 * match of `rule` is taken by none of them, or when that cannot be decided.
 */
export function coveringRules(
  rule: readonly unknown[] | undefined,
  earlier: readonly { index: number; matchList?: readonly unknown[] }[],
  dialect: MatchDialect,
): number[] | undefined {
  const mine = readAll(rule, dialect);
  if (mine.some((m) => m === undefined)) return undefined;
  const others = earlier.map((r) => ({ index: r.index, matches: readAll(r.matchList, dialect) }));
  const used = new Set<number>();
  for (const m of mine) {
    const by = others.find((o) => o.matches.some((e) => e !== undefined && takes(e, m!)));
    if (!by) return undefined;
    used.add(by.index);
  }
  return [...used].sort((a, b) => a - b);
}

/**
 * A rule's matches, read once per list: each rule is compared with every earlier one, and reading them again for
 * each comparison made a route of 4,000 rules spend seconds here.
 */
const readCache = { http: new WeakMap<readonly unknown[], Read[]>(), grpc: new WeakMap<readonly unknown[], Read[]>() };
const ANYTHING: readonly unknown[] = [];
type Read = HttpMatch | GrpcMatch | undefined;

function readAll(list: readonly unknown[] | undefined, dialect: MatchDialect): Read[] {
  const k = list ?? ANYTHING;
  let read = readCache[dialect].get(k);
  if (!read) {
    const reader: (x: unknown) => Read = dialect === 'http' ? readHttp : readGrpc;
    read = matchesOf(list).map(reader);
    readCache[dialect].set(k, read);
  }
  return read;
}

/** No matches (or an empty list) is one match of everything (Gateway API `HTTPRouteRule.matches`). */
function matchesOf(list: readonly unknown[] | undefined): unknown[] {
  return list && list.length > 0 ? [...list] : [{}];
}

function takes(e: HttpMatch | GrpcMatch, m: HttpMatch | GrpcMatch): boolean {
  if (e.dialect === 'http') return m.dialect === 'http' && takesHttp(e, m);
  return m.dialect === 'grpc' && takesGrpc(e, m);
}

function takesHttp(e: HttpMatch, m: HttpMatch): boolean {
  if (!pathIncludes(e.path, m.path) || (e.method !== undefined && e.method !== m.method) || !headersIncluded(e.headers, m.headers)) return false;
  // The score, compared as the proxy does; query parameters are 0 on both sides (undecided matches never get here).
  return compare([pathScore(e.path), e.headers.size, e.method ? 1 : 0], [pathScore(m.path), m.headers.size, m.method ? 1 : 0]) >= 0;
}

function takesGrpc(e: GrpcMatch, m: GrpcMatch): boolean {
  if ((e.service !== undefined && e.service !== m.service) || (e.method !== undefined && e.method !== m.method)) return false;
  if (!headersIncluded(e.headers, m.headers)) return false;
  const score = (g: GrpcMatch): number[] => [g.service?.length ?? 0, g.method?.length ?? 0, g.headers.size];
  return compare(score(e), score(m)) >= 0;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Every header `e` requires, `m` requires too (names folded: HTTP header names are case-insensitive). */
function headersIncluded(e: Map<string, string>, m: Map<string, string>): boolean {
  return [...e].every(([name, value]) => m.get(name) === value);
}

/** Whether every path `m` matches, `e` matches (linkerd/http/route/src/http/match/path.rs, `match_length`). */
function pathIncludes(e: HttpMatch['path'], m: HttpMatch['path']): boolean {
  if (e.exact) return m.exact && e.value === m.value;
  // A prefix's paths are the prefix and what lies below it: read as a path, it stands for all of them.
  return prefixMatches(e.value, m.value);
}

/** PathPrefix matches whole segments, trailing slashes ignored: `/foo` takes `/foo`, `/foo/` and `/foo/bar`, not `/foobar`. */
function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  const rest = trimSlashes(path);
  const p = trimSlashes(prefix);
  return rest.startsWith(p) && (rest.length === p.length || rest[p.length] === '/');
}

function pathScore(path: HttpMatch['path']): number {
  if (path.exact) return path.value.length;
  return path.value === '/' ? 1 : trimSlashes(path.value).length;
}

function trimSlashes(s: string): string {
  return s.replace(/\/+$/, '');
}

function record(x: unknown): Record<string, unknown> | undefined {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function readHttp(x: unknown): HttpMatch | undefined {
  const m = record(x);
  if (!m || m.queryParams !== undefined) return undefined;
  const path = m.path === undefined ? {} : record(m.path);
  if (!path) return undefined;
  const type = path.type ?? 'PathPrefix';
  const value = path.value ?? '/';
  if ((type !== 'Exact' && type !== 'PathPrefix') || typeof value !== 'string' || !value.startsWith('/')) return undefined;
  // A prefix of slashes only (`//`) is no segment the proxy's reading makes plain: leave it undecided.
  if (type === 'PathPrefix' && value !== '/' && trimSlashes(value) === '') return undefined;
  if (m.method !== undefined && typeof m.method !== 'string') return undefined;
  const headers = readHeaders(m.headers);
  if (!headers) return undefined;
  return { dialect: 'http', path: { exact: type === 'Exact', value }, ...(typeof m.method === 'string' ? { method: m.method } : {}), headers };
}

function readGrpc(x: unknown): GrpcMatch | undefined {
  const m = record(x);
  if (!m) return undefined;
  const method = m.method === undefined ? {} : record(m.method);
  if (!method || (method.type ?? 'Exact') !== 'Exact') return undefined;
  const { service, method: name } = method;
  if ((service !== undefined && typeof service !== 'string') || (name !== undefined && typeof name !== 'string')) return undefined;
  const headers = readHeaders(m.headers);
  if (!headers) return undefined;
  return { dialect: 'grpc', ...(service ? { service } : {}), ...(name ? { method: name } : {}), headers };
}

/** Exact header matches by folded name; undefined for regular expressions, or a name listed twice (the proxy checks
 * each entry, Gateway API only the first: the two readings differ). */
function readHeaders(list: unknown): Map<string, string> | undefined {
  const out = new Map<string, string>();
  if (list === undefined) return out;
  if (!Array.isArray(list)) return undefined;
  for (const item of list) {
    const h = record(item);
    if (!h || (h.type ?? 'Exact') !== 'Exact' || typeof h.name !== 'string' || typeof h.value !== 'string') return undefined;
    const name = h.name.toLowerCase();
    if (out.has(name)) return undefined;
    out.set(name, h.value);
  }
  return out;
}
