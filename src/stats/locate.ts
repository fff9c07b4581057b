import * as net from 'node:net';
import { Writable } from 'node:stream';
import { CoreV1Api, PortForward, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { toClusterError, type ClusterError, type Operation } from '../cluster/errors';
import { withTimeout } from '../cluster/requests';
import { displayUrl } from './prometheus';
import type { Wording } from '../cluster/wording';

/**
 * Where Prometheus is, in order (as `linkerd viz` finds it: linkerd/linkerd2 viz/pkg/api/api.go `NewPrometheusClient`
 * and viz/pkg/healthcheck/healthcheck.go; the labels and port are in viz/charts/linkerd-viz/templates/prometheus.yaml):
 *   1. the setting (`canaryLens.prometheus.url`, or `--prometheus` on the command line);
 *   2. the `viz.linkerd.io/external-prometheus` annotation on the namespace labelled `linkerd.io/extension=viz`;
 *   3. a port-forward to a Running pod labelled `component=prometheus` (Linkerd viz's Prometheus Deployment's pod
 *      template: `linkerd.io/extension: viz`, `component: prometheus`) in that namespace, port 9090, as the Linkerd CLI
 *      does: the pod's admin port is authorised only for Linkerd's own identities (prometheus-policy.yaml beside it),
 *      so the API server's service proxy is normally denied. The forward listens on 127.0.0.1:0; each TCP connection
 *      is one WebSocket `pods/portforward` stream through the API server (client-node's `PortForward`).
 * Every failure is a named state with words and a next step. The URL itself is not probed here: the stats client
 * finds out on its first query ("Prometheus unreachable at URL"); a failing port-forward leaves its reason in
 * `lastError()` for that message.
 *
 * This module brings in `@kubernetes/client-node`: eager bundles load it lazily (the CLI imports it dynamically).
 */

export const VIZ_LABEL_SELECTOR = 'linkerd.io/extension=viz';
export const EXTERNAL_PROMETHEUS_ANNOTATION = 'viz.linkerd.io/external-prometheus';
export const PROMETHEUS_POD_SELECTOR = 'component=prometheus';
export const PROMETHEUS_PORT = 9090;
/** The name Linkerd viz installs into by default: preferred when several namespaces carry the label. */
export const DEFAULT_VIZ_NAMESPACE = 'linkerd-viz';

export type PrometheusSource = 'setting' | 'annotation' | 'port-forward';

export interface PrometheusLocation {
  url: string;
  source: PrometheusSource;
  /** The viz namespace (annotation and port-forward). */
  namespace?: string;
  /** The pod forwarded to (port-forward). */
  pod?: string;
  /** Why the port-forward's last connection failed, in words (port-forward only; undefined while all is well). */
  lastError(): string | undefined;
  /** Closes the port-forward (listener and open connections); a no-op otherwise. Safe to call twice. */
  dispose(): Promise<void>;
}

export type LocateState = 'viz-not-installed' | 'prometheus-pod-not-running' | 'prometheus-unreachable' | 'forbidden' | 'cluster-unreachable';

export interface LocateFailure {
  state: LocateState;
  message: string;
  nextStep: string;
  /** The API error behind `forbidden` / `cluster-unreachable` (its kind tells 401 from 403). */
  error?: ClusterError;
}

export type LocateResult = PrometheusLocation | LocateFailure;

export interface LocateOptions {
  /** The configured URL; wins over everything (empty = not set). */
  setting?: string;
  /** The cluster connection, for the annotation and the port-forward. */
  kc?: KubeConfig;
  /** Open a port-forward when needed (default true). False: report where Prometheus runs as a state instead. */
  portForward?: boolean;
  /** The front end's words: how next steps name the setting or flag (`canaryLens.prometheus.url`, `--prometheus URL`). */
  wording: Wording;
  /** Per API request (default 10 s). */
  timeoutMs?: number;
}

export function isLocated(r: LocateResult): r is PrometheusLocation {
  return 'url' in r;
}

/** One line: the message and the next step. */
export function describeLocateFailure(f: LocateFailure): string {
  return `${f.message}. ${f.nextStep}`;
}

/** An http(s) URL, else why not. */
function checkUrl(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'is not a URL';
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'is not an http or https URL';
}

const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

const noop = {
  lastError: () => undefined,
  dispose: async () => {},
};

function apiFailure(e: unknown, op: Operation, wording: Wording): LocateFailure {
  const err = toClusterError(e, op);
  const instead = `or ${wording.useKnob('prometheus')}`;
  if (err.kind === 'forbidden') {
    const where = err.namespace ? ` in namespace ${err.namespace}` : ' (cluster-wide)';
    return { state: 'forbidden', message: err.message, nextStep: `Ask for "${err.verb ?? op.verb}" on ${err.resource ?? op.resource}${where} to find Linkerd viz's Prometheus, ${instead}`, error: err };
  }
  if (err.kind === 'unauthorized') {
    return { state: 'forbidden', message: err.message, nextStep: `The token or client certificate of this context is wrong or expired: log in again, ${instead}`, error: err };
  }
  return {
    state: 'cluster-unreachable',
    message: err.message,
    nextStep: `${err.kind === 'unreachable' ? 'Check that the cluster is running and that the kubeconfig points at it' : 'Try again'}, ${instead}`,
    error: err,
  };
}

function podIsRunning(p: V1Pod): boolean {
  return p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp;
}

function podIsReady(p: V1Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Finds Prometheus; see the module comment for the order. Never throws. */
export async function locatePrometheus(options: LocateOptions): Promise<LocateResult> {
  const wording = options.wording;
  const settingLabel = wording.knobName('prometheus');
  const useSetting = (): string => wording.useKnob('prometheus');
  const setting = options.setting?.trim();
  if (setting) {
    const bad = checkUrl(setting);
    if (bad) {
      return { state: 'prometheus-unreachable', message: `${settingLabel} ${bad}: ${JSON.stringify(setting)}`, nextStep: `${capital(useSetting())} to Prometheus' http(s) URL, such as http://127.0.0.1:9090` };
    }
    return { url: setting, source: 'setting', ...noop };
  }
  const kc = options.kc;
  if (!kc) {
    return { state: 'cluster-unreachable', message: 'No cluster connection to find Prometheus through', nextStep: `Choose a kubeconfig and context, or ${useSetting()}` };
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const server = kc.getCurrentCluster()?.server;
  const core = kc.makeApiClient(CoreV1Api);

  // The viz namespace.
  let vizNamespace: string;
  let annotation: string | undefined;
  try {
    const list = await core.listNamespace({ labelSelector: VIZ_LABEL_SELECTOR }, withTimeout(timeoutMs));
    const items = list.items.filter((n) => n.metadata?.name).sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    const ns = items.find((n) => n.metadata!.name === DEFAULT_VIZ_NAMESPACE) ?? items[0];
    if (!ns) {
      return {
        state: 'viz-not-installed',
        message: `Linkerd viz not installed: no namespace is labelled ${VIZ_LABEL_SELECTOR}`,
        nextStep: `Install it (linkerd viz install | kubectl apply -f -) or ${useSetting()}`,
      };
    }
    vizNamespace = ns.metadata!.name!;
    annotation = ns.metadata?.annotations?.[EXTERNAL_PROMETHEUS_ANNOTATION]?.trim() || undefined;
  } catch (e) {
    return apiFailure(e, { verb: 'list', resource: 'namespaces', server }, wording);
  }

  // The user's own Prometheus.
  if (annotation) {
    const bad = checkUrl(annotation);
    if (bad) {
      return {
        state: 'prometheus-unreachable',
        message: `The ${EXTERNAL_PROMETHEUS_ANNOTATION} annotation of namespace ${vizNamespace} ${bad}: ${JSON.stringify(annotation)}`,
        nextStep: `Fix the annotation (kubectl annotate --overwrite ns ${vizNamespace} ${EXTERNAL_PROMETHEUS_ANNOTATION}=http://...), or ${useSetting()}`,
      };
    }
    return { url: annotation, source: 'annotation', namespace: vizNamespace, ...noop };
  }

  // Linkerd viz's own Prometheus, through a port-forward.
  let pods: V1Pod[];
  try {
    pods = (await core.listNamespacedPod({ namespace: vizNamespace, labelSelector: PROMETHEUS_POD_SELECTOR }, withTimeout(timeoutMs))).items;
  } catch (e) {
    return apiFailure(e, { verb: 'list', resource: 'pods', namespace: vizNamespace, server }, wording);
  }
  const running = pods.filter(podIsRunning).sort((a, b) => Number(podIsReady(b)) - Number(podIsReady(a)) || a.metadata!.name!.localeCompare(b.metadata!.name!));
  const pod = running[0]?.metadata?.name;
  if (!pod) {
    const seen = pods.map((p) => `${p.metadata?.name ?? '?'} is ${p.metadata?.deletionTimestamp ? 'terminating' : p.status?.phase ?? 'Unknown'}`);
    return {
      state: 'prometheus-pod-not-running',
      message: `Prometheus pod not running in ${vizNamespace} (${seen.length > 0 ? seen.join(', ') : `no pod labelled ${PROMETHEUS_POD_SELECTOR}`})`,
      nextStep: `Check it (kubectl -n ${vizNamespace} get pods -l ${PROMETHEUS_POD_SELECTOR}); with your own Prometheus, set the ${EXTERNAL_PROMETHEUS_ANNOTATION} annotation on ${vizNamespace}, or ${useSetting()}`,
    };
  }
  if (options.portForward === false) {
    return {
      state: 'prometheus-unreachable',
      message: `Prometheus runs in pod ${vizNamespace}/${pod}, but port-forwarding is off`,
      nextStep: `${capital(useSetting())} (for example after kubectl -n ${vizNamespace} port-forward ${pod} ${PROMETHEUS_PORT})`,
    };
  }
  try {
    return await startPortForward(kc, vizNamespace, pod, PROMETHEUS_PORT);
  } catch (e) {
    return {
      state: 'prometheus-unreachable',
      message: `Cannot listen on 127.0.0.1 for a port-forward to ${vizNamespace}/${pod}: ${e instanceof Error ? e.message : String(e)}`,
      nextStep: capital(useSetting()),
    };
  }
}

/** The part of the `ws` WebSocket that the forward uses (client-node returns one; its types are not installed). */
interface ForwardSocket {
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  close(): void;
  /** Drops the connection at once (no close handshake to wait for). */
  terminate?(): void;
}

/** Words for a failed WebSocket upgrade (`Unexpected server response: 403`) or a network error. */
export function portForwardReason(e: unknown, namespace: string, pod: string): string {
  const message = e instanceof Error ? e.message : e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  switch (status) {
    case '401': return 'the API server rejected the credentials (401)';
    case '403': return `forbidden (403): this user may not create pods/portforward in namespace ${namespace}`;
    case '404': return `pod ${pod} not found (404)`;
    case '400': return `the API server refused the port-forward (400: pod ${pod} not running on a node?)`;
    case '500': case '502': case '503': return `the API server could not reach the pod's node (${status})`;
    default: return message.split('\n')[0] || 'unknown error';
  }
}

/**
 * A local listener on 127.0.0.1:0 whose connections are forwarded to `pod:port` through the API server. Resolves once
 * it listens; connections fail one by one (their reason kept for `lastError()`), never the listener.
 */
export async function startPortForward(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<PrometheusLocation> {
  const forward = new PortForward(kc, true);
  const sockets = new Set<net.Socket>();
  const links = new Set<ForwardSocket>();
  let lastError: string | undefined;
  let closed = false;
  const where = `port-forward to ${namespace}/${pod}:${port}`;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => { /* the client went away; 'close' follows */ });
    // The error channel: the kubelet's words ("error forwarding port 9090 to pod ...: connection refused").
    const errors = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const text = chunk.toString('utf8').trim();
        if (text) {
          lastError = `${where}: ${text}`;
          socket.destroy();
        }
        callback();
      },
    });
    let link: ForwardSocket | undefined;
    socket.on('close', () => {
      sockets.delete(socket);
      if (link) {
        links.delete(link);
        link.close();
      }
    });
    forward.portForward(namespace, pod, [port], socket, errors, socket).then((ws: unknown) => {
      link = ws as ForwardSocket;
      if (closed || socket.destroyed) {
        link.close();
        return;
      }
      links.add(link);
      lastError = undefined;
      link.on('error', (e) => {
        lastError = `${where}: ${portForwardReason(e, namespace, pod)}`;
        socket.destroy();
      });
      link.on('close', () => socket.end());
    }, (e: unknown) => {
      lastError = `${where}: ${portForwardReason(e, namespace, pod)}`;
      socket.destroy();
    });
  });

  const listenPort = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
  const url = `http://127.0.0.1:${listenPort}`;
  let disposed: Promise<void> | undefined;
  return {
    url,
    source: 'port-forward',
    namespace,
    pod,
    lastError: () => lastError,
    dispose() {
      disposed ??= new Promise<void>((resolve) => {
        closed = true;
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        for (const l of links) (l.terminate ?? l.close).call(l);
      });
      return disposed;
    },
  };
}

/** What the CLI and the panel say about a location: `http://127.0.0.1:40123 (port-forward to linkerd-viz/prometheus-0)`. */
export function describeLocation(l: PrometheusLocation): string {
  const url = displayUrl(l.url);
  switch (l.source) {
    case 'setting': return url;
    case 'annotation': return `${url} (from the ${EXTERNAL_PROMETHEUS_ANNOTATION} annotation of namespace ${l.namespace})`;
    case 'port-forward': return `${url} (port-forward to ${l.namespace}/${l.pod}:${PROMETHEUS_PORT})`;
  }
}
