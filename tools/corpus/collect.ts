/**
 * Collects the real manifests of the Flagger and Argo Rollouts projects into test/fixtures/real/, to try Canary Lens
 * on them as a new user would (test/unit/realManifests.test.ts). Run by hand when the pinned releases change:
 *
 *   node --import tsx tools/corpus/collect.ts <mirror-root>
 *
 * where <mirror-root> holds bare clones named `fluxcd+flagger/repo`, `argoproj+argo-rollouts/repo` and
 * `argoproj-labs+rollouts-plugin-trafficrouter-gatewayapi/repo`. Three sources per repository, each kept with its
 * neighbours, since a user's workspace holds them together: YAML files that define one of our kinds (with the other YAML
 * files of their directory), the ```yaml blocks of documentation pages (one directory per page), and the heredocs of
 * end-to-end shell scripts (one directory per script). Chart `templates/` directories are left out; a Helm template
 * elsewhere is kept (the language service skips it, as it would in a user's workspace).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

interface Source { repo: string; dir: string; tag: string }

const SOURCES: Source[] = [
  { repo: 'fluxcd/flagger', dir: 'fluxcd+flagger/repo', tag: 'v1.44.0' },
  { repo: 'argoproj/argo-rollouts', dir: 'argoproj+argo-rollouts/repo', tag: 'v1.9.1' },
  { repo: 'argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi', dir: 'argoproj-labs+rollouts-plugin-trafficrouter-gatewayapi/repo', tag: 'v0.15.0' },
];

/** Our kinds, written at the top level of a document (the groups are checked by the language service). */
const OURS = /^kind:[ \t]*["']?(Canary|MetricTemplate|Rollout|AnalysisTemplate|ClusterAnalysisTemplate)["']?[ \t]*$/m;
const OUT = join(__dirname, '../../test/fixtures/real');

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const safe = (p: string): string => p.replace(/[^A-Za-z0-9._-]+/g, '_');

function collect(root: string, s: Source): { files: number; sources: number } {
  const gitDir = join(root, s.dir);
  const commit = git(gitDir, 'rev-parse', `${s.tag}^{commit}`).trim();
  const all = git(gitDir, 'ls-tree', '-r', '--name-only', s.tag).split('\n').filter(Boolean);
  const show = (p: string): string => git(gitDir, 'show', `${s.tag}:${p}`);
  const base = join(OUT, safe(s.repo));
  let files = 0;
  let sources = 0;
  const write = (rel: string, text: string): void => {
    const to = join(base, rel);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
    files++;
  };
  // Chainsaw's assertion files and test definitions are partial objects to compare against, not manifests.
  const yamlPaths = all.filter((p) => /\.ya?ml$/.test(p) && !/(^|\/)(templates|assertions)\//.test(p) && !p.startsWith('vendor/')
    && !/chainsaw-test\.ya?ml$/.test(p));
  const dirs = new Set<string>();
  for (const p of yamlPaths) {
    const text = show(p);
    if (OURS.test(text)) dirs.add(posix.dirname(p));
  }
  for (const d of dirs) {
    sources++;
    for (const p of yamlPaths.filter((q) => posix.dirname(q) === d)) {
      write(join('files', p), show(p));
    }
  }
  for (const p of all.filter((q) => q.endsWith('.md'))) {
    const blocks = [...show(p).matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
    if (!blocks.some((b) => OURS.test(b))) continue;
    sources++;
    blocks.forEach((b, i) => write(join('docs', p.replace(/\.md$/, ''), `block-${String(i + 1).padStart(2, '0')}.yaml`), b));
  }
  for (const p of all.filter((q) => q.endsWith('.sh'))) {
    const docs = [...show(p).matchAll(/<<\s*'?EOF'?[^\n]*\n([\s\S]*?)^EOF$/gm)].map((m) => m[1]!);
    if (!docs.some((b) => OURS.test(b))) continue;
    sources++;
    docs.forEach((b, i) => write(join('scripts', p.replace(/\.sh$/, ''), `heredoc-${String(i + 1).padStart(2, '0')}.yaml`), b));
  }
  writeFileSync(join(base, 'SOURCE'), `${s.repo} ${s.tag} (${commit})\nCollected by tools/corpus/collect.ts; Apache-2.0, as the project.\n`);
  return { files, sources };
}

const root = process.argv[2];
if (!root) throw new Error('usage: collect.ts <mirror-root>');
rmSync(OUT, { recursive: true, force: true });
for (const s of SOURCES) {
  const { files, sources } = collect(root, s);
  console.log(`${s.repo} ${s.tag}: ${sources} sources, ${files} files`);
}
