/**
 * The fuzz worker: runs plans' cases one by one and tells the main thread before each case (the heartbeat the
 * watchdog times), after each failure and when the plan is done. Started by watchdog.ts, never directly.
 */
import { parentPort } from 'node:worker_threads';
import type { LanguageService } from '../../src/service/languageService';
import { CaseError, caseOf, contextService, MANIFEST_DIR, runCase, saveManifest, scratch, type Plan } from './runner';
import { SEEDS } from './seeds';
import type { FromWorker, Slow } from './watchdog';

const port = parentPort;
if (!port) throw new Error('test/fuzz/worker.ts runs in a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);

let ls: LanguageService | undefined;
const tmp = scratch();
/** How many slowest cases a plan reports. */
const SLOWEST = 5;

/** A failure's kind: its step and first line with numbers and quoted text blanked, so one bug counts once. */
function kindOf(e: CaseError): string {
  const first = e.detail.split('\n')[0] ?? '';
  return `${e.step.split(' ')[0]}: ${first.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 160)}`;
}

async function runPlan(plan: Plan): Promise<void> {
  if (!ls) {
    ls = contextService();
    // Warm-up (not timed, failures not counted: the seeds come again as cases): compiles schemas, JIT-compiles paths.
    const warm: Plan = { name: 'warm-up', seed: 1, from: 0, count: SEEDS.length * 2, fixed: SEEDS.map((text, i) => ({ label: `seed ${i}`, text })), lintEvery: 0 };
    for (let i = 0; i < warm.count; i++) {
      post({ type: 'start', index: -1 - i });
      await runCase(ls, caseOf(warm, i), { lint: i < 2, tmp }).catch(() => undefined);
    }
  }
  const slowest: Slow[] = [];
  for (let i = plan.from; i < plan.from + plan.count; i++) {
    post({ type: 'start', index: i });
    const c = caseOf(plan, i);
    post({ type: 'size', chars: c.text.length + c.others.reduce((n, t) => n + t.length, 0) });
    try {
      const r = await runCase(ls, c, { lint: plan.lintEvery > 0 && i % plan.lintEvery === 0, tmp, onStep: (step) => post({ type: 'step', step }) });
      post({ type: 'ok', index: i, ms: r.ms });
      if (slowest.length < SLOWEST || r.ms > slowest[slowest.length - 1]!.ms) {
        slowest.push({ index: i, mutations: c.mutations.join('+'), chars: c.text.length, ms: r.ms, steps: r.steps });
        slowest.sort((a, b) => b.ms - a.ms).splice(SLOWEST);
      }
    } catch (e) {
      if (!(e instanceof CaseError)) throw e;
      const manifest = saveManifest(MANIFEST_DIR, c, { step: e.step, edits: e.edits, error: e.detail });
      post({ type: 'fail', index: i, kind: kindOf(e), message: `${e.message.split('\n').slice(0, 10).join('\n')}\n  manifest: ${manifest}` });
    }
  }
  post({ type: 'done', slowest });
}

port.on('message', (plan: Plan) => {
  runPlan(plan).catch((e: unknown) => post({ type: 'crash', message: e instanceof Error ? e.stack ?? e.message : String(e) }));
});
post({ type: 'ready' });
