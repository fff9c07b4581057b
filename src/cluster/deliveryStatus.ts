import type { ClusterOwnedObject, DeliveryAction, DeliveryKind, DeliveryStatus, SplitObjectRef } from '../protocol/messages';
import { CONTROLLER_KINDS } from '../service/model/deliveryKinds';
import { isSplitKind } from '../service/model/kinds';
import { list, num, objectsNamedBy, rec, str, type Json } from './liveDelivery';
import type { K8sObject } from './requests';

/**
 * The live state of a Canary or Rollout, read from the object the API server returns, in the words the lens, the
 * hover and the panel share. Each delivery kind has a reader in `READERS`.
 */

/** What a reader finds in the object; the rest of DeliveryStatus is common. */
type Reading = Pick<DeliveryStatus, 'phase' | 'weight' | 'step' | 'failedChecks' | 'threshold' | 'message' | 'paused' | 'aborted' | 'actions'> & {
  /** The parts of the one-line brief after the phase. */
  details: string[];
};

const NO_STATUS = 'no status yet: the controller has not seen it';

/**
 * Flagger phases in which the canary takes traffic or waits at a gate (pkg/apis/flagger/v1beta1/status.go: Waiting,
 * Progressing, WaitingPromotion, Promoting, Finalising); in the others (Initializing, Initialized, Succeeded, Failed,
 * Terminating, Terminated) a zero weight and zero failed checks say nothing.
 */
const FLAGGER_ACTIVE = new Set(['Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising']);

