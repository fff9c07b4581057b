import type { Controller, ObjectOwner } from './messages';

/**
 * The words for an object a Flagger Canary or an Argo Rollout owns, said by both sides: the server's
 * `managed-by-controller` warning, owner lens and weight command refusal, and the client's Apply refusal, so they
 * cannot drift apart. What each controller does with the object is a fact of the controller, so it is kept here per
 * controller, not per kind of owner.
 */

/** Whether the owner creates the object (its naming rule, or the cluster's ownerReferences) rather than sets weights in one written by hand. */
export function ownerCreates(owner: ObjectOwner): boolean {
  return owner.via === 'naming' || owner.via === 'ownerReferences';
}

interface ControllerWords {
  /** The workspace holds by hand an object the controller creates under that name (`naming`). */
  named(kind: string): string;
  /** The cluster says the controller created the object (`ownerReferences`). */
  created(kind: string): string;
  /** The controller sets the weights of an object written by hand (`reference`, `managedFields`). */
  weights(kind: string): string;
}

const FLAGGER_REWRITES = (kind: string): string =>
  `Flagger generates this ${kind} and rewrites it at every analysis interval, so a hand edit is reverted; change the Canary`;

const WORDS: Readonly<Record<Controller, ControllerWords>> = {
  // Each run of the analysis reconciles the mesh router first (fluxcd/flagger pkg/controller/scheduler.go,
  // `advanceCanary`): the router rewrites the TrafficSplit's spec (pkg/router/smi_v1alpha3.go `Reconcile`) or the
  // HTTPRoute's (pkg/router/gateway_api.go `Reconcile`), then `SetRoutes` sets the weights of the analysis.
  Flagger: { named: FLAGGER_REWRITES, created: FLAGGER_REWRITES, weights: FLAGGER_REWRITES },
  'Argo Rollouts': {
    // argoproj/argo-rollouts rollout/trafficrouting/smi/smi.go `SetWeight`: it creates the TrafficSplit when missing and
    // patches it only when the Rollout controls it; else the reconcile fails with "Rollout does not own TrafficSplit".
    named: (kind) => `Argo Rollouts creates this ${kind} itself and stops the rollout on one it did not create ("Rollout does not own ${kind}"); let the Rollout create it, and change the Rollout`,
    created: (kind) => `Argo Rollouts created this ${kind} and sets its weights at every step, so a hand edit is reverted; change the Rollout`,
    // argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi pkg/plugin/httproute.go `setHTTPRouteWeight`: the plugin
    // sets the weights of the backendRefs named canaryService and stableService, and leaves the rest of the route as written.
    weights: (kind) => `this ${kind} is yours to write, but the Rollout's steps set the weights of its canary and stable backends; change the weights in the Rollout`,
  },
};

/** `Canary podinfo (Flagger)`; `a Rollout (Argo Rollouts)` when the cluster names the controller but not which one. */
export function ownerName(owner: ObjectOwner): string {
  return `${owner.name ? `${owner.kind} ${owner.name}` : `a ${owner.kind}`} (${owner.controller})`;
}

/**
 * `managed by Canary podinfo (Flagger): Flagger generates this TrafficSplit …; change the Canary`, or for a route whose
 * weights an Argo Rollout sets: `weights managed by Rollout web (Argo Rollouts): this HTTPRoute is yours to write, …`.
 */
export function ownerMessage(owner: ObjectOwner, objectKind: string): string {
  const words = WORDS[owner.controller];
  const why = owner.via === 'naming' ? words.named(objectKind) : owner.via === 'ownerReferences' ? words.created(objectKind) : words.weights(objectKind);
  return `${ownerCreates(owner) ? 'managed' : 'weights managed'} by ${ownerName(owner)}: ${why}`;
}

/** Why a managed split's weights are not edited here: the weight command's and Apply's refusal. */
export function ownerRefusal(owner: ObjectOwner, objectKind: string): string {
  return `Canary Lens: ${ownerMessage(owner, objectKind)}`;
}

/** The owner lens's title: `Managed by Canary podinfo (Flagger) — open`. */
export function ownerLensTitle(owner: ObjectOwner): string {
  return `${ownerCreates(owner) ? 'Managed' : 'Weights managed'} by ${ownerName(owner)} — open`;
}

/** Where owners come from, most certain first: what the cluster says, then the workspace's naming rules and references. */
const VIA_ORDER: readonly ObjectOwner['via'][] = ['ownerReferences', 'managedFields', 'naming', 'reference'];

/** One entry per owner (the workspace and the cluster often name the same one), the most certain `via` kept. */
export function distinctOwners(owners: readonly ObjectOwner[]): ObjectOwner[] {
  const byOwner = new Map<string, ObjectOwner>();
  for (const o of owners) {
    const key = `${o.kind}\0${o.namespace}\0${o.name}`;
    const seen = byOwner.get(key);
    if (!seen || VIA_ORDER.indexOf(o.via) < VIA_ORDER.indexOf(seen.via)) byOwner.set(key, o);
  }
  return [...byOwner.values()];
}
