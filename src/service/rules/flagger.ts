import type { DeliveryRule, DeliveryRuleContext, Finding } from './rule';
import type { Span } from '../document/part';
import type { WorkloadFact } from '../workspace/context';
import { factsComputed } from '../workspace/context';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { canarySpecOf, type AnalysisSpec, type CanarySpec, type IntSpec } from '../model/adapters/canarySpec';
import { canaryProvider, targetKind } from '../model/adapters/canary';
import { analysisInterval, analysisThreshold, canaryStrategy, effectiveMaxWeight } from '../model/adapters/canaryPlan';
import { whereDefined, whereKnown } from './serviceDefinitions';

/**
 * The rules of a Flagger Canary (fluxcd/flagger v1.44.0). Flagger validates little up front
 * (pkg/controller/controller.go `verifyCanary`: cross-namespace references, Knative, session affinity): a spec it can
 * decode it runs, at one action per analysis interval (pkg/controller/scheduler.go). So these rules say what Flagger
 * then does: stall, go past maxWeight, ignore a field, fail every check, or read a value as unset and use its default
 * instead (a threshold or maxWeight of 0 or below: canary.go `GetAnalysisThreshold`, scheduler.go `maxWeight`).
 */

/** The Canary fields of the rule's document; nothing for any other kind. */
function canaryOf(ctx: DeliveryRuleContext): CanarySpec | undefined {
  return ctx.doc.controller === 'Flagger' ? canarySpecOf(ctx.part.doc) : undefined;
}

/** `threshold` failed checks, in words. */
function failedChecks(analysis: AnalysisSpec): string {
  const n = analysisThreshold(analysis);
  return `${n} failed check${n === 1 ? '' : 's'}`;
}

function percent(n: number): string {
  return `${n}%`;
}

/** The analysis Flagger drives by weight: the canary strategy, analysis not skipped; else undefined. */
function weightedAnalysis(spec: CanarySpec): AnalysisSpec | undefined {
  const analysis = spec.analysis;
  if (!analysis || spec.skipAnalysis) return undefined;
  return canaryStrategy(analysis, canaryProvider(spec).value).strategy === 'canary' ? analysis : undefined;
}

/** Integer fields with a fraction: Go's decoder refuses them, and with them the whole Canary. */
function fractions(code: Finding['code'], fields: [string, IntSpec | undefined][]): Finding[] {
  return fields.flatMap(([field, value]): Finding[] => (value && !value.whole ? [{
    code,
    span: value.span,
    message: `${field} ${value.value} is not a whole number: Flagger reads it as an integer (pkg/apis/flagger/v1beta1/canary.go) and cannot decode this Canary. Write a whole number`,
  }] : []));
}

// ---- canary-target-not-found ------------------------------------------------------------------------------------

/**
 * `canary-target-not-found`: the targetRef names no Deployment or DaemonSet of the Canary's namespace in the workspace
 * or the cluster, or no such Service. Flagger then fails at every interval ("deployment … get query error",
 * pkg/canary/deployment_controller.go GetMetadata) and never initializes the Canary. Said only where the workspace
 * defines workloads of that namespace or the cluster's list of the target's kind is complete there, or, for a Service,
 * where Services are known (as `service-not-found` does, rules/references.ts).
 */
export const canaryTargetNotFound: DeliveryRule = {
  code: 'canary-target-not-found',
  scope: 'workspace',
  check(ctx) {
    const spec = canaryOf(ctx);
    const kind = spec ? targetKind(spec) : undefined;
    const name = spec?.targetRef?.name;
    if (!spec || !kind || !name) return [];
    const { index } = ctx;
    const ns = spec.ns;
    if (kind === 'Service') {
      if (!index.knowsServicesOf(ns) || index.services(ns, name.value).length > 0) return [];
      return [{
        code: this.code,
        span: name.span,
        message: `Service ${name.value} (spec.targetRef) is not in namespace ${ns} in ${whereKnown(index, ns)}: Flagger cannot copy it into ${name.value}-primary and ${name.value}-canary, and the Canary never initializes`,
      }];
    }
    const workloads = index.workloadsInView(ns);
    const known = index.workloads(ns).length > 0 || index.clusterCovers(kind, ns);
    if (!known || workloads.some((w) => w.kind === kind && w.name === name.value)) return [];
    const other = workloads.find((w) => w.name === name.value);
    const hint = other ? `; a ${other.kind} ${name.value} is: set targetRef.kind to ${other.kind} if it is the one` : '';
    return [{
      code: this.code,
      span: name.span,
      message: `${kind} ${name.value} (spec.targetRef) is not in namespace ${ns} in ${whereDefined(index, kind, ns)}${hint}. Flagger reports an error at every interval and never initializes the Canary`,
    }];
  },
};

