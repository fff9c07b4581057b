import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CoreV1Api, KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError, toClusterError } from './errors';
import { Redactor } from './redact';
import { withTimeout } from './requests';
import type { Wording } from './wording';

/** Where the kubeconfig comes from: the `canaryLens.kubeconfig` setting, else `KUBECONFIG`, else `~/.kube/config`. */
export interface KubeconfigSource {
  /** The setting's value (a path, or several joined with the platform's path delimiter); empty = not set. */
  setting?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export interface KubeconfigSelection {
  /** Context to use; default: the kubeconfig's current-context. */
  context?: string;
  /** Namespace to use; default: the context's namespace, else `default`. */
  namespace?: string;
}

export type NamespaceSource = 'selection' | 'context' | 'default';

export interface ContextInfo { name: string; cluster: string; user: string; namespace?: string; server?: string }

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** Files that were read (also the files to watch for changes). */
  paths: string[];
  contexts: ContextInfo[];
  context: string;
  namespace: string;
  namespaceSource: NamespaceSource;
  server: string;
  user: string;
  /** Knows every credential in the files, so logs and messages can hide them. */
  redactor: Redactor;
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

/** The files to read, in kubectl's order; the first one that exists sets current-context. */
export function kubeconfigPaths(source: KubeconfigSource = {}): { paths: string[]; origin: 'setting' | 'KUBECONFIG' | 'default' } {
  const env = source.env ?? process.env;
  const home = source.home ?? os.homedir();
  const split = (v: string) => v.split(path.delimiter).map((p) => p.trim()).filter(Boolean).map((p) => path.resolve(expandHome(p, home)));
  if (source.setting && source.setting.trim()) return { paths: split(source.setting), origin: 'setting' };
  if (env.KUBECONFIG && env.KUBECONFIG.trim()) return { paths: split(env.KUBECONFIG), origin: 'KUBECONFIG' };
  return { paths: [path.join(home, '.kube', 'config')], origin: 'default' };
}

interface Merged { kc: KubeConfig; paths: string[]; contexts: ContextInfo[]; current: string; redactor: Redactor }

/** Read and merge the kubeconfig files (first definition of a name wins, as with kubectl), selecting nothing. */
export function readKubeconfig(source: KubeconfigSource, wording: Wording): Merged {
  const { paths, origin } = kubeconfigPaths(source);
  const existing = paths.filter((p) => fs.existsSync(p));
  if (existing.length === 0) {
    const where = origin === 'setting' ? wording.knobName('kubeconfig') : origin === 'KUBECONFIG' ? 'KUBECONFIG' : 'the default path';
    throw new ClusterError('config', `No kubeconfig: ${paths.join(', ')} (from ${where}) does not exist`, {
      nextStep: 'Create a kubeconfig (for example with your cloud CLI or `kubectl config`)',
      knob: 'kubeconfig',
    });
  }
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let current = '';
  for (const file of existing) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (e) {
      throw new ClusterError('config', `Cannot read kubeconfig ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, {
        nextStep: 'Fix the file (kubectl config view shows what is wrong).',
      });
    }
    for (const c of one.getClusters()) if (!clusters.some((x) => x.name === c.name)) clusters.push(c);
    for (const u of one.getUsers()) if (!users.some((x) => x.name === u.name)) users.push(u);
    for (const c of one.getContexts()) if (!contexts.some((x) => x.name === c.name)) contexts.push(c);
    if (!current && one.getCurrentContext()) current = one.getCurrentContext();
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters, users, contexts, currentContext: current });
  return {
    kc, paths: existing, current, redactor: new Redactor().addKubeconfig(kc),
    contexts: contexts.map((c) => ({
      name: c.name, cluster: c.cluster, user: c.user,
      ...(c.namespace ? { namespace: c.namespace } : {}),
      ...(kc.getCluster(c.cluster)?.server ? { server: kc.getCluster(c.cluster)!.server } : {}),
    })),
  };
}

/**
 * Load the kubeconfig and select a context and namespace. Throws a ClusterError of kind `config` when there is
 * nothing usable (no file, a broken file, no such context).
 */
export function loadKubeconfig(source: KubeconfigSource, selection: KubeconfigSelection, wording: Wording): LoadedKubeconfig {
  const { kc, paths, contexts, current, redactor } = readKubeconfig(source, wording);
  const wanted = selection.context || current;
  if (!wanted) {
    throw new ClusterError('config', contexts.length === 0 ? 'The kubeconfig has no contexts' : 'The kubeconfig has no current context', {
      nextStep: contexts.length === 0 ? 'Add a context to the kubeconfig.' : 'Choose a context.',
    });
  }
  const ctx = kc.getContextObject(wanted);
  if (!ctx) {
    throw new ClusterError('config', `The kubeconfig has no context "${wanted}"`, { nextStep: 'Choose another context.' });
  }
  kc.setCurrentContext(wanted);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) {
    throw new ClusterError('config', `Context "${wanted}" names cluster "${ctx.cluster}", which the kubeconfig does not define`, {
      nextStep: 'Fix the context or choose another.',
    });
  }
  const namespace = selection.namespace || ctx.namespace || 'default';
  const namespaceSource: NamespaceSource = selection.namespace ? 'selection' : ctx.namespace ? 'context' : 'default';
  return { kc, paths, redactor, contexts, context: wanted, namespace, namespaceSource, server: cluster.server, user: ctx.user };
}

/**
 * Namespaces the user can see. Listing namespaces is cluster-wide and often forbidden: then the result holds only
 * the known namespace(s) and `forbidden` carries the reason, so a picker can offer free input instead.
 */
export async function listNamespaces(kc: KubeConfig, known: string[] = [], timeoutMs = 10_000): Promise<{ namespaces: string[]; forbidden?: ClusterError }> {
  const server = kc.getCurrentCluster()?.server;
  try {
    const list = await kc.makeApiClient(CoreV1Api).listNamespace({}, withTimeout(timeoutMs));
    const names = list.items.map((n) => n.metadata?.name).filter((n): n is string => !!n);
    return { namespaces: [...new Set([...names, ...known])].sort() };
  } catch (e) {
    const err = toClusterError(e, { verb: 'list', resource: 'namespaces', server });
    if (err.kind === 'forbidden') return { namespaces: [...new Set(known)].sort(), forbidden: err };
    throw err;
  }
}

/**
 * Notices changes to the kubeconfig files (edits, atomic replacement, creation, deletion) by polling their stat:
 * cheap for a handful of files, and it survives editors that replace a file instead of writing it.
 */
export class KubeconfigWatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly files: string[];

  constructor(files: string[], private readonly onChange: (file: string) => void, intervalMs = 1000, private readonly debounceMs = 200) {
    this.files = [...new Set(files)];
    for (const f of this.files) fs.watchFile(f, { interval: intervalMs, persistent: false }, this.listener(f));
  }

  private readonly listeners = new Map<string, (curr: fs.Stats, prev: fs.Stats) => void>();

  private listener(file: string): (curr: fs.Stats, prev: fs.Stats) => void {
    const l = (curr: fs.Stats, prev: fs.Stats) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.onChange(file), this.debounceMs);
    };
    this.listeners.set(file, l);
    return l;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const [f, l] of this.listeners) fs.unwatchFile(f, l);
    this.listeners.clear();
  }
}
