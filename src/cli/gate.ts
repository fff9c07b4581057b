import { readFile } from 'node:fs/promises';
import { walkArgs } from './args';
import type { GateResult, OverallVerdict } from '../rollout/gates';
import { judgeSplits, type SplitGates } from '../rollout/liveGates';
import { DEFAULT_PLAN, overPlan, PlanError, planFromText, planProblems, type GateThresholds, type PlanTarget, type RolloutPlan } from '../rollout/plan';
import { renderTable } from '../stats/format';
import type { StatsSplit } from '../stats/types';
import { parseStatsArgs, refreshFailure, StatsUsageError, withStatsSource, type StatsOptions, type StatsRun, type StatsSource } from './stats';

/**
 * `canary-lens gate`: a rollout plan's gates (src/rollout/gates.ts) judged now on each split's live stats, for a CI
 * step or a script between two `kubectl apply`s. The splits and Prometheus come the way `canary-lens stats` gets them
 * (PATHs or the cluster); the thresholds from the flags, else the plan file, else DEFAULT_PLAN.
 */

export const GATE_USAGE = `usage: canary-lens gate [--plan FILE] [--canary NAME] [--kubeconfig K] [--context C] [-n NAMESPACE]
                        [--prometheus URL] [--window W] [--at TIME] [--format table|json] [gate flags]
       canary-lens gate --prometheus URL [options] PATH...
  Judges a rollout plan's gates now, for each split (or the plan's targetRef only) on its live stats: the canary's
  requests in the window, its success rate against a floor and the stable backends', its P99 latency against the
  busiest stable backend's. The splits come as for \`canary-lens stats\`: from the cluster's namespace, or from PATHs.
  --plan FILE              a canary-lens.dev/v1alpha1 RolloutPlan: its targetRef, canary, window, gates and
                           metadata.namespace (the namespace to read when no -n is given)
  --canary NAME            the canary backend (default: the plan's, else each split's last backend)
  --min-requests N         requests to the canary in the window before any gate is judged (default ${DEFAULT_PLAN.gates.minRequests})
  --min-success PERCENT    lowest canary success rate (default ${DEFAULT_PLAN.gates.minSuccessPercent})
  --max-success-drop POINTS  points the canary may be below the stable backends (default ${DEFAULT_PLAN.gates.maxSuccessDropPoints})
  --max-p99-ratio X        highest canary P99 as a multiple of the stable's (default ${DEFAULT_PLAN.gates.maxP99Ratio})
  --max-p99-ms MS          highest canary P99 in ms (default: none)
  --window W               stats window, a Prometheus duration (default: the plan's, else ${DEFAULT_PLAN.window})
  --kubeconfig, --context, -n, --prometheus, --family, --at, --format: as for canary-lens stats (see its --help)
  Flags win over the plan file, the plan over the defaults.
  Exit code: 0 every gate passes, 1 a gate fails, 3 not enough traffic (or data) to judge yet, 2 usage or
  connection error (plan file, kubeconfig, cluster, Prometheus).
`;

export class GateUsageError extends Error {}

/** The exit codes, by overall verdict; 2 is usage or connection (as `stats`). */
export const GATE_EXIT: Readonly<Record<OverallVerdict, number>> = { pass: 0, fail: 1, insufficient: 3 };
export const GATE_EXIT_USAGE = 2;

export interface GateOptions {
  stats: StatsOptions;
  /** --window was given (else the plan's window). */
  windowGiven: boolean;
  planFile?: string;
  canary?: string;
  /** Thresholds given as flags. */
  gates: Partial<GateThresholds>;
}

/** Flag → threshold, with the range the plan schema (src/service/model/schemas/rolloutPlan.ts) allows. */
const GATE_FLAGS: Record<string, { key: keyof GateThresholds; ok: (v: number) => boolean; range: string }> = {
  '--min-requests': { key: 'minRequests', ok: (v) => Number.isInteger(v) && v >= 1, range: 'an integer of at least 1' },
  '--min-success': { key: 'minSuccessPercent', ok: (v) => v >= 0 && v <= 100, range: 'a percentage between 0 and 100' },
  '--max-success-drop': { key: 'maxSuccessDropPoints', ok: (v) => v >= 0 && v <= 100, range: 'points between 0 and 100' },
  '--max-p99-ratio': { key: 'maxP99Ratio', ok: (v) => v >= 1, range: 'at least 1' },
  '--max-p99-ms': { key: 'maxP99Ms', ok: (v) => v > 0, range: 'more than 0' },
};

/** The options of `stats` that take a value: their value is passed on with them. */
const STATS_VALUE_FLAGS = new Set(['--prometheus', '--family', '--window', '--at', '--format', '-n', '--namespace', '--kubeconfig', '--context']);

