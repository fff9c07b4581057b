/**
 * The packaged extension (canary-lens-<version>.vsix, from `npm run package`): it holds the bundles the extension loads
 * at run time, the grammar, README, LICENSE, CHANGELOG and the manifest, and nothing else: no sources, tests, tools,
 * source maps or node_modules. The bundles are the production build and self-contained.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { listZip, REPO_ROOT, vsixPath } from './vsix';

interface Manifest {
  main: string;
  contributes: { grammars?: { path: string }[] };
}

/** What may be in the package (paths inside `extension/`); anything else fails the test. */
const ALLOWED = [
  /^package\.json$/,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^license(\.txt|\.md)?$/i,
  /^dist\/[\w.-]+\.js$/,
  /^syntaxes\/[\w.-]+\.json$/,
  /^(media|icons|images)\/[\w./-]+\.(png|svg|css|js|woff2?)$/,
  /^docs\/screenshot\.png$/, // the README's picture, a relative link in the extension's details page
];
/** Explicitly never, whatever the allowance above says (sources, maps, tests, tools, dependencies, local state). */
const FORBIDDEN = [/\.ts$/, /\.map$/, /(^|\/)node_modules\//, /^(src|test|scripts|examples|\.ci|\.git|\.vscode|\.test-artifacts)\//, /^tsconfig/, /\.vsix$/, /^dist\/cli\.js$/];

/**
 * `require("…")` texts in the bundles that are not dependencies: optional modules that `ws` and `node-fetch` try in a
 * try/catch (the cluster bundle), and code strings that ajv's code generator emits for standalone output (never run).
 */
const NOT_DEPENDENCIES = new Set(['bufferutil', 'utf-8-validate', 'encoding']);
const CODE_STRING = /^ajv\/dist\/runtime\//;

const vsix = vsixPath();
const entries = listZip(vsix);
const files = entries.filter((e) => e.name.startsWith('extension/')).map((e) => e.name.slice('extension/'.length));
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

describe(`the packaged extension (${path.basename(vsix)})`, () => {
  after(() => {
    const size = statSync(vsix).size;
    const lines = entries.map((e) => `  ${e.name.padEnd(60)} ${String(e.size).padStart(9)} B (${String(e.compressedSize).padStart(8)} packed)`);
    console.log(`${path.basename(vsix)}: ${(size / 1024).toFixed(0)} KiB, ${entries.length} entries\n${lines.join('\n')}`);
  });

  test('has the manifest, README, LICENSE, CHANGELOG, the grammar and the bundles the extension loads', () => {
    assert.ok(entries.some((e) => e.name === 'extension.vsixmanifest'), 'extension.vsixmanifest');
    assert.ok(files.includes('package.json'));
    assert.ok(files.some((f) => /^readme\.md$/i.test(f)), 'README');
    assert.ok(files.some((f) => /^license/i.test(f)), 'LICENSE');
    assert.ok(files.some((f) => /^changelog\.md$/i.test(f)), 'CHANGELOG');
    const main = path.posix.normalize(manifest.main);
    assert.ok(files.includes(main.endsWith('.js') ? main : `${main}.js`), `main (${manifest.main})`);
    assert.ok((manifest.contributes.grammars ?? []).length > 0, 'the manifest contributes the grammar');
    for (const f of manifestFiles(manifest)) assert.ok(files.includes(f), `${f}, which package.json names (grammar, icon, ...)`);
    const loaded = runtimeFiles();
    assert.ok(loaded.includes('dist/server.js'), `the client names dist/server.js (found ${JSON.stringify(loaded)})`);
    for (const f of loaded) assert.ok(files.includes(f), `${f}, which the bundles load at run time`);
  });

  test('has nothing else: no sources, tests, tools, source maps or node_modules', () => {
    const outside = entries.map((e) => e.name).filter((n) => !n.startsWith('extension/') && n !== 'extension.vsixmanifest' && n !== '[Content_Types].xml');
    assert.deepEqual(outside, [], 'entries outside extension/');
    for (const f of files) {
      assert.ok(ALLOWED.some((re) => re.test(f)), `${f} is not one of the packaged kinds of file`);
      assert.ok(!FORBIDDEN.some((re) => re.test(f)), `${f} must not be packaged`);
    }
  });

  test('the bundles are the production build and self-contained', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'vscode']);
    for (const e of entries.filter((x) => /^extension\/dist\/.+\.js$/.test(x.name))) {
      const text = e.read().toString('utf8');
      // The development build writes source maps for the Node bundles; the production build does not.
      assert.ok(!text.includes('sourceMappingURL'), `${e.name} points at a source map: not the production build`);
      const required = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!));
      const external = [...required].filter((r) => !builtins.has(r) && !NOT_DEPENDENCIES.has(r) && !CODE_STRING.test(r));
      assert.deepEqual(external, [], `${e.name} requires modules that are not in the package`);
    }
  });

  test('.vscodeignore keeps the same things out when packaging from the repository root', () => {
    // `vsce ls` lists what `vsce package` would take from the work tree (dist/ there is the development build).
    const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const listed = r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    assert.ok(listed.includes('package.json'), r.stdout);
    for (const f of listed) {
      assert.ok(ALLOWED.some((re) => re.test(f)) && !FORBIDDEN.some((re) => re.test(f)), `vsce would package ${f} from the work tree`);
    }
  });
});

/** Files that the manifest's `contributes` names (grammar paths, view and command icons, ...). */
function manifestFiles(m: Manifest): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const p = path.posix.normalize(v);
      if (/^(media|dist|syntaxes|icons|images)\/[\w./-]+\.\w+$/.test(p)) found.add(p);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(m.contributes);
  return [...found].sort();
}

/**
 * `dist/…` files that the packaged bundles name (asAbsolutePath('dist/x.js'), path.join('dist', 'x.js'),
 * asWebviewUri of dist/x.js): what the extension loads at run time, wired in or not yet.
 */
function runtimeFiles(): string[] {
  const found = new Set<string>();
  for (const e of entries.filter((x) => /^extension\/dist\/.+\.js$/.test(x.name))) {
    const text = e.read().toString('utf8');
    for (const m of text.matchAll(/['"`](dist\/[\w.-]+\.js)['"`]/g)) found.add(m[1]!);
    for (const m of text.matchAll(/['"`]dist['"`]\s*,\s*['"`]([\w.-]+\.js)['"`]/g)) found.add(`dist/${m[1]!}`);
  }
  return [...found].sort();
}
