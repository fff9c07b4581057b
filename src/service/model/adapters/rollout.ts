import type { Document } from 'yaml';
import type { DeliveryDocument, OwnedRef, Plan, PlanStep, SpecRef } from '../delivery';
import type { Located } from '../split';
import { formatSeconds } from '../durations';
import { readDeliveryHeader } from './deliveryHeader';
import { readRolloutSpec, type RolloutSpec, type StepSpec, type TemplateRefSpec } from './rolloutSpec';

/**
 * Argo Rollout → delivery model (argoproj/argo-rollouts v1.9.1, pkg/apis/rollouts/v1alpha1/types.go). The fields are
 * read by `rolloutSpec.ts`; this builds the plan the canary steps imply, what the controller owns, and what the spec
 * must find in the workspace.
 */
export function adaptRollout(doc: Document.Parsed): DeliveryDocument | undefined {
  const spec = readRolloutSpec(doc);
  if (!spec) return undefined;
  const header = readDeliveryHeader(doc, 'Rollout', spec);
  if (!header) return undefined;
  for (const [what, svc] of serviceFields(spec)) header.names.push({ ...svc, what });
  const delivery: DeliveryDocument = {
    ...header,
    planSpan: spec.strategySpan ?? spec.specSpan ?? header.kindSpan,
    plan: planOf(spec),
    owns: ownsOf(spec),
    refs: refsOf(spec),
    ...(spec.podLabels ? { podLabels: spec.podLabels } : {}),
  };
  SPECS.set(delivery, spec);
  return delivery;
}

const SPECS = new WeakMap<DeliveryDocument, RolloutSpec>();

/** The Rollout fields a delivery document was built from; undefined for any other kind (a Canary). */
export function rolloutSpecOf(doc: DeliveryDocument): RolloutSpec | undefined {
  return SPECS.get(doc);
}

/** The Services the strategy names, with the field that names them. */
export function serviceFields(spec: RolloutSpec): [string, Located<string>][] {
  const out: [string, Located<string>][] = [];
  if (spec.canaryService) out.push(['canaryService', spec.canaryService]);
  if (spec.stableService) out.push(['stableService', spec.stableService]);
  if (spec.activeService) out.push(['activeService', spec.activeService]);
  if (spec.previewService) out.push(['previewService', spec.previewService]);
  return out;
}

/**
 * What Argo Rollouts creates or sets. SMI: it creates the TrafficSplit `trafficSplitName`, else one named after the
 * Rollout, and refuses one it does not own (rollout/trafficrouting/smi/smi.go, SetWeight). The gatewayAPI plugin sets
 * the weights of the routes it is given in its namespace, else the Rollout's (argoproj-labs/rollouts-plugin-trafficrouter-
 * gatewayapi v0.15.0 pkg/plugin/plugin.go). The canary/stable (active/preview) Services get the
 * rollouts-pod-template-hash selector of the pods they should reach (rollout/service.go).
 */
function ownsOf(spec: RolloutSpec): OwnedRef[] {
  const owns: OwnedRef[] = [];
  const smi = spec.trafficRouting?.smi;
  if (smi) {
    const split = smi.trafficSplitName?.value || spec.name?.value;
    if (split) owns.push({ kind: 'TrafficSplit', name: split, ns: spec.ns, how: 'generates', ...(smi.trafficSplitName ? { span: smi.trafficSplitName.span } : {}) });
  }
  for (const r of spec.trafficRouting?.gatewayRoutes ?? []) owns.push({ kind: r.kind, name: r.name.value, ns: r.ns, how: 'manages', span: r.name.span });
  for (const [, svc] of serviceFields(spec)) owns.push({ kind: 'Service', name: svc.value, ns: spec.ns, how: 'manages', span: svc.span });
  return owns;
}

function templateRef(t: TemplateRefSpec, ns: string, what: string): SpecRef {
  // clusterScope: a ClusterAnalysisTemplate (types.go, AnalysisTemplateRef.IsClusterScope).
  return t.clusterScope
    ? { ...t.templateName, kind: 'ClusterAnalysisTemplate', ns: '', what }
    : { ...t.templateName, kind: 'AnalysisTemplate', ns, what };
}

/** What must exist for the controller to run the Rollout (rollout/controller.go, getRolloutReferencedResources). */
function refsOf(spec: RolloutSpec): SpecRef[] {
  const refs: SpecRef[] = [];
  for (const [what, svc] of serviceFields(spec)) refs.push({ ...svc, kind: 'Service', ns: spec.ns, what });
  const root = spec.trafficRouting?.smi?.rootService;
  if (root && root.value !== '') refs.push({ ...root, kind: 'Service', ns: spec.ns, what: 'trafficRouting.smi.rootService' });
  for (const r of spec.trafficRouting?.gatewayRoutes ?? []) refs.push({ ...r.name, kind: r.kind, ns: r.ns, what: r.what });
  const w = spec.workloadRef;
  if (w?.name) refs.push({ ...w.name, kind: w.kind?.value ?? 'Deployment', ns: spec.ns, what: 'workloadRef' });
  for (const step of spec.steps) {
    for (const t of step.analysis?.templates ?? []) refs.push(templateRef(t, spec.ns, `steps[${step.index}].analysis templateName`));
    for (const t of step.experiment?.analyses ?? []) refs.push(templateRef(t, spec.ns, `steps[${step.index}].experiment.analyses templateName`));
  }
  for (const t of spec.backgroundAnalysis?.templates ?? []) refs.push(templateRef(t, spec.ns, 'analysis (background) templateName'));
  for (const a of spec.promotionAnalyses) for (const t of a.templates) refs.push(templateRef(t, spec.ns, `${a.what} templateName`));
  return refs;
}

