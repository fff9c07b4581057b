// The stats modules one by one, not the index: the index also exports ./locate and ./splits, which bring in
// @kubernetes/client-node; cluster mode loads those lazily (loadClusterModules) so that `lint` and PATH mode start fast.
import { TABLE_COLUMNS, flagText, renderTable, statsRows, tableRows } from '../stats/format';
import { PrometheusClient, PrometheusError, displayUrl } from '../stats/prometheus';
import { WindowError, windowSeconds } from '../stats/queries';
import { StatsService } from '../stats/statsService';
import { FAMILY_SETTINGS, type FamilySetting, type StatsResult, type StatsSplit } from '../stats/types';
import { redact } from '../cluster/redact';
import type { K8sObject } from '../cluster/requests';
import type { PrometheusLocation } from '../stats/locate';
import { LanguageService } from '../service/languageService';
import { splitsFromObjects, splitsOfText, type ManifestSplit } from '../stats/fromManifests';
import { readFiles } from './lint';
import { kindNames, KINDS, SPLIT_KINDS } from '../service/model/kinds';
import { CLI_WORDING } from './wording';
import { walkArgs } from './args';

/**
 * `canary-lens stats`: the stats module without VS Code, what `linkerd viz stat ts` and `stat-outbound` show, for both
 * Linkerd metric families and every kind. PATH mode reads the splits from manifests; cluster mode (no PATH) lists them through the
 * cluster layer (loaded lazily: `lint` and PATH mode never evaluate @kubernetes/client-node) and finds Prometheus as
 * the extension does (src/stats/locate.ts).
 */

export const STATS_USAGE = `usage: canary-lens stats [--kubeconfig K] [--context C] [-n NAMESPACE] [--prometheus URL]
                         [--family auto|authority|route] [--window 1m] [--at TIME] [--format table|json]
       canary-lens stats --prometheus URL [options] [-n NAMESPACE] PATH...
  Live stats of the TrafficSplits and the HTTPRoute and GRPCRoute rules of a namespace in the cluster, or in PATH
  (files, or folders walked for *.yaml and *.yml), per backend: desired share (weight) next to observed share,
  success rate, RPS, P50/P95/P99 latency, timeouts; per route (route family): its numbers after retries, and retries.
  What \`linkerd viz stat ts\` and \`linkerd viz stat-outbound\` show, for both Linkerd metric families.
  --kubeconfig K     kubeconfig file(s) (default: KUBECONFIG, else ~/.kube/config); cluster mode only
  --context C        kubeconfig context (default: its current-context); cluster mode only
  -n NAMESPACE       cluster mode: the namespace to read (repeatable; default: the context's, else default);
                     PATH mode: only splits whose apex is in this namespace (repeatable)
  --prometheus URL   Prometheus to query; required with PATHs. Cluster mode without it: the
                     viz.linkerd.io/external-prometheus annotation of the namespace labelled linkerd.io/extension=viz,
                     else a port-forward to that namespace's prometheus pod on 9090 (as the Linkerd CLI does)
  --family F         metric family: auto (default; per split, the family of its kind when it has series there:
                     TrafficSplit authority, HTTPRoute and GRPCRoute route), authority, route
  --window W         Prometheus duration of the window (default 1m)
  --at TIME          evaluate at a past instant: RFC 3339 (2024-01-01T00:10:00Z) or Unix seconds
  --format F         table (default) or json
  Exit code: 0 ok, 1 the mesh is not honouring a split (a backend's observed share more than 10 points off its
  weight, or a backend with weight and not one request while the split has traffic), 2 usage or connection error
  (kubeconfig, cluster, Prometheus).
`;

export class StatsUsageError extends Error {}

export interface StatsOptions {
  prometheus?: string;
  family: FamilySetting;
  window: string;
  at?: number;
  format: 'table' | 'json';
  namespaces: string[];
  kubeconfig?: string;
  context?: string;
  paths: string[];
}

/** `2024-01-01T00:10:00Z`, `2024-01-01T01:10:00+01:00` or `1704067800` / `1704067800.5` → Unix seconds. */
export function parseAt(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const ms = rfc3339.test(text) ? Date.parse(text.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms)) throw new StatsUsageError(`--at must be RFC 3339 (2024-01-01T00:10:00Z) or Unix seconds, not ${JSON.stringify(text)}`);
  return ms / 1000;
}

