/**
 * List + watch of one resource kind in one namespace through @kubernetes/client-node, kept current forever:
 * a clean close resumes from the last resourceVersion, a 410 Gone re-lists, any other error backs off (exponential,
 * capped) and re-lists. The served version is picked by trying the preferred versions in order (404 → next), again
 * on every re-list, so a CRD installed or upgraded later is picked up.
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig, Observable, Watch, type ConfigurationOptions, type RequestContext } from '@kubernetes/client-node';
import type { K8sObject } from './model';

export interface KindSpec {
  /** For logs: "TrafficSplits". */
  label: string;
  group: string;
  versions: string[];
  plural: string;
}

export const KINDS = {
  trafficsplits: { label: 'TrafficSplits', group: 'split.smi-spec.io', versions: ['v1alpha2', 'v1alpha1'], plural: 'trafficsplits' },
  httproutesGateway: { label: 'HTTPRoutes (gateway.networking.k8s.io)', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], plural: 'httproutes' },
  httproutesPolicy: { label: 'HTTPRoutes (policy.linkerd.io)', group: 'policy.linkerd.io', versions: ['v1beta3', 'v1beta2', 'v1beta1'], plural: 'httproutes' },
  grpcroutesGateway: { label: 'GRPCRoutes (gateway.networking.k8s.io)', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1alpha2'], plural: 'grpcroutes' },
  services: { label: 'Services', group: '', versions: ['v1'], plural: 'services' },
} satisfies Record<string, KindSpec>;

export interface WatchLog {
  (line: string): void;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

const REQUEST_TIMEOUT_MS = 15_000;

function timeoutOptions(ms: number): ConfigurationOptions {
  const timeout = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return new Observable(Promise.resolve(ctx));
    },
    post: <T>(rsp: T) => new Observable(Promise.resolve(rsp)),
  };
  return { middleware: [timeout], middlewareMergeStrategy: 'append' };
}

/** HTTP status of an error from a generated client (ApiException.code) or from Watch (statusCode). */
export function statusOf(e: unknown): number | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const r = e as { code?: unknown; statusCode?: unknown };
  if (typeof r.code === 'number') return r.code;
  if (typeof r.statusCode === 'number') return r.statusCode;
  return undefined;
}

function describe(e: unknown): string {
  const status = statusOf(e);
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  const causeMsg = cause instanceof Error ? `: ${cause.message}` : '';
  return `${status !== undefined ? `HTTP ${status}: ` : ''}${msg.slice(0, 200)}${causeMsg}`;
}

/** None of the kind's versions is served: its CRD is not installed (yet). */
export class NotServedError extends Error {}

type Outcome = { type: 'closed' } | { type: 'gone' } | { type: 'error'; error: unknown };

