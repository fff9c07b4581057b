import type { DeliveryRule, DeliveryRuleContext, Finding } from './rule';
import type { ServiceFact } from '../workspace/context';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { rolloutSpecOf, serviceFields } from '../model/adapters/rollout';
import type { RolloutSpec } from '../model/adapters/rolloutSpec';
import { routesInView } from '../workspace/routeLookup';
import { serviceDefinitions, whereDefined, whereKnown } from './serviceDefinitions';

/**
 * The rules of an Argo Rollout (argoproj/argo-rollouts v1.9.1). What the controller refuses is in
 * pkg/apis/rollouts/validation/validation.go (the spec alone) and validation_references.go (the objects it names, read by
 * rollout/controller.go getRolloutReferencedResources); either way it sets the Rollout's InvalidSpec condition and does
 * not progress it (controller.go, createInvalidRolloutCondition).
 */

const INVALID = 'Argo Rollouts marks the Rollout InvalidSpec and does not progress it';

/** The Rollout fields of the rule's document; nothing for any other kind. */
function rolloutOf(ctx: DeliveryRuleContext): RolloutSpec | undefined {
  return rolloutSpecOf(ctx.doc);
}

/** `rollout-weight-invalid`: a setWeight outside 0..maxTrafficWeight (validation.go, InvalidSetWeightMessage). */
export const rolloutWeightInvalid: DeliveryRule = {
  code: 'rollout-weight-invalid',
  scope: 'document',
  check(ctx) {
    const spec = rolloutOf(ctx);
    if (spec?.strategy !== 'canary') return [];
    const max = spec.trafficRouting?.maxTrafficWeight ?? 100;
    return spec.steps.flatMap((step): Finding[] => {
      const w = step.setWeight;
      if (w?.value === undefined || (w.value >= 0 && w.value <= max)) return [];
      const scale = max === 100 ? '' : ` (trafficRouting.maxTrafficWeight is ${max})`;
      return [{
        code: this.code,
        span: w.span,
        message: `setWeight ${w.value} is outside 0..${max}${scale}: ${INVALID} ("SetWeight needs to be between 0 and ${max}"). Use a weight from 0 to ${max}`,
        data: { value: w.value, fixed: w.value < 0 ? 0 : max },
      }];
    });
  },
};

/** `rollout-pause-invalid`: a pause duration `RolloutPause.DurationSeconds` reads as below 0 (validation.go, InvalidDurationMessage). */
export const rolloutPauseInvalid: DeliveryRule = {
  code: 'rollout-pause-invalid',
  scope: 'document',
  check(ctx) {
    const spec = rolloutOf(ctx);
    if (spec?.strategy !== 'canary') return [];
    return spec.steps.flatMap((step): Finding[] => {
      const d = step.pause?.duration;
      if (!d?.problem) return [];
      return [{
        code: this.code,
        span: d.span,
        message: `pause duration ${d.text}: ${d.problem}. ${INVALID} ("Duration needs to be greater than 0"). Write seconds (30) or a duration such as 30s, 10m, 1h; leave it out to pause until promoted`,
      }];
    });
  },
};

/** `rollout-service-invalid`, from the spec alone: the canary and stable Services are the same (validation.go, DuplicatedServicesCanaryMessage). */
export const rolloutServiceSame: DeliveryRule = {
  code: 'rollout-service-invalid',
  scope: 'document',
  check(ctx) {
    const spec = rolloutOf(ctx);
    const pairs = [[spec?.canaryService, spec?.stableService, 'stable and canary'], [spec?.previewService, spec?.activeService, 'active and preview']] as const;
    return pairs.flatMap(([a, b, roles]): Finding[] => {
      if (!a || !b || a.value !== b.value) return [];
      // validation.go reports it on stableService (activeService for blue-green): the second of each pair.
      return [{
        code: this.code,
        span: b.span,
        message: `${roles === 'stable and canary' ? 'canaryService and stableService' : 'activeService and previewService'} are both ${a.value}: ${INVALID} ("This rollout uses the same service for the ${roles} services, but two different services are required"). Name two Services`,
      }];
    });
  },
};