// ---- canary-port-invalid ----------------------------------------------------------------------------------------

/** The workspace's definitions of the target workload (else the cluster's), those that say which ports they declare. */
function targetDefinitions(index: WorkspaceIndex, kind: string, ns: string, name: string): WorkloadFact[] {
  const all = index.workloadsInView(ns).filter((w) => w.kind === kind && w.name === name);
  const own = all.filter((w) => w.part !== undefined);
  return (own.length > 0 ? own : all).filter((w) => (w.containerPorts?.length ?? 0) > 0);
}

const portText = (p: { port: number; name?: string }): string => (p.name ? `${p.port} (${p.name})` : String(p.port));

/**
 * `canary-port-invalid`: `service.port` is not set, or out of range, or the port the generated Services send to
 * (`service.targetPort`, else `service.port`: pkg/router/kubernetes_default.go reconcileService) is not one the target's
 * containers declare (a named targetPort resolves only from the containers' port names: without one the Services get
 * no endpoints). Judged only against definitions of the target that declare container ports: one that declares none
 * (a kustomize patch, an app that does not list its ports) says nothing either way.
 */
export const canaryPortInvalid: DeliveryRule = {
  code: 'canary-port-invalid',
  scope: 'workspace',
  check(ctx) {
    const spec = canaryOf(ctx);
    if (!spec) return [];
    const service = spec.service;
    const port = service?.port;
    // A spec without targetRef is a fragment (documentation shows parts of a Canary), which the schema reports.
    // A Service target is copied with its own ports (pkg/canary/service_controller.go): only a Deployment's or a
    // DaemonSet's Services take their port from service.port.
    const kind = targetKind(spec);
    if (!spec.targetRef || (kind !== 'Deployment' && kind !== 'DaemonSet')) return [];
    const name = spec.targetRef.name;
    const defs = name ? targetDefinitions(ctx.index, kind, spec.ns, name.value) : [];
    if (!service || (!port && !service.portWritten)) {
      return [{
        code: this.code,
        span: service?.span ?? spec.specSpan ?? ctx.doc.kindSpan,
        message: 'spec.service.port is not set: Flagger generates the apex, -primary and -canary Services and routes on that port, and the API server refuses a Service with port 0. Set service.port to the port the app serves on',
        data: { fix: 'port', ports: defs[0]?.containerPorts ?? [] },
      }];
    }
    if (!port || !port.whole) return [];
    if (port.value < 1 || port.value > 65535) {
      return [{ code: this.code, span: port.span, message: `service.port ${port.value} is not a port (1–65535): the API server refuses the Services Flagger generates with it` }];
    }
    if (!name || defs.length === 0) return [];
    const written = service.targetPort && service.targetPort.value !== 0 ? service.targetPort : undefined;
    const target = written ?? port;
    const value = target.value;
    const matches = (p: { port: number; name?: string }): boolean => (typeof value === 'number' ? p.port === value : p.name === value);
    if (defs.some((d) => d.containerPorts!.some(matches))) return [];
    const declared = defs[0]!.containerPorts!;
    const field = written ? `service.targetPort ${String(value)}` : `service.port ${String(value)}`;
    const consequence = typeof value === 'number'
      ? `the generated Services send traffic to port ${value} of its pods`
      : `a named targetPort resolves only from the containers' port names, so the generated Services get no endpoints`;
    return [{
      code: this.code,
      span: target.span,
      message: `${field} is not a port of ${kind} ${name.value}'s containers (they declare ${declared.map(portText).join(', ')}): ${consequence}. ${written ? 'Set targetPort' : 'Add targetPort'} to the port the app listens on`,
      data: { fix: 'targetPort', ports: declared, written: written !== undefined },
    }];
  },
};

