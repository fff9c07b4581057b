/**
 * Flagger, as far as the simulator stands in for it: one run of its per-Canary job (fluxcd/flagger v1.44.0
 * pkg/controller/scheduler.go advanceCanary, runCanary, runBlueGreen, runAB, runPromotionTrafficShift, rollback) as a
 * pure function of the Canary's live status, and the objects Flagger generates for a Deployment target with the
 * `linkerd` provider (pkg/canary/deployment_controller.go createPrimaryDeployment, pkg/router/kubernetes_default.go
 * reconcileService, pkg/router/smi.go Reconcile). No I/O here: ./standIn.ts reads and writes the API server.
 *
 * What is not simulated: webhooks (confirm-rollout, confirm-promotion, confirm-traffic-increase, pre/post-rollout and
 * rollback hooks all count as approved), alerts, HPA, config tracking, session affinity and mirroring. Metric checks
 * are the caller's (`check`): the stand-in measures the canary's success rate and latency from its own traffic.
 */
import { controllerRef, metaTime, goDurationMs, int, list, record, str, stringMap, type ApiObject, type JsonObject } from './objects';

export const CANARY_API_VERSION = 'flagger.app/v1beta1';
export const CANARY_GROUP = 'flagger.app';

/**
 * The field manager of Flagger's writes: its requests carry client-go's default user agent, which starts with the
 * binary's name (`./flagger`, fluxcd/flagger v1.44.0 Dockerfile ENTRYPOINT; k8s.io/client-go rest.DefaultKubernetesUserAgent),
 * and an Update without `fieldManager` is recorded under that prefix (k8s.io/apiserver endpoints/handlers managerOrUserAgent).
 */
export const FLAGGER_FIELD_MANAGER = 'flagger';

/** pkg/apis/flagger/v1beta1/status.go CanaryPhase. */
export type CanaryPhase =
  | 'Initializing' | 'Initialized' | 'Waiting' | 'Progressing' | 'WaitingPromotion' | 'Promoting' | 'Finalising'
  | 'Succeeded' | 'Failed' | 'Terminating' | 'Terminated';

