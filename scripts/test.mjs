// Runs every test suite under node's test runner (TypeScript through tsx). Usage: node scripts/test.mjs [suite...]
// Suites: unit, cli, protocol, stats, cluster (default: all). The bundles in dist/ must be built first (npm test does that).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SUITES = ['unit', 'cli', 'protocol', 'stats', 'cluster'];
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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter', 'spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