// ---- canary-weights-invalid -------------------------------------------------------------------------------------

/**
 * `canary-weights-invalid`: weights Flagger cannot progress with, or that do not mean what they say (scheduler.go
 * `maxWeight`, `nextStepWeight`, `runCanary`, `runPromotionTrafficShift`). Only for the canary strategy: with
 * iterations the weights are ignored (`canary-analysis-invalid` says so).
 */
export const canaryWeightsInvalid: DeliveryRule = {
  code: 'canary-weights-invalid',
  scope: 'document',
  check(ctx) {
    const spec = canaryOf(ctx);
    const all = spec?.analysis;
    if (!spec || !all) return [];
    const code = this.code;
    const findings = fractions(code, [
      ['maxWeight', all.maxWeight], ['stepWeight', all.stepWeight], ['stepWeightPromotion', all.stepWeightPromotion],
      ...(all.stepWeights?.items ?? []).map((i): [string, IntSpec | undefined] => ['stepWeights item', i]),
    ]);
    if (findings.length > 0) return findings;
    const promotion = all.stepWeightPromotion;
    if (promotion && promotion.value < 0) {
      findings.push({
        code,
        span: promotion.span,
        message: `stepWeightPromotion ${promotion.value} is below 0: at each promotion step Flagger moves that much traffic from the primary back to the canary, and the promotion never finishes. Use a positive step, or remove it to route all traffic to the primary at once`,
      });
    }
    const analysis = weightedAnalysis(spec);
    if (!analysis) return findings;
    const steps = analysis.stepWeights;
    const stepWeight = analysis.stepWeight;
    const maxWeight = analysis.maxWeight;
    // With stepWeights, maxWeight is their last (scheduler.go `maxWeight`) and a stepWeight above 0 still sets the steps
    // (`nextStepWeight`): Flagger runs either way, so neither is reported; the plan shows the weights it takes.
    if (steps && steps.items.length > 0 && !(stepWeight && stepWeight.value > 0)) return [...findings, ...stepWeightsFindings(code, analysis)];
    if (maxWeight && maxWeight.value > 100) {
      findings.push({
        code,
        span: maxWeight.span,
        message: `maxWeight ${maxWeight.value} is above 100: the canary's weight stops at 100% and never reaches it, so Flagger never promotes. Use a maxWeight from 1 to 100`,
        data: { fix: 'set', field: 'maxWeight', value: 100 },
      });
      return findings;
    }
    if (maxWeight && maxWeight.value <= 0) {
      // scheduler.go `maxWeight`: only a maxWeight above 0 is read; anything else is the total weight, 100.
      findings.push({
        code,
        span: maxWeight.span,
        message: `maxWeight ${maxWeight.value} is below 1: Flagger reads it as unset and takes the canary up to 100% before it promotes. Use a maxWeight from 1 to 100`,
        data: { fix: 'set', field: 'maxWeight', value: 100 },
      });
    }
    const max = effectiveMaxWeight(analysis);
    if (!stepWeight || stepWeight.value <= 0) {
      // Not said of a fragment (no targetRef): documentation shows analyses in parts.
      if (!stepWeight && !spec.targetRef) return findings;
      findings.push({
        code,
        span: stepWeight?.span ?? analysis.span,
        message: `${stepWeight ? `stepWeight ${stepWeight.value}` : 'No stepWeight, stepWeights or iterations'}: Flagger never shifts traffic to the canary, and the analysis stalls at 0%. Set stepWeight (e.g. ${Math.min(10, max)}), stepWeights, or iterations for blue/green`,
      });
    } else if (stepWeight.value > max) {
      findings.push({
        code,
        span: stepWeight.span,
        message: `stepWeight ${stepWeight.value} is above ${maxWeight ? `maxWeight ${max}` : `the default maxWeight ${max}`}: Flagger's first step sends ${percent(Math.min(100, stepWeight.value))} of the traffic to the canary, then promotes. Use a stepWeight from 1 to ${max}`,
        data: { fix: 'set', field: 'stepWeight', value: max },
      });
    }
    return findings;
  },
};

