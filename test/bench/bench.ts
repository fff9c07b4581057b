/**
 * `npm run bench`: Canary Lens's language server side by side with yaml-language-server (a benchmark, not a test).
 *
 * For each size (1,000 / 5,000 / 20,000 documents; `BENCH_SIZES=1000` for a quick run) it writes a generated
 * manifest (test/bench/generate.ts) to a temporary folder and, for each server, measures over stdio:
 *   - open -> first diagnostics publish (ms), and open -> complete diagnostics (see "Complete diagnostics");
 *   - a one-character edit (a digit of a TrafficSplit backend weight, alternating 0/1 so the file stays valid)
 *     -> next diagnostics publish, 20 times: median and p95;
 *   - completion inside a split backend (start of the value after `service: `), 20 times: median and p95;
 *   - the server's peak RSS (VmHWM of its process);
 * plus the bare `yaml` parseAllDocuments time of the whole file, in this process, as a reference.
 * It prints a table per size with the targets' ratios, and writes .test-artifacts/bench.json.
 *
 * Servers: ours is `node dist/server.js --stdio` (this Node, 20); yaml-language-server runs on the Node 22 that
 * test/bench/setup.ts installs into ~/.cache/canary-lens/bench, configured through `workspace/configuration`
 * (pulled after `initialized`, and again after `workspace/didChangeConfiguration`) with `yaml.schemas` mapping a
 * TrafficSplit v1alpha2 JSON Schema (written next to the manifest; see `benchSchema`) to the manifest's name,
 * `yaml.validate: true`, and the schema store / CRD store off (no network).
 *
 * Complete diagnostics (pluggable: `BENCH_COMPLETE`, see `trackDiagnostics`): our server publishes a file's split
 * documents' own diagnostics first and, once the context documents are indexed, the complete set, right after which
 * it sends the notification `canaryLens/indexed` {uri, documents, millis} (src/protocol/messages.ts). Strategies:
 *   - `notification` (default for ours): complete = the last publish before `canaryLens/indexed` for the uri;
 *   - `second-publish`: complete = the second publish after the open;
 *   - `auto`: whichever of the two comes first (for a server that may not send the notification; note that our
 *     server can publish an incomplete set twice, e.g. again when its workspace scan ends, so this can end early);
 *   - `first-publish`: complete = the first publish (yaml-language-server, which publishes once, always uses this).
 * After an open, a server that sends neither shows `timeout` (BENCH_OPEN_QUIET_MS=<ms> lets a lone first publish
 * count as complete after that much quiet). After an edit, where our server publishes once and sends no
 * notification, a lone publish followed by 300 ms of quiet is complete (`single-publish`).
 * Edit -> diagnostics is always the first publish for the new version (versions the server names are checked).
 *
 * Environment: BENCH_SIZES (e.g. `1000,20000` or `1_000`), BENCH_MIX (`default`, or `diagnostics`: about 1.5 diagnostics a
 * document, see generate.ts), BENCH_SERVERS (`ours,yaml-ls`), BENCH_ITERATIONS (20),
 * BENCH_STEP_TIMEOUT_MS (120000: each step of each server; a step over it shows `timeout`), BENCH_COMPLETE (notification),
 * BENCH_YAMLLS_SCHEMA (`trafficsplit` as in the issue, or `all` to add HTTPRoute), BENCH_SEED (1),
 * BENCH_OPEN_QUIET_MS (see above), BENCH_KEEP=1 (keep the temporary folder), CANARY_LENS_SERVER (path of our server, default dist/server.js).
 *
 * Exit code: 0 when every server ran (whether targets are met or not: it is a benchmark), 1 when a server was
 * missing or failed to start/initialize.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol/node';
import { indexedNotification } from '../../src/protocol/messages';
import { fileUri, startServer, type LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { sleep } from '../support/wait';
import { generateBenchManifest, type BenchManifest, type ManifestMix } from './generate';
import { ensureBenchTools, type BenchTools } from './setup';

// ---------------------------------------------------------------------------------------------------------------
// configuration

const ROOT = resolve(dirname(resolve(process.argv[1] ?? 'test/bench/bench.ts')), '..', '..');
const SIZES = parseList(process.env['BENCH_SIZES'], ['1000', '5000', '20000']).map((s) => {
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_SIZES: not a positive integer: ${s}`);
  return n;
});
const SERVERS = parseList(process.env['BENCH_SERVERS'], ['ours', 'yaml-ls']);
const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 20);
const STEP_TIMEOUT_MS = Number(process.env['BENCH_STEP_TIMEOUT_MS'] ?? 120_000);
const SEED = Number(process.env['BENCH_SEED'] ?? 1);
const MIX: ManifestMix = process.env['BENCH_MIX'] === 'diagnostics' || process.env['BENCH_MIX'] === 'delivery' ? process.env['BENCH_MIX'] : 'default';
const YAMLLS_SCHEMA = process.env['BENCH_YAMLLS_SCHEMA'] === 'all' ? 'all' : 'trafficsplit';
const OUR_SERVER = resolve(ROOT, process.env['CANARY_LENS_SERVER'] ?? 'dist/server.js');
const ARTIFACT = join(ROOT, '.test-artifacts', 'bench.json');
const INDEXED_NOTIFICATION = indexedNotification.method;
/** After an open: no single-publish fallback unless BENCH_OPEN_QUIET_MS is set (indexing can take seconds). */
const OPEN_QUIET_MS = process.env['BENCH_OPEN_QUIET_MS'] ? Number(process.env['BENCH_OPEN_QUIET_MS']) : undefined;
/** After an edit: a single publish is the normal case; 300 ms without another one (or the notification) means complete. */
const EDIT_QUIET_MS = 300;
const PARSE_RUNS = 3;

