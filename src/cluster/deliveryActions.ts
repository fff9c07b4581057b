import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { DeliveryAction } from '../protocol/messages';
import { CONTROLLER_KINDS } from '../service/model/deliveryKinds';
import { ClusterError, toClusterError, type Operation } from './errors';
import { list, num, rec, str } from './liveDelivery';
import type { ClusterLog } from './log';
import { REQUEST_TIMEOUT_MS, withTimeout, type K8sObject } from './requests';

/**
 * Argo Rollouts' promote, full promote, abort and retry, doing exactly what `kubectl argo rollouts promote [--full]`,
 * `abort` and `retry rollout` do (argoproj/argo-rollouts v1.9.1 pkg/kubectl-argo-rollouts/cmd/promote/promote.go,
 * abort/abort.go, retry/retry.go): the same JSON merge patches, sent to the `status` subresource first and, when that
 * is not found (a CRD without the subresource, Rollouts before v0.10), to the object. Flagger has no such API.
 */

/** The Rollout resource, from the registry. */
const ROLLOUTS = CONTROLLER_KINDS.Rollout.cluster[0]!;

// The plugin's patches, verbatim (promote.go, abort.go, retry.go); `%d` is the step index.
const unpausePatch = '{"spec":{"paused":false}}';
const clearPauseConditionsPatch = '{"status":{"pauseConditions":null}}';
const clearPauseConditionsAndControllerPausePatch = '{"status":{"pauseConditions":null, "controllerPause":false, "currentStepIndex":%d}}';
const unpauseAndClearPauseConditionsPatch = '{"spec":{"paused":false},"status":{"pauseConditions":null}}';
const promoteFullPatch = '{"status":{"promoteFull":true}}';
const clearPauseConditionsPatchWithStep = '{"status":{"pauseConditions":null, "currentStepIndex":%d}}';
const unpauseAndClearPauseConditionsPatchWithStep = '{"spec":{"paused":false},"status":{"pauseConditions":null, "currentStepIndex":%d}}';
const unpauseAndPromoteFullPatch = '{"spec":{"paused":false},"status":{"promoteFull":true}}';
const abortPatch = '{"status":{"abort":true}}';
const retryRolloutPatch = '{"status":{"abort":false}}';

const withStep = (patch: string, index: number) => patch.replace('%d', String(index));

/** promote.go's patches: `spec` for the object, `status` for the subresource, `unified` for the object when there is no subresource. */
interface Patches { spec?: string; status?: string; unified?: string }

/** utils/replicaset/canary.go GetCurrentCanaryStep: the index (0 when unset) for a canary with steps, else none. */
function currentStepIndex(ro: K8sObject): { index: number; steps: number } | undefined {
  const steps = list(rec(rec(rec(ro.spec)?.strategy)?.canary)?.steps).length;
  if (steps === 0) return undefined;
  return { index: num(rec(ro.status)?.currentStepIndex) ?? 0, steps };
}

/** promote.go getPatches, without the deprecated --skip-current-step / --skip-all-steps flags. */
export function promotePatches(ro: K8sObject, full: boolean): Patches {
  const spec = rec(ro.spec) ?? {};
  const status = rec(ro.status) ?? {};
  const paused = spec.paused === true;
  const out: Patches = {};
  if (full) {
    if (paused) out.spec = unpausePatch;
    if (str(status.currentPodHash) !== str(status.stableRS)) out.status = promoteFullPatch;
    out.unified = unpauseAndPromoteFullPatch;
    return out;
  }
  out.unified = unpauseAndClearPauseConditionsPatch;
  if (paused) out.spec = unpausePatch;
  const pauseConditions = list(status.pauseConditions).length;
  const canary = rec(rec(spec.strategy)?.canary);
  // isInconclusive: a canary whose current step analysis is Inconclusive.
  const inconclusive = !!canary && str(rec(rec(status.canary)?.currentStepAnalysisRunStatus)?.status) === 'Inconclusive';
  if (inconclusive && pauseConditions > 0 && status.controllerPause === true) {
    // Unset the controller pause, clear the conditions and step on, else the rollout stays stuck (promote.go).
    const at = currentStepIndex(ro);
    if (at) out.status = withStep(clearPauseConditionsAndControllerPausePatch, at.index < at.steps ? at.index + 1 : at.index);
  } else if (pauseConditions > 0) {
    out.status = clearPauseConditionsPatch;
  } else if (canary) {
    // Clear the pause conditions or step on, never both: this covers promoting in the middle of an analysis step.
    const at = currentStepIndex(ro);
    if (at) {
      const next = at.index < at.steps ? at.index + 1 : at.index;
      out.status = withStep(clearPauseConditionsPatchWithStep, next);
      out.unified = withStep(unpauseAndClearPauseConditionsPatchWithStep, next);
    }
  }
  return out;
}

/** One request sent: the merge patch and where it went. */
export interface SentPatch { target: 'status' | 'object'; patch: string }

