// Runs every test suite under node's test runner (TypeScript through tsx). Usage: node scripts/test.mjs [suite...]
// Suites: unit, cli, protocol, stats, cluster, e2e (default: all). The bundles in dist/ must be built first (npm test does that).
// The e2e suite tests the packaged extension in real VS Code: the .vsix is packaged here first (scripts/package.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const SUITES = ['unit', 'cli', 'protocol', 'panel', 'stats', 'cluster', 'e2e'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : SUITES;
for (const s of wanted) {
  if (!SUITES.includes(s)) {
    console.error(`unknown suite ${s}; suites: ${SUITES.join(', ')}`);
    process.exit(2);
  }
}
const files = wanted.flatMap((suite) => {
  const dir = join('test', suite);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)) : [];
});
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
if (wanted.includes('e2e')) {
  // Screenshots and logs of this run only.
  rmSync(join('.test-artifacts', 'e2e'), { recursive: true, force: true });
  const packaged = spawnSync(process.execPath, [join('scripts', 'package.mjs')], { stdio: 'inherit' });
  if (packaged.status !== 0) process.exit(packaged.status ?? 1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter', 'spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