/** Flagger: CanaryStatus (fluxcd/flagger v1.44.0 pkg/apis/flagger/v1beta1/status.go). Flagger has no actions. */
function readCanary(o: K8sObject): Reading {
  const status = rec(o.status);
  const spec = rec(o.spec) ?? {};
  // Canary.GetAnalysis (canary.go): spec.analysis, else the older spec.canaryAnalysis.
  const analysis = rec(spec.analysis) ?? rec(spec.canaryAnalysis);
  const phase = str(status?.phase) ?? 'Unknown';
  const weight = num(status?.canaryWeight);
  const failedChecks = num(status?.failedChecks);
  const threshold = num(analysis?.threshold);
  const iterations = num(analysis?.iterations);
  const done = num(status?.iterations);
  // Flagger keeps one condition (type Promoted) whose message follows the phase (pkg/canary/status.go MakeStatusConditions).
  const conditions = list(status?.conditions).map(rec).filter((c): c is Json => !!c);
  const message = str(conditions[conditions.length - 1]?.message) ?? (status ? undefined : NO_STATUS);
  const active = FLAGGER_ACTIVE.has(phase);
  const details: string[] = [];
  if (weight !== undefined && (active || weight > 0)) details.push(`${weight}%`);
  // An iterations analysis (A/B testing, blue/green) counts iterations instead of moving the weight.
  if (iterations && done !== undefined && active) details.push(`iteration ${done}/${iterations}`);
  if (failedChecks !== undefined && (active || failedChecks > 0)) {
    details.push(threshold !== undefined ? `${failedChecks}/${threshold} failed checks` : `${failedChecks} failed check${failedChecks === 1 ? '' : 's'}`);
  }
  return {
    phase,
    ...(weight !== undefined ? { weight } : {}),
    ...(failedChecks !== undefined ? { failedChecks } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(message ? { message } : {}),
    actions: [],
    details,
  };
}

/**
 * The phase and message a client shows (argoproj/argo-rollouts v1.9.1 utils/rollout/rolloututil.go GetRolloutPhase):
 * Progressing while the controller has not observed the spec or is unpausing, else what it wrote in status.
 * A status without a phase is from a controller before 1.0 or none at all.
 */
function rolloutPhase(o: K8sObject, status: Json | undefined): { phase: string; message?: string } {
  if (!status) return { phase: 'Unknown', message: NO_STATUS };
  const observed = str(status.observedGeneration);
  // isGenerationObserved: only a numeric observedGeneration is compared, and one ahead of metadata.generation counts.
  if (observed && /^\d+$/.test(observed) && o.metadata?.generation !== undefined && Number(observed) < o.metadata.generation) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  // IsUnpausing: controllerPause set but the pause conditions cleared (e.g. by promote).
  if (status.controllerPause === true && list(status.pauseConditions).length === 0) return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  const phase = str(status.phase);
  const message = str(status.message);
  return phase ? { phase, ...(message ? { message } : {}) } : { phase: 'Unknown', message: 'no phase in status: Argo Rollouts is older than 1.0' };
}

/**
 * Which of promote, promote --full, abort and retry mean something now, as Argo's dashboard decides
 * (ui/src/app/components/rollout-actions/rollout-actions.tsx: promote, full promote and abort while the rollout is
 * Progressing or Paused; retry when it is Degraded, as an aborted rollout is).
 */
function rolloutActions(phase: string): DeliveryAction[] {
  if (phase === 'Progressing' || phase === 'Paused') return ['promote', 'promote-full', 'abort'];
  if (phase === 'Degraded') return ['retry'];
  return [];
}

/** Argo Rollouts: RolloutStatus (argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1/types.go). */
function readRollout(o: K8sObject): Reading {
  const status = rec(o.status);
  const spec = rec(o.spec) ?? {};
  const canary = rec(rec(spec.strategy)?.canary);
  const { phase, message } = rolloutPhase(o, status);
  const steps = list(canary?.steps).length;
  const index = num(status?.currentStepIndex);
  const weight = num(rec(rec(rec(status?.canary)?.weights)?.canary)?.weight);
  const paused = list(status?.pauseConditions).length > 0 || spec.paused === true;
  const aborted = status?.abort === true;
  const analysis = rec(rec(status?.canary)?.currentStepAnalysisRunStatus);
  const active = phase === 'Progressing' || phase === 'Paused';
  const details: string[] = [];
  if (weight !== undefined && (active || weight > 0)) details.push(`${weight}%`);
  // As `kubectl argo rollouts get` shows it (pkg/kubectl-argo-rollouts/info/rollout_info.go: "Step: index/total",
  // only for a canary with steps and a currentStepIndex): the index counts the steps done.
  const step = canary && steps > 0 && index !== undefined ? { index, total: steps } : undefined;
  if (step) details.push(`step ${step.index}/${step.total}`);
  const analysisPhase = str(analysis?.status);
  if (analysisPhase && analysisPhase !== 'Successful') details.push(`analysis ${analysisPhase}`);
  return {
    phase,
    ...(weight !== undefined ? { weight } : {}),
    ...(step ? { step } : {}),
    ...(message ? { message } : {}),
    paused,
    aborted,
    actions: rolloutActions(phase),
    details,
  };
}

const READERS: { readonly [K in DeliveryKind]: (o: K8sObject) => Reading } = { Canary: readCanary, Rollout: readRollout };

/**
 * The split the delivery moves: one of the cluster's splits it owns (the surest: the controller said so), else the
 * one its spec names (Argo's trafficSplitName or plugin route, Flagger's generated object when `spec.provider` says
 * which).
 */
function splitOf(kind: DeliveryKind, o: K8sObject, namespace: string, owned: readonly ClusterOwnedObject[]): SplitObjectRef | undefined {
  const name = o.metadata?.name;
  const mine = owned.find((x) => isSplitKind(x.kind) && x.owner.kind === kind && x.owner.name === name && x.owner.namespace === namespace);
  if (mine && isSplitKind(mine.kind)) return { namespace: mine.namespace, kind: mine.kind, name: mine.name };
  const named = objectsNamedBy({ kind, object: o }, namespace).find((n) => n.role === 'split' && !n.guess);
  return named && isSplitKind(named.kind) ? { namespace: named.namespace, kind: named.kind, name: named.name } : undefined;
}

/**
 * The live state of a Canary or Rollout. `owned`: the cluster's owned objects of the namespace (`ownedObjects`),
 * to find the split it moves.
 */
export function deliveryStatusOf(kind: DeliveryKind, object: K8sObject, owned: readonly ClusterOwnedObject[] = []): DeliveryStatus {
  const namespace = object.metadata?.namespace ?? '';
  const { details, ...reading } = READERS[kind](object);
  const split = splitOf(kind, object, namespace, owned);
  return {
    kind,
    controller: CONTROLLER_KINDS[kind].controller,
    namespace,
    name: object.metadata?.name ?? '',
    ...reading,
    ...(split ? { split } : {}),
    brief: [reading.phase, ...details].join(' · '),
  };
}
