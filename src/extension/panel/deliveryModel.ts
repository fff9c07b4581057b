import type { Controller, DeliveryAction, DeliveryKind, DeliveryStatus } from '../../protocol/messages';
import type { NoticeAction, PanelNotice, PanelSplit } from './model';
import type { ClusterSnapshot, DeliveryKindState } from './source';

/**
 * The panel's Canaries and Rollouts, as plain data (no `vscode`, no DOM): one card per live delivery of the namespace
 * with its phase, weight, step, failed checks and last message beside the observed shares of the split it moves, the
 * actions its controller offers (Argo Rollouts' promote, full promote, abort, retry) and, where the controller has no
 * such API (Flagger), how its gates work. Also the words the confirmation of an action uses, shared by the panel and
 * the `canaryLens.deliveryAction` command. What differs between controllers comes from the status (its `actions`) and
 * from the tables below, keyed by action and controller.
 */

/** Every action, in the order the buttons show them. */
export const DELIVERY_ACTIONS: readonly DeliveryAction[] = ['promote', 'promote-full', 'abort', 'retry'];

export interface ActionWords {
  /** The button's text. */
  label: string;
  /** The confirmation's first word. */
  verb: string;
  /** For the result message. */
  past: string;
  /** What the action writes and what the controller then does (the confirmation's detail). */
  effect: string;
}

/**
 * What each action does, as `kubectl argo rollouts` does it (argoproj/argo-rollouts v1.9.1,
 * pkg/kubectl-argo-rollouts/cmd/promote/promote.go `getPatches`, cmd/abort/abort.go `abortPatch`,
 * cmd/retry/retry.go `retryRolloutPatch`): JSON merge patches to the status subresource.
 */
export const ACTION_WORDS: { readonly [A in DeliveryAction]: ActionWords } = {
  promote: {
    label: 'Promote', verb: 'Promote', past: 'promoted',
    effect: 'Ends the current pause, as kubectl argo rollouts promote does: clears status.pauseConditions (with no pause, moves '
      + 'status.currentStepIndex to the next step; with spec.paused, unpauses). The controller then goes on with the next step.',
  },
  'promote-full': {
    label: 'Promote fully', verb: 'Fully promote', past: 'fully promoted',
    effect: 'Skips the remaining steps, pauses and analyses, as kubectl argo rollouts promote --full does (status.promoteFull: true): '
      + 'the new version gets all the traffic.',
  },
  abort: {
    label: 'Abort', verb: 'Abort', past: 'aborted',
    effect: 'Stops the update, as kubectl argo rollouts abort does (status.abort: true): the controller sends all the traffic back '
      + 'to the stable version and scales the canary down. spec.template still holds the new version.',
  },
  retry: {
    label: 'Retry', verb: 'Retry', past: 'retried',
    effect: 'Starts the aborted update again from the first step, as kubectl argo rollouts retry rollout does (status.abort: false).',
  },
};

export function isDeliveryAction(value: unknown): value is DeliveryAction {
  return typeof value === 'string' && (DELIVERY_ACTIONS as readonly string[]).includes(value);
}

/** The object an action is about; the kind is known when the live status is. */
export interface DeliveryTarget { kind?: DeliveryKind; name: string; namespace: string }

/** `Promote Rollout web in namespace emojivoto on context kind-dev?` */
export function confirmQuestion(action: DeliveryAction, target: DeliveryTarget, context: string): string {
  return `${ACTION_WORDS[action].verb} ${target.kind ? `${target.kind} ` : ''}${target.name} in namespace ${target.namespace} on context ${context}?`;
}

/** The confirmation's detail: what the action does, and where the object stands now. */
export function confirmDetail(action: DeliveryAction, status: DeliveryStatus | undefined): string {
  return ACTION_WORDS[action].effect + (status ? `\nNow: ${status.brief}` : '');
}

/** `Canary Lens: Rollout web promoted (namespace emojivoto, context kind-dev).` */
export function actionDone(action: DeliveryAction, target: DeliveryTarget, context: string): string {
  return `Canary Lens: ${target.kind ? `${target.kind} ` : ''}${target.name} ${ACTION_WORDS[action].past} (namespace ${target.namespace}, context ${context}).`;
}

/** Why an action is not run: the live status does not offer it now. */
export function actionNotOffered(action: DeliveryAction, status: DeliveryStatus): string {
  const offered = status.actions.map((a) => ACTION_WORDS[a].label).join(', ');
  return `Canary Lens: ${status.kind} ${status.name} does not offer ${ACTION_WORDS[action].label} now (${status.brief})`
    + (offered ? `; it offers ${offered}.` : '; it offers no action now.');
}

// ---------------------------------------------------------------------------------------------------------------
// Gates of the controllers without an action API.

export interface GateHelp {
  title: string;
  lines: string[];
}