export interface DeliveryActionOutcome {
  action: DeliveryAction;
  namespace: string;
  name: string;
  /** The requests sent, in order (none when promote had nothing to change, as the plugin sends none then). */
  sent: SentPatch[];
  /** The Rollout as the last request returned it (or as read, when nothing was sent). */
  rollout: K8sObject;
  /** One line, as the plugin prints it: `rollout 'podinfo' promoted`. */
  message: string;
}

export interface DeliveryActionOptions {
  timeoutMs?: number;
  log?: ClusterLog;
}

const DONE: Record<DeliveryAction, string> = { promote: 'promoted', 'promote-full': 'fully promoted', abort: 'aborted', retry: 'retried' };

/**
 * Runs one of Argo's actions on the Rollout `namespace/name`, as the kubectl plugin does. Throws a ClusterError
 * (403: with the verb and resource to ask for; 404: the Rollout does not exist).
 */
export async function runDeliveryAction(kc: KubeConfig, namespace: string, name: string, action: DeliveryAction, options: DeliveryActionOptions = {}): Promise<DeliveryActionOutcome> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const server = kc.getCurrentCluster()?.server;
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const version = ROLLOUTS.versions[0]!;
  const ref = { group: ROLLOUTS.group, version, namespace, plural: ROLLOUTS.plural, name };
  const sent: SentPatch[] = [];
  const op = (verb: string, subresource?: string): Operation => ({ verb, resource: subresource ? `${ROLLOUTS.plural}/${subresource}` : ROLLOUTS.plural, group: ROLLOUTS.group, namespace, name, server });
  const fail = (e: unknown, o: Operation): ClusterError => refine(toClusterError(e, o), o);

  const patch = async (target: SentPatch['target'], body: string): Promise<K8sObject> => {
    sent.push({ target, patch: body });
    options.log?.info(`Rollout ${namespace}/${name}: ${action}: merge patch on ${target === 'status' ? 'the status subresource' : 'the object'}: ${body}`);
    const opts = withTimeout(timeout, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const parsed = JSON.parse(body) as object;
    return (target === 'status'
      ? await api.patchNamespacedCustomObjectStatus({ ...ref, body: parsed }, opts)
      : await api.patchNamespacedCustomObject({ ...ref, body: parsed }, opts)) as K8sObject;
  };
  /** Status first; on 404 (no status subresource) the object, with `fallback` (promote's unified patch). */
  const statusThenObject = async (status: string, fallback: string): Promise<{ rollout?: K8sObject; toObject?: string }> => {
    try {
      return { rollout: await patch('status', status) };
    } catch (e) {
      const err = fail(e, op('patch', 'status'));
      if (err.status !== 404) throw err;
      options.log?.info(`Rollout ${namespace}/${name}: the status subresource was not found: patching the object`);
      return { toObject: fallback };
    }
  };
  const toObject = async (body: string): Promise<K8sObject> => {
    try {
      return await patch('object', body);
    } catch (e) {
      throw fail(e, op('patch'));
    }
  };

  let rollout: K8sObject;
  if (action === 'abort' || action === 'retry') {
    // abort.go AbortRollout, retry.go RetryRollout: the same patch to the status, then to the object.
    const body = action === 'abort' ? abortPatch : retryRolloutPatch;
    const r = await statusThenObject(body, body);
    rollout = r.rollout ?? await toObject(r.toObject!);
  } else {
    // promote.go PromoteRollout: read the Rollout, compute the patches, status patch first, then the spec patch.
    try {
      rollout = (await api.getNamespacedCustomObject(ref, withTimeout(timeout))) as K8sObject;
    } catch (e) {
      throw fail(e, op('get'));
    }
    const patches = promotePatches(rollout, action === 'promote-full');
    let spec = patches.spec;
    if (patches.status) {
      const r = await statusThenObject(patches.status, patches.unified ?? '');
      if (r.rollout) rollout = r.rollout;
      else spec = r.toObject;
    }
    if (spec) rollout = await toObject(spec);
  }
  const message = `rollout '${name}' ${DONE[action]}`;
  options.log?.info(`Rollout ${namespace}/${name}: ${message}`);
  return { action, namespace, name, sent, rollout, message };
}

/** A refused request names the RBAC rule to ask for: verb, resource (with its subresource) and API group. */
function refine(e: ClusterError, op: Operation): ClusterError {
  if (e.kind === 'forbidden') {
    const verb = e.verb ?? op.verb;
    const resource = e.resource ?? op.resource;
    const where = e.namespace ? ` in namespace "${e.namespace}"` : '';
    const who = e.user ? `user "${e.user}"` : 'this user';
    return e.with({ nextStep: `Ask for "${verb}" on ${resource} (API group ${ROLLOUTS.group})${where}, or choose another context or namespace.` },
      `Forbidden: ${who} cannot ${verb} ${resource} (${ROLLOUTS.group})${where}`);
  }
  if (e.kind === 'not-found') {
    return e.with({ nextStep: 'It was deleted or renamed: choose a Rollout the cluster lists now.' }, `Rollout "${op.name ?? ''}" not found in namespace "${op.namespace ?? ''}"`);
  }
  return e;
}