/** The key Argo Rollouts adds to a Service's selector itself (types.go, DefaultRolloutUniqueLabelKey). */
const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

/**
 * The labels of the Rollout's pods: its template's, or with workloadRef the referenced workload's (when in view: the
 * workspace's definitions, else the cluster's).
 */
function podLabelsOf(spec: RolloutSpec, index: WorkspaceIndex): Record<string, string> | undefined {
  const ref = spec.workloadRef;
  if (!ref) return spec.podLabels;
  const kind = ref.kind?.value;
  const name = ref.name?.value;
  const all = index.workloadsInView(spec.ns).filter((w) => w.kind === kind && w.name === name);
  const own = all.filter((w) => w.part !== undefined);
  const found = own.length > 0 ? own : all;
  // Several definitions: the labels are not known for sure.
  return found.length === 1 ? found[0]!.podLabels : undefined;
}

/**
 * `rollout-service-invalid`, against the workspace: a Service the strategy names is not in view (controller.go,
 * getReferencedService), or its selector has a label the Rollout's pods lack (validation_references.go, ValidateService:
 * every selector key but rollouts-pod-template-hash must be a template label of the same value). Said only where the
 * Services of the namespace are known, as `service-not-found`.
 */
export const rolloutServiceInvalid: DeliveryRule = {
  code: 'rollout-service-invalid',
  scope: 'workspace',
  check(ctx) {
    const spec = rolloutOf(ctx);
    if (!spec) return [];
    const { index } = ctx;
    const labels = podLabelsOf(spec, index);
    return serviceFields(spec).flatMap(([what, svc]): Finding[] => {
      const defs = serviceDefinitions(index, spec.ns, svc.value);
      if (defs.length === 0) {
        if (!index.knowsServicesOf(spec.ns)) return [];
        return [{
          code: this.code,
          span: svc.span,
          message: `Service ${svc.value} (${what}) is not in namespace ${spec.ns} in ${whereKnown(index, spec.ns)}: ${INVALID} until it exists. Create it, selecting the Rollout's pod labels`,
          data: { name: svc.value, ns: spec.ns },
        }];
      }
      if (!labels) return [];
      const unmatched = (d: ServiceFact): string[] => Object.entries(d.selector ?? {})
        .filter(([k, v]) => k !== POD_TEMPLATE_HASH && labels[k] !== v).map(([k, v]) => `${k}=${v}`);
      // Several definitions: wrong only when every one of them is.
      if (defs.some((d) => unmatched(d).length === 0)) return [];
      const bad = unmatched(defs[0]!);
      const from = spec.workloadRef ? `the pods of workloadRef ${spec.workloadRef.name?.value ?? ''}` : "the Rollout's pod labels (spec.template.metadata.labels)";
      return [{
        code: this.code,
        span: svc.span,
        message: `Service ${svc.value} (${what}) selects ${bad.join(', ')}, which ${from} lack: ${INVALID} (its message: Service "${svc.value}" has unmatch label "${bad[0]!.split('=')[0]!}" in rollout). `
          + `Select only labels of the pod template; Argo Rollouts adds ${POD_TEMPLATE_HASH} itself`,
      }];
    });
  },
};

/**
 * `rollout-route-not-found`: the SMI rootService is not in view (said where the namespace's Services are known), or a
 * route the gatewayAPI plugin is given is not in the workspace or the cluster (said where the workspace defines routes of
 * that namespace, or the cluster's list of that kind of route is complete there). The plugin fails its weight update when the route is missing (argoproj-labs/rollouts-plugin-trafficrouter-
 * gatewayapi v0.15.0 pkg/plugin/httproute.go, a Get of the route).
 */