/**
 * How a controller's deliveries move on without an API to call: Flagger's webhooks (fluxcd/flagger v1.44.0,
 * docs/gitbook/usage/webhooks.md "Manual Gating"; a webhook succeeds with a status up to 202, pkg/controller/webhook.go
 * `callWebhook`; the loadtester's endpoints in pkg/loadtester/server.go:
 * /gate/approve answers 200, /gate/halt 403, /gate/check 200 once POST /gate/open opened the Canary's gate and 403
 * after /gate/close; /rollback/check likewise with /rollback/open and /rollback/close, each POST taking
 * `{"name": ..., "namespace": ...}`).
 */
export const CONTROLLER_GATES: Partial<Record<Controller, GateHelp>> = {
  Flagger: {
    title: 'Flagger has no promote or abort call: its webhooks are the gates.',
    lines: [
      'confirm-rollout (before the canary is scaled up), confirm-traffic-increase (before each weight step) and confirm-promotion '
        + '(before promotion; checks go on meanwhile) hold the Canary until their URL answers 200 to 202.',
      'A rollback webhook that answers 200 to 202 while the Canary is Progressing or Waiting fails it: all the traffic goes back to the primary.',
      'flagger-loadtester: /gate/approve always answers 200, /gate/halt always 403; /gate/check answers 200 once '
        + 'POST /gate/open {"name":"<canary>","namespace":"<ns>"} opened the gate, 403 again after /gate/close.',
      'flagger-loadtester: a rollback webhook on /rollback/check fires after POST /rollback/open with the same body (/rollback/close undoes it).',
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Cards.

/** How a card is marked: done, moving, waiting for someone or something, or failed. */
export type DeliveryTone = 'ok' | 'progress' | 'paused' | 'failed';

/**
 * The phases of both controllers (fluxcd/flagger v1.44.0 pkg/apis/flagger/v1beta1/status.go `CanaryPhase*`,
 * argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1/types.go `RolloutPhase*`) by tone; others are `progress`.
 */
const PHASE_TONE: Readonly<Record<string, DeliveryTone>> = {
  Initialized: 'ok', Succeeded: 'ok', Healthy: 'ok',
  Waiting: 'paused', WaitingPromotion: 'paused', Paused: 'paused',
  Failed: 'failed', Degraded: 'failed',
};

export interface DeliveryButton {
  action: DeliveryAction;
  label: string;
  /** Says what it does and that a confirmation follows. */
  aria: string;
}

export interface DeliveryShare {
  name: string;
  desired: number | null;
  observed: number | null;
  flagged: boolean;
}

export interface PanelDelivery {
  /** `namespace/Kind/name`: what the webview sends back. */
  key: string;
  kind: DeliveryKind;
  controller: Controller;
  namespace: string;
  name: string;
  phase: string;
  tone: DeliveryTone;
  /** `30%` */
  weightText?: string;
  /** `step 1/5` (Argo: steps done / steps) */
  stepText?: string;
  /** Failed checks against analysis.threshold (Flagger): `1/5`. */
  checksText?: string;
  message?: string;
  brief: string;
  paused: boolean;
  aborted: boolean;
  /** Tags beside the phase when the phase does not say it already: `aborted`, `paused`. */
  flags: string[];
  actions: DeliveryButton[];
  /** The split it moves (as the status names it), and the key of its card when the panel shows it. */
  split?: { kind: string; name: string; namespace: string; key?: string };
  /** The observed and desired shares of that split, from the panel's numbers (empty when it is not shown). */
  shares: DeliveryShare[];
  /** How it moves on without buttons (controllers without an action API). */
  gates?: GateHelp;
}

export function deliveryKey(d: { namespace: string; kind: string; name: string }): string {
  return `${d.namespace}/${d.kind}/${d.name}`;
}

/**
 * `step 1/5`, as `kubectl argo rollouts get` shows a canary's `Step` (argoproj/argo-rollouts v1.9.1
 * pkg/kubectl-argo-rollouts/info/rollout_info.go: currentStepIndex/steps, so the steps done; `5/5` when complete),
 * and as the lens's brief says it.
 */
export function stepText(step: { index: number; total: number }): string {
  return step.total <= 0 ? 'no steps' : `step ${Math.max(0, step.index)}/${step.total}`;
}

function toneOf(s: DeliveryStatus): DeliveryTone {
  if (s.aborted) return 'failed';
  if (s.paused) return 'paused';
  return PHASE_TONE[s.phase] ?? 'progress';
}

function card(s: DeliveryStatus, splits: readonly PanelSplit[]): PanelDelivery {
  const managed = s.split ? splits.filter((p) => p.kind === s.split!.kind && p.name === s.split!.name && p.namespace === s.split!.namespace) : [];
  const title = `${s.kind} ${s.name}`;
  const gates = s.actions.length === 0 ? CONTROLLER_GATES[s.controller] : undefined;
  return {
    key: deliveryKey(s),
    kind: s.kind,
    controller: s.controller,
    namespace: s.namespace,
    name: s.name,
    phase: s.phase || 'Unknown',
    tone: toneOf(s),
    ...(s.weight !== undefined ? { weightText: `${s.weight}%` } : {}),
    ...(s.step ? { stepText: stepText(s.step) } : {}),
    ...(s.failedChecks !== undefined ? { checksText: `${s.failedChecks}${s.threshold !== undefined ? `/${s.threshold}` : ''}` } : {}),
    ...(s.message ? { message: s.message } : {}),
    brief: s.brief,
    paused: s.paused ?? false,
    aborted: s.aborted ?? false,
    flags: [...(s.aborted ? ['aborted'] : []), ...(s.paused && PHASE_TONE[s.phase] !== 'paused' ? ['paused'] : [])],
    actions: DELIVERY_ACTIONS.filter((a) => s.actions.includes(a)).map((action) => ({
      action, label: ACTION_WORDS[action].label,
      aria: `${ACTION_WORDS[action].label} ${title} (asks for confirmation first)`,
    })),
    ...(s.split ? { split: { ...s.split, ...(managed[0] ? { key: managed[0].key } : {}) } } : {}),
    // An HTTPRoute with several rules has a card per rule; the controller moves the first one's weights.
    shares: (managed[0]?.backends ?? []).map((b) => ({ name: b.name, desired: b.desiredShare, observed: b.observedShare, flagged: b.flagged })),
    ...(gates ? { gates } : {}),
  };
}

const SELECT_NAMESPACE: NoticeAction = { command: 'selectNamespace', label: 'Choose namespace' };
const RECONNECT: NoticeAction = { command: 'reconnect', label: 'Reconnect' };

/**
 * The states of the delivery kinds that are not cards: a kind the user may not read, one that failed, and (when no
 * kind is installed at all) that neither controller is. A missing CRD beside an installed one says nothing: most
 * clusters run one controller. Unreachable and unauthorized are the cluster's notice already.
 */
export function deliveryNotices(kinds: readonly DeliveryKindState[], namespace: string | undefined, count: number): PanelNotice[] {
  const notices: PanelNotice[] = [];
  const where = namespace ? ` in namespace ${namespace}` : '';
  for (const k of kinds) {
    if (k.state === 'forbidden') {
      notices.push({
        state: 'delivery-forbidden', severity: 'warning', title: `Forbidden: cannot list ${k.resource}${where}`, detail: k.message,
        nextStep: k.nextStep ?? `Ask for RBAC permission to get, list and watch ${k.resource}${where}; the splits are shown without their ${k.label} meanwhile.`,
        actions: [SELECT_NAMESPACE, RECONNECT],
      });
    } else if (k.state === 'error') {
      notices.push({
        state: 'delivery-error', severity: 'error', title: `${k.label} could not be read`, detail: k.message,
        nextStep: k.nextStep ?? 'See the Canary Lens log; Canary Lens retries on its own.', actions: [RECONNECT, { command: 'showLog', label: 'Show log' }],
      });
    }
  }
  if (count === 0 && kinds.length > 0 && kinds.every((k) => k.state === 'crd-missing')) {
    notices.push({
      state: 'delivery-crd-missing', severity: 'info', title: `No progressive delivery controller in this cluster: ${kinds.map((k) => k.label).join(' and ')} are not served`,
      detail: kinds.map((k) => k.message).join('\n'),
      nextStep: `To follow them here, install one of the controllers (${kinds.map((k) => k.resource).join(', ')}: the CRDs at least); the panel notices within 30 s.`,
      actions: [RECONNECT],
    });
  }
  return notices;
}

/** The cards (in the namespace's order: kind, then name) and the states of the delivery kinds. */
export function buildDeliveries(cluster: ClusterSnapshot, splits: readonly PanelSplit[]): { deliveries: PanelDelivery[]; deliveryNotices: PanelNotice[] } {
  const statuses = [...(cluster.deliveries ?? [])].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const deliveries = statuses.map((s) => card(s, splits));
  return { deliveries, deliveryNotices: deliveryNotices(cluster.deliveryKinds ?? [], cluster.namespace, deliveries.length) };
}

/** The owner of a split card: the delivery that moves it (its Shift / Promote / Roll back would be reverted). */
export interface SplitOwner {
  deliveryKey: string;
  kind: DeliveryKind;
  name: string;
  controller: Controller;
}

export function ownerOfSplit(split: PanelSplit, deliveries: readonly PanelDelivery[]): SplitOwner | undefined {
  const d = deliveries.find((x) => x.split?.key === split.key || (x.split && x.split.kind === split.kind && x.split.name === split.name && x.split.namespace === split.namespace));
  return d ? { deliveryKey: d.key, kind: d.kind, name: d.name, controller: d.controller } : undefined;
}
