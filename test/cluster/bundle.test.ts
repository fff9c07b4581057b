/**
 * The cluster code is a bundle of its own (dist/cluster.js, with @kubernetes/client-node bundled to CJS): loading the
 * activation bundle (dist/client.js) must not evaluate it. Needs the bundles built (`npm test` builds first).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'dist', 'client.js');
const CLUSTER = path.join(ROOT, 'dist', 'cluster.js');

/** A stand-in for the `vscode` module that accepts any use at load time. */
const stub: unknown = new Proxy(function () {}, {
  get: (_t, k) => (k === 'prototype' ? {} : stub),
  apply: () => stub,
  construct: () => ({}),
});

function loadWithStub(file: string): { exports: Record<string, unknown>; required: string[]; ms: number } {
  const required: string[] = [];
  const m = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = m._load;
  m._load = function (request: string, ...rest: unknown[]) {
    required.push(request);
    return request === 'vscode' ? stub : original.call(this, request, ...rest);
  };
  try {
    const t = process.hrtime.bigint();
    const exports = require(file) as Record<string, unknown>;
    return { exports, required, ms: Number(process.hrtime.bigint() - t) / 1e6 };
  } finally {
    m._load = original;
  }
}

describe('bundles', () => {
  before(() => {
    if (!existsSync(CLIENT) || !existsSync(CLUSTER)) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });

  test('the activation bundle does not contain or load the cluster code', () => {
    const text = readFileSync(CLIENT, 'utf8');
    for (const marker of ['CustomObjectsApi', 'loadFromDefault', 'application/apply-patch+yaml']) {
      assert.ok(!text.includes(marker), `dist/client.js contains ${marker}`);
    }
    const { exports, required, ms } = loadWithStub(CLIENT);
    assert.equal(typeof exports.activate, 'function');
    assert.ok(!required.some((r) => r.includes('cluster')), `loading the client required ${required.filter((r) => r.includes('cluster')).join(', ')}`);
    process.stderr.write(`[bundle.test] dist/client.js ${statSync(CLIENT).size} bytes, required in ${ms.toFixed(0)} ms\n`);
  });

  test('the cluster bundle holds client-node and loads on its own', () => {
    const text = readFileSync(CLUSTER, 'utf8');
    assert.ok(text.includes('CustomObjectsApi'), 'client-node is bundled');
    const { exports, ms } = loadWithStub(CLUSTER);
    assert.equal(typeof exports.createClusterController, 'function');
    process.stderr.write(`[bundle.test] dist/cluster.js ${statSync(CLUSTER).size} bytes, required in ${ms.toFixed(0)} ms\n`);
  });
});
