/**
 * `canary-lens rollout run|status|pause|resume|cancel|rollback|advance FILE`: the editor's guided rollout from a
 * terminal or a CI job, the same code (src/rollout/runner.ts). The manifest FILE holds the split; every step rewrites
 * its weights in the file and applies it (server-side apply, field manager `canary-lens`, dry run first). The state
 * lives on the split object, so a rollout started in VS Code can be driven, watched or stopped from here.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { CLI_WORDING } from './wording';
import { walkArgs } from './args';
import { DEFAULT_PLAN, PlanError, overPlan, parsePlanText, planProblems, type PartialPlan, type RolloutPlan } from '../rollout/plan';
import { describeTarget, type SplitTarget } from '../rollout/manifest';
import { formatLeft } from '../rollout/machine';
import { windowSeconds } from '../stats/queries';
import type { RolloutState } from '../rollout/state';
import type { TickResult } from '../rollout/runner';
import type { SplitKind } from '../protocol/messages';
import { SPLIT_KINDS } from '../service/model/kinds';

export const ROLLOUT_USAGE = `usage: canary-lens rollout run FILE [--target KIND/NAME] [--rule N] [--canary NAME] [--plan PLAN]
                           [--yes] [--force] [--interval 5s] [--lease 60s] [--holder ID] [plan flags]
       canary-lens rollout status|pause|resume|cancel|rollback|advance FILE [--target KIND/NAME] [--format table|json]
  common: [--kubeconfig K] [--context C] [-n NAMESPACE] [--prometheus URL]
  A guided rollout without a controller: the canary's share goes through the plan's steps; each step is applied when
  the previous one's gates (success rate, P99, enough requests) have held for the hold time. FILE is the manifest that
  holds the split; each step rewrites its weights there and applies it (server-side apply, field manager canary-lens).
  The state lives on the split (annotation canary-lens.dev/rollout) with a lease: one runner drives it at a time.
  run        start a rollout (asks, or --yes) or drive the one on the split; prints a line per change; stops at the end,
             a pause or a rollback. With no runner the split stays at its step.
  status     the state, the current step, the last gates (--format json for machines)
  pause, resume, cancel, rollback, advance: as in the editor; cancel leaves the weights where they are.
  --target KIND/NAME  the split (TrafficSplit/web-svc-ts); default: the plan's targetRef, else the file's only split
  --plan PLAN         a RolloutPlan file (kind RolloutPlan, apiVersion canary-lens.dev/v1alpha1)
  --yes               start without asking (a CI job); --force takes the weights over from another field manager
  plan flags (over the plan file): --steps 10,25,50,100 --hold-time 2m --window 1m --min-requests 100
             --min-success 99 --max-success-drop 1 --max-p99-ratio 1.5 --max-p99-ms MS --no-auto-advance --auto-rollback
  Exit code: 0 completed (status: running fine), 1 a gate failed (paused or rolled back), 2 usage or connection
  error, 3 stopped for another reason (paused, cancelled, changed by someone else, taken over, driven by another runner).
`;

export class RolloutUsageError extends Error {}

const COMMANDS = ['run', 'status', 'pause', 'resume', 'cancel', 'rollback', 'advance'] as const;
type Command = (typeof COMMANDS)[number];

export interface RolloutOptions {
  command: Command;
  file: string;
  target?: SplitTarget;
  canary?: string;
  plan?: string;
  planFlags: PartialPlan;
  yes: boolean;
  force: boolean;
  interval: number;
  lease: number;
  holder: string;
  format: 'table' | 'json';
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  prometheus?: string;
}

function seconds(flag: string, v: string): number {
  try {
    const s = windowSeconds(v);
    if (s > 0) return s;
  } catch { /* worded below */ }
  throw new RolloutUsageError(`${flag} must be a duration such as 5s or 1m, not ${v}`);
}

function number(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new RolloutUsageError(`${flag} must be a number, not ${v}`);
  return n;
}

