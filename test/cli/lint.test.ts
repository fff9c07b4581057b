/**
 * The CLI end to end: `node dist/cli.js lint ...` as CI runs it (build first with `npm run build`).
 * Fixtures: test/fixtures/cli/ (a negative weight; warnings only; a workspace split across two files; a Services
 * file that lacks one of them), the emojivoto examples, and a folder tree made in a temp dir (node_modules
 * cannot be a committed fixture: .gitignore drops it).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { builtFile, REPO_ROOT } from '../support/built';
import { service, trafficSplit } from '../support/manifests';
import { formatJson, formatSarif, formatText } from '../../src/cli/formats';
import { hasErrors } from '../../src/cli/lint';

const CLI = builtFile('cli.js');
const FIX = 'test/fixtures/cli';
const BAD = `${FIX}/errors/bad-weight.yaml`;

interface Run { code: number | null; stdout: string; stderr: string }

function lint(args: string[], cwd = REPO_ROOT): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], cwd?: string): { run: Run; reports: JsonReport[] } {
  const run = lint(['lint', '--format', 'json', ...args], cwd);
  return { run, reports: JSON.parse(run.stdout) as JsonReport[] };
}

interface JsonPosition { line: number; character: number }
interface JsonDiagnostic { range: { start: JsonPosition; end: JsonPosition }; severity: string; code: string; message: string }
interface JsonReport { file: string; diagnostics: JsonDiagnostic[] }

const codesOf = (reports: JsonReport[]): string[] => reports.flatMap((r) => r.diagnostics.map((d) => d.code)).sort();
const keys = (o: object): string[] => Object.keys(o).sort();

describe('canary-lens lint', () => {
  test('text output: file:line:col: severity message [code], 1-based, and exit 1 on errors', () => {
    const r = lint(['lint', BAD]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.includes(`${BAD}:11:15: error weight -5 is negative [weight-invalid]`), r.stdout);
    assert.ok(lines.some((l) => l.startsWith(`${BAD}:3:7: hint `) && l.endsWith('[trafficsplit-deprecated]')), r.stdout);
    assert.equal(lines.at(-1), '1 error, 0 warnings, 1 hint in 1 of 1 file');
    assert.equal(r.stderr, '');
  });

  test('exit 0 when there are only warnings or hints', () => {
    const warnings = lint(['lint', `${FIX}/warnings`]);
    assert.equal(warnings.code, 0, warnings.stdout);
    assert.match(warnings.stdout, /warning .*\[duplicate-backend\]/);
    assert.match(warnings.stdout, /0 errors, 2 warnings/);

    const examples = lint(['lint', 'examples/emojivoto']);
    assert.equal(examples.code, 0, examples.stdout + examples.stderr);
    assert.doesNotMatch(examples.stdout, /: error /);
    const yamlFiles = readdirSync(path.join(REPO_ROOT, 'examples', 'emojivoto')).filter((f) => /\.ya?ml$/.test(f)).length;
    assert.ok(yamlFiles >= 10, 'the emojivoto examples, the Flagger Canary and the Argo Rollout among them');
    assert.match(examples.stdout, new RegExp(`in \\d+ of ${yamlFiles} files\n$`));
  });

  test('JSON output has exactly the documented shape, with zero-based positions', () => {
    const { run, reports } = json([BAD, `${FIX}/warnings/duplicate.yaml`, `${FIX}/workspace`]);
    assert.equal(run.code, 1);
    assert.ok(Array.isArray(reports));
    assert.deepEqual(reports.map((r) => r.file), [BAD, `${FIX}/warnings/duplicate.yaml`, `${FIX}/workspace/services.yaml`, `${FIX}/workspace/split.yaml`]);
    const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
    const isPos = (p: JsonPosition): boolean => keys(p).join() === 'character,line' && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
    for (const r of reports) {
      assert.deepEqual(keys(r), ['diagnostics', 'file']);
      assert.equal(typeof r.file, 'string');
      assert.ok(Array.isArray(r.diagnostics));
      for (const d of r.diagnostics) {
        assert.deepEqual(keys(d), ['code', 'message', 'range', 'severity'], JSON.stringify(d));
        assert.deepEqual(keys(d.range), ['end', 'start']);
        assert.ok(isPos(d.range.start) && isPos(d.range.end), JSON.stringify(d.range));
        assert.ok(SEVERITIES.has(d.severity), d.severity);
        assert.equal(typeof d.code, 'string');
        assert.ok(typeof d.message === 'string' && d.message.length > 0);
      }
    }
    const weight = reports[0]!.diagnostics.find((d) => d.code === 'weight-invalid');
    assert.deepEqual(weight, {
      range: { start: { line: 10, character: 14 }, end: { line: 10, character: 16 } },
      severity: 'error',
      code: 'weight-invalid',
      message: 'weight -5 is negative',
    });
    assert.equal(reports[0]!.diagnostics.find((d) => d.code === 'trafficsplit-deprecated')?.severity, 'hint');
    assert.equal(reports[1]!.diagnostics.find((d) => d.code === 'duplicate-backend')?.severity, 'warning');
    assert.deepEqual(reports[2]!.diagnostics, [], 'a file without findings is listed with an empty list');
    assert.equal(run.stderr, '');
    // `--format=json` is the same as `--format json`.
    assert.equal(lint(['lint', `--format=json`, BAD]).stdout, lint(['lint', '--format', 'json', BAD]).stdout);
  });

  test('SARIF 2.1.0 output carries what GitHub code scanning needs', () => {
    const abs = path.join(REPO_ROOT, `${FIX}/warnings/duplicate.yaml`); // an absolute path still gives a relative uri
    const run = lint(['lint', '--format', 'sarif', BAD, abs]);
    assert.equal(run.code, 1);
    const sarif = JSON.parse(run.stdout) as {
      $schema?: string;
      version: string;
      runs: {
        tool: { driver: { name: string; version?: string; rules: { id: string; shortDescription?: { text: string }; defaultConfiguration?: { level: string } }[] } };
        results: {
          ruleId: string; ruleIndex?: number; level: string; message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number } } }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema ?? '', /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const { driver } = sarif.runs[0]!.tool;
    assert.equal(driver.name, 'canary-lens');
    assert.ok(Array.isArray(driver.rules) && driver.rules.length > 0);
    const ids = driver.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const rule of driver.rules) {
      assert.match(rule.id, /^[a-z][a-z0-9-]*$/);
      assert.ok(rule.shortDescription?.text, `rule ${rule.id} has a short description`);
      assert.ok(['error', 'warning', 'note', 'none'].includes(rule.defaultConfiguration?.level ?? ''), rule.id);
    }
    for (const code of ['weight-invalid', 'service-not-found', 'trafficsplit-deprecated', 'duplicate-backend']) assert.ok(ids.includes(code), code);

    const results = sarif.runs[0]!.results;
    assert.ok(results.length >= 4);
    for (const r of results) {
      assert.ok(ids.includes(r.ruleId), r.ruleId);
      if (r.ruleIndex !== undefined) assert.equal(ids[r.ruleIndex], r.ruleId, 'ruleIndex points at its rule');
      assert.ok(['error', 'warning', 'note', 'none'].includes(r.level), r.level);
      assert.ok(typeof r.message.text === 'string' && r.message.text.length > 0);
      assert.equal(r.locations.length, 1);
      const { artifactLocation, region } = r.locations[0]!.physicalLocation;
      assert.doesNotMatch(artifactLocation.uri, /^(\/|[a-z]+:|\.\.)/i, `relative uri: ${artifactLocation.uri}`);
      assert.doesNotMatch(artifactLocation.uri, /\\/, 'forward slashes');
      assert.ok(Number.isInteger(region.startLine) && region.startLine >= 1, 'startLine is 1-based');
      assert.ok(region.startColumn === undefined || region.startColumn >= 1, 'startColumn is 1-based');
      if (region.endLine !== undefined) assert.ok(region.endLine >= region.startLine);
      if (region.endColumn !== undefined && region.endLine === region.startLine) assert.ok(region.endColumn >= (region.startColumn ?? 1));
    }
    const weight = results.find((r) => r.ruleId === 'weight-invalid')!;
    assert.equal(weight.level, 'error');
    assert.equal(weight.message.text, 'weight -5 is negative');
    assert.equal(weight.locations[0]!.physicalLocation.artifactLocation.uri, BAD);
    assert.deepEqual(weight.locations[0]!.physicalLocation.region, { startLine: 11, startColumn: 15, endLine: 11, endColumn: 17 });
    assert.equal(results.find((r) => r.ruleId === 'duplicate-backend')?.level, 'warning');
    assert.equal(results.find((r) => r.ruleId === 'duplicate-backend')?.locations[0]!.physicalLocation.artifactLocation.uri, `${FIX}/warnings/duplicate.yaml`);
    assert.equal(results.find((r) => r.ruleId === 'trafficsplit-deprecated')?.level, 'note');

    const clean = JSON.parse(lint(['lint', '--format', 'sarif', `${FIX}/workspace`]).stdout) as typeof sarif;
    assert.deepEqual(clean.runs[0]!.results, [], 'a clean run still has a results array');
  });

  test('the files of one call form one workspace', () => {
    const together = json([`${FIX}/workspace`]);
    assert.equal(together.run.code, 0);
    assert.deepEqual(codesOf(together.reports), [], 'the Services in services.yaml satisfy split.yaml');

    const partial = json([`${FIX}/workspace/split.yaml`, `${FIX}/partial/services.yaml`]);
    assert.equal(partial.run.code, 0, 'a warning only');
    const missing = partial.reports[0]!.diagnostics.filter((d) => d.code === 'service-not-found');
    assert.equal(missing.length, 1, JSON.stringify(partial.reports));
    assert.match(missing[0]!.message, /web-svc-2/);
    assert.deepEqual(missing[0]!.range, { start: { line: 17, character: 16 }, end: { line: 17, character: 25 } });

    // Alone, the split says nothing about its Services: the namespace's Services are not in view.
    assert.deepEqual(codesOf(json([`${FIX}/workspace/split.yaml`]).reports), []);
  });

  describe('folders', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-cli-'));
      const bad = (name: string): string => trafficSplit({ name, namespace: null, apex: 'apex', backends: ['a=-1'] });
      mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
      mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
      mkdirSync(path.join(dir, '.git'), { recursive: true });
      writeFileSync(path.join(dir, 'a.yaml'), bad('a'));
      writeFileSync(path.join(dir, 'nested', 'b.yml'), bad('b'));
      writeFileSync(path.join(dir, 'nested', 'deeper', 'c.YAML'), bad('c'));
      writeFileSync(path.join(dir, 'notes.txt'), bad('txt'));
      writeFileSync(path.join(dir, 'split.yaml.bak'), bad('bak'));
      writeFileSync(path.join(dir, 'node_modules', 'pkg', 'chart.yaml'), bad('nm'));
      writeFileSync(path.join(dir, '.git', 'config.yaml'), bad('git'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('are walked for *.yaml and *.yml only, skipping node_modules', () => {
      const { run, reports } = json([dir]);
      assert.equal(run.code, 1);
      const files = reports.map((r) => path.relative(dir, r.file).split(path.sep).join('/')).sort();
      assert.deepEqual(files, ['a.yaml', 'nested/b.yml', 'nested/deeper/c.YAML']);
      for (const r of reports) assert.ok(r.diagnostics.some((d) => d.code === 'weight-invalid'), r.file);
    });

    test('a file named directly is linted whatever its extension, and counted once', () => {
      const { reports } = json([path.join(dir, 'notes.txt'), path.join(dir, 'a.yaml'), dir]);
      const files = reports.map((r) => path.relative(dir, r.file).split(path.sep).join('/'));
      assert.deepEqual(files.sort(), ['a.yaml', 'nested/b.yml', 'nested/deeper/c.YAML', 'notes.txt']);
    });
  });

  // kubectl apply refuses a whole file for one document that does not parse, whatever its kind: so does lint.
  describe('syntax errors in documents of any kind', () => {
    let dir = '';
    const SVC = service({ name: 'web-apex', namespace: 'emojivoto', ports: [80], selector: 'web-apex' });
    const SPLIT = trafficSplit({ backends: ['web-apex=900', 'web-apex=100'] });
    const FILES: Record<string, string> = {
      // A tab indents line 5 (1-based) of the Service; a valid split follows.
      'tab.yaml': `${SVC.replace('\n  namespace:', '\n\tnamespace:')}---\n${SPLIT}`,
      // An unclosed [ on line 9.
      'bracket.yaml': `${SVC.replace(/\n {2}ports:\n[\s\S]*$/, '\n  ports: [80\n')}---\n${SPLIT}`,
      // A document without a kind, after the split.
      'no-kind.yaml': `${SPLIT}---\nmetadata: {name: x\n`,
      // A Helm template is skipped whole, broken YAML and all.
      'chart.yaml': `${SVC.replace('\n  namespace:', '\n\tnamespace:')}---\nmetadata:\n  name: {{ .Release.Name }}\n`,
      'clean.yaml': `${SVC}---\n${SPLIT}`,
      // 2,000 block levels then a dedent (overflowed the parser's stack), and 800 flow levels (2.5 KB), each before a split.
      'deep-block.yaml': `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('')}x: 1\n---\n${SPLIT}`,
      'deep-flow.yaml': `a: ${'['.repeat(800)}1${']'.repeat(800)}\n---\n${SPLIT}`,
    };
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-syntax-'));
      for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(dir, name), text);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('a Service with a tab or an unclosed [ before a valid split: exit 1, the error at its line', () => {
      for (const [name, where, message] of [['tab.yaml', '5:1', 'Tabs are not allowed as indentation'], ['bracket.yaml', '9:13', 'Flow sequence']] as const) {
        const file = path.join(dir, name);
        const r = lint(['lint', file]);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const errors = r.stdout.split('\n').filter((l) => l.includes(': error '));
        assert.equal(errors.length, 1, r.stdout);
        assert.ok(errors[0]!.startsWith(`${file}:${where}: error ${message}`) && errors[0]!.endsWith('[yaml-syntax]'), r.stdout);
      }
    });

    test('nesting too deep: one error at 1:1 in that file, exit 1 (not 2), and every other file of the run reported', () => {
      const files = ['deep-block.yaml', 'clean.yaml', 'deep-flow.yaml'].map((n) => path.join(dir, n));
      const { run, reports } = json(files);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(run.stderr, '');
      assert.deepEqual(reports.map((r) => path.basename(r.file)), ['deep-block.yaml', 'clean.yaml', 'deep-flow.yaml']);
      for (const r of [reports[0]!, reports[2]!]) {
        const syntax = r.diagnostics.filter((d) => d.code === 'yaml-syntax');
        assert.deepEqual(syntax.map((d) => [d.range.start, d.message]), [[{ line: 0, character: 0 }, 'nesting deeper than 256 levels: not analysed']]);
        // The split after the deep document is analysed: its two backends are one Service twice.
        assert.ok(r.diagnostics.some((d) => d.code === 'duplicate-backend'), JSON.stringify(r.diagnostics));
      }
    });

    test('a document without a kind is checked too; a Helm template is not; a clean file exits 0', () => {
      const broken = lint(['lint', path.join(dir, 'no-kind.yaml')]);
      assert.equal(broken.code, 1, broken.stdout);
      assert.match(broken.stdout, /no-kind\.yaml:14:19: error .*\[yaml-syntax\]/);
      for (const name of ['chart.yaml', 'clean.yaml']) {
        const r = lint(['lint', path.join(dir, name)]);
        assert.equal(r.code, 0, `${name}: ${r.stdout}`);
        assert.doesNotMatch(r.stdout, /yaml-syntax/);
      }
    });
  });

  test('exit 2 naming the path when a path does not exist', () => {
    const missing = `${FIX}/no-such-dir/x.yaml`;
    const r = lint(['lint', BAD, missing]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(missing), r.stderr);
    assert.equal(r.stdout, '', 'no partial report');
  });

  test('exit 2 on bad usage', () => {
    const cases: [string[], RegExp][] = [
      [['lint', '--frobnicate', BAD], /unknown option --frobnicate/],
      [['lint', '--format', 'xml', BAD], /--format must be text, json or sarif/],
      [['lint', '--format'], /--format must be/],
      [['lint'], /at least one PATH/],
      [['lint', '--format', 'json'], /at least one PATH/],
      [['frobnicate', BAD], /unknown command frobnicate/],
      [[], /usage: canary-lens lint/],
    ];
    for (const [args, message] of cases) {
      const r = lint(args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${String(r.code)}`);
      assert.match(r.stderr + r.stdout, message, args.join(' '));
      assert.match(r.stderr + r.stdout, /usage: canary-lens lint/, `${args.join(' ')} prints the usage`);
    }
    const help = lint(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: canary-lens lint/);
  });
});

// Canary Lens failing on one file (a bug) must not cost the others their report, nor read as bad usage (exit 2).
test('a file Canary Lens fails on: named in every format, the run goes on, and it counts as an error (exit 1)', () => {
  const reports = [{ file: 'a.yaml', diagnostics: [], failure: 'internal error: boom' }, { file: 'b.yaml', diagnostics: [] }];
  assert.equal(hasErrors(reports), true);
  assert.equal(hasErrors([reports[1]!]), false);
  const text = formatText(reports);
  assert.match(text, /^a\.yaml: internal error: boom$/m);
  assert.match(text, /1 file not analysed/);
  assert.deepEqual((JSON.parse(formatJson(reports)) as { failure?: string }[]).map((r) => r.failure), ['internal error: boom', undefined]);
  const sarif = JSON.parse(formatSarif(reports, '0.0.0', '/')) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
  const invocation = sarif.runs[0]!.invocations[0]!;
  assert.equal(invocation.executionSuccessful, false);
  assert.deepEqual(invocation.toolExecutionNotifications.map((n) => n.message.text), ['internal error: boom']);
});

test('the summary counts information (rollout-weight-approximate) when there is some, and says nothing of it otherwise', () => {
  const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  const info = { range: at, severity: 3 as const, code: 'rollout-weight-approximate', source: 'canary-lens', message: 'approximate' };
  const hint = { ...info, severity: 4 as const, code: 'trafficsplit-deprecated', message: 'deprecated' };
  assert.match(formatText([{ file: 'r.yaml', diagnostics: [info, hint] }]), /^0 errors, 0 warnings, 1 information, 1 hint in 1 of 1 file$/m);
  assert.match(formatText([{ file: 'r.yaml', diagnostics: [hint] }]), /^0 errors, 0 warnings, 1 hint in 1 of 1 file$/m);
});
