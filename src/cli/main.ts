#!/usr/bin/env node
import { formatJson, formatSarif, formatText } from './formats';
import { hasErrors, lint, UnreadablePathError } from './lint';
import { runStats, STATS_USAGE, StatsUsageError } from './stats';
import { GATE_USAGE, GateUsageError, runGate } from './gate';
import { ROLLOUT_USAGE, RolloutUsageError, runRollout } from './rollout';
import { kindNames } from '../service/model/kinds';
import { VERSION } from '../protocol/version';

const USAGE = `usage: canary-lens lint [--format text|json|sarif] PATH...
  Checks ${kindNames('and')} manifests (folders are walked for *.yaml and *.yml).
  Exit code: 0 no errors, 1 errors found, 2 bad usage or unreadable path.
usage: canary-lens stats [--kubeconfig K] [--context C] [-n NAMESPACE] [--prometheus URL]
                         [--family auto|authority|route] [--window 1m] [--at TIME] [--format table|json] [PATH...]
  Live per-backend stats of the splits from Linkerd's metrics: those of the cluster's namespace, or with PATHs those
  in the manifests (then --prometheus is required). Details: canary-lens stats --help.
usage: canary-lens gate [--plan FILE] [--canary NAME] [stats options] [gate flags] [PATH...]
  Judges a rollout plan's gates (requests, success rate, P99) on each split's live stats now.
  Exit code: 0 pass, 1 fail, 3 not enough traffic, 2 usage or connection error. Details: canary-lens gate --help.
usage: canary-lens rollout run|status|pause|resume|cancel|rollback|advance FILE [--target KIND/NAME] [--yes] [options]
  A guided rollout without a controller: steps, live gates, pause and roll back, from a terminal or a CI job.
  Details: canary-lens rollout --help.
`;

class UsageError extends Error {}

function parseLint(args: string[]): { format: 'text' | 'json' | 'sarif'; paths: string[] } {
  let format: 'text' | 'json' | 'sarif' = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = a.startsWith('--format=') ? a.slice('--format='.length) : a === '--format' ? args[++i] : undefined;
    if (a === '--format' || a.startsWith('--format=')) {
      if (value !== 'text' && value !== 'json' && value !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not ${value ?? 'nothing'}`);
      format = value;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else {
      paths.push(a);
    }
  }
  if (paths.length === 0) throw new UsageError('lint needs at least one PATH');
  return { format, paths };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version') { process.stdout.write(`canary-lens ${VERSION}\n`); return 0; }
  if (command === undefined || command === '--help' || command === 'help') { process.stdout.write(USAGE); return command ? 0 : 2; }
  if (command === 'stats') {
    if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(STATS_USAGE); return 0; }
    const run = await runStats(rest);
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    return run.code;
  }
  if (command === 'gate') {
    if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(GATE_USAGE); return 0; }
    const run = await runGate(rest);
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    return run.code;
  }
  if (command === 'rollout') {
    if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(ROLLOUT_USAGE); return 0; }
    // Lines are written as they come (a CI log shows each step when it happens).
    return (await runRollout(rest, true)).code;
  }
  if (command !== 'lint') throw new UsageError(`unknown command ${command}`);
  const { format, paths } = parseLint(rest);
  const reports = await lint(paths);
  const out = format === 'json' ? formatJson(reports) : format === 'sarif' ? formatSarif(reports, VERSION) : formatText(reports);
  process.stdout.write(out);
  return hasErrors(reports) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) process.stderr.write(`canary-lens: ${e.message}\n${USAGE}`);
    else if (e instanceof RolloutUsageError) process.stderr.write(`canary-lens: ${e.message}\n${ROLLOUT_USAGE}`);
    else if (e instanceof GateUsageError) process.stderr.write(`canary-lens: ${e.message}\n${GATE_USAGE}`);
    else if (e instanceof StatsUsageError) process.stderr.write(`canary-lens: ${e.message}\n${STATS_USAGE}`);
    else if (e instanceof UnreadablePathError) process.stderr.write(`canary-lens: ${e.message}\n`);
    else process.stderr.write(`canary-lens: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