function parseTarget(v: string): SplitTarget {
  const [kind, name, extra] = v.split('/');
  if (!kind || !name || extra !== undefined || !(SPLIT_KINDS as readonly string[]).includes(kind)) {
    throw new RolloutUsageError(`--target must be KIND/NAME with KIND one of ${SPLIT_KINDS.join(', ')}, not ${v}`);
  }
  return { kind: kind as SplitKind, name };
}

export function parseRolloutArgs(args: readonly string[]): RolloutOptions {
  const [command, ...rest] = args;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) throw new RolloutUsageError(`rollout needs one of ${COMMANDS.join(', ')}${command ? `, not ${command}` : ''}`);
  let user = 'someone';
  try { user = userInfo().username; } catch { /* no passwd entry in some containers: keep the neutral name */ }
  const o: RolloutOptions = {
    command: command as Command, file: '', planFlags: {}, yes: false, force: false, interval: 5, lease: 60,
    holder: `${user}@${hostname()} (canary-lens CLI)`, format: 'table',
  };
  const files: string[] = [];
  let rule: number | undefined;
  const gates: NonNullable<PartialPlan['gates']> = {};
  walkArgs(rest, (m) => new RolloutUsageError(m), ({ arg: a, name, value }) => {
    switch (name) {
      case '--target': o.target = parseTarget(value()); break;
      case '--rule': rule = number(name, value()); break;
      case '--canary': o.canary = value(); break;
      case '--plan': o.plan = value(); break;
      case '--yes': case '-y': o.yes = true; break;
      case '--force': o.force = true; break;
      case '--interval': o.interval = seconds(name, value()); break;
      case '--lease': o.lease = seconds(name, value()); break;
      case '--holder': o.holder = value(); break;
      case '--format': {
        const v = value();
        if (v !== 'table' && v !== 'json') throw new RolloutUsageError(`--format must be table or json, not ${v}`);
        o.format = v;
        break;
      }
      case '--kubeconfig': o.kubeconfig = value(); break;
      case '--context': o.context = value(); break;
      case '-n': case '--namespace': o.namespace = value(); break;
      case '--prometheus': o.prometheus = value(); break;
      case '--steps': o.planFlags.steps = value().split(',').map((s) => number(name, s)); break;
      case '--hold-time': o.planFlags.holdTime = value(); break;
      case '--window': o.planFlags.window = value(); break;
      case '--min-requests': gates.minRequests = number(name, value()); break;
      case '--min-success': gates.minSuccessPercent = number(name, value()); break;
      case '--max-success-drop': gates.maxSuccessDropPoints = number(name, value()); break;
      case '--max-p99-ratio': gates.maxP99Ratio = number(name, value()); break;
      case '--max-p99-ms': gates.maxP99Ms = number(name, value()); break;
      case '--no-auto-advance': o.planFlags.autoAdvance = false; break;
      case '--auto-advance': o.planFlags.autoAdvance = true; break;
      case '--auto-rollback': o.planFlags.autoRollback = true; break;
      default:
        if (a.startsWith('-') && a !== '-') throw new RolloutUsageError(`unknown option ${a}`);
        files.push(a);
    }
  });
  if (Object.keys(gates).length > 0) o.planFlags.gates = gates;
  if (files.length !== 1) throw new RolloutUsageError(`rollout ${command} needs exactly one FILE (the manifest that holds the split), got ${files.length}`);
  o.file = files[0]!;
  if (rule !== undefined) {
    if (!o.target) throw new RolloutUsageError('--rule needs --target');
    o.target = { ...o.target, rule };
  }
  return o;
}

export interface RolloutRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Writes as it goes (a CI log shows each step when it happens); the returned texts are for tests. */
class Output {
  stdout = '';
  stderr = '';
  constructor(private readonly live: boolean) {}
  out(line: string): void { this.stdout += `${line}\n`; if (this.live) process.stdout.write(`${line}\n`); }
  err(line: string): void { this.stderr += `${line}\n`; if (this.live) process.stderr.write(`${line}\n`); }
}

