// Packages the extension as canary-lens-<version>.vsix in the repository root.
//
// The production bundles (`node scripts/build.mjs --production`: minified, no source maps) are built in a staging
// folder, so the development bundles in dist/ (with their source maps) that the other tests and the debugger use are
// left alone. The staging folder gets copies of the repository's top-level files and folders that could be packaged
// (package.json, README, LICENSE, CHANGELOG, syntaxes/, media/, ... and .vscodeignore, which decides) and, for the
// build only, links to the sources. `vsce package --no-dependencies` then packs it: the bundles are self-contained, so
// no node_modules go in.
//
// Usage: node scripts/package.mjs [--out FILE]     (npm run package)
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, `${manifest.name}-${manifest.version}.vsix`);

/** Never copied into the staging folder: build inputs and outputs, tests, tools, local state. */
const NOT_STAGED = new Set(['.git', '.ci', 'node_modules', 'dist', 'out', 'src', 'test', 'scripts', 'tools', 'examples', '.test-artifacts', '.vscode']);
/** Linked into the staging folder for the build, removed again before packing. */
const BUILD_INPUTS = ['src', 'node_modules'];

function run(cmd, args, cwd) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
  return Date.now() - started;
}

const started = Date.now();
const stage = mkdtempSync(join(tmpdir(), 'canary-lens-package-'));
try {
  for (const entry of readdirSync(root)) {
    if (NOT_STAGED.has(entry) || entry.endsWith('.vsix') || entry.endsWith('.log')) continue;
    cpSync(join(root, entry), join(stage, entry), { recursive: true });
  }
  for (const entry of BUILD_INPUTS) symlinkSync(join(root, entry), join(stage, entry), 'dir');

  // esbuild resolves the linked entry points to their real paths, so imports and node_modules resolve in the
  // repository; only the output lands in the staging folder's dist/.
  const buildMs = run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], stage);
  unlinkBuildInputs();
  for (const f of readdirSync(join(stage, 'dist'))) {
    if (f.endsWith('.map')) throw new Error(`the production build wrote a source map (dist/${f}); --production should turn them off`);
  }

  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The manifest has no `repository` (the project is not published from a public repository yet); vsce would stop and
  // ask about it, so it is allowed explicitly.
  // The README's screenshot ships in the package and stays a relative link (no public repository to rewrite it to).
  const packMs = run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], stage);
  const size = statSync(out).size;
  console.log(`package: ${out} (${(size / 1024).toFixed(0)} KiB) in ${Date.now() - started} ms (build ${buildMs} ms, vsce ${packMs} ms)`);
} catch (e) {
  console.error(`package: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  unlinkBuildInputs();
  rmSync(stage, { recursive: true, force: true });
}

function unlinkBuildInputs() {
  for (const entry of BUILD_INPUTS) {
    try {
      if (lstatSync(join(stage, entry)).isSymbolicLink()) unlinkSync(join(stage, entry));
    } catch {
      // already gone
    }
  }
}
