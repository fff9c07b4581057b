/**
 * `npm run bench:fuzz`: the long fuzz run, the same runner and watchdog as test/unit/fuzz.test.ts with many more
 * cases: 50,000 random cases for each of several seeds, and 100 cases of each issue 13 item per seed, printing
 * the time percentiles per plan and every failure (manifests in $TMPDIR/canary-lens-fuzz, each with its replay
 * command). Exit code 1 when a case fails.
 *
 * Environment: FUZZ_COUNT (random cases per seed, default 50000), FUZZ_SEEDS (comma-separated, default three),
 * FUZZ_ITEM_FACTOR (item cases per seed / 5, default 20), FUZZ_CASE_MS (the per-case bound, default 10 s).
 */
import { ITEMS } from '../fuzz/mutations';
import type { Plan } from '../fuzz/runner';
import { failureReport, FuzzPool, timingLines, type Failure } from '../fuzz/watchdog';

const COUNT = Number(process.env.FUZZ_COUNT ?? 50_000);
const SEEDS = (process.env.FUZZ_SEEDS ?? '20240611,1,4242').split(',').map(Number);
const ITEM_FACTOR = Number(process.env.FUZZ_ITEM_FACTOR ?? 20);

async function main(): Promise<number> {
  const pool = new FuzzPool();
  const failures: Failure[] = [];
  const started = performance.now();
  try {
    for (const seed of SEEDS) {
      const plans: Plan[] = [
        { name: 'random', seed, from: 0, count: COUNT, lintEvery: 50 },
        ...Object.keys(ITEMS).map((item): Plan => ({ name: item, item, seed, from: 0, count: ITEM_FACTOR * 5, lintEvery: 8 })),
      ];
      for (const plan of plans) {
        const t = performance.now();
        const report = await pool.run(plan);
        for (const line of timingLines(report)) console.log(line);
        console.log(`  ${((performance.now() - t) / 1000).toFixed(1)} s, ${report.failures.length} failing`);
        failures.push(...report.failures);
      }
    }
  } finally {
    await pool.close();
  }
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if (failures.length === 0) {
    console.log('no failures');
    return 0;
  }
  console.log(`${failures.length} failing case(s):\n${failureReport(failures)}`);
  return 1;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 2; });
