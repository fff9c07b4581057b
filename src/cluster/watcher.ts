import { EventEmitter } from 'node:events';
import { CoreV1Api, CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import { ClusterError, fromStatus, toClusterError, type K8sStatus, type Operation } from './errors';
import type { ClusterLog } from './log';
import { REQUEST_TIMEOUT_MS, resourcePath, withTimeout, type K8sObject, type KindSpec } from './requests';
import type { Wording } from './wording';

/**
 * One resource kind in one namespace, listed and then kept current with a watch. Errors never escape: they become
 * a state (with a message and a next step) and the watcher retries with exponential backoff; a 410 Gone re-lists.
 * States are emitted only when they change, so a server that stays down is one event, not a storm.
 */

export type WatchState = 'connecting' | 'ready' | 'crd-missing' | 'forbidden' | 'unreachable' | 'unauthorized' | 'error';

export interface KindStatus {
  kind: KindSpec['id'];
  label: string;
  state: WatchState;
  /** What a person reads: "3 TrafficSplits", "TrafficSplit CRD not installed: install linkerd-smi". */
  message: string;
  nextStep?: string;
  error?: ClusterError;
  /** The version being read, when one is. */
  version?: string;
  /** When the next retry happens (after an error). */
  retryInMs?: number;
}

export interface WatchChange {
  kind: KindSpec['id'];
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'SYNCED';
  object?: K8sObject;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

export interface WatcherOptions {
  log: ClusterLog;
  backoff?: Backoff;
  /** Server-side watch timeout (the server closes the watch cleanly after it; the watcher resumes). */
  watchTimeoutSeconds?: number;
  requestTimeoutMs?: number;
  /** The front end's words for next steps. */
  wording: Wording;
}

type WatchOutcome = { type: 'closed' } | { type: 'gone' } | { type: 'error'; error: unknown };

export function stateOfError(e: ClusterError): WatchState {
  switch (e.kind) {
    case 'unreachable': return 'unreachable';
    case 'unauthorized': return 'unauthorized';
    case 'forbidden': return 'forbidden';
    case 'crd-missing': return 'crd-missing';
    default: return 'error';
  }
}

export function backoffDelay(attempt: number, b: Backoff): number {
  const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The events a watcher emits, with their listeners' arguments. */
export type ResourceWatcherEvents = {
  status: [s: KindStatus];
  change: [c: WatchChange];
  missing: [];
};

export class ResourceWatcher extends EventEmitter<ResourceWatcherEvents> {
  readonly items = new Map<string, K8sObject>();
  /** True once a list has succeeded (items are meaningful). */
  synced = false;
  status: KindStatus;
  private disposed = false;
  private abortWatch: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private resourceVersion = '';
  private listedOnce = false;
  private readonly backoff: Backoff;
  private readonly server: string | undefined;

  constructor(
    private readonly kc: KubeConfig,
    readonly spec: KindSpec,
    readonly namespace: string,
    readonly version: string,
    private readonly options: WatcherOptions,
  ) {
    super();
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.server = kc.getCurrentCluster()?.server;
    this.status = { kind: spec.id, label: spec.label, state: 'connecting', message: `Reading ${spec.label} in ${namespace}…`, version };
  }

  start(): void {
    this.run().catch((e) => this.options.log.error(`${this.spec.label}: watcher stopped: ${String(e)}`));
  }

  dispose(): void {
    this.disposed = true;
    this.abortWatch?.();
    this.abortWatch = undefined;
    clearTimeout(this.sleepTimer);
    this.wake?.();
    this.removeAllListeners();
  }

  /** Retry now instead of waiting for the backoff (e.g. when the kubeconfig or the network changed). */
  retryNow(): void {
    this.wake?.();
  }

  get path(): string {
    return resourcePath(this.spec, this.version, this.namespace);
  }

  private op(verb: string): Operation {
    return { verb, resource: this.spec.plural, group: this.spec.group, ...(this.spec.clusterScoped ? {} : { namespace: this.namespace }), server: this.server };
  }

  private setStatus(next: Omit<KindStatus, 'kind' | 'label' | 'version'>): void {
    const s: KindStatus = { kind: this.spec.id, label: this.spec.label, version: this.version, ...next };
    const changed = s.state !== this.status.state || s.message !== this.status.message;
    this.status = s;
    if (!changed || this.disposed) return;
    const line = `${this.spec.label} in ${this.namespace}: ${s.state}: ${s.message}${s.nextStep ? ` (${s.nextStep})` : ''}`;
    // A Canary or Rollout CRD (or a kind their rules read) that is missing or refused is the common case (see
    // KindSpec.quiet): not a warning.
    const quiet = !!this.spec.quiet && (s.state === 'crd-missing' || s.state === 'forbidden');
    if (s.state === 'ready' || s.state === 'connecting' || quiet) this.options.log.info(line);
    else this.options.log.warn(line);
    this.emit('status', s);
  }

  private readyMessage(): string {
    const n = this.items.size;
    return `${n} ${n === 1 ? this.spec.kind : this.spec.label.split(' ')[0]} in ${this.namespace}`;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.disposed) {
      try {
        await this.list();
        attempt = 0;
        this.setStatus({ state: 'ready', message: this.readyMessage() });
        let quickCloses = 0;
        for (;;) {
          const started = Date.now();
          const outcome = await this.watchOnce();
          if (this.disposed) return;
          if (outcome.type === 'gone') {
            this.options.log.debug(`${this.spec.label}: watch expired (410 Gone): re-listing`);
            break;
          }
          if (outcome.type === 'error') throw outcome.error;
          // A clean close (server timeout): resume from the last resourceVersion; back off if it keeps closing at once.
          quickCloses = Date.now() - started < 1000 ? quickCloses + 1 : 0;
          if (quickCloses > 2) await this.sleep(backoffDelay(quickCloses - 3, this.backoff));
        }
      } catch (e) {
        if (this.disposed) return;
        const err = toClusterError(e, this.op('list'));
        if (err.kind === 'crd-missing') this.emit('missing');
        if (this.disposed) return;
        // 410 as an HTTP status (rather than an ERROR event in the stream): the same, re-list.
        if (err.status === 410) {
          this.options.log.debug(`${this.spec.label}: watch expired (410 Gone): re-listing`);
          continue;
        }
        // A dropped watch, or a 404 from a restarting server, while everything was fine: one quiet retry first.
        if (attempt === 0 && this.status.state === 'ready' && (err.kind === 'unreachable' || err.kind === 'crd-missing')) {
          attempt++;
          this.options.log.debug(`${this.spec.label}: ${err.message}; retrying once before reporting it`);
          await this.sleep(Math.min(this.backoff.initialMs, 500));
          continue;
        }
        const delay = backoffDelay(Math.max(0, attempt - 1), this.backoff);
        attempt++;
        const state = stateOfError(err);
        // A missing CRD's own text already says what to install.
        const missing = state === 'crd-missing' && this.spec.missing;
        this.setStatus({ state, message: missing || err.message, ...(!missing && err.nextStep ? { nextStep: err.nextStepIn(this.options.wording) } : {}), error: err, retryInMs: delay });
        this.options.log.debug(`${this.spec.label}: retrying in ${delay} ms`);
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

  private async list(): Promise<void> {
    const opts = withTimeout(this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
    let list: { items?: unknown[]; metadata?: { resourceVersion?: string } };
    if (this.spec.group === '') {
      const core = this.kc.makeApiClient(CoreV1Api);
      list = this.spec.plural === 'services'
        ? await core.listNamespacedService({ namespace: this.namespace }, opts)
        : await core.listNamespacedEndpoints({ namespace: this.namespace }, opts);
    } else if (this.spec.clusterScoped) {
      list = (await this.kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({
        group: this.spec.group, version: this.version, plural: this.spec.plural,
      }, opts)) as typeof list;
    } else {
      list = (await this.kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
        group: this.spec.group, version: this.version, namespace: this.namespace, plural: this.spec.plural,
      }, opts)) as typeof list;
    }
    if (this.disposed) return;
    const next = new Map<string, K8sObject>();
    for (const item of (list.items ?? []) as K8sObject[]) {
      const name = item.metadata?.name;
      if (name) next.set(name, this.keep(item));
    }
    const changedNames = [...next.keys()].filter((n) => this.items.get(n)?.metadata?.resourceVersion !== next.get(n)!.metadata?.resourceVersion);
    const deleted = [...this.items.keys()].filter((n) => !next.has(n));
    this.items.clear();
    for (const [k, v] of next) this.items.set(k, v);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.synced = true;
    this.options.log.debug(`${this.spec.label}: listed ${next.size} at resourceVersion ${this.resourceVersion}`);
    if (changedNames.length > 0 || deleted.length > 0 || !this.listedOnce) this.emit('change', { kind: this.spec.id, type: 'SYNCED' } satisfies WatchChange);
    this.listedOnce = true;
  }

  /** What is kept of an object (KindSpec.slim). */
  private keep(o: K8sObject): K8sObject {
    return this.spec.slim ? this.spec.slim(o) : o;
  }

  private watchOnce(): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve) => {
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (o: WatchOutcome) => {
        if (settled) return;
        settled = true;
        this.abortWatch = undefined;
        controller?.abort();
        resolve(o);
      };
      this.abortWatch = () => finish({ type: 'closed' });
      const timeoutSeconds = this.options.watchTimeoutSeconds ?? 240 + Math.floor(Math.random() * 60);
      new Watch(this.kc)
        .watch(this.path, { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds }, (type, obj: K8sObject) => {
          if (settled || this.disposed) return;
          if (type === 'ERROR') {
            const status = obj as K8sStatus;
            if (status.code === 410) finish({ type: 'gone' });
            else finish({ type: 'error', error: fromStatus(status.code ?? 500, status, this.op('watch')) });
            return;
          }
          const rv = obj?.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (type === 'BOOKMARK') return;
          const name = obj?.metadata?.name;
          if (!name) return;
          if (type === 'DELETED') this.items.delete(name);
          else this.items.set(name, this.keep(obj));
          this.options.log.trace(`${this.spec.label}: ${type} ${name} (resourceVersion ${rv ?? '?'})`);
          this.emit('change', { kind: this.spec.id, type: type as WatchChange['type'], object: obj } satisfies WatchChange);
          if (this.status.state === 'ready') this.setStatus({ state: 'ready', message: this.readyMessage() });
        }, (err: unknown) => {
          finish(err ? { type: 'error', error: err } : { type: 'closed' });
        })
        .then((c) => {
          controller = c;
          if (settled) c.abort();
        })
        .catch((err: unknown) => finish({ type: 'error', error: err }));
    });
  }
}
