/**
 * The real manifests of the Flagger and Argo Rollouts projects (test/fixtures/real/, collected by
 * tools/corpus/collect.ts) through the language service as a user's workspace holds them: each directory is one
 * workspace. `findings` lists every error and warning as `<path>:<line>:<code>`, to compare with the reviewed list
 * (test/fixtures/real/expected.json: each true positive with the reason it is one).
 *
 *   node --import tsx test/corpus/realManifests.ts            prints the findings and the counts
 *   node --import tsx test/corpus/realManifests.ts --write    also rewrites expected.json's keys (reasons kept; new ones "TODO")
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';

export const REAL = join(__dirname, '..', 'fixtures', 'real');
export const EXPECTED = join(REAL, 'expected.json');

export interface CorpusRun {
  files: number;
  workspaces: number;
  /** `<path>:<line>:<code>` → message, for every error and warning. */
  findings: Map<string, string>;
  /** Every diagnostic by code (hints and information included). */
  byCode: Record<string, number>;
  /** Files that hold a Canary, MetricTemplate, Rollout, AnalysisTemplate or ClusterAnalysisTemplate. */
  deliveryFiles: number;
}

function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile()).sort().map((f) => join(dir, f));
}

function directories(dir: string): string[] {
  const subs = readdirSync(dir).map((f) => join(dir, f)).filter((p) => statSync(p).isDirectory()).sort();
  return [dir, ...subs.flatMap(directories)];
}

export function runCorpus(): CorpusRun {
  const run: CorpusRun = { files: 0, workspaces: 0, findings: new Map(), byCode: {}, deliveryFiles: 0 };
  for (const dir of directories(REAL)) {
    const files = yamlFilesIn(dir);
    if (files.length === 0) continue;
    run.workspaces++;
    const ls = new LanguageService();
    const uris = files.map((f) => {
      const text = readFileSync(f, 'utf8');
      if (/^kind:[ \t]*(Canary|MetricTemplate|Rollout|AnalysisTemplate|ClusterAnalysisTemplate)[ \t]*$/m.test(text)) run.deliveryFiles++;
      const uri = `file://${f}`;
      ls.setFile(uri, text);
      return { uri, path: relative(REAL, f) };
    });
    ls.index.indexSome(Infinity);
    for (const { uri, path } of uris) {
      run.files++;
      for (const d of ls.diagnostics(uri)) {
        const code = String(d.code);
        run.byCode[code] = (run.byCode[code] ?? 0) + 1;
        if (d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning) {
          run.findings.set(`${path}:${d.range.start.line + 1}:${code}`, typeof d.message === "string" ? d.message : d.message.value);
        }
      }
    }
  }
  return run;
}

export function readExpected(): Record<string, string> {
  return JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, string>;
}

if (require.main === module) {
  const run = runCorpus();
  let expected: Record<string, string> = {};
  try { expected = readExpected(); } catch { /* first run */ }
  for (const [k, m] of run.findings) process.stdout.write(`${k in expected ? '  ' : '+ '}${k}  ${m}\n`);
  for (const k of Object.keys(expected)) if (!run.findings.has(k)) process.stdout.write(`- ${k} (expected, gone)\n`);
  process.stdout.write(`${run.files} files (${run.deliveryFiles} with a Flagger or Argo Rollouts kind) in ${run.workspaces} workspaces; ${run.findings.size} errors and warnings\n`);
  process.stdout.write(`${JSON.stringify(run.byCode)}\n`);
  if (process.argv.includes('--write')) {
    const out: Record<string, string> = {};
    for (const k of [...run.findings.keys()].sort()) out[k] = expected[k] ?? 'TODO';
    writeFileSync(EXPECTED, `${JSON.stringify(out, null, 2)}\n`);
  }
}
