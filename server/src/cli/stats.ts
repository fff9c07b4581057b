import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  FAMILY_SETTINGS, PrometheusClient, PrometheusError, StatsService, TABLE_COLUMNS, WindowError,
  displayUrl, formatShare, renderTable, statsRows, tableCells, windowSeconds,
  type FamilySetting, type StatsResult, type StatsSplit,
} from '../../../client/src/stats';
import { splitDocumentOf } from '../service/adapters';
import { LanguageService } from '../service/languageService';
import { collectFiles, UnreadablePathError } from './lint';

/**
 * `canary-lens stats`: the stats module without VS Code, what `linkerd viz stat ts` was, for both Linkerd metric
 * families and both kinds. PATH mode reads the splits from manifests; cluster mode (no PATH) needs the cluster layer.
 */

export const STATS_USAGE = `usage: canary-lens stats --prometheus URL [--family auto|authority|route] [--window 1m] [--at TIME]
                         [--format table|json] [-n NAMESPACE] PATH...
  Live stats of the TrafficSplits and HTTPRoute rules in PATH (files, or folders walked for *.yaml and *.yml),
  per backend: desired share (weight) next to observed share, success rate, RPS, P50/P95/P99 latency.
  --prometheus URL   Prometheus to query (required with PATHs)
  --family F         metric family: auto (default; route when Linkerd 2.17+ route metrics exist), authority, route
  --window W         Prometheus duration of the window (default 1m)
  --at TIME          evaluate at a past instant: RFC 3339 (2024-01-01T00:10:00Z) or Unix seconds
  --format F         table (default) or json
  -n NAMESPACE       only splits whose apex is in this namespace (repeatable)
  Cluster mode (no PATH, splits from --kubeconfig/--context) is not built yet.
  Exit code: 0 ok, 1 a backend's observed share is more than 10 points off its weight, 2 usage or connection error.
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
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new StatsUsageError(`${name} needs a value`);
      return v;
    };
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
  }
  return opts;
}

/** One StatsSplit per TrafficSplit and per HTTPRoute rule in the files (splits without an apex are skipped). */
export async function splitsFromPaths(paths: readonly string[]): Promise<{ splits: StatsSplit[]; skipped: string[] }> {
  const files = await collectFiles(paths);
  const ls = new LanguageService();
  const splits: StatsSplit[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new UnreadablePathError(file, e);
    }
    const yamlFile = ls.setFile(pathToFileURL(path.resolve(file)).toString(), text);
    for (const part of yamlFile.parts) {
      const doc = part.isSplit ? splitDocumentOf(part) : undefined;
      if (!doc) continue;
      const name = doc.name?.value ?? '';
      for (const split of doc.splits) {
        const where = `${file}: ${doc.kind} ${name || '(no name)'}${doc.splits.length > 1 ? ` rule ${split.index + 1}` : ''}`;
        if (!split.apex) {
          skipped.push(`${where}: no apex Service (${doc.kind === 'HTTPRoute' ? 'no parentRef of kind Service' : 'no spec.service'})`);
          continue;
        }
        const backends = split.backends.flatMap((b) => (b.name ? [{
          name: b.name.value,
          weight: b.weight.units ?? 0,
          weightText: b.weight.source ?? String(b.weight.units ?? 0),
          ...(b.port ? { port: b.port.value } : {}),
        }] : []));
        if (backends.length === 0) {
          skipped.push(`${where}: no backends`);
          continue;
        }
        splits.push({
          namespace: split.apex.namespace?.value ?? doc.ns,
          kind: doc.kind,
          name,
          ...(doc.kind === 'HTTPRoute' && doc.splits.length > 1 ? { rule: split.index + 1 } : {}),
          apex: split.apex.name.value,
          ...(split.apex.port ? { apexPort: split.apex.port.value } : {}),
          backends,
        });
      }
    }
  }
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
  if (opts.paths.length === 0) {
    return {
      code: 2,
      stdout: '',
      stderr: 'canary-lens: stats without PATH reads the splits from the cluster (--kubeconfig, --context), which is not built yet;\n'
        + '  pass the manifests instead: canary-lens stats --prometheus URL PATH...\n',
    };
  }
  if (opts.kubeconfig !== undefined || opts.context !== undefined) {
    throw new StatsUsageError('--kubeconfig and --context are for cluster mode (no PATH), which is not built yet');
  }
  if (!opts.prometheus) throw new StatsUsageError('--prometheus URL is required with PATHs');
  let client: PrometheusClient;
  try {
    client = new PrometheusClient(opts.prometheus);
  } catch (e) {
    throw new StatsUsageError(`--prometheus: ${(e as PrometheusError).message}`);
  }
  const { splits: all, skipped } = await splitsFromPaths(opts.paths);
  const splits = opts.namespaces.length > 0 ? all.filter((s) => opts.namespaces.includes(s.namespace)) : all;
  let stderr = skipped.map((s) => `canary-lens: skipped ${s}\n`).join('');
  if (splits.length === 0) {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: no TrafficSplit or HTTPRoute with an apex Service${opts.namespaces.length ? ` in namespace ${opts.namespaces.join(', ')}` : ''} in ${opts.paths.join(' ')}\n` };
  }

  const service = new StatsService(client, { family: opts.family, window: opts.window, ...(opts.at !== undefined ? { at: opts.at } : {}) });
  const result = await service.refresh(splits);
  const state = result.state;
  if (state.kind === 'prometheus-unreachable') {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: ${state.message}\n  check --prometheus (a port-forward: kubectl -n linkerd-viz port-forward svc/prometheus 9090)\n` };
  }
  if (state.kind === 'query-error') {
    return { code: 2, stdout: '', stderr: `${stderr}canary-lens: the query failed: ${state.message}\n${state.query ? `  query: ${state.query}\n` : ''}` };
  }
  if (state.kind === 'no-traffic') stderr += `canary-lens: ${state.message} at ${new Date(result.evaluatedAt * 1000).toISOString()} (${displayUrl(client.url)})\n`;
  for (const ns of Object.keys(noFamily(result))) stderr += `canary-lens: no Linkerd metrics for the apexes of namespace ${ns}\n`;

  const rows = statsRows(result.splits);
  const stdout = opts.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : renderTable(TABLE_COLUMNS, rows.map(tableCells));
  for (const s of result.splits.filter((x) => x.flagged)) {
    const off = s.backends.filter((b) => b.flagged).map((b) => `${b.name} ${formatShare(b.observedShare)} observed vs ${formatShare(b.desiredShare)} desired`);
    stderr += `canary-lens: ${s.split.kind} ${s.split.name}${s.split.rule ? ` rule ${s.split.rule}` : ''}: observed shares are more than 10 points off the weights (${off.join(', ')})\n`;
  }
  return { code: result.splits.some((s) => s.flagged) ? 1 : 0, stdout, stderr };
}

function noFamily(result: StatsResult): Record<string, true> {
  const out: Record<string, true> = {};
  for (const s of result.splits) if (s.family === null) out[s.split.namespace] = true;
  return out;
}
