/**
 * The time bound per document: the cases run in a worker thread (worker.ts), which posts a heartbeat before each
 * case; here, the main thread's timer terminates the worker when one case runs longer than `caseMs` and reports that
 * case (plan, index, mutations, its manifest in the temp folder for replay). The run then goes on in a fresh worker
 * from the next case, so one hang does not hide other failures. Nothing else is timed as an assertion: the
 * per-case times come back for the report only.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { caseOf, MANIFEST_DIR, replayCommand, saveManifest, type Plan } from './runner';

/** Messages from the worker. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'start'; index: number }
  | { type: 'size'; chars: number }
  | { type: 'step'; step: string }
  | { type: 'fail'; index: number; kind: string; message: string }
  | { type: 'ok'; index: number; ms: number }
  | { type: 'done'; slowest: Slow[] }
  | { type: 'crash'; message: string };

export interface Slow { index: number; mutations: string; chars: number; ms: number; steps: string }
export interface Failure { kind: string; message: string }
export interface PlanReport { plan: Plan; cases: number; times: number[]; slowest: Slow[]; failures: Failure[] }

/** The hard bound per case, FUZZ_CASE_MS (default 10 s). */
export const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 10_000);
/**
 * Past this many characters a case's bound grows in proportion: the service's work is linear in the text (a 1 MB line
 * of 28,000 backends is parsed about ten times in a case, once per edit and per fresh copy), so a fixed bound would
 * fail big cases for their size, not for a hang or a quadratic step (those take minutes at 1 MB).
 */
// A 1 MB line of negative weights (megaLine case 0) takes 13-15 s alone and up to 18 s while other test files run
// beside it (CI, 2 cores), against the 20 s that 10 s per 512 KB allowed: no margin. Hangs and quadratic steps take minutes.
const CHARS_PER_BOUND = 384 * 1024;
/** Starting a worker compiles the service through tsx: bounded apart, and generously. */
const STARTUP_MS = Math.max(CASE_MS, 60_000);
/** After this many cases over the bound a plan stops: the rest would likely time out too. */
const MAX_TIMEOUTS = 4;

type Segment = { done: true; times: number[]; slowest: Slow[] } | { done: false; at: number; reason: string; times: number[] };

export class FuzzPool {
  private worker: Worker | undefined;

  constructor(private readonly caseMs = CASE_MS) {}