/** The targets of the issue, for our server at 20,000 documents. */
const TARGETS = {
  firstDiagnosticsVsYamlLs: 1 / 5,
  completeDiagnosticsVsYamlLs: 1,
  editP95Ms: 30,
  completionP95Ms: 10,
  peakRssVsYamlLs: 1,
} as const;

function parseList(value: string | undefined, fallback: string[]): string[] {
  const items = (value ?? '').split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : fallback;
}

// ---------------------------------------------------------------------------------------------------------------
// complete-diagnostics detection

export type CompleteStrategy = 'auto' | 'notification' | 'second-publish' | 'first-publish';
export type CompleteBy = 'notification' | 'second-publish' | 'first-publish' | 'single-publish';

export interface DiagnosticsTrack {
  /** The first publication (for this document version or later) after the tracker was made. */
  first: Promise<PublishedDiagnostics>;
  /**
   * When the diagnostics are complete, by the strategy: `at` is the receive time of the publication that holds the
   * complete diagnostics (with `notification`, the last publication before `canaryLens/indexed`).
   */
  complete: Promise<{ at: number; by: CompleteBy; publication: PublishedDiagnostics }>;
  dispose(): void;
}

/**
 * Watches a document's publications from now on. Make it before sending the open/change that it measures, so that
 * nothing can be missed. Publications for an older version (when the server says which) are ignored.
 *
 * `quietMs`: when what the strategy waits for (`canaryLens/indexed`, a second publish) does not come within this
 * time after the first publish, the first publish was complete (`single-publish`). Used after
 * edits, where one publish is the normal case. Undefined (after an open): no such fallback, since indexing may take
 * many seconds; a server that sends neither then shows `timeout` for complete diagnostics.
 */
