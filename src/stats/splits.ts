import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterLog, silentSink, type LogSink } from '../cluster/log';
import { SPLIT_KIND_IDS, type K8sObject } from '../cluster/requests';
import { ClusterSession, overallState, type SessionState } from '../cluster/session';
import type { KindStatus } from '../cluster/watcher';
import type { Wording } from '../cluster/wording';

/**
 * The split objects of a namespace, read once (for `canary-lens stats` without PATHs): the cluster layer's own
 * discovery and lists (TrafficSplits v1alpha2 → v1alpha1, HTTPRoutes of gateway.networking.k8s.io and
 * policy.linkerd.io) through a ClusterSession that is started, waited on until every split kind has an answer, and
 * disposed. Nothing here retries: the first answer of each kind (objects, a missing CRD, a refusal, no connection)
 * is the result.
 *
 * This module brings in `@kubernetes/client-node`: eager bundles load it lazily.
 */

export interface SplitListing {
  namespace: string;
  /** TrafficSplits, then HTTPRoutes (gateway, then policy), each by name. */
  objects: K8sObject[];
  /** The answer per split kind (ready, crd-missing, forbidden, unreachable, unauthorized, error). */
  kinds: KindStatus[];
  /** The state that matters most, as the extension's status bar would show it. */
  state: Pick<SessionState, 'state' | 'message' | 'nextStep'>;
  /** Some kind had no answer within the time limit (it counts as unreachable). */
  timedOut: boolean;
}

export interface ListSplitsOptions {
  /** For messages. */
  context?: string;
  /** Per request (default 10 s). */
  requestTimeoutMs?: number;
  /** For the whole listing (default 30 s). */
  timeoutMs?: number;
  log?: LogSink;
  /** The front end's words for next steps. */
  wording: Wording;
}

const STOP_AT_ONCE = new Set(['unreachable', 'unauthorized']);

/** Reads the split objects of `namespace` once; never throws for cluster errors (they are in `kinds` and `state`). */
export async function listSplitsOnce(kc: KubeConfig, namespace: string, options: ListSplitsOptions): Promise<SplitListing> {
  const session = new ClusterSession({
    kc,
    namespace,
    log: new ClusterLog(options.log ?? silentSink),
    wording: options.wording,
    kinds: [...SPLIT_KIND_IDS],
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    // No second discovery while the lists run.
    discoveryIntervalMs: 3_600_000,
    ...(options.context ? { context: options.context } : {}),
  });
  const settled = () => {
    const kinds = SPLIT_KIND_IDS.map((k) => session.state.kinds[k]);
    return kinds.some((s) => s && STOP_AT_ONCE.has(s.state)) || kinds.every((s) => s && s.state !== 'connecting');
  };
  let timedOut = false;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, options.timeoutMs ?? 30_000);
      const check = () => {
        if (!settled()) return;
        clearTimeout(timer);
        resolve();
      };
      session.on('state', check);
      session.start();
      check();
    });
    const kinds = SPLIT_KIND_IDS.map((k): KindStatus => {
      const s = session.state.kinds[k];
      if (s && s.state !== 'connecting') return s;
      return { kind: k, label: s?.label ?? k, state: 'unreachable', message: `No answer from the API server at ${session.server ?? '?'} within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`, nextStep: 'Check that the cluster is running and that the kubeconfig points at it.' };
    });
    const byKind = Object.fromEntries(kinds.map((s) => [s.kind, s]));
    return {
      namespace,
      objects: session.splits(),
      kinds,
      state: overallState(byKind),
      timedOut,
    };
  } finally {
    session.dispose();
  }
}