export class KindWatcher {
  readonly items = new Map<string, K8sObject>();
  /** Version being read (after the first successful list). */
  version: string | undefined;
  /** A list has succeeded at least once. */
  synced = false;
  private disposed = false;
  private resourceVersion = '';
  private abort: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private lastProblem = '';
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    private readonly kc: KubeConfig,
    readonly spec: KindSpec,
    readonly namespace: string,
    private readonly onChange: () => void,
    private readonly log: WatchLog,
    private readonly backoff: Backoff = { initialMs: 500, maxMs: 15_000 },
  ) {}

  start(): void {
    this.run().catch((e) => this.log(`${this.spec.label}: watcher stopped: ${describe(e)}`));
  }

  stop(): void {
    this.disposed = true;
    this.abort?.();
    clearTimeout(this.sleepTimer);
    this.wake?.();
    for (const w of this.syncWaiters.splice(0)) w();
  }

  /** Resolves after the first successful list, or once the kind is found not served (or on stop). */
  whenSynced(): Promise<void> {
    if (this.synced || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  private problem(text: string): void {
    if (text === this.lastProblem) return; // a server that stays down is one line, not one per retry
    this.lastProblem = text;
    this.log(text);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.disposed) {
      try {
        await this.list();
        if (this.disposed) return;
        if (this.lastProblem) this.log(`${this.spec.label}: reading ${this.spec.group || 'core'}/${this.version} again`);
        this.lastProblem = '';
        attempt = 0;
        let quickCloses = 0;
        for (;;) {
          const started = Date.now();
          const outcome = await this.watchOnce();
          if (this.disposed) return;
          if (outcome.type === 'gone') break; // re-list
          if (outcome.type === 'error') throw outcome.error;
          quickCloses = Date.now() - started < 1000 ? quickCloses + 1 : 0;
          if (quickCloses > 2) await this.sleep(Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (quickCloses - 3)));
          if (this.disposed) return;
        }
      } catch (e) {
        if (this.disposed) return;
        if (statusOf(e) === 410) continue;
        // A kind whose CRD is missing counts as listed (empty) for whenSynced(); the watcher keeps looking for it.
        if (e instanceof NotServedError) {
          for (const w of this.syncWaiters.splice(0)) w();
          if (this.items.size > 0) {
            this.items.clear();
            this.onChange();
          }
        }
        const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** attempt);
        attempt++;
        this.problem(`${this.spec.label} in ${this.namespace}: ${describe(e)}; retrying (backing off up to ${this.backoff.maxMs / 1000} s)`);
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        clearTimeout(this.sleepTimer);
        this.wake = undefined;
        resolve();
      };
      this.sleepTimer = setTimeout(() => this.wake?.(), ms);
    });
  }

  private async listVersion(version: string): Promise<{ items?: unknown[]; metadata?: { resourceVersion?: string } }> {
    const opts = timeoutOptions(REQUEST_TIMEOUT_MS);
    if (this.spec.group === '') return this.kc.makeApiClient(CoreV1Api).listNamespacedService({ namespace: this.namespace }, opts);
    return (await this.kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: this.spec.group, version, namespace: this.namespace, plural: this.spec.plural,
    }, opts)) as { items?: unknown[]; metadata?: { resourceVersion?: string } };
  }

  private async list(): Promise<void> {
    let list: Awaited<ReturnType<KindWatcher['listVersion']>> | undefined;
    let lastError: unknown;
    for (const version of this.spec.versions) {
      try {
        list = await this.listVersion(version);
        if (this.version !== version) this.log(`${this.spec.label}: reading ${this.spec.group || 'core'}/${version} in ${this.namespace}`);
        this.version = version;
        break;
      } catch (e) {
        lastError = e;
        if (statusOf(e) !== 404) throw e;
      }
    }
    if (!list) {
      const err = new NotServedError(`not served (${this.spec.versions.map((v) => `${this.spec.group}/${v}`).join(', ')}): is the CRD installed?`);
      (err as Error & { cause?: unknown }).cause = lastError;
      throw err;
    }
    if (this.disposed) return;
    this.items.clear();
    for (const item of (list.items ?? []) as K8sObject[]) {
      const name = item.metadata?.name;
      if (name) this.items.set(name, item);
    }
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
    this.onChange();
  }

  private get path(): string {
    const base = this.spec.group === '' ? `/api/${this.version}` : `/apis/${this.spec.group}/${this.version}`;
    return `${base}/namespaces/${encodeURIComponent(this.namespace)}/${this.spec.plural}`;
  }

  private watchOnce(): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (o: Outcome) => {
        if (settled) return;
        settled = true;
        this.abort = undefined;
        controller?.abort();
        resolve(o);
      };
      this.abort = () => finish({ type: 'closed' });
      const timeoutSeconds = 240 + Math.floor(Math.random() * 60);
      new Watch(this.kc)
        .watch(this.path, { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds }, (type: string, obj: K8sObject & { code?: number }) => {
          if (settled || this.disposed) return;
          if (type === 'ERROR') {
            if (obj?.code === 410) finish({ type: 'gone' });
            else finish({ type: 'error', error: Object.assign(new Error(`watch error ${JSON.stringify(obj).slice(0, 200)}`), { statusCode: obj?.code }) });
            return;
          }
          const rv = obj?.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (type === 'BOOKMARK') return;
          const name = obj?.metadata?.name;
          if (!name) return;
          if (type === 'DELETED') this.items.delete(name);
          else this.items.set(name, obj);
          this.onChange();
        }, (err: unknown) => finish(err ? { type: 'error', error: err } : { type: 'closed' }))
        .then((c) => {
          controller = c;
          if (settled) c.abort();
        })
        .catch((err: unknown) => finish({ type: 'error', error: err }));
    });
  }
}

/** A KubeConfig from a path (several joined with ':' merged), else KUBECONFIG / ~/.kube/config; optional context. */
export function loadKubeConfig(path?: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) {
    const files = path.split(':').filter((p) => p !== '');
    if (files.length === 1) kc.loadFromFile(files[0]!);
    else {
      const prev = process.env.KUBECONFIG;
      process.env.KUBECONFIG = path;
      try {
        kc.loadFromDefault();
      } finally {
        if (prev === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = prev;
      }
    }
  } else kc.loadFromDefault();
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) throw new Error(`no cluster for context ${JSON.stringify(kc.getCurrentContext())} in the kubeconfig`);
  return kc;
}