export function parseStatsArgs(args: readonly string[]): StatsOptions {
  const opts: StatsOptions = { family: 'auto', window: '1m', format: 'table', namespaces: [], paths: [] };
  walkArgs(args, (m) => new StatsUsageError(m), ({ arg: a, name, value }) => {
    switch (name) {
      case '--prometheus': opts.prometheus = value(); break;
      case '--family': {
        const v = value();
        if (!(FAMILY_SETTINGS as readonly string[]).includes(v)) throw new StatsUsageError(`--family must be auto, authority or route, not ${v}`);
        opts.family = v as FamilySetting;
        break;
      }
      case '--window': {
        const v = value();
        try {
          windowSeconds(v);
        } catch (e) {
          throw new StatsUsageError(`--${(e as WindowError).message}`);
        }
        opts.window = v;
        break;
      }
      case '--at': opts.at = parseAt(value()); break;
      case '--format': {
        const v = value();
        if (v !== 'table' && v !== 'json') throw new StatsUsageError(`--format must be table or json, not ${v}`);
        opts.format = v;
        break;
      }
      case '-n': case '--namespace': opts.namespaces.push(value()); break;
      case '--kubeconfig': opts.kubeconfig = value(); break;
      case '--context': opts.context = value(); break;
      default:
        if (a.startsWith('-') && a !== '-') throw new StatsUsageError(`unknown option ${a}`);
        opts.paths.push(a);
    }
  });
  return opts;
}

/** One StatsSplit per TrafficSplit and per HTTPRoute rule in the files (splits without an apex are skipped). */
export async function splitsFromPaths(paths: readonly string[]): Promise<{ splits: StatsSplit[]; skipped: string[] }> {
  const ls = new LanguageService();
  const splits: ManifestSplit[] = [];
  const skipped: string[] = [];
  for (const { file, uri, text } of await readFiles(paths)) splitsOfText(ls, uri, text, file, splits, skipped);
  return { splits, skipped };
}

export interface StatsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `canary-lens stats` with its arguments; usage errors throw StatsUsageError, unreadable paths UnreadablePathError. */
export async function runStats(args: readonly string[]): Promise<StatsRun> {
  const opts = parseStatsArgs(args);
  return withStatsSource(opts, (source) => measure(source, opts));
}

/** The splits read and the Prometheus to ask, in either mode: what `stats` measures and `gate` judges. */
export interface StatsSource {
  client: PrometheusClient;
  /** Every split read (PATH mode: of the namespaces asked for); never empty. */
  splits: StatsSplit[];
  /** Messages so far (objects skipped, kinds not read). */
  stderr: string;
  where: Where;
}

/**
 * Reads the splits (PATH mode: the files; cluster mode: the cluster, then finds Prometheus) and hands them to `use`;
 * a failure on the way is an exit-2 StatsRun. Cluster mode redacts `use`'s output and closes a port-forward after it.
 * Usage errors throw StatsUsageError, unreadable paths UnreadablePathError.
 */