/**
 * stepWeights must rise, each at least 1: `nextStepWeight` moves by the difference to the next item, so an item not
 * above the one before (or one below 1 first) gives a step of 0 or less, and Flagger stalls at that weight. Items after
 * one of 100 or more are never reached (the weight is capped at 100 and Flagger promotes).
 */
function stepWeightsFindings(code: Finding['code'], analysis: AnalysisSpec): Finding[] {
  const steps = analysis.stepWeights!;
  const findings: Finding[] = [];
  let before = 0;
  for (const item of steps.items) {
    if (!item) return findings; // not a number: the schema says so
    if (item.value <= before) {
      const sorted = [...new Set(steps.values)].sort((a, b) => a - b);
      const fixable = steps.own && steps.items.every((i) => i && i.whole && i.value >= 1) ? { fix: 'sort', sorted } : {};
      findings.push({
        code,
        span: item.span,
        message: item.value < 1
          ? `stepWeights item ${item.value} is below 1: Flagger's step to it is ${item.value - before} and the canary stalls at ${percent(before)}. Use weights from 1 to 100`
          : `stepWeights must rise: ${item.value} after ${before} makes Flagger's next step ${item.value - before}, and the canary stalls at ${percent(before)}. List the weights in ascending order, each once`,
        data: fixable,
      });
      return findings;
    }
    if (item.value >= 100) return findings;
    before = item.value;
  }
  return findings;
}

// ---- canary-analysis-invalid ------------------------------------------------------------------------------------

/**
 * `canary-analysis-invalid`: an analysis Flagger cannot run as written: integer fields with fractions; weights beside
 * iterations (canary.go `DeploymentStrategy`: iterations make it blue/green, or A/B testing with match conditions, and
 * the weights are never read); the kubernetes provider with weights or match conditions (scheduler.go: "Progressive
 * traffic is not supported", "A/B testing is not supported when using the kubernetes provider"); a metric's
 * thresholdRange whose min is above its max (scheduler_metrics.go: every check then fails); an interval
 * `time.ParseDuration` cannot read (canary.go `GetAnalysisInterval` then runs every 60s).
 */
export const canaryAnalysisInvalid: DeliveryRule = {
  code: 'canary-analysis-invalid',
  scope: 'document',
  check(ctx) {
    const spec = canaryOf(ctx);
    const analysis = spec?.analysis;
    if (!spec || !analysis) return [];
    const code = this.code;
    const findings = fractions(code, [['iterations', analysis.iterations], ['threshold', analysis.threshold]]);
    if (findings.length > 0) return findings;
    const threshold = analysis.threshold;
    if (threshold && threshold.value < 1) {
      // canary.go `GetAnalysisThreshold`: a threshold of 0 or below is read as 1.
      findings.push({
        code,
        span: threshold.span,
        message: `threshold ${threshold.value} is below 1: Flagger reads it as 1 and rolls back at the first failed check. Set the number of failed checks to tolerate before a rollback, at least 1`,
      });
    }
    const provider = canaryProvider(spec);
    const { strategy, iterations } = canaryStrategy(analysis, provider.value);
    // The weight fields written with a value Flagger would use (a 0 is unset).
    const written: { field: string; keySpan: Span }[] = [
      ...(analysis.maxWeight && analysis.maxWeight.value > 0 ? [{ field: 'maxWeight', keySpan: analysis.maxWeight.keySpan }] : []),
      ...(analysis.stepWeight && analysis.stepWeight.value > 0 ? [{ field: 'stepWeight', keySpan: analysis.stepWeight.keySpan }] : []),
      ...(analysis.stepWeights && analysis.stepWeights.items.length > 0 ? [{ field: 'stepWeights', keySpan: analysis.stepWeights.keySpan }] : []),
    ];
    if (provider.value === 'kubernetes' && (analysis.iterations?.value ?? 0) < 1 && written.length > 0 && spec.provider) {
      findings.push({
        code,
        span: spec.provider.span,
        message: `The kubernetes provider cannot shift traffic: Flagger ignores ${written.map((w) => w.field).join(', ')} and runs ${iterations} iterations of blue/green instead. Set iterations, or use a provider that routes traffic (linkerd, gatewayapi:v1)`,
      });
    } else if (strategy !== 'canary') {
      const how = strategy === 'ab-testing' ? 'A/B testing (requests matching analysis.match go to the canary)' : 'blue/green';
      for (const { field, keySpan } of written) {
        findings.push({
          code,
          span: keySpan,
          message: `${field} is ignored: with iterations (${iterations}) Flagger runs ${how} and never shifts traffic by weight. Remove ${field}, or remove iterations for a weighted canary`,
        });
      }
    }
    if (provider.value === 'kubernetes' && analysis.match && spec.provider) {
      findings.push({
        code,
        span: analysis.match,
        message: 'A/B testing is not supported with the kubernetes provider: Flagger drops the match conditions and runs blue/green',
      });
    }
    for (const m of analysis.metrics) {
      const range = m.thresholdRange;
      if (range?.min && range.max && range.min.value > range.max.value) {
        findings.push({
          code,
          span: range.min.span,
          message: `thresholdRange min ${range.min.value} is above max ${range.max.value}: no value passes, so metric ${m.name?.value ?? m.index} fails every check and Flagger rolls back after ${failedChecks(analysis)}. Swap them, or fix the one that is wrong`,
        });
      }
    }
    const interval = analysisInterval(analysis);
    if (interval.unreadable && analysis.interval) {
      findings.push({
        code,
        span: analysis.interval.span,
        message: `interval "${analysis.interval.value}" is not a Go duration: Flagger cannot read it and runs the analysis every 60s. Write it as 30s, 1m or 1m30s`,
      });
    }
    return findings;
  },
};

