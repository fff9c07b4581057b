/**
 * The traffic simulator on the command line:
 *
 *   node --import tsx tools/simulator/main.ts --kubeconfig K --namespace NS --port P [--context C] [--config FILE]
 *     [--rps N] [--seed N] [--distribution proportional|random] [--families authority,route] [--controllers [--time-scale X]]
 *
 * Serves http://127.0.0.1:P/metrics until SIGINT/SIGTERM. Exit codes: 0 after a signal, 2 for usage/config errors.
 */
import { ConfigError, type Family } from './model';
import { startSimulator, type SimulatorOptions } from './simulator';

const USAGE = `usage: node --import tsx tools/simulator/main.ts --namespace NS [--kubeconfig K] [--context C] [--port P]
         [--config FILE] [--rps N] [--seed N] [--distribution proportional|random] [--families authority,route]
         [--controllers [--time-scale X]]

Watches the TrafficSplits and HTTPRoutes of NS and serves Linkerd-proxy metrics of both families for their backends
at http://127.0.0.1:P/metrics (P default 9995; 0 picks a free port). Also /splits (JSON) and /healthz.
--controllers stands in for Flagger and Argo Rollouts: the Canaries and Rollouts of NS advance step by step, their
splits' weights move (--time-scale multiplies their intervals and pauses; default 1).
Config file and split annotations: tools/simulator/README.md.
`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): SimulatorOptions {
  const opts: Partial<SimulatorOptions> = { port: 9995 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const number = (what: string, int: boolean): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))) throw new UsageError(`${what} must be a ${int ? 'whole ' : ''}number >= 0, not ${JSON.stringify(text)}`);
      return n;
    };
    switch (flag) {
      case '--kubeconfig': opts.kubeconfig = value(); break;
      case '--context': opts.context = value(); break;
      case '-n': case '--namespace': opts.namespace = value(); break;
      case '--port': {
        const p = number('--port', true);
        if (p > 65535) throw new UsageError('--port must be at most 65535');
        opts.port = p;
        break;
      }
      case '--config': opts.config = value(); break;
      case '--rps': opts.rps = number('--rps', false); break;
      case '--seed': opts.seed = number('--seed', true); break;
      case '--distribution': {
        const d = value();
        if (d !== 'proportional' && d !== 'random') throw new UsageError('--distribution must be proportional or random');
        opts.distribution = d;
        break;
      }
      case '--families': {
        const f = value().split(',').map((s) => s.trim());
        if (f.length === 0 || f.some((x) => x !== 'authority' && x !== 'route')) throw new UsageError('--families must be authority, route or authority,route');
        opts.families = f as Family[];
        break;
      }
      case '--controllers': opts.controllers = typeof opts.controllers === 'object' ? opts.controllers : true; break;
      case '--time-scale': {
        const x = number('--time-scale', false);
        if (x <= 0) throw new UsageError('--time-scale must be a number > 0');
        opts.controllers = { ...(typeof opts.controllers === 'object' ? opts.controllers : {}), timeScale: x };
        break;
      }
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (!opts.namespace) throw new UsageError('--namespace is required');
  return opts as SimulatorOptions;
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message ? `simulator: ${e.message}\n` : ''}${USAGE}`);
      process.exit(e.message ? 2 : 0);
    }
    throw e;
  }
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(options);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`simulator: ${e instanceof ConfigError ? '' : 'cannot start: '}${message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${sim.url}/metrics\n`);
  const shutdown = (signal: string) => {
    process.stderr.write(`[simulator] ${signal}: stopping\n`);
    sim.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // The tick timer is unref'd (for the library): keep the CLI alive until a signal.
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`simulator: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
