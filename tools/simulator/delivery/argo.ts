/**
 * Argo Rollouts, as far as the simulator stands in for it: one reconcile of a Rollout with the canary strategy
 * (argoproj/argo-rollouts v1.9.1 rollout/canary.go syncRolloutStatusCanary, rollout/pause.go, rollout/sync.go
 * calculateRolloutConditions, checkPausedConditions, promoteStable, rollout/trafficrouting.go reconcileTrafficRouting,
 * utils/rollout/rolloututil.go CalculateRolloutPhase) as a pure function of the Rollout's live status, and the
 * TrafficSplit its SMI reconciler creates (rollout/trafficrouting/smi/smi.go). No I/O here: ./standIn.ts reads and
 * writes the API server.
 *
 * The status is read back from the API server on every reconcile, so what `kubectl argo rollouts promote / abort /
 * retry / promote --full` writes (pkg/kubectl-argo-rollouts/cmd: pauseConditions cleared, abort, promoteFull) is what
 * the next reconcile goes on from. Not simulated: ReplicaSets and pods (replica counts are as if every pod were
 * ready), AnalysisRuns and Experiments (an analysis or experiment step passes), blue-green, header and mirror routes.
 */
import { at, canonicalJson, controllerRef, int, list, metaTime, parseMetaTime, record, safeHash, str, type ApiObject, type JsonObject } from './objects';

export const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';
export const ROLLOUT_GROUP = 'argoproj.io';

/**
 * The field manager of the Argo Rollouts controller's writes: client-go's default user agent starts with the binary's
 * name (`/bin/rollouts-controller`, argoproj/argo-rollouts v1.9.1 Dockerfile ENTRYPOINT; k8s.io/client-go
 * rest.DefaultKubernetesUserAgent), and a write without `fieldManager` is recorded under that prefix
 * (k8s.io/apiserver endpoints/handlers managerOrUserAgent).
 */
export const ARGO_FIELD_MANAGER = 'rollouts-controller';

/** The revision annotation the controller keeps on a Rollout (utils/annotations/annotations.go RevisionAnnotation). */
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
/** pkg/apis/rollouts/v1alpha1/types.go DefaultRolloutUniqueLabelKey and ManagedByRolloutsKey. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const MANAGED_BY_ROLLOUTS = 'argo-rollouts.argoproj.io/managed-by-rollouts';

export type RolloutStep =
  | { kind: 'setWeight'; weight: number }
  | { kind: 'pause'; durationMs?: number; text: string }
  | { kind: 'other'; text: string };

/** What the reconcile reads of a Rollout's spec (canary strategy only). */
export interface RolloutSpecView {
  replicas: number;
  paused: boolean;
  steps: RolloutStep[];
  canaryService?: string;
  stableService?: string;
  /** trafficRouting.smi, when set. */
  smi?: { rootService?: string; trafficSplitName?: string };
  /** Whether any trafficRouting is set (weights are recorded in status.canary.weights only then). */
  trafficRouting: boolean;
  selector: string;
}

/** RolloutPause.DurationSeconds (types.go): an int, or a string of seconds or a Go duration. -1 when unreadable. */
export function pauseSeconds(duration: unknown): number | undefined {
  if (duration === undefined || duration === null) return undefined;
  if (typeof duration === 'number') return Math.trunc(duration);
  if (typeof duration !== 'string') return -1;
  if (/^[+-]?\d+$/.test(duration.trim())) return Number(duration.trim());
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(duration)) !== null) {
    total += Number(m[1]) * unit[m[2]!]!;
    end = re.lastIndex;
  }
  return end > 0 && end === duration.length ? Math.trunc(total) : -1;
}