const stamp = (): string => new Date().toISOString().slice(11, 19);

function exitOf(state: RolloutState): number {
  if (state.phase === 'completed') return 0;
  if (state.phase === 'running') return 0;
  if (state.stopped?.kind === 'gate-failed') return 1;
  return 3;
}

/** Runs `canary-lens rollout …`. `live`: write lines as they come (the CLI) rather than only return them (tests). */
export async function runRollout(args: readonly string[], live = true): Promise<RolloutRun> {
  const o = parseRolloutArgs(args);
  const out = new Output(live);
  const fail = (code: number, line: string): RolloutRun => { out.err(`canary-lens: ${line}`); return { code, stdout: out.stdout, stderr: out.stderr }; };

  let planBase: RolloutPlan = DEFAULT_PLAN;
  if (o.plan !== undefined) {
    let text: string;
    try {
      text = await readFile(o.plan, 'utf8');
    } catch (e) {
      return fail(2, `cannot read --plan ${o.plan}: ${(e as Error).message}`);
    }
    try {
      planBase = overPlan(DEFAULT_PLAN, parsePlanText(text, o.plan));
    } catch (e) {
      if (e instanceof PlanError) return fail(2, e.message);
      throw e;
    }
  }
  const plan = overPlan(planBase, o.planFlags);
  const problems = planProblems(plan);
  if (problems.length > 0) return fail(2, `the plan cannot run: ${problems.join('; ')}`);
  const target = o.target ?? plan.target ?? (await onlySplit(o.file));
  if (typeof target === 'string') return fail(2, target);

  // The cluster code, loaded only now (as `stats` does): lint and PATH mode never evaluate @kubernetes/client-node.
  const [{ loadKubeconfig, toClusterError, ClusterLog, silentSink, isClusterError }, runnerModule, locate, liveGatesModule, prometheus, splitsModule] = await Promise.all([
    import('../cluster/index.js'), import('../rollout/runner.js'), import('../stats/locate.js'), import('../rollout/liveGates.js'), import('../stats/prometheus.js'), import('../stats/splits.js'),
  ]);
  let loaded: ReturnType<typeof loadKubeconfig>;
  try {
    loaded = loadKubeconfig({ ...(o.kubeconfig !== undefined ? { setting: o.kubeconfig } : {}) }, {
      ...(o.context !== undefined ? { context: o.context } : {}), ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    }, CLI_WORDING);
  } catch (e) {
    return fail(2, `no usable kubeconfig: ${toClusterError(e, { verb: 'load', resource: 'kubeconfig' }).message}`);
  }
  const safe = (t: string): string => loaded.redactor.redact(t);
  const log = new ClusterLog(silentSink, loaded.redactor);
  const file = { uri: o.file, read: () => readFile(o.file, 'utf8'), write: (text: string) => writeFile(o.file, text, 'utf8') };

  let client: InstanceType<typeof prometheus.PrometheusClient> | undefined;
  let dispose = async (): Promise<void> => {};
  const needsStats = o.command === 'run' || o.command === 'advance';
  if (needsStats) {
    const located = await locate.locatePrometheus({ ...(o.prometheus !== undefined ? { setting: o.prometheus } : {}), kc: loaded.kc, wording: CLI_WORDING });
    if (!locate.isLocated(located)) return fail(2, safe(`Prometheus not found [${located.state}]: ${located.message}\n  next step: ${located.nextStep}`));
    client = new prometheus.PrometheusClient(located.url);
    dispose = () => located.dispose();
  }
  const runner = new runnerModule.RolloutRunner({
    kc: loaded.kc, log, file, target, selectedNamespace: loaded.namespace,
    holder: o.holder, leaseSeconds: o.lease, wording: CLI_WORDING,
    gates: async (state, liveSplit, neighbours) => {
      if (!client) return { error: 'no Prometheus to read the gates from' };
      return liveGatesModule.liveGates(client, state, liveSplit.object, neighbours, target.rule);
    },
    // Listed at each tick (a split created on the apex mid-rollout takes it over); a kind that cannot be listed
    // adds nothing, and the split itself is read on its own.
    neighbours: async (namespace) => (await splitsModule.listSplitsOnce(loaded.kc, namespace, { context: loaded.context, wording: CLI_WORDING })).objects,
  });

  try {
    switch (o.command) {
      case 'status': {
        const split = await runner.read();
        if (split.state instanceof Error) return fail(2, split.state.message);
        if (o.format === 'json') out.out(JSON.stringify({ target: describeTarget(target), weights: split.weights, backends: split.backends, state: split.state ?? null }, null, 2));
        else out.out(split.state ? statusLines(split.state, split.weights) : `no rollout on ${describeTarget(target)} (weights ${split.weights.join('/')})`);
        return { code: split.state ? exitOf(split.state) : 0, stdout: out.stdout, stderr: out.stderr };
      }
      case 'run':
        return await drive(o, plan, runner, out, target);
      default: {
        const r = await runner.command(o.command, o.holder);
        out.out(`${stamp()} ${r.decision.status.message}${r.applied ? ` (applied ${r.applied.weights.join('/')})` : ''}`);
        return { code: 0, stdout: out.stdout, stderr: out.stderr };
      }
    }
  } catch (e) {
    if (e instanceof runnerModule.LeaseHeldError) return fail(3, safe(e.message));
    if (e instanceof runnerModule.RolloutRefused) return fail(3, safe(e.message));
    if (isClusterError(e)) return fail(2, safe(`${e.message}${e.nextStep ? `\n  next step: ${e.nextStep}` : ''}`));
    throw e;
  } finally {
    await dispose();
  }
}

