/**
 * `npm run bench:lenses`: code lenses and the outline of one huge split, through the built server over stdio
 * (dist/server.js; `npm run build` first). A benchmark, not a test: it prints numbers and exits 0 when every case
 * ran, even when the server died on one (that is a result too: it says so).
 *
 * For a TrafficSplit and an HTTPRoute of 1,000 and 10,000 backends (LENS_BENCH_SIZES=1000,4000 to change), each in
 * a fresh server so that its peak RSS is its own:
 *   - open → complete diagnostics (`canaryLens/indexed`); every request below is sent after that, to an idle server;
 *   - textDocument/codeLens: time (the first request, and the median of 5 more) and response bytes (the JSON of the result), and how many lenses;
 *   - codeLens/resolve (when the server offers it): the first 50 lenses (about what an editor shows) and then all
 *     of them, sent at once as VS Code does for the visible ones;
 *   - textDocument/documentSymbol: time (as for lenses) and response bytes;
 *   - the server's peak RSS (VmHWM, polled every 50 ms so a server that dies still has a number).
 * Environment: LENS_BENCH_SIZES, LENS_BENCH_TIMEOUT_MS (300000 per request), CANARY_LENS_SERVER (default dist/server.js).
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CodeLens, DocumentSymbol } from 'vscode-languageserver-protocol/node';
import { builtFile } from '../support/built';
import { hugeSplit, type HugeKind } from '../support/hugeSplits';
import { startServer, type LspClient } from '../support/lspClient';
import { sleep } from '../support/wait';
import { indexedNotification, type IndexedParams } from '../../src/protocol/messages';

const SIZES = (process.env['LENS_BENCH_SIZES'] ?? '1000,10000').split(',').map((s) => Number(s.replace(/_/g, '')));
const TIMEOUT = Number(process.env['LENS_BENCH_TIMEOUT_MS'] ?? 300_000);
const SERVER = process.env['CANARY_LENS_SERVER'] ? resolve(process.env['CANARY_LENS_SERVER']) : builtFile('server.js');
const KINDS: HugeKind[] = ['TrafficSplit', 'HTTPRoute'];
const VISIBLE = 50;
const REPEAT = 5;

interface Row {
  kind: HugeKind;
  backends: number;
  open?: number;
  lensMs?: number;
  lensWarmMs?: number;
  lensBytes?: number;
  lenses?: number;
  resolveVisibleMs?: number;
  resolveAllMs?: number;
  resolved?: number;
  symbolMs?: number;
  symbolWarmMs?: number;
  symbolBytes?: number;
  peakRssMiB?: number;
  failure?: string;
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/** Median time of REPEAT more requests, one after the other (the first one is the cold time). */
async function warm(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) times.push((await timed(run)).ms);
  return times.sort((a, b) => a - b)[Math.floor(REPEAT / 2)]!;
}

async function measure(kind: HugeKind, n: number): Promise<Row> {
  const row: Row = { kind, backends: n };
  const client: LspClient = startServer(process.execPath, [SERVER, '--stdio'], { name: 'canary-lens-server' });
  let peak = 0;
  const poll = setInterval(() => { peak = Math.max(peak, client.peakRssKiB() ?? 0); }, 50);
  try {
    await client.initialize(null);
    const uri = `file:///bench/huge-${kind}-${n}.yaml`;
    // Measured once the server is idle: its complete diagnostics published (`canaryLens/indexed`), so that a request
    // does not wait behind them.
    const indexed = client.nextNotification<IndexedParams>(indexedNotification.method, (p) => p.uri === uri, TIMEOUT);
    const opened = await timed(async () => {
      await client.open(uri, hugeSplit(kind, n));
      await client.waitForDiagnostics(uri, (p) => p.version === 1, TIMEOUT);
      return indexed;
    });
    row.open = opened.ms;
    await sleep(500);
    const lenses = await timed(() => client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }, TIMEOUT));
    row.lensMs = lenses.ms;
    row.lensWarmMs = await warm(() => client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }, TIMEOUT));
    row.lensBytes = bytes(lenses.value);
    row.lenses = lenses.value.length;
    const resolvable = client.initializeResult?.capabilities.codeLensProvider?.resolveProvider === true;
    if (resolvable) {
      const resolveAll = (list: CodeLens[]): Promise<CodeLens[]> =>
        Promise.all(list.map((l) => (l.command ? Promise.resolve(l) : client.request<CodeLens>('codeLens/resolve', l, TIMEOUT))));
      row.resolveVisibleMs = (await timed(() => resolveAll(lenses.value.slice(0, VISIBLE)))).ms;
      const all = await timed(() => resolveAll(lenses.value));
      row.resolveAllMs = all.ms;
      row.resolved = all.value.filter((l) => l.command).length;
    }
    const symbols = await timed(() => client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } }, TIMEOUT));
    row.symbolMs = symbols.ms;
    row.symbolWarmMs = await warm(() => client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } }, TIMEOUT));
    row.symbolBytes = bytes(symbols.value);
  } catch (e) {
    row.failure = (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' / ');
  } finally {
    peak = Math.max(peak, client.peakRssKiB() ?? 0);
    clearInterval(poll);
    row.peakRssMiB = peak / 1024;
    await client.shutdown();
  }
  return row;
}

const ms = (v: number | undefined): string => (v === undefined ? '—' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const size = (v: number | undefined): string =>
  v === undefined ? '—' : v >= 1024 * 1024 ? `${(v / 1024 / 1024).toFixed(1)} MiB` : `${(v / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  console.log(`server: ${SERVER}; node ${process.version}`);
  console.log(`| kind | backends | open → complete diagnostics | codeLens (first / median of ${REPEAT} more) | lens bytes (count) | resolve first 50 | resolve all (count) | documentSymbol (first / median) | symbol bytes | peak RSS |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const n of SIZES) {
    for (const kind of KINDS) {
      const r = await measure(kind, n);
      console.log(`| ${r.kind} | ${r.backends.toLocaleString('en')} | ${ms(r.open)} | ${ms(r.lensMs)} / ${ms(r.lensWarmMs)} | ${size(r.lensBytes)}${r.lenses === undefined ? '' : ` (${r.lenses})`} | `
        + `${r.resolveVisibleMs === undefined ? 'n/a' : ms(r.resolveVisibleMs)} | ${r.resolveAllMs === undefined ? 'n/a' : `${ms(r.resolveAllMs)} (${r.resolved})`} | `
        + `${ms(r.symbolMs)} / ${ms(r.symbolWarmMs)} | ${size(r.symbolBytes)} | ${r.peakRssMiB?.toFixed(0)} MiB |${r.failure ? ` FAILED: ${r.failure}` : ''}`);
    }
  }
}

void main();