/** CanaryStepString (utils/rollout/rolloututil.go), for events. */
function stepText(step: Record<string, unknown>): string {
  if (typeof step.setWeight === 'number') return `setWeight: ${step.setWeight}`;
  if (record(step.pause)) {
    const d = record(step.pause)!.duration;
    const seconds = pauseSeconds(d);
    return seconds === undefined ? 'pause' : `pause: ${seconds >= 0 ? goDurationText(seconds) : String(d)}`;
  }
  for (const k of ['experiment', 'analysis', 'setCanaryScale', 'plugin', 'setHeaderRoute', 'setMirrorRoute']) if (step[k] !== undefined) return k;
  return 'invalid';
}

/** time.Duration.String of whole seconds: 10s, 1m0s, 1h0m0s. */
function goDurationText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export function rolloutSpec(rollout: ApiObject): RolloutSpecView | undefined {
  const spec = record(rollout.spec);
  const canary = record(record(spec?.strategy)?.canary);
  if (!spec || !canary) return undefined;
  const steps = list(canary.steps).map((s): RolloutStep => {
    const r = record(s) ?? {};
    if (typeof r.setWeight === 'number') return { kind: 'setWeight', weight: Math.trunc(r.setWeight) };
    const pause = record(r.pause);
    if (pause) {
      const seconds = pauseSeconds(pause.duration);
      return { kind: 'pause', ...(seconds !== undefined ? { durationMs: Math.max(0, seconds) * 1000 } : {}), text: stepText(r) };
    }
    return { kind: 'other', text: stepText(r) };
  });
  const tr = record(canary.trafficRouting);
  const smi = record(tr?.smi);
  const matchLabels = record(record(spec.selector)?.matchLabels) ?? {};
  return {
    replicas: int(spec.replicas) ?? 1, // defaults.GetReplicasOrDefault
    paused: spec.paused === true,
    steps,
    ...(str(canary.canaryService) ? { canaryService: str(canary.canaryService)! } : {}),
    ...(str(canary.stableService) ? { stableService: str(canary.stableService)! } : {}),
    ...(smi ? { smi: { ...(str(smi.rootService) ? { rootService: str(smi.rootService)! } : {}), ...(str(smi.trafficSplitName) ? { trafficSplitName: str(smi.trafficSplitName)! } : {}) } } : {}),
    trafficRouting: tr !== undefined,
    // metav1.FormatLabelSelector of matchLabels: key=value joined by commas, keys sorted.
    selector: Object.keys(matchLabels).sort().map((k) => `${k}=${String(matchLabels[k])}`).join(','),
  };
}

/** The hash of the pod template, standing in for the ReplicaSet's pod-template-hash (see objects.ts safeHash). */
export function podTemplateHash(rollout: ApiObject): string {
  return safeHash(record(rollout.spec)?.template ?? {});
}

/** conditions.ComputeStepHash stands in: a hash of the steps, to see them change. */
export function stepHash(rollout: ApiObject): string {
  return safeHash(at(rollout.spec, 'strategy/canary/steps') ?? [], 8);
}

export interface RolloutCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PauseCondition {
  reason: string;
  startTime: string;
}

export interface WeightDestination {
  weight: number;
  serviceName?: string;
  podTemplateHash?: string;
}

/** pkg/apis/rollouts/v1alpha1/types.go RolloutStatus: the fields the canary strategy writes (omitempty ones left out when empty). */
export interface RolloutStatus {
  abort?: boolean;
  pauseConditions?: PauseCondition[];
  controllerPause?: boolean;
  abortedAt?: string;
  currentPodHash?: string;
  currentStepHash?: string;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  currentStepIndex?: number;
  observedGeneration?: string;
  conditions?: RolloutCondition[];
  canary: { weights?: { canary: WeightDestination; stable: WeightDestination } };
  blueGreen: Record<string, never>;
  HPAReplicas?: number;
  selector?: string;
  stableRS?: string;
  promoteFull?: boolean;
  phase?: string;
  message?: string;
}