/** `run`: start (after the confirmation) or take over, then tick until the rollout ends or stops. */
async function drive(o: RolloutOptions, plan: RolloutPlan, runner: import('../rollout/runner').RolloutRunner, out: Output, target: SplitTarget): Promise<RolloutRun> {
  const split = await runner.read();
  if (split.state instanceof Error) throw split.state;
  const fresh = !split.state || ['completed', 'rolled-back', 'cancelled'].includes(split.state.phase);
  if (fresh) {
    const started = await runner.start(plan, o.canary, async (p) => {
      out.out(`Rollout of ${describeTarget(target)} in context ${p.context}, namespace ${p.namespace}: ${p.canary} through ${p.plan.steps.map((s) => `${s}%`).join(' → ')}, holding each ${p.plan.holdTime} (window ${p.plan.window}); gates: ${p.plan.gates.minRequests} requests, success ≥ ${p.plan.gates.minSuccessPercent}% and ≥ stable − ${p.plan.gates.maxSuccessDropPoints}, P99 ≤ ${p.plan.gates.maxP99Ratio} × stable${p.plan.autoRollback ? '; rolls back by itself' : ''}`);
      out.out(`first step, as the dry run gives it:\n${unifiedWeights(p.dryRun.liveYaml, p.dryRun.resultYaml)}`);
      if (p.dryRun.conflict && !o.force) {
        out.err(`canary-lens: ${p.dryRun.conflict.message}: pass --force to take the weights over`);
        return { yes: false };
      }
      if (o.yes) return { yes: true, force: o.force };
      if (!process.stdin.isTTY) {
        out.err('canary-lens: not started: pass --yes to start without asking');
        return { yes: false };
      }
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question('Start? [y/N] ');
      rl.close();
      return { yes: /^y(es)?$/i.test(answer.trim()), force: o.force };
    });
    if (!started) return { code: 3, stdout: out.stdout, stderr: `${out.stderr}canary-lens: not started\n` };
    out.out(`${stamp()} ${started.decision.status.message}${started.applied ? ` (applied ${started.applied.weights.join('/')})` : ''}`);
  } else if (split.state!.phase === 'paused') {
    out.out(statusLines(split.state!, split.weights));
    return { code: exitOf(split.state!), stdout: out.stdout, stderr: out.stderr };
  } else {
    out.out(`${stamp()} driving the rollout started by ${split.state!.startedBy} (step ${split.state!.step + 1}/${split.state!.plan.steps.length})`);
  }
  let last = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, o.interval * 1000));
    const r: TickResult = await runner.tick();
    const s = r.decision.status;
    const line = s.kind === 'holding' || s.kind === 'settling' ? s.message.replace(/\d+ s left|\d+:\d\d left|in \d+ s/, '…') : s.message;
    if (line !== last || r.applied) out.out(`${stamp()} ${s.message}${r.applied ? ` (applied ${r.applied.weights.join('/')})` : ''}`);
    last = line;
    if (r.decision.state.phase !== 'running') return { code: exitOf(r.decision.state), stdout: out.stdout, stderr: out.stderr };
  }
}

