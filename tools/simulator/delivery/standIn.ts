/**
 * The stand-in controllers: no Flagger or Argo Rollouts controller can run without a kubelet, so the simulator does
 * their part for the Canaries and Rollouts of its namespace. It watches them (and the Deployments, Services and
 * TrafficSplits they involve), and on a timer runs one step of each controller (./flagger.ts, ./argo.ts) from the
 * status the API server has now: it writes the status through the `/status` subresource, creates what the controller
 * generates (with its owner references) and moves the managed TrafficSplit's weights, every write under the real
 * controller's field manager. The simulator's traffic then follows the new weights like any other split's.
 *
 * Timing: Flagger runs each Canary's job every analysis.interval, Argo's pauses last their duration, both multiplied
 * by `timeScale`; canary pods of an Argo step are "ready" `podReadyMs` after the step starts.
 */
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { KindWatcher, type Backoff, type KindSpec } from '../kube';
import { quantityMilli, type K8sObject } from '../model';
import {
  ARGO_FIELD_MANAGER, MANAGED_BY_ROLLOUTS, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, ROLLOUT_API_VERSION, podTemplateHash, revisionOf,
  rolloutBackends, rolloutSpec, rolloutTrafficSplit, runRollout, trafficSplitName, type RolloutRun, type RolloutSpecView,
} from './argo';
import {
  CANARY_API_VERSION, FLAGGER_FIELD_MANAGER, canaryAnalysis, generatedServices, generatedTrafficSplit, initializingStatus, primaryDeployment,
  primaryTemplate, readCanaryStatus, runCanary, selectorLabel, serviceNames, trafficSplitBackends, usesTrafficSplit,
  type CanaryAnalysis, type CheckResult,
} from './flagger';
import { KubeWriter, objectPath } from './kubeWrite';
import { isControlledBy, mergePatch, record, safeHash, str, type ApiObject, type JsonObject } from './objects';

export const DELIVERY_KINDS = {
  canaries: { label: 'Canaries (Flagger)', group: 'flagger.app', versions: ['v1beta1'], plural: 'canaries' },
  rollouts: { label: 'Rollouts (Argo Rollouts)', group: 'argoproj.io', versions: ['v1alpha1'], plural: 'rollouts' },
  deployments: { label: 'Deployments', group: 'apps', versions: ['v1'], plural: 'deployments' },
  services: { label: 'Services', group: '', versions: ['v1'], plural: 'services' },
  // Both controllers write TrafficSplits in v1alpha1 (Flagger pkg/router/smi.go; Argo utils/defaults DefaultSMITrafficSplitVersion).
  trafficsplits: { label: 'TrafficSplits (split.smi-spec.io/v1alpha1)', group: 'split.smi-spec.io', versions: ['v1alpha1'], plural: 'trafficsplits' },
} satisfies Record<string, KindSpec>;

const TS_API = 'split.smi-spec.io/v1alpha1';

/** What the simulator measured for a backend Service: requests so far, and its configured p99 latency. */
export interface BackendMeasure {
  success: number;
  failure: number;
  p99Ms: number;
}

export interface StandInOptions {
  kc: KubeConfig;
  namespace: string;
  log: (line: string) => void;
  /** A backend's traffic so far (undefined when the simulator sends it none). */
  measure: (backend: string) => BackendMeasure | undefined;
  /** Multiplies Flagger's interval, Argo's pause durations and the metric windows (default 1: as the specs say). */
  timeScale?: number;
  /** How often the controllers reconcile, ms (default 500). */
  tickMs?: number;
  /** How long an Argo step's canary pods take to be ready, ms before scaling (default 2000). */
  podReadyMs?: number;
  /** Flagger's `-mesh-provider` for Canaries without spec.provider (default linkerd). */
  meshProvider?: string;
  backoff?: Backoff;
}

export interface StandIn {
  synced(): Promise<void>;
  stop(): void;
  /** One reconcile of every Canary and Rollout now (tests; the timer calls it too). */
  reconcile(now?: number): Promise<void>;
}

interface CanaryState {
  nextRunAt: number;
  samples: { t: number; success: number; failure: number }[];
}

