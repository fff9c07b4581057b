/**
 * The registry of progressive delivery kinds, beside the split kinds' (`kinds.ts`): Flagger's Canary and Argo Rollouts'
 * Rollout, which own a split and move its weights, and the templates their analyses name. Each row holds the served
 * apiVersions with their schemas (generated from the projects' CRDs at a pinned release: `schemas/generated/`), the
 * adapter to the delivery model, and how the cluster lists and watches the kind. Rules, features and the cluster layer
 * read these facts instead of branching on the kind.
 *
 * Canary Lens's own RolloutPlan has a row here too (role `plan`): the schema validation, completion, hover and the
 * apiVersion check read it like any other kind's. It is no controller's and no CRD serves it (it is never applied), so
 * its row lists no cluster resource: the cluster layer, which lists `delivery` and `template` rows only, never asks for
 * it, and it is not a split, so the panel and the stats never see it.
 */
import type { Document } from 'yaml';
import type { Controller, DeliveryKind, PlanKind, TemplateKind } from '../../protocol/messages';
import type { DeliveryDocument } from './delivery';
import type { ClusterResource } from './kinds';
import type { JsonSchema } from './schemas/jsonSchema';
import * as flagger from './schemas/generated/flagger';
import * as argo from './schemas/generated/argoRollouts';
import { adaptCanary } from './adapters/canary';
import { adaptRollout } from './adapters/rollout';
import { adaptRolloutPlan, type PlanDocument } from './rolloutPlan';
import { ROLLOUT_PLAN_API_VERSION, rolloutPlanV1alpha1 } from './schemas/rolloutPlan';

export type { Controller, DeliveryKind, PlanKind, TemplateKind } from '../../protocol/messages';

export type ControllerKind = DeliveryKind | TemplateKind | PlanKind;

/** Who a row's kind belongs to, in messages: a controller, or Canary Lens itself for its plan. */
export const CANARY_LENS = 'Canary Lens';

export interface DeliveryApiVersion {
  kind: ControllerKind;
  apiVersion: string;
  schema: JsonSchema;
  /** The release the schema was generated from (`flagger v1.44.0`). */
  release: string;
}

/** Builds the delivery model of a parsed document of the kind. */
export type DeliveryAdapter = (doc: Document.Parsed) => DeliveryDocument | undefined;

/** Builds the plan model of a parsed document of a `plan` kind. */
export type PlanAdapter = (doc: Document.Parsed) => PlanDocument | undefined;

export interface ControllerKindEntry<K extends ControllerKind = ControllerKind> {
  kind: K;
  controller: K extends PlanKind ? typeof CANARY_LENS : Controller;
  /**
   * `delivery`: drives a split (has an adapter and a plan); `template`: named by analyses, read for references; `plan`:
   * Canary Lens's rollout plan, read from files only (has a plan adapter).
   */
  role: K extends DeliveryKind ? 'delivery' : K extends TemplateKind ? 'template' : 'plan';
  plural: string;
  versions: readonly DeliveryApiVersion[];
  adapter?: DeliveryAdapter;
  planAdapter?: PlanAdapter;
  /** Namespaced, or cluster-scoped (ClusterAnalysisTemplate). */
  clusterScoped?: boolean;
  /** What the cluster layer lists and watches; none for a kind no CRD serves. */
  cluster: readonly ClusterResource[];
  install: string;
}

const FLAGGER = 'flagger.app';
const ARGO = 'argoproj.io';

function version(kind: ControllerKind, apiVersion: string, schema: JsonSchema, release: string): DeliveryApiVersion {
  return { kind, apiVersion, schema, release };
}

const flaggerRelease = `fluxcd/flagger ${flagger.FLAGGER_RELEASE}`;
const argoRelease = `argoproj/argo-rollouts ${argo.ARGO_ROLLOUTS_RELEASE}`;