/** The status as read from the API server. */
export function readRolloutStatus(v: unknown): RolloutStatus {
  const r = record(v) ?? {};
  const weights = record(at(r, 'canary/weights'));
  const dest = (x: unknown): WeightDestination => {
    const d = record(x) ?? {};
    return { weight: int(d.weight) ?? 0, ...(str(d.serviceName) ? { serviceName: str(d.serviceName)! } : {}), ...(str(d.podTemplateHash) ? { podTemplateHash: str(d.podTemplateHash)! } : {}) };
  };
  const out: RolloutStatus = { canary: {}, blueGreen: {} };
  if (r.abort === true) out.abort = true;
  const pauses = list(r.pauseConditions).flatMap((p): PauseCondition[] => {
    const x = record(p);
    return x && str(x.reason) ? [{ reason: str(x.reason)!, startTime: str(x.startTime) ?? '' }] : [];
  });
  if (pauses.length > 0) out.pauseConditions = pauses;
  if (r.controllerPause === true) out.controllerPause = true;
  if (str(r.abortedAt)) out.abortedAt = str(r.abortedAt)!;
  if (str(r.currentPodHash)) out.currentPodHash = str(r.currentPodHash)!;
  if (str(r.currentStepHash)) out.currentStepHash = str(r.currentStepHash)!;
  if (int(r.currentStepIndex) !== undefined) out.currentStepIndex = int(r.currentStepIndex)!;
  const conditions = list(r.conditions).flatMap((c): RolloutCondition[] => {
    const x = record(c);
    if (!x || !str(x.type)) return [];
    const status = x.status === 'True' || x.status === 'False' ? x.status : 'Unknown';
    return [{ type: str(x.type)!, status, lastUpdateTime: str(x.lastUpdateTime) ?? '', lastTransitionTime: str(x.lastTransitionTime) ?? '', reason: str(x.reason) ?? '', message: str(x.message) ?? '' }];
  });
  if (conditions.length > 0) out.conditions = conditions;
  if (weights) out.canary.weights = { canary: dest(weights.canary), stable: dest(weights.stable) };
  if (str(r.stableRS)) out.stableRS = str(r.stableRS)!;
  if (r.promoteFull === true) out.promoteFull = true;
  if (str(r.phase)) out.phase = str(r.phase)!;
  if (str(r.message)) out.message = str(r.message)!;
  return out;
}

export interface RolloutRunInput {
  rollout: ApiObject;
  spec: RolloutSpecView;
  /** The current pod template's hash. */
  podHash: string;
  /** The revision annotation now (0 when there is none). */
  revision: number;
  /** The current step's canary pods are ready (the stand-in waits a moment after a step starts, as pods would). */
  canaryReady: boolean;
  now: number;
}

export interface RolloutRun {
  status: RolloutStatus;
  /** The canary's share to set on the split (undefined without traffic routing). */
  weight?: number;
  /** The revision annotation the Rollout should carry. */
  revision: number;
  /** The pod-template-hash the canary and stable Services should select (rollout/service.go ensureSVCTargets). */
  selectors: { canary?: string; stable?: string };
  events: string[];
}

/** conditions.SetRolloutCondition: replaces the condition of the type, keeping lastTransitionTime when the status is unchanged. */
function setCondition(list_: RolloutCondition[], type: string, status: RolloutCondition['status'], reason: string, message: string, now: number): void {
  const i = list_.findIndex((c) => c.type === type);
  const time = metaTime(now);
  const prev = i >= 0 ? list_[i] : undefined;
  if (prev && prev.status === status && prev.reason === reason && prev.message === message) return;
  const next: RolloutCondition = { type, status, lastUpdateTime: time, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : time, reason, message };
  if (i >= 0) list_[i] = next;
  else list_.push(next);
}

