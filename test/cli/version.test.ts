/** One version constant: the bundles print package.json's version (written in by the build), never a copy. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { builtFile, REPO_ROOT } from '../support/built';

const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('canary-lens --version and canary-lens-server --version print package.json\'s version', () => {
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(execFileSync(process.execPath, [builtFile('cli.js'), '--version'], { encoding: 'utf8' }), `canary-lens ${version}\n`);
  assert.equal(execFileSync(process.execPath, [builtFile('server.js'), '--version'], { encoding: 'utf8' }), `canary-lens-server ${version}\n`);
});

test('no source file writes the version by hand', () => {
  const sources = execFileSync('git', ['ls-files', 'src'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n');
  const literal = new RegExp(`['"\`]${version.replace(/\./g, '\\.')}['"\`]`);
  const offenders = sources.filter((f) => literal.test(readFileSync(path.join(REPO_ROOT, f), 'utf8')));
  assert.deepEqual(offenders, []);
});