/** pkg/apis/flagger/v1beta1/status.go CanaryCondition (type is always `Promoted`). */
export interface CanaryCondition {
  type: 'Promoted';
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** pkg/apis/flagger/v1beta1/status.go CanaryStatus: phase, failedChecks, canaryWeight and iterations are always written. */
export interface CanaryStatus {
  phase: CanaryPhase | '';
  failedChecks: number;
  canaryWeight: number;
  iterations: number;
  lastAppliedSpec?: string;
  lastPromotedSpec?: string;
  lastTransitionTime?: string;
  conditions?: CanaryCondition[];
}

export type Strategy = 'canary' | 'blue-green' | 'ab-testing';

export interface CanaryMetric {
  name: string;
  /** Go duration; Flagger's default is 1m (MetricInterval). */
  intervalMs: number;
  thresholdRange?: { min?: number; max?: number };
  threshold?: number;
  templateRef?: string;
}

/** The analysis as Flagger reads it, defaults applied (pkg/apis/flagger/v1beta1/canary.go). */
export interface CanaryAnalysis {
  /** GetAnalysisInterval: default 60 s, at least 10 s. */
  intervalMs: number;
  /** GetAnalysisThreshold: default 1. */
  threshold: number;
  maxWeight: number;
  stepWeight: number;
  stepWeights: number[];
  stepWeightPromotion: number;
  iterations: number;
  strategy: Strategy;
  metrics: CanaryMetric[];
}

const TOTAL_WEIGHT = 100; // scheduler.go totalWeight

export function canaryAnalysis(canary: ApiObject): CanaryAnalysis {
  const spec = record(canary.spec);
  // GetAnalysis: spec.analysis, else the deprecated spec.canaryAnalysis.
  const a = record(spec?.analysis) ?? record(spec?.canaryAnalysis) ?? {};
  const parsed = goDurationMs(a.interval);
  const intervalMs = parsed === undefined ? 60_000 : Math.max(10_000, parsed);
  const iterations = Math.max(0, int(a.iterations) ?? 0);
  const hasMatch = list(a.match).length > 0;
  const strategy: Strategy = hasMatch && iterations > 0 ? 'ab-testing' : iterations > 0 ? 'blue-green' : 'canary';
  const metrics = list(a.metrics).flatMap((m): CanaryMetric[] => {
    const r = record(m);
    const name = str(r?.name);
    if (!name) return [];
    const range = record(r?.thresholdRange);
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const min = num(range?.min);
    const max = num(range?.max);
    const threshold = num(r?.threshold);
    const templateRef = str(record(r?.templateRef)?.name);
    return [{
      name,
      intervalMs: goDurationMs(r?.interval) ?? 60_000,
      ...(range ? { thresholdRange: { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      ...(templateRef ? { templateRef } : {}),
    }];
  });
  return {
    intervalMs,
    threshold: Math.max(1, int(a.threshold) ?? 1),
    maxWeight: Math.max(0, int(a.maxWeight) ?? 0),
    stepWeight: Math.max(0, int(a.stepWeight) ?? 0),
    stepWeights: list(a.stepWeights).flatMap((w) => (typeof w === 'number' && Number.isInteger(w) ? [w] : [])),
    stepWeightPromotion: Math.max(0, int(a.stepWeightPromotion) ?? 0),
    iterations,
    strategy,
    metrics,
  };
}

/** scheduler.go maxWeight. */
export function maxWeightOf(a: CanaryAnalysis): number {
  if (a.stepWeights.length > 0) return Math.min(TOTAL_WEIGHT, a.stepWeights[a.stepWeights.length - 1]!);
  return a.maxWeight > 0 ? a.maxWeight : TOTAL_WEIGHT;
}

/** scheduler.go nextStepWeight. */
export function nextStepWeight(a: CanaryAnalysis, canaryWeight: number): number {
  if (a.stepWeight > 0 || a.stepWeights.length === 0) return a.stepWeight;
  const maxStep = TOTAL_WEIGHT - canaryWeight;
  if (maxStep === 0) return 1;
  if (canaryWeight === 0) return Math.min(maxStep, a.stepWeights[0]!);
  for (let i = 0; i < a.stepWeights.length - 1; i++) {
    if (a.stepWeights[i] === canaryWeight) return Math.min(maxStep, a.stepWeights[i + 1]! - canaryWeight);
  }
  return maxStep;
}

/** canary.go GetServiceNames: the apex is spec.service.name, else the target's name. */
export function serviceNames(canary: ApiObject): { apex: string; primary: string; canary: string } {
  const spec = record(canary.spec);
  const apex = str(record(spec?.service)?.name) ?? str(record(spec?.targetRef)?.name) ?? canary.metadata?.name ?? '';
  return { apex, primary: `${apex}-primary`, canary: `${apex}-canary` };
}

/** pkg/canary/status.go MakeStatusConditions: the Promoted condition of a phase, or undefined when it is unchanged. */
export function promotedCondition(previous: readonly CanaryCondition[] | undefined, phase: CanaryPhase, targetKind: string, now: number): CanaryCondition[] | undefined {
  const messages: Partial<Record<CanaryPhase, [CanaryCondition['status'], string]>> = {
    Initializing: ['Unknown', `New ${targetKind} detected, starting initialization.`],
    Initialized: ['True', `${targetKind} initialization completed.`],
    Waiting: ['Unknown', 'Waiting for approval.'],
    WaitingPromotion: ['Unknown', 'Waiting for approval.'],
    Progressing: ['Unknown', 'New revision detected, progressing canary analysis.'],
    Promoting: ['Unknown', 'Canary analysis completed, starting primary rolling update.'],
    Finalising: ['Unknown', 'Canary analysis completed, routing all traffic to primary.'],
    Succeeded: ['True', 'Canary analysis completed successfully, promotion finished.'],
    Failed: ['False', `Canary analysis failed, ${targetKind} scaled to zero.`],
  };
  const [status, message] = messages[phase] ?? ['Unknown', `New ${targetKind} detected, starting initialization.`];
  const current = previous?.find((c) => c.type === 'Promoted');
  if (current && current.status === status && current.reason === phase) return undefined;
  const time = metaTime(now);
  return [{
    type: 'Promoted',
    status,
    lastUpdateTime: time,
    lastTransitionTime: current && current.status === status ? current.lastTransitionTime : time,
    reason: phase,
    message,
  }];
}

export interface CheckResult {
  ok: boolean;
  /** The event Flagger records when a check halts advancement. */
  message?: string;
}

export interface CanaryRunInput {
  canary: ApiObject;
  /** The status as the API server has it (undefined for a new Canary). */
  status: CanaryStatus | undefined;
  analysis: CanaryAnalysis;
  targetKind: string;
  /** The target's current revision (Flagger hashes the pod template into status.lastAppliedSpec). */
  targetRevision: string;
  /** The split's weights now (router GetRoutes). */
  routes: { primary: number; canary: number };
  /** The analysis of this run (metric checks); only called when Flagger runs it. */
  check: () => CheckResult;
  now: number;
}

export type CanaryAction = 'scaleToZero' | 'scaleFromZero' | 'promote';

export interface CanaryRun {
  /** The status after the run (the same object when nothing changed). */
  status: CanaryStatus;
  /** New split weights, when the run set routes. */
  routes?: { primary: number; canary: number };
  /** What the run did to the workloads: scale the target, copy its template to the primary. */
  actions: CanaryAction[];
  /** The events Flagger records (for the log). */
  events: string[];
}

/** The status of a Canary as read from the API server (missing numbers are 0, as Go decodes them). */
export function readCanaryStatus(v: unknown): CanaryStatus | undefined {
  const r = record(v);
  if (!r) return undefined;
  const conditions = list(r.conditions).flatMap((c): CanaryCondition[] => {
    const x = record(c);
    if (!x || x.type !== 'Promoted') return [];
    const status = x.status === 'True' || x.status === 'False' ? x.status : 'Unknown';
    return [{ type: 'Promoted', status, lastUpdateTime: str(x.lastUpdateTime) ?? '', lastTransitionTime: str(x.lastTransitionTime) ?? '', reason: str(x.reason) ?? '', message: str(x.message) ?? '' }];
  });
  const out: CanaryStatus = {
    phase: (str(r.phase) ?? '') as CanaryStatus['phase'],
    failedChecks: int(r.failedChecks) ?? 0,
    canaryWeight: int(r.canaryWeight) ?? 0,
    iterations: int(r.iterations) ?? 0,
  };
  if (str(r.lastAppliedSpec)) out.lastAppliedSpec = str(r.lastAppliedSpec)!;
  if (str(r.lastPromotedSpec)) out.lastPromotedSpec = str(r.lastPromotedSpec)!;
  if (str(r.lastTransitionTime)) out.lastTransitionTime = str(r.lastTransitionTime)!;
  if (conditions.length > 0) out.conditions = conditions;
  return out;
}

/**
 * What setPhaseInitializing writes when the controller first sees a Canary (pkg/controller/scheduler.go): phase
 * Initializing and its condition. Undefined when the Canary already has a phase.
 */
export function initializingStatus(status: CanaryStatus | undefined, targetKind: string, now: number): CanaryStatus | undefined {
  if (status && status.phase !== '') return undefined;
  const base: CanaryStatus = status ?? { phase: '', failedChecks: 0, canaryWeight: 0, iterations: 0 };
  const conditions = promotedCondition(base.conditions, 'Initializing', targetKind, now) ?? base.conditions;
  return { ...base, phase: 'Initializing', lastTransitionTime: metaTime(now), ...(conditions ? { conditions } : {}) };
}

/**
 * One run of Flagger's job for a Canary (advanceCanary), from the status the API server has. Every run does at most
 * one step, as Flagger's: initialise, start on a new revision, advance the weight (or iteration) by one step after a
 * passing analysis, count a failed check, promote, route everything back to the primary, finish; or roll back once
 * the failed checks reach the threshold.
 */
export function runCanary(input: CanaryRunInput): CanaryRun {
  const { canary, analysis, targetKind, targetRevision, now } = input;
  const name = `${canary.metadata?.name ?? ''}.${canary.metadata?.namespace ?? ''}`;
  const target = `${str(record(record(canary.spec)?.targetRef)?.name) ?? ''}.${canary.metadata?.namespace ?? ''}`;
  const time = metaTime(now);
  const status: CanaryStatus = input.status ?? { phase: '', failedChecks: 0, canaryWeight: 0, iterations: 0 };
  const events: string[] = [];
  const actions: CanaryAction[] = [];
  const done = (next: CanaryStatus, routes?: { primary: number; canary: number }): CanaryRun => ({ status: next, ...(routes ? { routes } : {}), actions, events });

  // SyncStatus: the four counters, the revision, the time, and the condition when it changes (pkg/canary/status.go syncCanaryStatus).
  const sync = (phase: CanaryPhase, counters: Partial<Pick<CanaryStatus, 'canaryWeight' | 'failedChecks' | 'iterations'>> = {}): CanaryStatus => {
    const conditions = promotedCondition(status.conditions, phase, targetKind, now) ?? status.conditions;
    return {
      ...status,
      phase,
      canaryWeight: counters.canaryWeight ?? 0,
      failedChecks: counters.failedChecks ?? 0,
      iterations: counters.iterations ?? 0,
      lastAppliedSpec: targetRevision,
      ...(phase === 'Initialized' ? { lastPromotedSpec: targetRevision } : {}),
      lastTransitionTime: time,
      ...(conditions ? { conditions } : {}),
    };
  };
  // setStatusPhase: phases other than Progressing, Waiting and Promoting reset the weight and the iterations.
  const setPhase = (phase: CanaryPhase): CanaryStatus => {
    const keep = phase === 'Progressing' || phase === 'Waiting' || phase === 'Promoting';
    const conditions = promotedCondition(status.conditions, phase, targetKind, now) ?? status.conditions;
    return {
      ...status,
      phase,
      ...(keep ? {} : { canaryWeight: 0, iterations: phase === 'WaitingPromotion' ? analysis.iterations - 1 : 0 }),
      ...(phase === 'Initialized' || phase === 'Succeeded' ? (status.lastAppliedSpec ? { lastPromotedSpec: status.lastAppliedSpec } : {}) : {}),
      lastTransitionTime: time,
      ...(conditions ? { conditions } : {}),
    };
  };
  const allToPrimary = { primary: TOTAL_WEIGHT, canary: 0 };

  // Initialisation: the generated objects are reconciled by the caller on every run; the first one scales the target
  // to zero and marks the Canary Initialized (setPhaseInitialized).
  if (status.phase === '' || status.phase === 'Initializing') {
    actions.push('scaleToZero');
    events.push(`Initialization done! ${name}`);
    return done(sync('Initialized'));
  }

  // shouldAdvance: a run in a resting phase only starts when the target changed.
  const active = ['Progressing', 'Waiting', 'WaitingPromotion', 'Promoting', 'Finalising'].includes(status.phase);
  if (!active) {
    if (status.lastAppliedSpec === targetRevision) return done(status);
    // checkCanaryStatus: a new revision scales the target up and starts the analysis.
    actions.push('scaleFromZero');
    events.push(`New revision detected! Scaling up ${target}`);
    return done(sync('Progressing'));
  }

  // hasCanaryRevisionChanged: a new revision during the analysis restarts it.
  if ((status.phase === 'Progressing' || status.phase === 'WaitingPromotion') && status.lastAppliedSpec !== targetRevision) {
    events.push(`New revision detected! Restarting analysis for ${target}`);
    return done(sync('Progressing'), allToPrimary);
  }

  if (status.phase === 'Promoting') {
    // runPromotionTrafficShift
    if (analysis.stepWeightPromotion === 0) {
      events.push('Routing all traffic to primary');
      return done(setPhase('Finalising'), allToPrimary);
    }
    if (input.routes.canary > 0) {
      const primary = Math.min(TOTAL_WEIGHT, input.routes.primary + analysis.stepWeightPromotion);
      const canaryWeight = Math.max(0, input.routes.canary - analysis.stepWeightPromotion);
      events.push(`Advance ${name} primary weight ${primary}`);
      const next = primary === TOTAL_WEIGHT ? setPhase('Finalising') : { ...status, canaryWeight, lastTransitionTime: time };
      return done(next, { primary, canary: canaryWeight });
    }
    return done(status);
  }

  if (status.phase === 'Finalising') {
    actions.push('scaleToZero');
    events.push(`Promotion completed! Scaling down ${target}`);
    return done(setPhase('Succeeded'));
  }

  // The failed checks reached the threshold: roll back (rollback: all traffic to the primary, phase Failed).
  if ((status.phase === 'Progressing' || status.phase === 'WaitingPromotion') && status.failedChecks >= analysis.threshold) {
    events.push(`Rolling back ${name} failed checks threshold reached ${status.failedChecks}`, `Canary failed! Scaling down ${name}`);
    actions.push('scaleToZero');
    return done(sync('Failed'), allToPrimary);
  }

  // The analysis: none before the first step (the pre-rollout hooks run instead).
  if (input.routes.canary === 0 && status.iterations === 0) {
    events.push(`Starting canary analysis for ${target}`);
  } else {
    const result = input.check();
    if (!result.ok) {
      if (result.message) events.push(result.message);
      return done({ ...status, failedChecks: status.failedChecks + 1, lastTransitionTime: time });
    }
  }

  if (analysis.strategy !== 'canary') return done(...iterationStep(input, status, setPhase, events, actions, name));

  // runCanary
  const maxWeight = maxWeightOf(analysis);
  const step = nextStepWeight(analysis, input.routes.canary);
  if (step <= 0) return done(status);
  if (input.routes.canary < maxWeight) {
    const canaryWeight = Math.min(TOTAL_WEIGHT, input.routes.canary + step);
    const primary = Math.max(0, input.routes.primary - step);
    events.push(`Advance ${name} canary weight ${canaryWeight}`);
    return done({ ...status, canaryWeight, lastTransitionTime: time }, { primary, canary: canaryWeight });
  }
  actions.push('promote');
  events.push(`Copying ${target} template spec to ${primaryOf(target)}`);
  return done(setPhase('Promoting'));
}

/** `voting.emojivoto` → `voting-primary.emojivoto`. */
function primaryOf(target: string): string {
  const dot = target.indexOf('.');
  return `${target.slice(0, dot)}-primary${target.slice(dot)}`;
}

/** runBlueGreen and runAB: one iteration per run, all traffic to the canary (A/B: its matches) at the end, then promotion. */
function iterationStep(
  input: CanaryRunInput, status: CanaryStatus, setPhase: (p: CanaryPhase) => CanaryStatus, events: string[], actions: CanaryAction[], name: string,
): [CanaryStatus, { primary: number; canary: number }?] {
  const { analysis, now } = input;
  const time = metaTime(now);
  const target = `${str(record(record(input.canary.spec)?.targetRef)?.name) ?? ''}.${input.canary.metadata?.namespace ?? ''}`;
  const allToCanary = { primary: 0, canary: TOTAL_WEIGHT };
  if (analysis.iterations > status.iterations) {
    events.push(`Advance ${name} canary iteration ${status.iterations + 1}/${analysis.iterations}`);
    const next = { ...status, iterations: status.iterations + 1, lastTransitionTime: time };
    return analysis.strategy === 'ab-testing' ? [next, allToCanary] : [next];
  }
  if (analysis.strategy === 'blue-green' && analysis.iterations === status.iterations) {
    events.push('Routing all traffic to canary');
    return [{ ...status, iterations: status.iterations + 1, lastTransitionTime: time }, allToCanary];
  }
  actions.push('promote');
  events.push(`Copying ${target} template spec to ${primaryOf(target)}`);
  return [setPhase('Promoting')];
}

// ---------------------------------------------------------------------------------------------------------------
// The objects Flagger generates for a Deployment target

/** The `-selector-labels` default (cmd/flagger/main.go): the first of these in the target's matchLabels. */
export const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
const TOOLKIT_MARKER = 'toolkit.fluxcd.io'; // pkg/canary/util.go

/** getSelectorLabel: the selector label and its value, or undefined (Flagger then refuses the target). */
export function selectorLabel(target: ApiObject): { label: string; value: string } | undefined {
  const match = stringMap(record(record(target.spec)?.selector)?.matchLabels);
  for (const label of SELECTOR_LABELS) if (match[label] !== undefined) return { label, value: match[label] };
  return undefined;
}

function withoutToolkit(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => !k.includes(TOOLKIT_MARKER)));
}

/** makePrimaryLabels: the labels with the selector label's value replaced. */
function primaryLabels(labels: Record<string, string>, label: string, value: string): Record<string, string> {
  return { ...withoutToolkit(labels), [label]: value };
}

function ownerRefs(canary: ApiObject): ApiObject['metadata'] {
  return { ownerReferences: [controllerRef(canary, CANARY_API_VERSION, 'Canary')] };
}

/**
 * createPrimaryDeployment: `<target>-primary`, selecting `<label>: <value>-primary`, with the target's pod spec, owned by
 * the Canary. Labels copied by prefix: none by default (`-include-label-prefix` is empty). `flaggerId` stands for the
 * random `flagger-id` annotation makeAnnotations adds to the pod template.
 */
export function primaryDeployment(canary: ApiObject, target: ApiObject, flaggerId: string): JsonObject | undefined {
  const sel = selectorLabel(target);
  const spec = record(target.spec);
  const template = record(spec?.template);
  if (!sel || !spec || !template) return undefined;
  const primaryValue = `${sel.value}-primary`;
  const replicas = int(spec.replicas) !== undefined && int(spec.replicas)! > 0 ? int(spec.replicas)! : 1;
  const copied = Object.fromEntries(['progressDeadlineSeconds', 'minReadySeconds', 'revisionHistoryLimit', 'strategy'].filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]));
  return JSON.parse(JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${str(target.metadata?.name) ?? ''}-primary`,
      namespace: canary.metadata?.namespace,
      labels: primaryLabels({}, sel.label, primaryValue),
      annotations: withoutToolkit(target.metadata?.annotations ?? {}),
      ...ownerRefs(canary),
    },
    spec: {
      ...copied,
      replicas,
      selector: { matchLabels: { [sel.label]: primaryValue } },
      template: primaryTemplate(template, sel.label, primaryValue, flaggerId),
    },
  })) as JsonObject;
}

/** The primary's pod template from the target's (createPrimaryDeployment and Promote). */
export function primaryTemplate(template: Record<string, unknown>, label: string, primaryValue: string, flaggerId: string): JsonObject {
  const meta = record(template.metadata);
  return JSON.parse(JSON.stringify({
    metadata: {
      labels: primaryLabels(stringMap(meta?.labels), label, primaryValue),
      annotations: { ...withoutToolkit(stringMap(meta?.annotations)), 'flagger-id': flaggerId },
    },
    spec: template.spec ?? {},
  })) as JsonObject;
}

/**
 * reconcileService: a ClusterIP Service `name` selecting `<label>: podSelector`, with the Canary's port (port name
 * `http` unless service.portName), owned by the Canary.
 */
export function generatedService(canary: ApiObject, name: string, label: string, podSelector: string): JsonObject {
  const service = record(record(canary.spec)?.service) ?? {};
  const port = int(service.port) ?? 0;
  const targetPort = service.targetPort !== undefined && service.targetPort !== 0 && service.targetPort !== '0' ? service.targetPort : port;
  const appProtocol = str(service.appProtocol);
  return JSON.parse(JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: canary.metadata?.namespace, labels: { [label]: name }, ...ownerRefs(canary) },
    spec: {
      type: 'ClusterIP',
      selector: { [label]: podSelector },
      ports: [{ name: str(service.portName) ?? 'http', protocol: 'TCP', port, targetPort, ...(appProtocol ? { appProtocol } : {}) }],
    },
  })) as JsonObject;
}

/** The three Services Flagger generates: canary (target pods), primary and apex (primary pods). */
export function generatedServices(canary: ApiObject, target: ApiObject): JsonObject[] {
  const sel = selectorLabel(target);
  if (!sel) return [];
  const names = serviceNames(canary);
  return [
    generatedService(canary, names.canary, sel.label, sel.value),
    generatedService(canary, names.primary, sel.label, `${sel.value}-primary`),
    generatedService(canary, names.apex, sel.label, `${sel.value}-primary`),
  ];
}

/**
 * SmiRouter.Reconcile (the `linkerd` provider): TrafficSplit `<apex>` (split.smi-spec.io/v1alpha1) for the apex, or
 * service.hosts[0], with the canary backend first, weights as quantities (a Quantity marshals to a JSON string:
 * kubernetes/apimachinery pkg/api/resource/quantity.go MarshalJSON).
 */
export function generatedTrafficSplit(canary: ApiObject, routes: { primary: number; canary: number } = { primary: TOTAL_WEIGHT, canary: 0 }): JsonObject {
  const names = serviceNames(canary);
  const hosts = list(record(record(canary.spec)?.service)?.hosts);
  const host = str(hosts[0]) ?? names.apex;
  return JSON.parse(JSON.stringify({
    apiVersion: 'split.smi-spec.io/v1alpha1',
    kind: 'TrafficSplit',
    metadata: { name: names.apex, namespace: canary.metadata?.namespace, ...ownerRefs(canary) },
    spec: { service: host, backends: trafficSplitBackends(canary, routes) },
  })) as JsonObject;
}

/** SetRoutes: the backends with the new weights. */
export function trafficSplitBackends(canary: ApiObject, routes: { primary: number; canary: number }): JsonObject[] {
  const names = serviceNames(canary);
  return [{ service: names.canary, weight: String(routes.canary) }, { service: names.primary, weight: String(routes.primary) }];
}

/** The providers whose split this stand-in moves: Linkerd's SMI TrafficSplit (pkg/router/factory.go). */
export function usesTrafficSplit(provider: string): boolean {
  return provider === 'linkerd' || provider.startsWith('smi:v1alpha1');
}