  /** Runs a plan to its end; every failure (a case's, a time-out, a crash) is in the report. */
  async run(plan: Plan): Promise<PlanReport> {
    const report: PlanReport = { plan, cases: 0, times: [], slowest: [], failures: [] };
    let from = plan.from;
    let timeouts = 0;
    while (from < plan.from + plan.count) {
      const segment = await this.segment({ ...plan, from, count: plan.from + plan.count - from }, report.failures);
      report.times.push(...segment.times);
      if (segment.done) {
        report.slowest = segment.slowest;
        break;
      }
      const index = segment.at;
      const kind = segment.reason.split('\n')[0]!.replace(/\d+/g, 'N');
      if (index < plan.from) {
        // Starting the worker or warming up failed: no case to blame, and no point going on.
        report.failures.push({ kind, message: `plan ${plan.name}: ${segment.reason}` });
        break;
      }
      const c = caseOf(plan, index);
      const manifest = saveManifest(MANIFEST_DIR, c, { error: segment.reason });
      report.failures.push({ kind, message: `case ${plan.name}:${index} (seed ${plan.seed}, ${c.mutations.join('+')}, ${c.text.length} chars): ${segment.reason}\n  manifest: ${manifest}\n  replay: ${replayCommand(c)}` });
      if (segment.reason.startsWith('over') && ++timeouts >= MAX_TIMEOUTS) {
        report.failures.push({ kind: 'stopped', message: `plan ${plan.name} stopped after ${MAX_TIMEOUTS} cases over ${this.caseMs} ms` });
        break;
      }
      from = index + 1;
    }
    report.cases = report.times.length + report.failures.filter((f) => f.message.startsWith('case ')).length;
    return report;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    // A .ts entry needs tsx's require hook inside the worker: `--import tsx` in execArgv does not reach a worker's
    // entry module on Node 20, so a one-line CommonJS bootstrap registers it and then loads the entry.
    const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`;
    return new Worker(bootstrap, { eval: true, stderr: false, stdout: false });
  }

  /** Runs cases until the plan ends or the worker must be dropped (a time-out or a crash). */
  private segment(plan: Plan, failures: Failure[]): Promise<Segment> {
    const fresh = !this.worker;
    const worker = this.worker ??= this.spawn();
    return new Promise((resolve) => {
      const times: number[] = [];
      let current = fresh ? Number.NaN : plan.from; // NaN: starting up; negative: warming up
      let since = performance.now();
      let step = '';
      let chars = 0;
      const here = (): number => (Number.isNaN(current) ? -1 : current);
      const finish = (s: Segment, drop: boolean): void => {
        clearInterval(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (drop) {
          this.worker = undefined;
          void worker.terminate();
        }
        resolve(s);
      };
      const onMessage = (m: FromWorker): void => {
        switch (m.type) {
          case 'ready': since = performance.now(); current = -1_000_000; return;
          case 'start': current = m.index; since = performance.now(); step = 'making the case'; chars = 0; return;
          case 'size': chars = m.chars; return;
          case 'step': step = m.step; return;
          case 'fail': failures.push({ kind: m.kind, message: m.message }); return;
          case 'ok': times.push(m.ms); return;
          case 'done': finish({ done: true, times, slowest: m.slowest }, false); return;
          case 'crash': finish({ done: false, at: here(), reason: `the worker failed: ${m.message}`, times }, true); return;
        }
      };
      const onError = (e: Error): void => finish({ done: false, at: here(), reason: `the worker died: ${e.stack ?? e.message}`, times }, true);
      const onExit = (code: number): void => finish({ done: false, at: here(), reason: `the worker exited with code ${code}`, times }, true);
      const timer = setInterval(() => {
        const bound = Number.isNaN(current) ? STARTUP_MS : Math.round(this.caseMs * Math.max(1, chars / CHARS_PER_BOUND));
        const ms = performance.now() - since;
        if (ms > bound) {
          const what = Number.isNaN(current) ? 'starting the worker' : current < 0 ? 'warming up' : 'the case';
          finish({ done: false, at: here(), reason: `over the bound: ${what} ran ${Math.round(ms)} ms (bound ${bound} ms: FUZZ_CASE_MS per ${CHARS_PER_BOUND / 1024} KB)${step ? `, stuck in ${step.slice(0, 200)}` : ''}`, times }, true);
        }
      }, 100);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(plan);
    });
  }
}

/** p50/p99/max of a report's times, and its slowest cases, as lines for t.diagnostic. */
export function timingLines(r: PlanReport): string[] {
  const sorted = [...r.times].sort((a, b) => a - b);
  const q = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(1);
  return [
    `${r.plan.name}: ${r.cases} cases (seed ${r.plan.seed}) in ${(sorted.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s, per case p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms`,
    ...r.slowest.slice(0, 3).map((s) => `  slow: case ${s.index} (${s.mutations}, ${s.chars} chars) ${s.ms.toFixed(1)} ms: ${s.steps}`),
  ];
}

/** One paragraph per kind of failure: how many cases, and the first one. */
export function failureReport(failures: readonly Failure[]): string {
  const kinds = new Map<string, Failure[]>();
  for (const f of failures) kinds.set(f.kind, [...(kinds.get(f.kind) ?? []), f]);
  return [...kinds].map(([kind, fs]) => `- ${kind} (${fs.length} case${fs.length === 1 ? '' : 's'}); first:\n${fs[0]!.message.replace(/^/gm, '    ')}`).join('\n');
}