export const rolloutRouteNotFound: DeliveryRule = {
  code: 'rollout-route-not-found',
  scope: 'workspace',
  check(ctx) {
    const spec = rolloutOf(ctx);
    const tr = spec?.trafficRouting;
    if (!spec || !tr) return [];
    const { index } = ctx;
    const findings: Finding[] = [];
    const root = tr.smi?.rootService;
    if (root && root.value !== '' && index.knowsServicesOf(spec.ns) && index.services(spec.ns, root.value).length === 0) {
      findings.push({
        code: this.code,
        span: root.span,
        message: `Service ${root.value} (trafficRouting.smi.rootService) is not in namespace ${spec.ns} in ${whereKnown(index, spec.ns)}: the TrafficSplit Argo Rollouts generates routes the traffic clients send to it. Create it, or name the Service clients call`,
        data: { name: root.value, ns: spec.ns },
      });
    }
    if (tr.gatewayRoutes.length === 0) return findings;
    const routes = routesInView(index);
    const cluster = index.clusterFacts;
    for (const r of tr.gatewayRoutes) {
      const name = r.name.value;
      if (routes.has(r.kind, r.ns, name)) continue;
      if (cluster?.routeStatuses?.some((s) => s.kind === r.kind && s.namespace === r.ns && s.name === name)) continue;
      if (cluster?.owned?.some((o) => o.kind === r.kind && o.namespace === r.ns && o.name === name)) continue;
      if (!routes.knows('HTTPRoute', r.ns) && !routes.knows('GRPCRoute', r.ns) && !index.clusterCovers(r.kind, r.ns)) continue;
      const other = r.kind === 'HTTPRoute' ? 'GRPCRoute' : 'HTTPRoute';
      const hint = routes.has(other, r.ns, name) ? ` (${name} is a ${other}: name it under ${other === 'HTTPRoute' ? 'httpRoute(s)' : 'grpcRoute(s)'})` : '';
      findings.push({
        code: this.code,
        span: r.name.span,
        message: `${r.kind} ${name} (${r.what}) is not in namespace ${r.ns} in ${whereDefined(index, r.kind, r.ns)}${hint}: the gatewayAPI plugin cannot set its weights and the Rollout does not progress. Create the route, or name the one that sends to ${spec.stableService?.value ?? 'the stable Service'}`,
      });
    }
    return findings;
  },
};

/**
 * `rollout-weight-approximate`: without trafficRouting, Argo Rollouts has no router to set the weight, and reaches it by
 * scaling the canary and stable ReplicaSets (utils/replicaset/canary.go, CalculateReplicaCountsForBasicCanary): the share
 * of requests follows the share of pods. Once per Rollout, on the first setWeight.
 */
export const rolloutWeightApproximate: DeliveryRule = {
  code: 'rollout-weight-approximate',
  scope: 'document',
  check(ctx) {
    const spec = rolloutOf(ctx);
    if (spec?.strategy !== 'canary' || spec.trafficRouting) return [];
    const first = spec.steps.find((s) => s.setWeight);
    if (!first?.setWeight) return [];
    return [{
      code: this.code,
      span: first.setWeight.keySpan,
      message: `No trafficRouting: Argo Rollouts reaches setWeight ${first.setWeight.text} by scaling the canary to that share of the replicas, so the share of requests is only approximate (and coarse with few replicas). Add trafficRouting (smi, or the argoproj-labs/gatewayAPI plugin) for exact weights`,
    }];
  },
};

/**
 * `rollout-template-not-found`: an analysis templateName names no AnalysisTemplate (ClusterAnalysisTemplate with
 * clusterScope) in view; the controller refuses it ("AnalysisTemplate '…' not found": rollout/controller.go,
 * getReferencedAnalysisTemplatesFromRef). Said only where the workspace defines templates of that kind in that namespace,
 * or the cluster's list of that kind is complete there: templates often live in another repository.
 */