// ---- canary-template-not-found ----------------------------------------------------------------------------------

const TEMPLATE_NAMESPACES = new WeakMap<WorkspaceIndex, { generation: number; namespaces: Set<string> }>();

/** Namespaces where the workspace (or the cluster) defines MetricTemplates, once per index generation. */
function metricTemplateNamespaces(index: WorkspaceIndex): Set<string> {
  const generation = index.generation;
  const cached = TEMPLATE_NAMESPACES.get(index);
  if (cached?.generation === generation) return cached.namespaces;
  const namespaces = new Set<string>();
  const add = (f: { type: string; kind?: string; ns: string }): void => { if (f.type === 'Template' && f.kind === 'MetricTemplate') namespaces.add(f.ns); };
  for (const file of index.allFiles()) for (const part of file.parts) factsComputed(part)?.forEach(add);
  index.clusterFacts?.facts.forEach(add);
  TEMPLATE_NAMESPACES.set(index, { generation, namespaces });
  return namespaces;
}

/**
 * `canary-template-not-found`: a metric's templateRef names no MetricTemplate of its namespace (templateRef.namespace,
 * else the Canary's: pkg/controller/scheduler_metrics.go runMetricChecks). Flagger then fails that metric check at
 * every interval ("Metric template … error") and rolls back after `threshold` of them. Said only for a namespace where
 * the workspace defines MetricTemplates, or whose MetricTemplates the cluster facts hold all of: templates often come
 * from elsewhere (a platform repository, a Helm chart).
 */
export const canaryTemplateNotFound: DeliveryRule = {
  code: 'canary-template-not-found',
  scope: 'workspace',
  check(ctx) {
    const spec = canaryOf(ctx);
    const analysis = spec?.analysis;
    if (!spec || !analysis) return [];
    const refs = ctx.doc.refs.filter((r) => r.kind === 'MetricTemplate');
    if (refs.length === 0) return [];
    const known = metricTemplateNamespaces(ctx.index);
    return refs.flatMap((r): Finding[] => {
      if (!(known.has(r.ns) || ctx.index.clusterCovers('MetricTemplate', r.ns)) || ctx.index.templates('MetricTemplate', r.ns, r.value).length > 0) return [];
      return [{
        code: this.code,
        span: r.span,
        message: `MetricTemplate ${r.value} is not in namespace ${r.ns} in ${whereDefined(ctx.index, 'MetricTemplate', r.ns)}: Flagger fails this metric check at every interval and rolls back after ${failedChecks(analysis)}`,
      }];
    });
  },
};

export const FLAGGER_RULES: readonly DeliveryRule[] = [
  canaryTargetNotFound, canaryPortInvalid, canaryWeightsInvalid, canaryAnalysisInvalid, canaryTemplateNotFound,
];
