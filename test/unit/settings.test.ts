import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * Settings and commands are declared once, in package.json: every setting the code reads is declared there, every
 * declared one is read somewhere, and every `canaryLens.*` id the code names is a declared setting, command or view.
 */
const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> }; commands: { command: string }[]; views: Record<string, { id: string }[]> };
};
const settings = Object.keys(pkg.contributes.configuration.properties);
const commands = pkg.contributes.commands.map((c) => c.command);
const views = Object.values(pkg.contributes.views).flat().map((v) => v.id);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const code = [...sources(join(ROOT, 'src'))].map((f) => readFileSync(f, 'utf8')).join('\n');

test('every declared setting is read by the code (as a full id, or within the canaryLens section)', () => {
  for (const s of settings) {
    if (s === 'canaryLens.trace.server') continue; // read by vscode-languageclient itself, for the client with id canaryLens
    const rest = s.slice('canaryLens.'.length);
    const parts = rest.split('.');
    const read = code.includes(`'${s}'`) || code.includes(`'${rest}'`) || code.includes(parts.join('?.')) || new RegExp(`${parts[0]}\\??: \\{[^}]*${parts.at(-1)}`).test(code);
    assert.ok(read, `${s} is declared in package.json but never read`);
  }
});

test('every canaryLens.* id in the code is a declared setting, setting section, command, view or state key', () => {
  const ids = new Set([...code.matchAll(/['"`](canaryLens\.[A-Za-z.]+)['"`]/g)].map((m) => m[1]!));
  const sections = new Set(settings.flatMap((s) => s.split('.').slice(1, -1).map((_, i, a) => `canaryLens.${a.slice(0, i + 1).join('.')}`)));
  // Ids that are not contributions: a status bar item, workspaceState keys, and VS Code's generated `<view>.focus`.
  const internal = new Set(['canaryLens.split', 'canaryLens.cluster', 'canaryLens.cluster.selection', 'canaryLens.rollout.holderId', ...views.map((v) => `${v}.focus`)]);
  for (const id of ids) {
    assert.ok(settings.includes(id) || sections.has(id) || commands.includes(id) || views.includes(id) || internal.has(id), `${id} is used in the code but declared nowhere`);
  }
});