/** Gate's own flags are taken out; the rest is `stats`' (its parser, its errors). */
export function parseGateArgs(args: readonly string[]): GateOptions {
  const rest: string[] = [];
  const gates: Partial<GateThresholds> = {};
  let planFile: string | undefined;
  let canary: string | undefined;
  let windowGiven = false;
  walkArgs(args, (m) => new GateUsageError(m), ({ arg: a, name, value, inline }) => {
    const flag = GATE_FLAGS[name];
    if (flag) {
      const text = value();
      const v = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text) || !flag.ok(v)) throw new GateUsageError(`${name} must be ${flag.range}, not ${text}`);
      gates[flag.key] = v;
    } else if (name === '--plan') {
      planFile = value();
    } else if (name === '--canary') {
      canary = value();
    } else {
      if (name === '--window') windowGiven = true;
      rest.push(a);
      // A stats flag's value goes with it (stats' parser says when it is missing).
      if (STATS_VALUE_FLAGS.has(name) && !inline) rest.push(value());
    }
  });
  let stats: StatsOptions;
  try {
    stats = parseStatsArgs(rest);
  } catch (e) {
    if (e instanceof StatsUsageError) throw new GateUsageError(e.message);
    throw e;
  }
  return { stats, windowGiven, gates, ...(planFile !== undefined ? { planFile } : {}), ...(canary !== undefined ? { canary } : {}) };
}

/**
 * The plan the gates judge: DEFAULT_PLAN, under the plan file's text (if any), under the flags. Throws PlanError for
 * the file's problems and for thresholds out of range.
 */
export function gatePlan(opts: GateOptions, planText?: string): RolloutPlan {
  const fromFile = planText !== undefined ? planFromText(planText, DEFAULT_PLAN, opts.planFile) : DEFAULT_PLAN;
  const plan = overPlan(fromFile, { ...(opts.canary !== undefined ? { canary: opts.canary } : {}), gates: opts.gates });
  const problems = planProblems(plan);
  if (problems.length > 0) throw new PlanError(problems, opts.planFile);
  return plan;
}

/** The stats options of a run: the plan's window unless --window was given; the plan's namespace unless -n was. */
export function gateStatsOptions(opts: GateOptions, plan: RolloutPlan): StatsOptions {
  const stats = { ...opts.stats, namespaces: [...opts.stats.namespaces] };
  if (!opts.windowGiven) stats.window = plan.window;
  if (stats.namespaces.length === 0 && plan.namespace !== undefined) stats.namespaces = [plan.namespace];
  return stats;
}

/** The exit code of a run's reports: 1 when any fails, else 3 when any is short of data, else 0. */
export function gateExitCode(verdicts: readonly OverallVerdict[]): number {
  if (verdicts.includes('fail')) return GATE_EXIT.fail;
  if (verdicts.includes('insufficient')) return GATE_EXIT.insufficient;
  return GATE_EXIT.pass;
}

const splitLabel = (s: StatsSplit): string => `${s.kind}/${s.name}${s.rule !== undefined ? ` rule ${s.rule}` : ''}`;

/**
 * The plan's target among the splits read (of the plan's namespace unless -n says otherwise): same kind and name; for
 * a route with several rules, `rule` (a split without a rule number is its route's only rule, rule 1), else the first
 * rule with weight. A string: why none matches.
 */
export function selectTarget(splits: readonly StatsSplit[], target: PlanTarget): StatsSplit | string {
  const same = splits.filter((s) => s.kind === target.kind && s.name === target.name);
  const where = `${target.kind} ${target.name}`;
  if (same.length === 0) {
    const read = splits.map(splitLabel);
    return `the plan's targetRef ${where} is not among the splits read${read.length ? ` (${read.slice(0, 10).join(', ')}${read.length > 10 ? ', …' : ''})` : ''}`;
  }
  if (target.rule !== undefined) {
    const rule = same.find((s) => (s.rule ?? 1) === target.rule);
    return rule ?? `the plan's targetRef ${where} has no weighted rule ${target.rule} (rules: ${same.map((s) => s.rule ?? 1).join(', ')})`;
  }
  return same.find((s) => s.backends.some((b) => b.weight > 0)) ?? same[0]!;
}

export type { SplitGates };