/** One reconcile of a canary Rollout, from the status the API server has now. */
export function runRollout(input: RolloutRunInput): RolloutRun {
  const { rollout, spec, podHash, now } = input;
  const prev = readRolloutStatus(rollout.status);
  const name = rollout.metadata?.name ?? '';
  const stepCount = spec.steps.length;
  const events: string[] = [];
  let revision = input.revision;
  const rsName = (hash: string) => `${name}-${hash}`;

  const status: RolloutStatus = { canary: {}, blueGreen: {} };
  status.currentPodHash = podHash;
  status.currentStepHash = stepHash(rollout);
  const conditions: RolloutCondition[] = (prev.conditions ?? []).map((c) => ({ ...c }));
  let stableRS = prev.stableRS;
  let index: number | undefined = prev.currentStepIndex ?? (stepCount > 0 ? 0 : undefined);
  let abort = prev.abort === true;
  let promoteFull = prev.promoteFull === true && podHash !== stableRS;
  let pauseConditions = prev.pauseConditions ?? [];
  let controllerPause = prev.controllerPause === true;
  let clearPauses = false;
  let abortedAt = prev.abortedAt;
  /** The step index moved in this reconcile: the new step's canary pods are not ready yet. */
  let moved = false;

  const templateChanged = prev.currentPodHash !== podHash || (prev.currentStepHash !== undefined && prev.currentStepHash !== status.currentStepHash);
  if (stableRS === undefined) {
    // shouldFullPromote "Initial deploy": the first ReplicaSet becomes stable at once, without steps.
    stableRS = podHash;
    revision = Math.max(1, revision);
    index = stepCount > 0 ? stepCount : undefined;
    clearPauses = true;
    abort = false;
    events.push(`Rollout completed update to revision ${revision} (${podHash}): Initial deploy`);
  } else if (templateChanged) {
    // PodTemplateOrStepsChanged: resetRolloutStatus, and back to the stable ReplicaSet skips the steps.
    if (prev.currentPodHash !== podHash) {
      revision += 1;
      events.push(`Created ReplicaSet ${rsName(podHash)} (revision ${revision})`);
    }
    clearPauses = true;
    abort = false;
    promoteFull = false;
    index = stepCount > 0 ? (podHash === stableRS ? stepCount : 0) : undefined;
  } else {
    if (promoteFull) {
      clearPauses = true;
      abort = false;
      if (stepCount > 0) index = stepCount;
    }
    const completedAll = stepCount === 0 || index === stepCount;
    // After the last step the canary first gets all the traffic (reconcileTrafficRouting runs before the status sync);
    // the reconcile after that makes it stable.
    const atFullWeight = stepCount === 0 || !spec.trafficRouting || prev.canary.weights?.canary.weight === 100;
    if (!abort && podHash !== stableRS && input.canaryReady && (promoteFull || (completedAll && atFullWeight))) {
      // promoteStable: the canary becomes stable.
      events.push(`Rollout completed update to revision ${revision} (${podHash}): ${promoteFull ? 'Full promotion requested' : `Completed all ${stepCount} canary steps`}`);
      stableRS = podHash;
      promoteFull = false;
      clearPauses = true;
      index = stepCount > 0 ? stepCount : undefined;
    } else if (abort) {
      // An aborted Rollout goes back to the first step (the stable ReplicaSet gets all traffic).
      if (stepCount > 0) index = stableRS === podHash ? stepCount : 0;
      clearPauses = true;
    } else if (index !== undefined && index < stepCount && !spec.paused) {
      const step = spec.steps[index]!;
      let completed = false;
      if (step.kind === 'pause') {
        // CompletedCanaryPauseStep: a cleared pause condition (promote) or an expired duration ends the pause.
        const cond = pauseConditions.find((c) => c.reason === 'CanaryPauseStep');
        if (controllerPause && !cond) completed = true;
        else if (step.durationMs !== undefined && cond && now > (parseMetaTime(cond.startTime) ?? now) + step.durationMs) completed = true;
        else if (!cond) {
          // reconcileCanaryPause adds the pause condition (CalculatePauseConditions).
          pauseConditions = [...pauseConditions, { reason: 'CanaryPauseStep', startTime: metaTime(now) }];
          controllerPause = true;
          events.push(`Rollout is paused (CanaryPauseStep)`);
        }
      } else {
        completed = input.canaryReady;
      }
      if (completed) {
        index += 1;
        moved = true;
        pauseConditions = pauseConditions.filter((c) => c.reason !== 'CanaryPauseStep');
        events.push(`Rollout step ${index}/${stepCount} completed (${step.kind === 'setWeight' ? `setWeight: ${step.weight}` : step.text})`);
      }
    }
  }

  // CalculatePauseStatus: abort wins; otherwise the remaining pause conditions, controllerPause only with them.
  if (abort) {
    status.abort = true;
    abortedAt = abortedAt ?? metaTime(now);
    status.abortedAt = abortedAt;
  } else if (!clearPauses && pauseConditions.length > 0) {
    status.pauseConditions = pauseConditions;
    status.controllerPause = controllerPause;
  }
  if (promoteFull) status.promoteFull = true;
  if (index !== undefined) status.currentStepIndex = index;
  status.stableRS = stableRS;

  // reconcileTrafficRouting: the canary's weight.
  const promoted = stableRS === podHash;
  let weight = 0;
  if (abort || promoted) weight = 0;
  else if (promoteFull) weight = prev.canary.weights?.canary.weight ?? 0;
  else if (index !== undefined) {
    // GetCurrentSetWeight (all of it after the last step), or the previous setWeight while the current step's canary
    // pods are not ready yet.
    const ready = input.canaryReady && !moved;
    if (index >= stepCount && ready) weight = 100;
    else {
      for (let i = Math.min(ready ? index : index - 1, stepCount - 1); i >= 0; i--) {
        const s = spec.steps[i]!;
        if (s.kind === 'setWeight') {
          weight = s.weight;
          break;
        }
      }
    }
  }
  if (spec.trafficRouting) {
    status.canary.weights = {
      canary: { weight, ...(spec.canaryService ? { serviceName: spec.canaryService } : {}), podTemplateHash: podHash },
      stable: { weight: 100 - weight, ...(spec.stableService ? { serviceName: spec.stableService } : {}), podTemplateHash: stableRS },
    };
  }

  // Replica counts as if every pod were ready: the stable keeps all replicas under traffic routing; the canary has
  // its share (GetCanaryReplicasOrWeight).
  const canaryReplicas = promoted ? spec.replicas : abort ? 0 : Math.ceil((weight * spec.replicas) / 100);
  const total = promoted ? spec.replicas : spec.replicas + canaryReplicas;
  status.replicas = total;
  status.updatedReplicas = canaryReplicas;
  status.readyReplicas = total;
  status.availableReplicas = total;
  status.HPAReplicas = total;
  status.selector = spec.selector;
  status.observedGeneration = String(rollout.metadata?.generation ?? 1);

  // calculateRolloutConditions and checkPausedConditions.
  const isPaused = !!status.pauseConditions || spec.paused;
  const healthy = promoted && !isPaused && !abort;
  setCondition(conditions, 'Available', 'True', 'AvailableReason', 'Rollout has minimum availability', now);
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (abort) {
    setCondition(conditions, 'Progressing', 'False', 'RolloutAborted', `Rollout aborted update to revision ${revision}`, now);
  } else if (progressing?.reason === 'RolloutAborted') {
    setCondition(conditions, 'Progressing', 'Unknown', 'RolloutRetry', 'Retrying Rollout after abort', now);
  } else if (isPaused && progressing?.reason !== 'RolloutPaused' && !promoted) {
    setCondition(conditions, 'Progressing', 'Unknown', 'RolloutPaused', 'Rollout is paused', now);
  } else if (!isPaused && progressing?.reason === 'RolloutPaused') {
    setCondition(conditions, 'Progressing', 'Unknown', 'RolloutResumed', 'Rollout is resumed', now);
  } else if (healthy) {
    setCondition(conditions, 'Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName(podHash)}" has successfully progressed.`, now);
  } else if (!isPaused) {
    setCondition(conditions, 'Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName(podHash)}" is progressing.`, now);
  }
  const pausedCond = conditions.find((c) => c.type === 'Paused');
  if (!abort && (isPaused || pausedCond)) setCondition(conditions, 'Paused', isPaused ? 'True' : 'False', 'RolloutPaused', 'Rollout is paused', now);
  setCondition(conditions, 'Completed', promoted ? 'True' : 'False', 'RolloutCompleted', 'RolloutCompleted', now);
  setCondition(conditions, 'Healthy', healthy ? 'True' : 'False', 'RolloutHealthy', healthy ? 'Rollout is healthy' : 'Rollout is not healthy', now);
  status.conditions = conditions;

  const [phase, message] = rolloutPhase(spec, status, total);
  status.phase = phase;
  if (message) status.message = message;

  const selectors = spec.trafficRouting
    ? { ...(spec.canaryService ? { canary: abort || promoted ? stableRS : podHash } : {}), ...(spec.stableService ? { stable: stableRS } : {}) }
    : {};
  return { status, ...(spec.trafficRouting ? { weight } : {}), revision, selectors, events };
}

/** CalculateRolloutPhase (utils/rollout/rolloututil.go), for the canary strategy. */
export function rolloutPhase(spec: RolloutSpecView, status: RolloutStatus, _total: number): [string, string] {
  for (const c of status.conditions ?? []) {
    if (c.type === 'InvalidSpec') return ['Degraded', `InvalidSpec: ${c.message}`];
    if (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded') return ['Degraded', `${c.reason}: ${c.message}`];
  }
  if (spec.paused) return ['Paused', 'manually paused'];
  const pause = status.pauseConditions?.[0];
  if (pause) return ['Paused', pause.reason];
  if ((status.updatedReplicas ?? 0) < spec.replicas) return ['Progressing', 'more replicas need to be updated'];
  if ((status.availableReplicas ?? 0) < (status.updatedReplicas ?? 0)) return ['Progressing', 'updated replicas are still becoming available'];
  if (!status.stableRS || status.stableRS !== status.currentPodHash || (status.currentStepIndex !== undefined && status.currentStepIndex < spec.steps.length)) {
    return ['Progressing', 'waiting for all steps to complete'];
  }
  return ['Healthy', ''];
}

/** The revision annotation's value (0 when missing or unreadable). */
export function revisionOf(rollout: ApiObject): number {
  const v = Number(rollout.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/** The name of the TrafficSplit Argo's SMI reconciler manages: trafficSplitName, else the Rollout's name (smi.go SetWeight). */
export function trafficSplitName(rollout: ApiObject, spec: RolloutSpecView): string {
  return spec.smi?.trafficSplitName ?? rollout.metadata?.name ?? '';
}

/**
 * generateTrafficSplits for split.smi-spec.io/v1alpha1 (Argo's default SMI version, utils/defaults): the root Service
 * (rootService, else the stable Service), the canary backend first, weights as quantities, owned by the Rollout
 * (objectMeta: metav1.NewControllerRef with the Rollout's kind).
 */
export function rolloutTrafficSplit(rollout: ApiObject, spec: RolloutSpecView, weight: number): JsonObject {
  return JSON.parse(JSON.stringify({
    apiVersion: 'split.smi-spec.io/v1alpha1',
    kind: 'TrafficSplit',
    metadata: { name: trafficSplitName(rollout, spec), namespace: rollout.metadata?.namespace, ownerReferences: [controllerRef(rollout, ROLLOUT_API_VERSION, 'Rollout')] },
    spec: { service: spec.smi?.rootService ?? spec.stableService, backends: rolloutBackends(spec, weight) },
  })) as JsonObject;
}

/** trafficSplitV1Alpha1 backends: canary at the weight, stable at the rest. */
export function rolloutBackends(spec: RolloutSpecView, weight: number): JsonObject[] {
  return [{ service: spec.canaryService ?? '', weight: String(weight) }, { service: spec.stableService ?? '', weight: String(100 - weight) }];
}

/** Whether two statuses say the same (the write is skipped when they do, as persistRolloutStatus skips an empty patch). */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