/** The weights lines of the dry run, before and after (the whole diff is in the editor; a terminal needs the change). */
function unifiedWeights(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) lines.push(`- ${a[i]}`);
    if (b[i] !== undefined) lines.push(`+ ${b[i]}`);
  }
  return lines.length > 0 ? lines.join('\n') : '  (no change)';
}

function statusLines(s: RolloutState, weights: readonly number[]): string {
  const step = s.plan.steps[s.step];
  const last = s.history[s.history.length - 1];
  const lines = [
    `rollout of ${s.canary}: ${s.phase}${s.stopped ? ` (${s.stopped.kind}${s.stopped.kind === 'changed-by' ? `: ${s.stopped.managers.join(', ')}` : s.stopped.kind === 'gate-failed' ? `: ${s.stopped.gates.join(', ')}` : ''})` : ''}, step ${s.step + 1}/${s.plan.steps.length} (${step ?? '-'}%), weights ${weights.join('/')}`,
    `started ${new Date(s.startedAt * 1000).toISOString()} by ${s.startedBy}; steps ${s.plan.steps.join(' → ')}%, hold ${s.plan.holdTime}`,
  ];
  if (s.holder) lines.push(`driven by ${s.holder.id}, lease renewed ${new Date(s.holder.renewedAt * 1000).toISOString()} (${s.holder.leaseSeconds} s)`);
  if (s.phase === 'running' && s.heldSince !== undefined) {
    const left = s.heldSince + windowSeconds(s.plan.holdTime) - windowSeconds(s.plan.window) - Date.now() / 1000;
    lines.push(`gates held since ${new Date(s.heldSince * 1000).toISOString()}; ${formatLeft(left)} left`);
  }
  if (last) lines.push(`last gates (${new Date(last.at * 1000).toISOString()}): ${last.verdict} [${last.gates.join(', ')}]`);
  return lines.join('\n');
}

/** The file's only split, or why the target must be given. */
async function onlySplit(path: string): Promise<SplitTarget | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return `cannot read ${path}: ${(e as Error).message}`;
  }
  const { splitsOfDocument } = await import('../stats/fromManifests.js');
  const splits = splitsOfDocument(path, text);
  const distinct = [...new Map(splits.map((s) => [`${s.kind}/${s.name}`, s])).values()];
  // No namespace in the target: the file's only split is the one, and its namespace is where it is applied (its own,
  // else the context's or -n's), which the runner resolves once the kubeconfig is loaded.
  if (distinct.length === 1) return { kind: distinct[0]!.kind, name: distinct[0]!.name };
  return distinct.length === 0 ? `${path} holds no split` : `${path} holds ${distinct.length} splits (${distinct.map((s) => `${s.kind}/${s.name}`).join(', ')}): pass --target KIND/NAME`;
}