/** The JSON of `--format json`: each gate's value and threshold in its unit. */
export function gateJson(reports: readonly SplitGates[], evaluatedAt: number, window: string): string {
  const doc = {
    evaluatedAt: new Date(evaluatedAt * 1000).toISOString(),
    window,
    verdict: overallOf(reports),
    splits: reports.map(({ split, report }) => ({
      namespace: split.namespace,
      kind: split.kind,
      name: split.name,
      ...(split.rule !== undefined ? { rule: split.rule } : {}),
      canary: report.canary,
      stable: report.stable,
      verdict: report.verdict,
      ...(report.reason !== undefined ? { reason: report.reason } : {}),
      gates: report.gates.map((g) => ({ id: g.id, label: g.label, verdict: g.verdict, value: g.value, threshold: g.threshold, comparator: g.comparator, unit: g.unit, detail: g.detail })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The splits' verdicts combine as gates do: any fail, else any waiting, else pass. */
function overallOf(reports: readonly SplitGates[]): OverallVerdict {
  const verdicts = reports.map((r) => r.report.verdict);
  return verdicts.includes('fail') ? 'fail' : verdicts.includes('insufficient') ? 'insufficient' : 'pass';
}

export const GATE_COLUMNS = ['SPLIT', 'CANARY', 'GATE', 'VALUE', 'THRESHOLD', 'RESULT', 'DETAIL'] as const;

const RESULT_WORDS: Record<GateResult['verdict'], string> = { pass: 'pass', fail: 'FAIL', insufficient: 'wait', skipped: 'skipped' };

/** `120`, `99.17%`, `19.8 ms` (as gates.ts words its details); `-` for none. */
export function formatGateValue(v: number | null, unit: GateResult['unit']): string {
  if (v === null) return '-';
  if (unit === 'requests') return String(Math.round(v));
  if (unit === '%') return `${v.toFixed(2)}%`;
  return `${v >= 100 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString()} ms`;
}

/** One row per gate of each split. */
export function gateTable(reports: readonly SplitGates[]): string {
  const rows = reports.flatMap(({ split, report }) => report.gates.map((g) => [
    splitLabel(split),
    report.canary || '-',
    g.label,
    formatGateValue(g.value, g.unit),
    g.threshold === null ? '-' : `${g.comparator === '>=' ? '≥' : '≤'} ${formatGateValue(g.threshold, g.unit)}`,
    RESULT_WORDS[g.verdict],
    g.detail,
  ]));
  return renderTable(GATE_COLUMNS, rows);
}

/** A line per split that does not pass: what failed, or why it waits. */
export function gateSummary(reports: readonly SplitGates[]): string {
  let out = '';
  for (const { split, report } of reports) {
    const name = `${split.namespace}/${splitLabel(split)}`;
    if (report.verdict === 'fail') {
      out += `canary-lens: ${name}: FAIL (canary ${report.canary}): ${report.gates.filter((g) => g.verdict === 'fail').map((g) => `${g.id}: ${g.detail}`).join('; ')}\n`;
    } else if (report.verdict === 'insufficient') {
      const why = report.reason ?? [...new Set(report.gates.filter((g) => g.verdict === 'insufficient').map((g) => g.detail))].join('; ');
      out += `canary-lens: ${name}: waiting${report.canary ? ` (canary ${report.canary})` : ''}: ${why}\n`;
    }
  }
  return out;
}

/** Judges the gates on one refresh of the source's splits (the plan's target only, when it has one). */
async function judge(source: StatsSource, plan: RolloutPlan, stats: StatsOptions): Promise<StatsRun> {
  let targets: StatsSplit[] = source.splits;
  if (plan.target) {
    const found = selectTarget(source.splits, plan.target);
    if (typeof found === 'string') return { code: GATE_EXIT_USAGE, stdout: '', stderr: `${source.stderr}canary-lens: ${found}\n` };
    targets = [found];
  }
  // Every split read is known: a target that another takes the apex from waits, saying it is not in effect.
  const { result, reports } = await judgeSplits(source.client, targets, source.splits, { family: stats.family, window: stats.window, gates: plan.gates, ...(plan.canary !== undefined ? { canary: plan.canary } : {}), ...(stats.at !== undefined ? { at: stats.at } : {}) });
  const failed = refreshFailure(result, source.stderr, source.where);
  if (failed) return failed;
  const stdout = stats.format === 'json' ? gateJson(reports, result.evaluatedAt, result.window) : gateTable(reports);
  return { code: gateExitCode(reports.map((r) => r.report.verdict)), stdout, stderr: source.stderr + gateSummary(reports) };
}

/** Runs `canary-lens gate`; usage errors throw GateUsageError, unreadable PATHs UnreadablePathError. */
export async function runGate(args: readonly string[]): Promise<StatsRun> {
  const opts = parseGateArgs(args);
  let plan: RolloutPlan;
  try {
    let text: string | undefined;
    if (opts.planFile !== undefined) {
      try {
        text = await readFile(opts.planFile, 'utf8');
      } catch (e) {
        throw new PlanError([`cannot read the plan: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`], opts.planFile);
      }
    }
    plan = gatePlan(opts, text);
  } catch (e) {
    if (e instanceof PlanError) return { code: GATE_EXIT_USAGE, stdout: '', stderr: `canary-lens: ${e.message}\n` };
    throw e;
  }
  const stats = gateStatsOptions(opts, plan);
  try {
    return await withStatsSource(stats, (source) => judge(source, plan, stats));
  } catch (e) {
    if (e instanceof StatsUsageError) throw new GateUsageError(e.message);
    throw e;
  }
}