export const rolloutTemplateNotFound: DeliveryRule = {
  code: 'rollout-template-not-found',
  scope: 'workspace',
  check(ctx) {
    if (!rolloutOf(ctx)) return [];
    const { index } = ctx;
    return ctx.doc.refs.flatMap((ref): Finding[] => {
      if (ref.kind !== 'AnalysisTemplate' && ref.kind !== 'ClusterAnalysisTemplate') return [];
      if (index.templates(ref.kind, ref.ns, ref.value).length > 0 || !index.knowsTemplatesOf(ref.kind, ref.ns)) return [];
      const other = ref.kind === 'AnalysisTemplate' ? index.templates('ClusterAnalysisTemplate', '', ref.value) : index.templates('AnalysisTemplate', ctx.doc.ns, ref.value);
      const hint = other.length === 0 ? '' : ref.kind === 'AnalysisTemplate' ? ' (a ClusterAnalysisTemplate has that name: add clusterScope: true)' : ' (an AnalysisTemplate of the namespace has that name: drop clusterScope)';
      const scope = ref.ns === '' ? 'the cluster' : `namespace ${ref.ns}`;
      return [{
        code: this.code,
        span: ref.span,
        message: `${ref.kind} ${ref.value} (${ref.what}) is not in ${scope} in ${whereDefined(index, ref.kind, ref.ns)}${hint}: ${INVALID} ("${ref.kind} '${ref.value}' not found")`,
      }];
    });
  },
};

/** workloadRef kinds the controller resolves (rollout/templateref.go, infoByGroupKind). */
const WORKLOAD_KINDS: Readonly<Record<string, string>> = { Deployment: 'apps', ReplicaSet: 'apps', PodTemplate: '' };

/**
 * `rollout-workload-not-found`: workloadRef names a kind the controller does not resolve (templateref.go: "workload of
 * type … is not supported"), or no workload of its kind in view, said where the workspace defines workloads of that kind
 * in the namespace, or the cluster's list of that kind is complete there (Deployments are listed; ReplicaSets are not).
 */
export const rolloutWorkloadNotFound: DeliveryRule = {
  code: 'rollout-workload-not-found',
  scope: 'workspace',
  check(ctx) {
    const spec = rolloutOf(ctx);
    const ref = spec?.workloadRef;
    if (!spec || !ref?.name) return [];
    const kind = ref.kind?.value;
    if (kind === undefined) return [];
    const group = WORKLOAD_KINDS[kind];
    // schema.FromAPIVersionAndKind: no apiVersion, or a core one (`v1`), is the group "".
    const apiGroup = ref.apiVersion?.value.includes('/') ? ref.apiVersion.value.split('/')[0]! : '';
    if (group === undefined || apiGroup !== group) {
      return [{
        code: this.code,
        span: ref.kind?.span ?? ref.span,
        message: `workloadRef ${ref.apiVersion?.value ?? ''} ${kind}: Argo Rollouts resolves only apps/v1 Deployment, apps/v1 ReplicaSet and v1 PodTemplate ("workload of type ${apiGroup}/${kind} is not supported"); ${INVALID}`,
      }];
    }
    // PodTemplates are not facts of the index.
    if (kind === 'PodTemplate') return [];
    const { index } = ctx;
    const known = index.workloads(spec.ns).some((w) => w.kind === kind) || index.clusterCovers(kind, spec.ns);
    if (!known || index.workloadsInView(spec.ns).some((w) => w.kind === kind && w.name === ref.name!.value)) return [];
    return [{
      code: this.code,
      span: ref.name.span,
      message: `workloadRef: no ${kind} ${ref.name.value} in namespace ${spec.ns} in ${whereDefined(index, kind, spec.ns)}: the Rollout has no pod template, and ${INVALID}`,
    }];
  },
};

export const ARGO_RULES: readonly DeliveryRule[] = [
  rolloutWeightInvalid, rolloutPauseInvalid, rolloutServiceSame, rolloutServiceInvalid, rolloutRouteNotFound,
  rolloutWeightApproximate, rolloutTemplateNotFound, rolloutWorkloadNotFound,
];
