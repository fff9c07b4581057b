/**
 * Paths of the bundles in dist/ for the tests that drive them (protocol and CLI tests). The tests never build:
 * `npm run build` (or `npm test`) does that first. A missing bundle fails loudly with what to run.
 */
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