interface RolloutState {
  stepKey: string;
  stepSince: number;
}

/** The weights of a v1alpha1 TrafficSplit by backend Service (quantities read as whole units). */
function splitWeights(ts: ApiObject | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of (record(ts?.spec)?.backends as unknown[] | undefined) ?? []) {
    const r = record(b);
    const service = str(r?.service);
    if (service) out.set(service, Math.round((quantityMilli(r?.weight) ?? 0) / 1000));
  }
  return out;
}

function sameBackends(ts: ApiObject | undefined, backends: JsonObject[]): boolean {
  const have = (record(ts?.spec)?.backends as unknown[] | undefined) ?? [];
  return have.length === backends.length && backends.every((b, i) => {
    const h = record(have[i]);
    return h?.service === b.service && Math.round((quantityMilli(h?.weight) ?? -1) / 1000) === Number(b.weight);
  });
}

/** Go's time.Duration printing of milliseconds, as Flagger's messages show latencies (`120ms`, `1.5s`). */
function goMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(3))}s`;
}

/**
 * Flagger's builtin checks (pkg/controller/scheduler_metrics.go runBuiltinMetricChecks) on the simulator's own
 * traffic: request-success-rate over the metric's interval from the canary backend's requests, request-duration from
 * the canary backend's configured p99. Template metrics (runMetricChecks: arbitrary queries) pass.
 */
export function builtinChecks(
  analysis: CanaryAnalysis, canaryName: string, samples: readonly { t: number; success: number; failure: number }[], now: number, timeScale: number, p99Ms: number | undefined,
): CheckResult {
  for (const metric of analysis.metrics) {
    if (metric.name === 'request-success-rate') {
      const last = samples[samples.length - 1];
      const since = now - metric.intervalMs * timeScale;
      const first = [...samples].reverse().find((s) => s.t <= since) ?? samples[0];
      const total = last && first ? last.success + last.failure - (first.success + first.failure) : 0;
      if (!last || !first || total <= 0) {
        return { ok: false, message: `Halt advancement no values found for linkerd metric request-success-rate probably ${canaryName} is not receiving traffic` };
      }
      const rate = ((last.success - first.success) / total) * 100;
      const min = metric.thresholdRange?.min ?? (metric.thresholdRange ? undefined : metric.threshold);
      const max = metric.thresholdRange?.max;
      if (min !== undefined && rate < min) return { ok: false, message: `Halt ${canaryName} advancement success rate ${rate.toFixed(2)}% < ${min}%` };
      if (max !== undefined && rate > max) return { ok: false, message: `Halt ${canaryName} advancement success rate ${rate.toFixed(2)}% > ${max}%` };
    } else if (metric.name === 'request-duration') {
      if (p99Ms === undefined) {
        return { ok: false, message: `Halt advancement no values found for linkerd metric request-duration probably ${canaryName} is not receiving traffic` };
      }
      const max = metric.thresholdRange?.max ?? (metric.thresholdRange ? undefined : metric.threshold);
      const min = metric.thresholdRange?.min;
      if (min !== undefined && p99Ms < min) return { ok: false, message: `Halt ${canaryName} advancement request duration ${goMs(p99Ms)} < ${goMs(min)}` };
      if (max !== undefined && p99Ms > max) return { ok: false, message: `Halt ${canaryName} advancement request duration ${goMs(p99Ms)} > ${goMs(max)}` };
    }
  }
  return { ok: true };
}

export function startStandIn(options: StandInOptions): StandIn {
  const { kc, namespace, log } = options;
  const timeScale = options.timeScale ?? 1;
  const tickMs = options.tickMs ?? 500;
  const podReadyMs = options.podReadyMs ?? 2000;
  const meshProvider = options.meshProvider ?? 'linkerd';
  const writer = new KubeWriter(kc);
  const canaryState = new Map<string, CanaryState>();
  const rolloutState = new Map<string, RolloutState>();
  const said = new Map<string, string>();
  const once = (key: string, line: string) => {
    if (said.get(key) === line) return;
    said.set(key, line);
    log(line);
  };
  let timer: NodeJS.Timeout | undefined;
  const watchers = Object.fromEntries(
    Object.entries(DELIVERY_KINDS).map(([id, spec]) => [id, new KindWatcher(kc, spec, namespace, () => undefined, (l) => log(`controllers: ${l}`), options.backoff)]),
  ) as Record<keyof typeof DELIVERY_KINDS, KindWatcher>;
  const item = (id: keyof typeof DELIVERY_KINDS, name: string | undefined): ApiObject | undefined => (name ? watchers[id].items.get(name) : undefined);
  const path = (apiVersion: string, plural: string, name?: string, sub?: string) => objectPath(apiVersion, plural, namespace, name, sub);
  // The answer of a write goes into the watcher's cache at once, so the next tick does not work from what it replaced.
  const remember = (id: keyof typeof DELIVERY_KINDS, obj: unknown): unknown => {
    const name = str(record(record(obj)?.metadata)?.name);
    if (name) watchers[id].items.set(name, obj as K8sObject);
    return obj;
  };
  const create = async (id: keyof typeof DELIVERY_KINDS, apiVersion: string, body: JsonObject, manager: string): Promise<boolean> =>
    remember(id, await writer.create(path(apiVersion, DELIVERY_KINDS[id].plural), body, manager)) !== undefined;
  const patch = async (id: keyof typeof DELIVERY_KINDS, apiVersion: string, name: string, body: JsonObject, manager: string, opts: { sub?: string; type?: 'merge' | 'strategic' } = {}): Promise<void> => {
    remember(id, await writer.patch(path(apiVersion, DELIVERY_KINDS[id].plural, name, opts.sub), body, manager, opts.type));
  };

  // ---- Flagger

  const reconcileCanary = async (canary: ApiObject, now: number): Promise<void> => {
    const name = canary.metadata?.name ?? '';
    const label = `Canary ${name}`;
    const spec = record(canary.spec);
    const targetRef = record(spec?.targetRef);
    const targetKind = str(targetRef?.kind) ?? 'Deployment';
    if (targetKind !== 'Deployment') return once(label, `${label}: targetRef kind ${targetKind} is not simulated (Deployment only)`);
    const provider = str(spec?.provider) ?? meshProvider;
    if (!usesTrafficSplit(provider)) return once(label, `${label}: provider ${provider} is not simulated (linkerd, smi:v1alpha1)`);
    const target = item('deployments', str(targetRef?.name));
    if (!target) return once(label, `${label}: waiting for Deployment ${str(targetRef?.name) ?? '(none)'}`);
    if (!selectorLabel(target)) return once(label, `${label}: Deployment ${target.metadata?.name ?? ''} spec.selector.matchLabels has none of app, name, app.kubernetes.io/name`);
    const analysis = canaryAnalysis(canary);
    const names = serviceNames(canary);
    const state = canaryState.get(name) ?? { nextRunAt: now, samples: [] };
    canaryState.set(name, state);

    // Samples of the canary backend's requests, for the success rate over a metric's interval.
    const measured = options.measure(names.canary);
    if (measured) state.samples.push({ t: now, success: measured.success, failure: measured.failure });
    const keepMs = Math.max(60_000, ...analysis.metrics.map((m) => m.intervalMs)) * timeScale * 2;
    while (state.samples.length > 2 && state.samples[1]!.t < now - keepMs) state.samples.shift();

    const status = readCanaryStatus(canary.status);
    const init = initializingStatus(status, targetKind, now);
    if (init) {
      // The informer handler (setPhaseInitializing) runs before the job; the job's first run follows at once.
      await writeStatus('canaries', canary, CANARY_API_VERSION, init, FLAGGER_FIELD_MANAGER);
      state.nextRunAt = now;
      return;
    }
    if (now < state.nextRunAt) return;
    state.nextRunAt = now + analysis.intervalMs * timeScale;

    // The generated objects are reconciled on every run (created when missing), as Flagger's job does.
    const primary = primaryDeployment(canary, target, randomUUID());
    if (primary && !item('deployments', `${target.metadata?.name ?? ''}-primary`)) {
      if (await create('deployments', 'apps/v1', primary, FLAGGER_FIELD_MANAGER)) log(`${label}: Deployment ${target.metadata?.name ?? ''}-primary created`);
    }
    for (const svc of generatedServices(canary, target)) {
      const svcName = str(record(svc.metadata)?.name);
      if (svcName && !item('services', svcName) && (await create('services', 'v1', svc, FLAGGER_FIELD_MANAGER))) log(`${label}: Service ${svcName} created`);
    }
    let ts = item('trafficsplits', names.apex);
    if (!ts) {
      const body = generatedTrafficSplit(canary);
      if (await create('trafficsplits', TS_API, body, FLAGGER_FIELD_MANAGER)) log(`${label}: TrafficSplit ${names.apex} created`);
      ts = item('trafficsplits', names.apex) ?? body;
    }
    const weights = splitWeights(ts);
    const routes = { primary: weights.get(names.primary) ?? 100, canary: weights.get(names.canary) ?? 0 };

    const run = runCanary({
      canary, status, analysis, targetKind, targetRevision: safeHash(record(target.spec)?.template ?? {}), routes, now,
      check: () => builtinChecks(analysis, `${name}.${namespace}`, state.samples, now, timeScale, measured?.p99Ms),
    });
    for (const e of run.events) log(`${label}: ${e}`);
    if (run.routes) {
      const backends = trafficSplitBackends(canary, run.routes);
      if (!sameBackends(ts, backends)) await patch('trafficsplits', TS_API, names.apex, { spec: { backends } }, FLAGGER_FIELD_MANAGER);
    }
    for (const action of run.actions) {
      const targetName = target.metadata?.name ?? '';
      if (action === 'scaleToZero') await patch('deployments', 'apps/v1', targetName, { spec: { replicas: 0 } }, FLAGGER_FIELD_MANAGER);
      if (action === 'scaleFromZero') {
        const replicas = Number(record(item('deployments', `${targetName}-primary`)?.spec)?.replicas ?? 1) || 1;
        await patch('deployments', 'apps/v1', targetName, { spec: { replicas } }, FLAGGER_FIELD_MANAGER);
      }
      if (action === 'promote') {
        const sel = selectorLabel(target)!;
        const template = primaryTemplate(record(record(target.spec)?.template) ?? {}, sel.label, `${sel.value}-primary`, randomUUID());
        await patch('deployments', 'apps/v1', `${targetName}-primary`, { spec: { template } }, FLAGGER_FIELD_MANAGER);
      }
    }
    await writeStatus('canaries', canary, CANARY_API_VERSION, run.status, FLAGGER_FIELD_MANAGER);
  };

  // ---- Argo Rollouts

  const reconcileRollout = async (rollout: ApiObject, now: number): Promise<void> => {
    const name = rollout.metadata?.name ?? '';
    const label = `Rollout ${name}`;
    const spec = rolloutSpec(rollout);
    if (!spec) return once(label, `${label}: only the canary strategy is simulated`);
    if (spec.trafficRouting && !spec.smi) return once(label, `${label}: only trafficRouting.smi is simulated; the status advances without a split`);
    const podHash = podTemplateHash(rollout);
    const prevIndex = (record(rollout.status)?.currentStepIndex as number | undefined) ?? -1;
    const stepKey = `${podHash}/${prevIndex}/${String(record(rollout.status)?.abort)}/${String(record(rollout.status)?.promoteFull)}`;
    const state = rolloutState.get(name);
    if (!state || state.stepKey !== stepKey) rolloutState.set(name, { stepKey, stepSince: now });
    const since = rolloutState.get(name)!.stepSince;
    const run = runRollout({ rollout, spec, podHash, revision: revisionOf(rollout), canaryReady: now - since >= podReadyMs * timeScale, now });
    for (const e of run.events) log(`${label}: ${e}`);
    if (run.revision !== revisionOf(rollout)) {
      await patch('rollouts', ROLLOUT_API_VERSION, name, { metadata: { annotations: { [REVISION_ANNOTATION]: String(run.revision) } } }, ARGO_FIELD_MANAGER);
    }
    await switchSelectors(rollout, spec, run);
    if (spec.smi && run.weight !== undefined) await setRolloutWeight(rollout, spec, run.weight, label);
    await writeStatus('rollouts', item('rollouts', name) ?? rollout, ROLLOUT_API_VERSION, run.status, ARGO_FIELD_MANAGER);
  };

  /** rollout/service.go switchServiceSelector: the pod-template-hash in the selector, and the managed-by annotation. */
  const switchSelectors = async (rollout: ApiObject, spec: RolloutSpecView, run: RolloutRun): Promise<void> => {
    for (const [svcName, hash] of [[spec.canaryService, run.selectors.canary], [spec.stableService, run.selectors.stable]] as const) {
      if (!svcName || !hash) continue;
      const svc = item('services', svcName);
      if (!svc) continue;
      const managed = svc.metadata?.annotations?.[MANAGED_BY_ROLLOUTS] !== undefined;
      if (managed && record(record(svc.spec)?.selector)?.[POD_TEMPLATE_HASH_LABEL] === hash) continue;
      const body: JsonObject = { spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: hash } } };
      if (!managed) body.metadata = { annotations: { [MANAGED_BY_ROLLOUTS]: rollout.metadata?.name ?? '' } };
      await patch('services', 'v1', svcName, body, ARGO_FIELD_MANAGER, { type: 'strategic' });
    }
  };

  /** smi.go SetWeight: create the TrafficSplit owned by the Rollout, or patch its backends if the Rollout owns it. */
  const setRolloutWeight = async (rollout: ApiObject, spec: RolloutSpecView, weight: number, label: string): Promise<void> => {
    const tsName = trafficSplitName(rollout, spec);
    const ts = item('trafficsplits', tsName);
    if (!ts) {
      if (await create('trafficsplits', TS_API, rolloutTrafficSplit(rollout, spec, weight), ARGO_FIELD_MANAGER)) log(`${label}: TrafficSplit \`${tsName}\` created`);
      return;
    }
    if (!isControlledBy(ts, rollout)) return once(`${label}/ts`, `${label}: Rollout does not own TrafficSplit \`${tsName}\``);
    const backends = rolloutBackends(spec, weight);
    // The simulator logs the new weights when its watch sees them.
    if (!sameBackends(ts, backends)) await patch('trafficsplits', TS_API, tsName, { spec: { backends } }, ARGO_FIELD_MANAGER);
  };

  /** The status write: a JSON merge patch of what changed, through the status subresource. */
  const writeStatus = async (id: 'canaries' | 'rollouts', obj: ApiObject, apiVersion: string, next: unknown, manager: string): Promise<void> => {
    const diff = mergePatch(obj.status, next);
    if (Object.keys(diff).length === 0) return;
    await patch(id, apiVersion, obj.metadata?.name ?? '', { status: diff }, manager, { sub: 'status' });
  };

  // ---- The loop

  let running: Promise<void> | undefined;
  const reconcile = async (now = Date.now()): Promise<void> => {
    for (const c of watchers.canaries.items.values()) {
      const canary: ApiObject = c;
      await reconcileCanary(canary, now).catch((e: unknown) => once(`Canary ${canary.metadata?.name ?? ''}/error`, `Canary ${canary.metadata?.name ?? ''}: ${e instanceof Error ? e.message : String(e)}`));
    }
    for (const r of watchers.rollouts.items.values()) {
      const rollout: ApiObject = r;
      await reconcileRollout(rollout, now).catch((e: unknown) => once(`Rollout ${rollout.metadata?.name ?? ''}/error`, `Rollout ${rollout.metadata?.name ?? ''}: ${e instanceof Error ? e.message : String(e)}`));
    }
    for (const key of [...canaryState.keys()]) if (!watchers.canaries.items.has(key)) canaryState.delete(key);
    for (const key of [...rolloutState.keys()]) if (!watchers.rollouts.items.has(key)) rolloutState.delete(key);
  };

  for (const w of Object.values(watchers)) w.start();
  timer = setInterval(() => {
    if (running) return; // one reconcile at a time; a slow API server skips ticks
    running = reconcile().finally(() => (running = undefined));
  }, tickMs);
  timer.unref?.();

  return {
    async synced() {
      await Promise.all(Object.values(watchers).map((w) => w.whenSynced()));
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      for (const w of Object.values(watchers)) w.stop();
    },
    reconcile,
  };
}
