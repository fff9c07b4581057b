import type { Span } from '../document/part';
import type { Controller, DeliveryKind, TemplateKind } from '../../protocol/messages';
import type { Located, NameRef } from './split';
import type { DeliveryApiVersion } from './deliveryKinds';

export type { Controller, DeliveryKind, TemplateKind } from '../../protocol/messages';

/**
 * The delivery model: one shape for a Flagger Canary and an Argo Rollout (canary strategy). Adapters
 * (`adapters/canary.ts`, `adapters/rollout.ts`) build it; the delivery rules, the plan lenses and hovers and the
 * ownership of splits read it alone. Spans are offsets into the part's text.
 */

/** An object the controller creates and owns (`generates`), or one written by hand whose weights or selector it sets (`manages`). */
export interface OwnedRef {
  /** `TrafficSplit`, `HTTPRoute`, `GRPCRoute`, `Service`, `Deployment`. */
  kind: string;
  name: string;
  ns: string;
  how: 'generates' | 'manages';
  /** Generated when missing, and one that exists is adopted as it is (Flagger's apex Service): no collision. */
  adopts?: boolean;
  /** Where the owner's spec names it (Argo's trafficSplitName, a plugin route, canaryService), when it does. */
  span?: Span;
}

/** A reference from the spec to another object, to resolve against the workspace and the cluster. */
export interface SpecRef extends Located<string> {
  /** `Deployment`, `Service`, `TrafficSplit`, `HTTPRoute`, `GRPCRoute`, `MetricTemplate`, `AnalysisTemplate`, `ClusterAnalysisTemplate`. */
  kind: string;
  /** Namespace it is looked up in (cluster-scoped: ''). */
  ns: string;
  /** The field, in words: `spec.targetRef`, `canaryService`, `trafficRouting.smi.trafficSplitName`. */
  what: string;
}

/** One step of the plan the spec implies, in the order the controller takes them. */
export interface PlanStep {
  /** The canary's share after the step, in percent (the previous one when the step sets none). */
  weight: number;
  /** How long the step holds before the next, in seconds; undefined: until someone promotes (an indefinite pause). */
  holdSeconds?: number;
  /** In words: `setWeight 20`, `pause 10m`, `pause (until promoted)`, `analysis`, `iteration 3`. */
  label: string;
  /** The step's item in the spec (Argo: `steps[i]`); absent for steps the controller derives (Flagger). */
  span?: Span;
  /** The step waits for a person (an indefinite pause; Flagger's confirm-* gates). */
  gate?: boolean;
}

export interface Plan {
  steps: PlanStep[];
  /** Flagger: `analysis.interval` as written, and in seconds. */
  interval?: { text: string; seconds?: number };
  /** Failed checks before rollback (Flagger `analysis.threshold`), or the rollback rule in words (Argo analysis). */
  rollback?: string;
  /**
   * Least time to full promotion, in seconds, when every check passes and every gate opens at once; undefined when the
   * plan cannot finish (Flagger stalls) or a step waits without end (Argo's `pause: {}`, until someone promotes).
   */
  leastSeconds?: number;
  /** Weights are approximated by replica counts (Argo without trafficRouting). */
  approximate?: boolean;
  /** Why no plan can be drawn (e.g. no canary strategy); the lens says it instead. */
  none?: string;
}

export interface DeliveryDocument {
  kind: DeliveryKind;
  controller: Controller;
  kindSpan: Span;
  apiVersion?: Located<string>;
  /** Undefined when the apiVersion is not one the registry knows (reported as unknown-api-version). */
  api?: DeliveryApiVersion;
  name?: Located<string>;
  namespace?: Located<string>;
  /** Effective namespace (`default` when none is written). */
  ns: string;
  names: NameRef[];
  /** Where plan lenses go: the strategy (`spec.strategy.canary`) or the analysis (`spec.analysis`) key, else the kind. */
  planSpan: Span;
  plan: Plan;
  /** Objects the controller will create or set, by its naming rules and the spec's references. */
  owns: OwnedRef[];
  /** Every reference of the spec that should resolve (targetRef, services, routes, templates). */
  refs: SpecRef[];
  /** Labels of the pods the controller runs for it (Rollout: spec.template; Canary: the target's, resolved by rules). */
  podLabels?: Record<string, string>;
}

/** A template an analysis names (Flagger MetricTemplate, Argo AnalysisTemplate, ClusterAnalysisTemplate). */
export interface TemplateRefTarget { kind: TemplateKind; name: string; ns: string }