const templateNames = (templates: readonly TemplateRefSpec[]): string => templates.map((t) => t.templateName.value).join(', ');

/** The weight a setWeight gives, in percent of `maxTrafficWeight` (the top of the scale: utils/weightutil/weight.go). */
function percent(value: number, max: number): number {
  return max > 0 ? Math.round((value * 10000) / max) / 100 : value;
}

/** One canary step: its label, how long it holds, whether it waits for a person. */
function stepOf(step: StepSpec, weight: number, max: number): PlanStep {
  const labels: string[] = [];
  let hold: number | undefined = 0;
  let gate = false;
  if (step.setWeight) labels.push(`setWeight ${step.setWeight.text}${max !== 100 ? ` (of ${max})` : ''}`);
  if (step.pause) {
    const d = step.pause.duration;
    // No duration: paused until promoted (rollout/pause.go, CompletedCanaryPauseStep waits for a duration only when set).
    if (!d) { labels.push('pause (until promoted)'); hold = undefined; gate = true; }
    else if (d.seconds !== undefined) { labels.push(`pause ${formatSeconds(d.seconds)}`); hold = d.seconds; }
    else { labels.push(`pause ${d.text} (invalid)`); hold = undefined; }
  }
  if (step.experiment) {
    const d = step.experiment.duration;
    labels.push(d?.seconds !== undefined ? `experiment ${formatSeconds(d.seconds)}` : 'experiment');
    // An experiment with a duration runs that long before the step completes; without one, until its analyses end.
    if (d?.seconds !== undefined && hold !== undefined) hold += d.seconds;
  }
  // An analysis step lasts as long as its measurements, which the templates' intervals and counts decide: not counted.
  if (step.analysis) labels.push(step.analysis.templates.length > 0 ? `analysis: ${templateNames(step.analysis.templates)}` : 'analysis');
  const scale = step.setCanaryScale;
  if (scale) {
    labels.push(scale.weight !== undefined ? `setCanaryScale ${scale.weight}% of replicas`
      : scale.replicas !== undefined ? `setCanaryScale ${scale.replicas} replicas`
        : scale.matchTrafficWeight ? 'setCanaryScale matchTrafficWeight' : 'setCanaryScale');
  }
  if (step.named) labels.push(step.named.name ? `${step.named.type} ${step.named.name}` : step.named.type);
  if (labels.length === 0) labels.push('step (sets nothing Argo Rollouts knows)');
  return {
    weight,
    ...(hold !== undefined ? { holdSeconds: hold } : {}),
    label: labels.join(' + '),
    span: step.span,
    ...(gate ? { gate: true } : {}),
  };
}

/** Which analyses abort the rollout, in words. */
function rollbackOf(spec: RolloutSpec): string {
  const which: string[] = [];
  const background = spec.backgroundAnalysis;
  if (background) {
    const from = background.startingStep !== undefined ? ` from step ${background.startingStep}` : '';
    which.push(`background${from}${background.templates.length > 0 ? `: ${templateNames(background.templates)}` : ''}`);
  }
  for (const s of spec.steps) if (s.analysis) which.push(`step ${s.index}${s.analysis.templates.length > 0 ? `: ${templateNames(s.analysis.templates)}` : ''}`);
  // A failed AnalysisRun aborts (traffic back to the stable ReplicaSet); an inconclusive one pauses the Rollout
  // (types.go, PauseReasonInconclusiveAnalysis).
  return which.length > 0
    ? `an analysis that fails (${which.join('; ')}) aborts the rollout: traffic goes back to stable; an inconclusive one pauses it`
    : 'no analysis: only an abort (kubectl argo rollouts abort) sends traffic back to stable';
}

function planOf(spec: RolloutSpec): Plan {
  if (spec.strategy === 'blueGreen') {
    const active = spec.activeService ? ` ${spec.activeService.value}` : '';
    return { steps: [], none: `blue-green strategy: no traffic weights; the active Service${active} switches to the new pods at promotion` };
  }
  if (spec.strategy !== 'canary') return { steps: [], none: 'no canary strategy: spec.strategy has neither canary nor blueGreen' };
  const max = spec.trafficRouting?.maxTrafficWeight ?? 100;
  const steps: PlanStep[] = [];
  let weight = 0;
  for (const step of spec.steps) {
    // The weight is the last setWeight at or before the step, 0 before any (utils/replicaset/canary.go, GetCurrentSetWeight).
    if (step.setWeight?.value !== undefined) weight = percent(step.setWeight.value, max);
    steps.push(stepOf(step, weight, max));
  }
  // Past the last step the canary gets the full weight (GetCurrentSetWeight: no current step → MaxTrafficWeight).
  steps.push({ weight: 100, holdSeconds: 0, label: 'promote (full)' });
  const open = steps.some((s) => s.holdSeconds === undefined);
  const plan: Plan = {
    steps,
    rollback: rollbackOf(spec),
    ...(open ? {} : { leastSeconds: steps.reduce((sum, s) => sum + (s.holdSeconds ?? 0), 0) }),
  };
  if (!spec.trafficRouting) plan.approximate = true;
  return plan;
}