export function trackDiagnostics(
  client: LspClient,
  uri: string,
  minVersion: number,
  strategy: CompleteStrategy,
  quietMs: number | undefined,
): DiagnosticsTrack {
  const publications: PublishedDiagnostics[] = [];
  const timers: NodeJS.Timeout[] = [];
  let resolveFirst!: (p: PublishedDiagnostics) => void;
  let resolveComplete!: (c: { at: number; by: CompleteBy; publication: PublishedDiagnostics }) => void;
  const first = new Promise<PublishedDiagnostics>((r) => (resolveFirst = r));
  const complete = new Promise<{ at: number; by: CompleteBy; publication: PublishedDiagnostics }>((r) => (resolveComplete = r));
  let done = false;
  const finish = (by: CompleteBy, publication: PublishedDiagnostics): void => {
    if (done) return;
    done = true;
    for (const t of timers) clearTimeout(t);
    resolveComplete({ at: publication.receivedAt, by, publication });
  };
  const offDiagnostics = client.onNotification('textDocument/publishDiagnostics', (params) => {
    const p = client.latestDiagnostics(uri);
    if (!p || (params as { uri?: string }).uri !== uri) return;
    if (p.version !== undefined && p.version < minVersion) return;
    publications.push(p);
    if (publications.length === 1) {
      resolveFirst(p);
      if (strategy === 'first-publish') finish('first-publish', p);
      else if (quietMs !== undefined) timers.push(setTimeout(() => finish('single-publish', p), quietMs));
    } else if (publications.length === 2 && (strategy === 'second-publish' || strategy === 'auto')) {
      finish('second-publish', p);
    }
  });
  const offIndexed = client.onNotification(INDEXED_NOTIFICATION, (params) => {
    if ((params as { uri?: string } | undefined)?.uri !== uri) return;
    if (strategy !== 'auto' && strategy !== 'notification') return;
    const latest = publications[publications.length - 1];
    if (latest) finish('notification', latest);
  });
  return {
    first,
    complete,
    dispose() {
      offDiagnostics();
      offIndexed();
      for (const t of timers) clearTimeout(t);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the JSON Schema given to yaml-language-server

/** An equivalent schema: TrafficSplit v1alpha2 (and, with `all`, HTTPRoute v1); documents of other kinds pass. */
export function benchSchema(mode: 'trafficsplit' | 'all'): object {
  const metadata = {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1 },
      namespace: { type: 'string' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
    },
  };
  const trafficSplit = {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'split.smi-spec.io/v1alpha2' },
      kind: { const: 'TrafficSplit' },
      metadata,
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['service', 'backends'],
        properties: {
          service: { type: 'string', minLength: 1, description: 'The apex Service that clients call.' },
          backends: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['service', 'weight'],
              properties: {
                service: { type: 'string', minLength: 1 },
                weight: { type: 'integer', minimum: 0 },
              },
            },
          },
        },
      },
    },
  };
  const backendRef = {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1 },
      namespace: { type: 'string' },
      group: { type: 'string' },
      kind: { type: 'string' },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      weight: { type: 'integer', minimum: 0, maximum: 1000000 },
      filters: { type: 'array' },
    },
    // Gateway API: a backendRef to a Service (the default kind) needs a port.
    if: { properties: { kind: { const: 'Service' } } },
    then: { required: ['name', 'port'] },
  };
  const httpRoute = {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'gateway.networking.k8s.io/v1' },
      kind: { const: 'HTTPRoute' },
      metadata,
      spec: {
        type: 'object',
        additionalProperties: false,
        properties: {
          parentRefs: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: {
                name: { type: 'string', minLength: 1 },
                namespace: { type: 'string' },
                group: { type: 'string' },
                kind: { type: 'string' },
                port: { type: 'integer', minimum: 1, maximum: 65535 },
                sectionName: { type: 'string' },
              },
            },
          },
          hostnames: { type: 'array', items: { type: 'string' } },
          rules: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
                matches: { type: 'array' },
                filters: { type: 'array' },
                timeouts: { type: 'object' },
                backendRefs: { type: 'array', items: backendRef },
              },
            },
          },
        },
      },
    },
  };
  const when = (apiVersion: string, kind: string, then: object): object => ({
    if: { required: ['apiVersion', 'kind'], properties: { apiVersion: { const: apiVersion }, kind: { const: kind } } },
    then,
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: mode === 'all' ? 'Canary Lens bench: TrafficSplit v1alpha2 + HTTPRoute v1' : 'Canary Lens bench: TrafficSplit v1alpha2',
    type: 'object',
    allOf: [
      when('split.smi-spec.io/v1alpha2', 'TrafficSplit', trafficSplit),
      ...(mode === 'all' ? [when('gateway.networking.k8s.io/v1', 'HTTPRoute', httpRoute)] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// servers

interface ServerSpec {
  id: 'canary-lens' | 'yaml-language-server';
  label: string;
  command: string;
  args: string[];
  settings: Record<string, unknown>;
  /** Wait for the server to pull `workspace/configuration` before opening the file. */
  waitForConfigurationPull: boolean;
  complete: CompleteStrategy;
  /** Why it cannot run, if it cannot. */
  missing?: string;
}

function ourServer(): ServerSpec {
  const strategy = (process.env['BENCH_COMPLETE'] ?? 'notification') as CompleteStrategy;
  if (!['auto', 'notification', 'second-publish', 'first-publish'].includes(strategy)) throw new Error(`BENCH_COMPLETE: unknown strategy ${strategy}`);
  const spec: ServerSpec = {
    id: 'canary-lens',
    label: 'canary-lens',
    command: process.execPath,
    args: [OUR_SERVER, '--stdio'],
    settings: { canaryLens: {} },
    waitForConfigurationPull: false,
    complete: strategy,
  };
  if (!existsSync(OUR_SERVER)) {
    spec.missing = `Canary Lens server not found at ${OUR_SERVER}: build it first (\`npm run build\`, which \`npm run bench\` runs), or point CANARY_LENS_SERVER at it. Skipping our half.`;
  }
  return spec;
}

function yamlLsServer(tools: BenchTools | undefined, toolsError: string | undefined, schemaPath: string, fileGlob: string): ServerSpec {
  const spec: ServerSpec = {
    id: 'yaml-language-server',
    label: 'yaml-ls',
    command: tools?.node22 ?? 'node22',
    args: [tools?.yamlLanguageServer ?? 'yaml-language-server', '--stdio'],
    settings: {
      yaml: {
        validate: true,
        hover: true,
        completion: true,
        format: { enable: false },
        schemas: { [fileUri(schemaPath)]: fileGlob },
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
      },
      http: { proxy: '', proxyStrictSSL: false },
      '[yaml]': {},
      editor: {},
    },
    waitForConfigurationPull: true,
    complete: 'first-publish',
  };
  if (!tools) spec.missing = `yaml-language-server is not installed (${toolsError ?? 'unknown reason'}): run \`npm run bench:setup\`.`;
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------
// measuring

interface Distribution {
  samples: number[];
  median: number | null;
  p95: number | null;
  min: number | null;
  max: number | null;
}

interface ServerResult {
  server: ServerSpec['id'];
  label: string;
  command: string[];
  status: 'ok' | 'partial' | 'missing' | 'failed';
  /** Steps that timed out or failed, with the reason. */
  problems: string[];
  initializeMs: number | 'timeout' | null;
  openToFirstDiagnosticsMs: number | 'timeout' | null;
  firstDiagnosticsCount: number | null;
  openToCompleteDiagnosticsMs: number | 'timeout' | null;
  completeBy: CompleteBy | null;
  completeDiagnosticsCount: number | null;
  /** Size of that publish's diagnostics as JSON (what every edit sends again: LSP publishes a file's full list). */
  completeDiagnosticsBytes: number | null;
  edit: Distribution & { timeouts: number; toComplete: Distribution };
  completion: Distribution & { timeouts: number; items: number | null };
  /** `textDocument/codeLens` on the whole file (yaml-language-server has no lenses: it answers none, or refuses). */
  codeLens: Distribution & { timeouts: number; lenses: number | null };
  peakRssKiB: number | null;
  /** 1-minute load average when the server was started (the machine is shared: high values mean noisy numbers). */
  loadAverage: number;
  stderrTail?: string;
}

function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  // nearest-rank percentiles
  const rank = (q: number): number | null => (sorted.length ? (sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? null) : null);
  return {
    samples: samples.map(round),
    median: roundOrNull(rank(0.5)),
    p95: roundOrNull(rank(0.95)),
    min: roundOrNull(sorted[0] ?? null),
    max: roundOrNull(sorted[sorted.length - 1] ?? null),
  };
}
function round(x: number): number {
  return Math.round(x * 100) / 100;
}
function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}

class StepTimeout extends Error {}

function timed<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new StepTimeout(`${what}: timeout after ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolvePromise(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

async function runServer(spec: ServerSpec, manifest: BenchManifest, filePath: string, workDir: string): Promise<ServerResult> {
  const result: ServerResult = {
    server: spec.id,
    label: spec.label,
    command: [spec.command, ...spec.args],
    status: 'ok',
    problems: [],
    initializeMs: null,
    openToFirstDiagnosticsMs: null,
    firstDiagnosticsCount: null,
    openToCompleteDiagnosticsMs: null,
    completeBy: null,
    completeDiagnosticsCount: null,
    completeDiagnosticsBytes: null,
    edit: { ...distribution([]), timeouts: 0, toComplete: distribution([]) },
    completion: { ...distribution([]), timeouts: 0, items: null },
    codeLens: { ...distribution([]), timeouts: 0, lenses: null },
    peakRssKiB: null,
    loadAverage: round(loadavg()[0] ?? 0),
  };
  if (spec.missing) {
    log(spec.missing);
    result.status = 'missing';
    result.problems.push(spec.missing);
    return result;
  }
  const uri = fileUri(filePath);
  const client = startServer(spec.command, spec.args, { name: spec.label, settings: spec.settings, cwd: workDir });
  const problem = (step: string, e: unknown): void => {
    const what = e instanceof StepTimeout || /timed out/.test(message(e)) ? 'timeout' : `error: ${message(e)}`;
    result.problems.push(`${step}: ${what}`);
    log(`${spec.label}: ${step}: ${what}`);
  };
  try {
    // -- start, initialize, configuration
    const pulled = spec.waitForConfigurationPull ? client.nextServerRequest('workspace/configuration', STEP_TIMEOUT_MS) : undefined;
    pulled?.catch(() => undefined);
    const t0 = performance.now();
    try {
      await timed(client.initialize(fileUri(workDir), undefined, undefined, STEP_TIMEOUT_MS), STEP_TIMEOUT_MS, 'initialize');
    } catch (e) {
      problem('initialize', e);
      if (/timed out|timeout/.test(message(e))) result.initializeMs = 'timeout';
      result.status = 'failed';
      return result;
    }
    result.initializeMs = round(performance.now() - t0);
    if (pulled) {
      try {
        await timed(pulled, 10_000, 'configuration pull after initialized');
      } catch {
        // not pulled on its own: the didChangeConfiguration below asks again
      }
      const pulledAgain = client.nextServerRequest('workspace/configuration', STEP_TIMEOUT_MS);
      pulledAgain.catch(() => undefined); // awaited below; this only keeps an early rejection from going unhandled
      await client.changeConfiguration();
      try {
        await timed(pulledAgain, 10_000, 'configuration pull after didChangeConfiguration');
      } catch (e) {
        problem('configuration', e);
      }
      await sleep(200); // let it apply the settings (schema associations) before the file is opened
    } else {
      await client.changeConfiguration();
    }

    // -- open -> first and complete diagnostics
    const openTrack = trackDiagnostics(client, uri, 1, spec.complete, OPEN_QUIET_MS);
    let version = 1;
    const tOpen = performance.now();
    await client.open(uri, manifest.text, 'yaml', version);
    log(`${spec.label}: opened ${manifest.documents} documents; waiting for diagnostics ...`);
    let opened = false;
    try {
      const first = await timed(openTrack.first, STEP_TIMEOUT_MS, 'open -> first diagnostics');
      result.openToFirstDiagnosticsMs = round(first.receivedAt - tOpen);
      result.firstDiagnosticsCount = first.diagnostics.length;
      opened = true;
    } catch (e) {
      problem('open -> first diagnostics', e);
      result.openToFirstDiagnosticsMs = 'timeout';
    }
    if (opened) {
      try {
        const remaining = Math.max(1, STEP_TIMEOUT_MS - (performance.now() - tOpen));
        const complete = await timed(openTrack.complete, remaining, 'open -> complete diagnostics');
        result.openToCompleteDiagnosticsMs = round(complete.at - tOpen);
        result.completeBy = complete.by;
        result.completeDiagnosticsCount = complete.publication.diagnostics.length;
        result.completeDiagnosticsBytes = Buffer.byteLength(JSON.stringify(complete.publication.diagnostics));
      } catch (e) {
        problem('open -> complete diagnostics', e);
        result.openToCompleteDiagnosticsMs = 'timeout';
      }
    }
    openTrack.dispose();
    log(
      `${spec.label}: open -> first ${fmtMs(result.openToFirstDiagnosticsMs)} (${result.firstDiagnosticsCount ?? '-'} diagnostics), ` +
        `complete ${fmtMs(result.openToCompleteDiagnosticsMs)} (${result.completeDiagnosticsCount ?? '-'}, by ${result.completeBy ?? '-'})`,
    );

    // -- one-character edits
    const target = manifest.weightEdit;
    if (opened && target) {
      const firstSamples: number[] = [];
      const completeSamples: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        version += 1;
        const digit = i % 2 === 0 ? target.digits[1] : target.digits[0];
        const track = trackDiagnostics(client, uri, version, spec.complete, EDIT_QUIET_MS);
        const tEdit = performance.now();
        await client.change(uri, version, [
          { range: { start: { line: target.line, character: target.character }, end: { line: target.line, character: target.character + 1 } }, text: digit },
        ]);
        try {
          const first = await timed(track.first, STEP_TIMEOUT_MS, `edit ${i + 1} -> diagnostics`);
          firstSamples.push(first.receivedAt - tEdit);
          const complete = await timed(track.complete, STEP_TIMEOUT_MS, `edit ${i + 1} -> complete diagnostics`);
          completeSamples.push(complete.at - tEdit);
        } catch (e) {
          result.edit.timeouts += 1;
          problem(`edit ${i + 1}`, e);
          track.dispose();
          break; // the server is stuck: later edits would only measure its backlog
        }
        track.dispose();
      }
      result.edit = { ...distribution(firstSamples), timeouts: result.edit.timeouts, toComplete: distribution(completeSamples) };
      log(`${spec.label}: edit -> diagnostics p50 ${fmtMs(result.edit.median)} p95 ${fmtMs(result.edit.p95)} (${firstSamples.length} edits)`);
    } else if (!target) {
      result.problems.push('edits: the manifest has no valid TrafficSplit to edit');
    }

    // -- completion
    // (measured even when no diagnostics came: completion does not depend on them)
    const at = manifest.completion;
    if (at) {
      const samples: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const tReq = performance.now();
        try {
          const answer = await client.request<CompletionItem[] | CompletionList | null>(
            'textDocument/completion',
            { textDocument: { uri }, position: at, context: { triggerKind: 1 } },
            STEP_TIMEOUT_MS,
          );
          samples.push(performance.now() - tReq);
          result.completion.items = answer === null ? 0 : Array.isArray(answer) ? answer.length : answer.items.length;
        } catch (e) {
          result.completion.timeouts += 1;
          problem(`completion ${i + 1}`, e);
          break;
        }
      }
      result.completion = { ...distribution(samples), timeouts: result.completion.timeouts, items: result.completion.items };
      log(`${spec.label}: completion p50 ${fmtMs(result.completion.median)} p95 ${fmtMs(result.completion.p95)} (${result.completion.items ?? '-'} items)`);
    }

    // -- code lenses of the whole file (after the edits: what the editor asks for again after each one)
    if (opened) {
      const samples: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const tReq = performance.now();
        try {
          const answer = await client.request<unknown[] | null>('textDocument/codeLens', { textDocument: { uri } }, STEP_TIMEOUT_MS);
          samples.push(performance.now() - tReq);
          result.codeLens.lenses = answer?.length ?? 0;
        } catch (e) {
          result.codeLens.timeouts += 1;
          problem(`codeLens ${i + 1}`, e);
          break;
        }
      }
      result.codeLens = { ...distribution(samples), timeouts: result.codeLens.timeouts, lenses: result.codeLens.lenses };
      log(`${spec.label}: codeLens p50 ${fmtMs(result.codeLens.median)} p95 ${fmtMs(result.codeLens.p95)} (${result.codeLens.lenses ?? '-'} lenses)`);
    }

    result.peakRssKiB = client.peakRssKiB() ?? null;
    log(`${spec.label}: peak RSS ${result.peakRssKiB === null ? '-' : (result.peakRssKiB / 1024).toFixed(0) + ' MiB'}`);
  } catch (e) {
    problem('run', e);
    result.status = 'failed';
  } finally {
    if (result.peakRssKiB === null) result.peakRssKiB = client.peakRssKiB() ?? null;
    const shut = await client.shutdown(5_000);
    if (shut.killed) result.problems.push('shutdown: did not exit within 5 s, killed');
  }
  if (result.status === 'ok' && result.problems.length > 0) result.status = 'partial';
  if (result.status !== 'ok') result.stderrTail = client.stderrText().slice(-4000);
  return result;
}

function timeParseAllDocuments(text: string): { medianMs: number; runsMs: number[]; documents: number; errors: number } {
  const runs: number[] = [];
  let documents = 0;
  let errors = 0;
  for (let i = 0; i < PARSE_RUNS; i++) {
    const t = performance.now();
    const docs = parseAllDocuments(text);
    runs.push(performance.now() - t);
    const list = Array.isArray(docs) ? docs : [docs];
    documents = list.length;
    errors = list.reduce((sum, d) => sum + d.errors.length, 0);
  }
  return { medianMs: round(distribution(runs).median ?? 0), runsMs: runs.map(round), documents, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// reporting

function fmtMs(x: number | 'timeout' | null): string {
  if (x === null) return '-';
  if (x === 'timeout') return 'timeout';
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}
/** A percentile, with `timeout` when a sample timed out (and `(n=K)` when fewer than asked were taken). */
function fmtDist(x: number | null, d: { samples: number[]; timeouts: number }): string {
  if (d.samples.length === 0) return d.timeouts > 0 ? 'timeout' : '-';
  const partial = d.samples.length < ITERATIONS ? ` (n=${d.samples.length}${d.timeouts > 0 ? ', then timeout' : ''})` : '';
  return fmtMs(x) + partial;
}
function fmtMiB(kib: number | null): string {
  return kib === null ? '-' : (kib / 1024).toFixed(0);
}
function ratio(a: number | 'timeout' | null, b: number | 'timeout' | null): number | null {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
}

interface Verdict {
  target: string;
  value: string;
  met: boolean | null;
}

function verdicts(ours: ServerResult | undefined, yamlLs: ServerResult | undefined): Record<string, Verdict> {
  const r1 = ratio(ours?.openToFirstDiagnosticsMs ?? null, yamlLs?.openToFirstDiagnosticsMs ?? null);
  const r2 = ratio(ours?.openToCompleteDiagnosticsMs ?? null, yamlLs?.openToFirstDiagnosticsMs ?? null);
  const r3 = ratio(ours?.peakRssKiB ?? null, yamlLs?.peakRssKiB ?? null);
  const e = ours?.edit.p95 ?? null;
  const c = ours?.completion.p95 ?? null;
  return {
    firstDiagnostics: { target: '<= 1/5 of yaml-ls open->diagnostics', value: r1 === null ? '-' : `x${r1.toFixed(3)}`, met: r1 === null ? null : r1 <= TARGETS.firstDiagnosticsVsYamlLs },
    completeDiagnostics: { target: '<= yaml-ls open->diagnostics', value: r2 === null ? '-' : `x${r2.toFixed(3)}`, met: r2 === null ? null : r2 <= TARGETS.completeDiagnosticsVsYamlLs },
    editP95: { target: `< ${TARGETS.editP95Ms} ms`, value: e === null ? '-' : `${fmtMs(e)} ms`, met: e === null ? null : e < TARGETS.editP95Ms },
    completionP95: { target: `< ${TARGETS.completionP95Ms} ms`, value: c === null ? '-' : `${fmtMs(c)} ms`, met: c === null ? null : c < TARGETS.completionP95Ms },
    peakRss: { target: '< yaml-ls', value: r3 === null ? '-' : `x${r3.toFixed(3)}`, met: r3 === null ? null : r3 < TARGETS.peakRssVsYamlLs },
  };
}

function printTable(size: SizeResult): void {
  const ours = size.servers.find((s) => s.server === 'canary-lens');
  const yls = size.servers.find((s) => s.server === 'yaml-language-server');
  const cols = [ours, yls];
  const head = `== ${size.documents.toLocaleString('en')} documents, ${size.mib.toFixed(2)} MiB, ${size.lines.toLocaleString('en')} lines, ${size.faulty} faulty ==`;
  const rows: [string, (s: ServerResult) => string][] = [
    ['status', (s) => s.status],
    ['initialize (ms)', (s) => fmtMs(s.initializeMs)],
    ['open -> first diagnostics (ms)', (s) => fmtMs(s.openToFirstDiagnosticsMs)],
    ['  diagnostics in first publish', (s) => String(s.firstDiagnosticsCount ?? '-')],
    ['open -> complete diagnostics (ms)', (s) => fmtMs(s.openToCompleteDiagnosticsMs) + (s.completeBy ? ` (${s.completeBy})` : '')],
    ['  diagnostics when complete', (s) => String(s.completeDiagnosticsCount ?? '-')],
    ['  their JSON (KiB)', (s) => (s.completeDiagnosticsBytes === null ? '-' : (s.completeDiagnosticsBytes / 1024).toFixed(0))],
    [`edit -> diagnostics p50 (ms, n=${ITERATIONS})`, (s) => fmtDist(s.edit.median, s.edit)],
    ['edit -> diagnostics p95 (ms)', (s) => fmtDist(s.edit.p95, s.edit)],
    ['edit -> complete p95 (ms)', (s) => fmtDist(s.edit.toComplete.p95, s.edit)],
    [`completion p50 (ms, n=${ITERATIONS})`, (s) => fmtDist(s.completion.median, s.completion)],
    ['completion p95 (ms)', (s) => fmtDist(s.completion.p95, s.completion)],
    ['  completion items', (s) => String(s.completion.items ?? '-')],
    [`codeLens p50 (ms, n=${ITERATIONS})`, (s) => fmtDist(s.codeLens.median, s.codeLens)],
    ['codeLens p95 (ms)', (s) => fmtDist(s.codeLens.p95, s.codeLens)],
    ['  lenses', (s) => String(s.codeLens.lenses ?? '-')],
    ['peak RSS (MiB)', (s) => fmtMiB(s.peakRssKiB)],
    [`load average at start (${cpus().length} cpus)`, (s) => s.loadAverage.toFixed(2)],
  ];
  const w0 = Math.max(...rows.map(([l]) => l.length)) + 2;
  const w = 24;
  const lines = [head, `${''.padEnd(w0)}${'canary-lens'.padStart(w)}${'yaml-ls'.padStart(w)}`];
  for (const [label, get] of rows) {
    lines.push(`${label.padEnd(w0)}${cols.map((c) => (c ? get(c) : 'not run').padStart(w)).join('')}`);
  }
  lines.push(`yaml parseAllDocuments, in-process (median of ${PARSE_RUNS}): ${fmtMs(size.parseAllDocuments.medianMs)} ms`);
  lines.push(`targets (set for 20,000 documents)${size.documents === 20000 ? '' : ', shown for reference'}:`);
  for (const [name, v] of Object.entries(size.targets)) {
    const mark = v.met === null ? ' n/a  ' : v.met ? ' met  ' : ' MISS ';
    lines.push(`${mark} ${name.padEnd(20)} ${v.target.padEnd(40)} ${v.value}`);
  }
  lines.push('notes: yaml-ls waits a fixed 200 ms (validationDelayMs) before every validation, open and edit alike; it publishes once per validation.');
  process.stdout.write(lines.join('\n') + '\n\n');
}

interface SizeResult {
  documents: number;
  bytes: number;
  mib: number;
  lines: number;
  kinds: Record<string, number>;
  faulty: number;
  editTarget: BenchManifest['weightEdit'];
  completionAt: BenchManifest['completion'];
  parseAllDocuments: ReturnType<typeof timeParseAllDocuments>;
  servers: ServerResult[];
  targets: Record<string, Verdict>;
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  log(`sizes ${SIZES.join(', ')} (${MIX} mix); servers ${SERVERS.join(', ')}; ${ITERATIONS} iterations; step timeout ${STEP_TIMEOUT_MS} ms; yaml-ls schema: ${YAMLLS_SCHEMA}`);
  let tools: BenchTools | undefined;
  let toolsError: string | undefined;
  if (SERVERS.includes('yaml-ls')) {
    try {
      tools = await ensureBenchTools();
    } catch (e) {
      toolsError = message(e);
      log(`could not set up yaml-language-server: ${toolsError}`);
    }
  }
  const workDir = mkdtempSync(join(tmpdir(), 'canary-lens-bench-'));
  const schemaPath = join(workDir, 'trafficsplit.schema.json');
  writeFileSync(schemaPath, JSON.stringify(benchSchema(YAMLLS_SCHEMA), null, 2));
  const sizes: SizeResult[] = [];
  let exitCode = 0;
  try {
    for (const n of SIZES) {
      const tGen = performance.now();
      const manifest = generateBenchManifest(n, SEED, MIX);
      const fileName = `manifest-${n}${MIX === 'default' ? '' : `-${MIX}`}.yaml`;
      const filePath = join(workDir, fileName);
      writeFileSync(filePath, manifest.text);
      log(`${n} documents: ${(manifest.bytes / 1048576).toFixed(2)} MiB, ${manifest.faulty.length} faulty, generated in ${(performance.now() - tGen).toFixed(0)} ms -> ${filePath}`);
      const parse = timeParseAllDocuments(manifest.text);
      log(`parseAllDocuments: ${parse.medianMs} ms (runs ${parse.runsMs.join(', ')})`);
      const servers: ServerResult[] = [];
      for (const which of SERVERS) {
        const spec = which === 'ours' || which === 'canary-lens' ? ourServer() : which === 'yaml-ls' ? yamlLsServer(tools, toolsError, schemaPath, fileName) : undefined;
        if (!spec) throw new Error(`BENCH_SERVERS: unknown server ${which} (use ours, yaml-ls)`);
        const r = await runServer(spec, manifest, filePath, workDir);
        if (r.status === 'missing' || r.status === 'failed') exitCode = 1;
        servers.push(r);
      }
      const size: SizeResult = {
        documents: manifest.documents,
        bytes: manifest.bytes,
        mib: round(manifest.bytes / 1048576),
        lines: manifest.lines,
        kinds: manifest.kinds,
        faulty: manifest.faulty.length,
        editTarget: manifest.weightEdit,
        completionAt: manifest.completion,
        parseAllDocuments: parse,
        servers,
        targets: verdicts(
          servers.find((s) => s.server === 'canary-lens'),
          servers.find((s) => s.server === 'yaml-language-server'),
        ),
      };
      sizes.push(size);
      printTable(size);
      writeArtifact(sizes, tools); // after every size, so a later hang still leaves results
    }
  } finally {
    if (process.env['BENCH_KEEP'] === '1') log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  log(`results: ${ARTIFACT}`);
  return exitCode;
}

function writeArtifact(sizes: SizeResult[], tools: BenchTools | undefined): void {
  mkdirSync(dirname(ARTIFACT), { recursive: true });
  const cpu = cpus();
  const report = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? null, totalMemMiB: Math.round(totalmem() / 1048576), platform: `${process.platform}-${process.arch}` },
    runtimes: { bench: process.version, ours: process.version, yamlLs: tools ? `v${tools.nodeVersion}` : null, yamlLanguageServer: tools?.yamlLanguageServerVersion ?? null },
    config: {
      sizes: SIZES,
      servers: SERVERS,
      iterations: ITERATIONS,
      stepTimeoutMs: STEP_TIMEOUT_MS,
      seed: SEED,
      mix: MIX,
      completeStrategy: process.env['BENCH_COMPLETE'] ?? 'notification',
      yamlLsSchema: YAMLLS_SCHEMA,
      openQuietMs: OPEN_QUIET_MS ?? null,
      editQuietMs: EDIT_QUIET_MS,
    },
    targets: TARGETS,
    sizes,
  };
  writeFileSync(ARTIFACT, JSON.stringify(report, null, 2) + '\n');
}

if (/[\\/]bench\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`[bench] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
