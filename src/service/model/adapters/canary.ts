import type { Document } from 'yaml';
import type { DeliveryDocument, OwnedRef, SpecRef } from '../delivery';
import { canarySpecOf, type CanarySpec } from './canarySpec';
import { canaryPlan } from './canaryPlan';
import { readDeliveryHeader } from './deliveryHeader';

/**
 * The mesh provider of a Canary that names none. Flagger takes it from its `-mesh-provider` flag (fluxcd/flagger
 * v1.44.0 pkg/controller/scheduler.go, advanceCanary: `spec.provider` overrides it), whose built-in default is
 * `istio` (cmd/flagger/main.go); Flagger's own Linkerd install sets `-mesh-provider=gatewayapi:v1beta1`
 * (kustomize/linkerd/patch.yaml), and its Linkerd tutorial's Canary names no provider
 * (docs/gitbook/tutorials/linkerd-progressive-delivery.md). Canary Lens is for Linkerd: it assumes that install.
 */
export const ASSUMED_MESH_PROVIDER = 'gatewayapi:v1beta1';

/** `spec.provider`, else the install's (ASSUMED_MESH_PROVIDER). */
export function canaryProvider(spec: CanarySpec): { value: string; assumed: boolean } {
  return spec.provider ? { value: spec.provider.value, assumed: false } : { value: ASSUMED_MESH_PROVIDER, assumed: true };
}

/** canary.go `IsKnativeService`: the target is a Knative Service, which Flagger routes through Knative alone. */
export function isKnativeTarget(spec: CanarySpec): boolean {
  return spec.targetRef?.kind?.value === 'Service' && spec.targetRef.apiVersion?.value === 'serving.knative.dev/v1';
}

/**
 * The workload kind Flagger drives for the target: pkg/canary/factory.go `Controller` takes DaemonSet, Deployment and
 * Service (Knative's or a core one), and anything else as a Deployment ("unknown canary target, assuming deployment").
 */
export function targetKind(spec: CanarySpec): 'Deployment' | 'DaemonSet' | 'Service' | undefined {
  if (isKnativeTarget(spec)) return undefined;
  const kind = spec.targetRef?.kind?.value;
  return kind === 'DaemonSet' || kind === 'Service' ? kind : 'Deployment';
}

/**
 * What Flagger creates for the Canary, all in its namespace:
 * - Services: for a Deployment or DaemonSet, `KubernetesDefaultRouter` (pkg/router/kubernetes_default.go) creates
 *   `<apex>-canary` and `<apex>-primary` (Initialize) and `<apex>` (Reconcile; one that exists it adopts: `adopts`), names from canary.go
 *   `GetServiceNames` (apex = spec.service.name, else targetRef.name); for a core Service target the router is
 *   `KubernetesNoopRouter` (pkg/router/factory.go `KubernetesRouter`) and `ServiceController.Initialize`
 *   (pkg/canary/service_controller.go) copies the target into `<target>-canary` and `<target>-primary`; a Knative
 *   target gets none.
 * - The primary workload `<target>-primary` (pkg/canary/deployment_controller.go, daemonset_controller.go).
 * - The split, by provider (pkg/router/factory.go `MeshRouter`): `linkerd`, `smi:*` and `osm` an SMI TrafficSplit
 *   `<apex>` (pkg/router/smi.go, smi_v1alpha2.go, smi_v1alpha3.go); `gatewayapi:v1beta1` and `gatewayapi:v1*` an
 *   HTTPRoute `<apex>` (gateway_api_v1beta1.go, gateway_api.go), which they refuse to create without
 *   `service.gatewayRefs`. Other providers write kinds that are not splits here (VirtualService, Ingress, ...).
 */
function ownedBy(spec: CanarySpec, provider: string): OwnedRef[] {
  const target = spec.targetRef?.name;
  const kind = targetKind(spec);
  if (!target || !kind) return [];
  const ns = spec.ns;
  const apex = spec.service?.name ?? target;
  const owns: OwnedRef[] = [];
  const add = (k: string, name: string, span = apex.span, adopts = false): void => {
    owns.push({ kind: k, name, ns, how: 'generates', span, ...(adopts ? { adopts } : {}) });
  };
  if (kind === 'Service') {
    add('Service', `${target.value}-primary`, target.span);
    add('Service', `${target.value}-canary`, target.span);
  } else {
    // The apex Service is often written by hand (Flagger's own e2e tests do): Flagger adopts it, points its selector at
    // the primary, and gives it back when the Canary goes (kubernetes_default.go `reconcileService`, `Finalize`).
    add('Service', apex.value, apex.span, true);
    add('Service', `${apex.value}-primary`);
    add('Service', `${apex.value}-canary`);
    add(kind, `${target.value}-primary`, target.span);
  }
  if (provider === 'linkerd' || provider === 'osm' || provider.startsWith('smi:')) add('TrafficSplit', apex.value);
  else if (provider.startsWith('gatewayapi:v1') && spec.service?.hasGatewayRefs) add('HTTPRoute', apex.value);
  return owns;
}

/**
 * The references to resolve: the target (the CRD's enum: Deployment, DaemonSet, Service; a Knative Service is not
 * ours to look up) and each metric's MetricTemplate, in `templateRef.namespace`, else the Canary's
 * (pkg/controller/scheduler_metrics.go, runMetricChecks). The autoscalerRef (HorizontalPodAutoscaler, ScaledObject)
 * is left out: the index holds no autoscalers.
 */
function refsOf(spec: CanarySpec): SpecRef[] {
  const refs: SpecRef[] = [];
  const kind = targetKind(spec);
  const name = spec.targetRef?.name;
  if (kind && name) refs.push({ ...name, kind, ns: spec.ns, what: 'spec.targetRef' });
  for (const m of spec.analysis?.metrics ?? []) {
    const ref = m.templateRef;
    if (!ref?.name) continue;
    refs.push({ ...ref.name, kind: 'MetricTemplate', ns: ref.namespace?.value || spec.ns, what: `${spec.analysis!.key}.metrics[${m.index}].templateRef` });
  }
  return refs;
}

/** Flagger Canary → delivery model. */
export function adaptCanary(doc: Document.Parsed): DeliveryDocument | undefined {
  const spec = canarySpecOf(doc);
  if (!spec) return undefined;
  const header = readDeliveryHeader(doc, 'Canary', spec);
  if (!header) return undefined;
  if (spec.targetRef?.name) header.names.push({ ...spec.targetRef.name, what: 'spec.targetRef.name', subdomain: true });
  if (spec.service?.name) header.names.push({ ...spec.service.name, what: 'spec.service.name' });
  const provider = canaryProvider(spec).value;
  return {
    ...header,
    planSpan: spec.analysis?.span ?? spec.specSpan ?? header.kindSpan,
    plan: canaryPlan(spec, provider),
    owns: ownedBy(spec, provider),
    refs: refsOf(spec),
  };
}