export async function withStatsSource(opts: StatsOptions, use: (source: StatsSource) => Promise<StatsRun>): Promise<StatsRun> {
  const client = opts.prometheus !== undefined ? prometheusClient(opts.prometheus) : undefined;
  if (opts.paths.length === 0) return runClusterStats(opts, client, use);
  if (opts.kubeconfig !== undefined || opts.context !== undefined) {
    throw new StatsUsageError('--kubeconfig and --context are for cluster mode (no PATH); with PATHs the splits come from the files');
  }
  if (!client) throw new StatsUsageError('--prometheus URL is required with PATHs');
  const { splits: all, skipped } = await splitsFromPaths(opts.paths);
  const splits = opts.namespaces.length > 0 ? all.filter((s) => opts.namespaces.includes(s.namespace)) : all;
  const stderr = skipped.map((s) => `canary-lens: skipped ${s}\n`).join('');
  if (splits.length === 0) {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: no ${kindNames('or')} with an apex Service${opts.namespaces.length ? ` in namespace ${opts.namespaces.join(', ')}` : ''} in ${opts.paths.join(' ')}\n` };
  }
  return use({
    client, splits, stderr,
    where: { where: displayUrl(client.url), unreachableHint: 'check --prometheus (a port-forward: kubectl -n linkerd-viz port-forward svc/prometheus 9090)' },
  });
}

function prometheusClient(url: string): PrometheusClient {
  try {
    return new PrometheusClient(url);
  } catch (e) {
    throw new StatsUsageError(`--prometheus: ${(e as PrometheusError).message}`);
  }
}

export interface Where {
  /** Where Prometheus is, for messages: the URL, and how it was found. */
  where: string;
  /** What to check when it does not answer. */
  unreachableHint: string;
}

/** The exit-2 run of a refresh that reached no numbers (Prometheus unreachable, a query refused); undefined otherwise. */
export function refreshFailure(result: StatsResult, stderr: string, where: Where): StatsRun | undefined {
  const state = result.state;
  if (state.kind === 'prometheus-unreachable') {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: ${state.message}\n  ${where.unreachableHint}\n` };
  }
  if (state.kind === 'query-error') {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: the query failed: ${state.message}\n${state.query ? `  query: ${state.query}\n` : ''}` };
  }
  return undefined;
}

/** One refresh of the splits and its output: the same for PATH and cluster mode. */
async function measure({ client, splits, stderr: stderrSoFar, where }: StatsSource, opts: StatsOptions): Promise<StatsRun> {
  let stderr = stderrSoFar;
  const service = new StatsService(client, { family: opts.family, window: opts.window, ...(opts.at !== undefined ? { at: opts.at } : {}) });
  const result = await service.refresh(splits);
  const failed = refreshFailure(result, stderr, where);
  if (failed) return failed;
  const state = result.state;
  if (state.kind === 'no-traffic') stderr += `canary-lens: ${state.message} at ${new Date(result.evaluatedAt * 1000).toISOString()} (${where.where})\n`;
  for (const ns of Object.keys(noFamily(result))) stderr += `canary-lens: no Linkerd metrics for the apexes of namespace ${ns}\n`;
  for (const s of result.splits.filter((x) => x.unmeasured)) stderr += `canary-lens: ${s.split.kind} ${s.split.name}: not measured: ${s.unmeasured}\n`;

  const rows = statsRows(result.splits);
  const stdout = opts.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : renderTable(TABLE_COLUMNS, tableRows(rows));
  for (const s of result.splits.filter((x) => x.flagged)) {
    stderr += `canary-lens: ${s.split.kind} ${s.split.name}${s.split.rule ? ` rule ${s.split.rule}` : ''}: the mesh is not honouring the weights (${s.family ?? 'no'} metrics): ${s.backends.filter((b) => b.flagged).map(flagText).join('; ')}\n`;
  }
  return { code: result.splits.some((s) => s.flagged) ? 1 : 0, stdout, stderr };
}

function noFamily(result: StatsResult): Record<string, true> {
  const out: Record<string, true> = {};
  for (const s of result.splits) if (s.family === null && !s.unmeasured) out[s.split.namespace] = true;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster mode

/**
 * The cluster code, loaded on first use: @kubernetes/client-node is large (and ESM-only; esbuild bundles it to CJS), so
 * `lint` and PATH mode never evaluate it. esbuild keeps these modules in dist/cli.js but wraps them in lazy
 * initialisers that run only here.
 */
async function loadClusterModules() {
  const [kubeconfig, errors, locate, splits] = await Promise.all([
    import('../cluster/kubeconfig.js'),
    import('../cluster/errors.js'),
    import('../stats/locate.js'),
    import('../stats/splits.js'),
  ]);
  return { ...kubeconfig, ...errors, ...locate, ...splits };
}

/** A failure of cluster mode: exit 2, the state named, the next step on its own line. */
function failure(stderrSoFar: string, what: string, state: string, message: string, nextStep: string | undefined, redact: (t: string) => string): StatsRun {
  const next = nextStep ? `\n  next step: ${nextStep}` : '';
  return { code: 2, stdout: '', stderr: redact(`${stderrSoFar}canary-lens: ${what} [${state}]: ${message}${next}\n`) };
}

/** The cluster layer speaks of the extension (its setting, its retries); on the command line that is --kubeconfig, once. */
async function runClusterStats(opts: StatsOptions, client: PrometheusClient | undefined, use: (source: StatsSource) => Promise<StatsRun>): Promise<StatsRun> {
  const m = await loadClusterModules();
  let loaded: ReturnType<typeof m.loadKubeconfig>;
  try {
    loaded = m.loadKubeconfig({ ...(opts.kubeconfig !== undefined ? { setting: opts.kubeconfig } : {}) }, {
      ...(opts.context !== undefined ? { context: opts.context } : {}),
      ...(opts.namespaces[0] !== undefined ? { namespace: opts.namespaces[0] } : {}),
    }, CLI_WORDING);
  } catch (e) {
    const err = m.toClusterError(e, { verb: 'load', resource: 'kubeconfig' });
    return failure('', 'no usable kubeconfig', err.kind, err.message, err.nextStepIn(CLI_WORDING), (t) => redact(t));
  }
  const safe = (t: string) => loaded.redactor.redact(t);
  const namespaces = opts.namespaces.length > 0 ? [...new Set(opts.namespaces)] : [loaded.namespace];

  // The splits, one listing per namespace (in parallel).
  let stderr = '';
  const listings = await Promise.all(namespaces.map((ns) => m.listSplitsOnce(loaded.kc, ns, { context: loaded.context, wording: CLI_WORDING })));
  const objects: K8sObject[] = [];
  for (const listing of listings) {
    const fatal = listing.kinds.find((k) => k.state === 'unreachable' || k.state === 'unauthorized');
    const what = `cannot read the splits of namespace ${listing.namespace} (context ${loaded.context}, ${loaded.server})`;
    if (fatal) return failure(stderr, what, fatal.state === 'unreachable' ? 'cluster-unreachable' : fatal.state, fatal.message, fatal.nextStep, safe);
    if (!listing.kinds.some((k) => k.state === 'ready')) {
      const first = listing.kinds.find((k) => k.state !== 'crd-missing') ?? listing.kinds[0]!;
      const message = first.state === 'crd-missing' ? listing.kinds.map((k) => k.message).join('; ') : first.message;
      return failure(stderr, what, first.state, message, first.state === 'crd-missing' ? `Install ${SPLIT_KINDS.map((k) => `${KINDS[k].install} (${k})`).join(' or ')}.` : first.nextStep, safe);
    }
    for (const k of listing.kinds) {
      if (k.state !== 'ready' && k.state !== 'crd-missing') stderr += safe(`canary-lens: ${k.label} in ${listing.namespace} not read [${k.state}]: ${k.message}\n`);
    }
    objects.push(...listing.objects);
  }
  const { splits, skipped } = splitsFromObjects(objects);
  stderr += skipped.map((s) => safe(`canary-lens: skipped ${s}\n`)).join('');
  if (splits.length === 0) {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: no ${kindNames('or')} with an apex Service in namespace ${namespaces.join(', ')} (context ${safe(loaded.context)})\n` };
  }

  // Prometheus: --prometheus, else the viz namespace's annotation, else a port-forward to its pod.
  const located = await m.locatePrometheus({ ...(client ? { setting: client.url } : {}), kc: loaded.kc, wording: CLI_WORDING });
  if (!m.isLocated(located)) return failure(stderr, 'Prometheus not found', located.state, located.message, located.nextStep, safe);
  try {
    const run = await use({
      client: client ?? new PrometheusClient(located.url), splits, stderr,
      where: { where: m.describeLocation(located), unreachableHint: unreachableHint(located) },
    });
    if (run.code === 2 && located.lastError()) run.stderr += `  ${located.lastError()}\n`;
    return { ...run, stderr: safe(run.stderr) };
  } finally {
    await located.dispose();
  }
}

function unreachableHint(l: PrometheusLocation): string {
  switch (l.source) {
    case 'setting': return 'check --prometheus';
    case 'annotation': return `found through the viz.linkerd.io/external-prometheus annotation of namespace ${l.namespace}: fix it, or pass --prometheus URL`;
    case 'port-forward': return `through a port-forward to pod ${l.namespace}/${l.pod}: check it (kubectl -n ${l.namespace} get pod ${l.pod}), or pass --prometheus URL`;
  }
}