export const CONTROLLER_KINDS: { readonly [K in ControllerKind]: ControllerKindEntry<K> } = {
  Canary: {
    kind: 'Canary', controller: 'Flagger', role: 'delivery', plural: 'Canaries',
    versions: [version('Canary', `${FLAGGER}/v1beta1`, flagger.canaryV1beta1, flaggerRelease)],
    adapter: adaptCanary,
    cluster: [{
      id: 'canaries', group: FLAGGER, plural: 'canaries', versions: ['v1beta1'], label: 'Canaries (Flagger)',
      missing: 'Flagger Canary CRD not installed: install Flagger',
    }],
    install: 'Flagger',
  },
  MetricTemplate: {
    kind: 'MetricTemplate', controller: 'Flagger', role: 'template', plural: 'MetricTemplates',
    versions: [version('MetricTemplate', `${FLAGGER}/v1beta1`, flagger.metricTemplateV1beta1, flaggerRelease)],
    cluster: [{
      id: 'metrictemplates', group: FLAGGER, plural: 'metrictemplates', versions: ['v1beta1'], label: 'MetricTemplates (Flagger)',
      missing: 'Flagger MetricTemplate CRD not installed: install Flagger',
    }],
    install: 'Flagger',
  },
  Rollout: {
    kind: 'Rollout', controller: 'Argo Rollouts', role: 'delivery', plural: 'Rollouts',
    versions: [version('Rollout', `${ARGO}/v1alpha1`, argo.rolloutV1alpha1, argoRelease)],
    adapter: adaptRollout,
    cluster: [{
      id: 'rollouts', group: ARGO, plural: 'rollouts', versions: ['v1alpha1'], label: 'Rollouts (Argo Rollouts)',
      missing: 'Argo Rollouts Rollout CRD not installed: install Argo Rollouts',
    }],
    install: 'Argo Rollouts',
  },
  AnalysisTemplate: {
    kind: 'AnalysisTemplate', controller: 'Argo Rollouts', role: 'template', plural: 'AnalysisTemplates',
    versions: [version('AnalysisTemplate', `${ARGO}/v1alpha1`, argo.analysisTemplateV1alpha1, argoRelease)],
    cluster: [{
      id: 'analysistemplates', group: ARGO, plural: 'analysistemplates', versions: ['v1alpha1'], label: 'AnalysisTemplates (Argo Rollouts)',
      missing: 'Argo Rollouts AnalysisTemplate CRD not installed: install Argo Rollouts',
    }],
    install: 'Argo Rollouts',
  },
  ClusterAnalysisTemplate: {
    kind: 'ClusterAnalysisTemplate', controller: 'Argo Rollouts', role: 'template', plural: 'ClusterAnalysisTemplates',
    versions: [version('ClusterAnalysisTemplate', `${ARGO}/v1alpha1`, argo.clusterAnalysisTemplateV1alpha1, argoRelease)],
    clusterScoped: true,
    cluster: [{
      id: 'clusteranalysistemplates', group: ARGO, plural: 'clusteranalysistemplates', versions: ['v1alpha1'],
      label: 'ClusterAnalysisTemplates (Argo Rollouts)', missing: 'Argo Rollouts ClusterAnalysisTemplate CRD not installed: install Argo Rollouts',
    }],
    install: 'Argo Rollouts',
  },
  RolloutPlan: {
    kind: 'RolloutPlan', controller: CANARY_LENS, role: 'plan', plural: 'RolloutPlans',
    versions: [version('RolloutPlan', ROLLOUT_PLAN_API_VERSION, rolloutPlanV1alpha1, 'canary-lens')],
    planAdapter: adaptRolloutPlan,
    // Never applied: no CRD, nothing to list or watch (the rollout's state is an annotation on the split).
    cluster: [],
    install: 'nothing (a file of the repository)',
  },
};

export const CONTROLLER_KIND_NAMES: readonly ControllerKind[] = Object.keys(CONTROLLER_KINDS) as ControllerKind[];
export const DELIVERY_KINDS: readonly DeliveryKind[] = ['Canary', 'Rollout'];

/** Every resource the cluster layer lists for deliveries, with the kind it holds. */
export const DELIVERY_RESOURCES: readonly (ClusterResource & { kind: DeliveryKind })[] =
  DELIVERY_KINDS.flatMap((kind) => CONTROLLER_KINDS[kind].cluster.map((r) => ({ ...r, kind })));

export function isControllerKind(kind: unknown): kind is ControllerKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(CONTROLLER_KINDS, kind);
}

export function isDeliveryKind(kind: unknown): kind is DeliveryKind {
  return isControllerKind(kind) && CONTROLLER_KINDS[kind].role === 'delivery';
}

export function isTemplateKind(kind: unknown): kind is TemplateKind {
  return isControllerKind(kind) && CONTROLLER_KINDS[kind].role === 'template';
}

export function isPlanKind(kind: unknown): kind is PlanKind {
  return isControllerKind(kind) && CONTROLLER_KINDS[kind].role === 'plan';
}

/**
 * The apiVersion row of a controller kind. Argo's group also serves other kinds (Experiment, AnalysisRun) and
 * Flagger's AlertProvider: those are not ours, so they get nothing.
 */
export function deliveryApiVersion(kind: string, apiVersion: string): DeliveryApiVersion | undefined {
  return isControllerKind(kind) ? CONTROLLER_KINDS[kind].versions.find((v) => v.apiVersion === apiVersion) : undefined;
}
