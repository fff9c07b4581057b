/**
 * Paths of the bundles in dist/ for the tests that drive them (protocol and CLI tests). The tests never build:
 * `npm run build` (or `npm test`) does that first. A missing bundle fails loudly with what to run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Absolute path of `dist/<name>`; throws a clear error when it has not been built. */
export function builtFile(name: 'server.js' | 'cli.js'): string {
  const file = path.join(REPO_ROOT, 'dist', name);
  if (!existsSync(file)) {
    throw new Error(`${path.relative(process.cwd(), file) || file} is missing: run \`npm run build\` before these tests (they test the bundle and never build it)`);
  }
  return file;
}

/** How a run of the built CLI ended. */
export interface CliRun {
  /** Exit code; -1 when it was killed (the time limit) or did not start. */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node dist/cli.js ...args` (60 s at most); never rejects. `env` replaces the environment when given. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [builtFile('cli.js'), ...args], { timeout: 60_000, ...(options.env ? { env: options.env } : {}) }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
