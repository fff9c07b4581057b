/** Every diagnostic Canary Lens reports: a stable code and its severity (the table in the README, "What it checks"). */
export const DIAGNOSTIC_CODES = {
  'yaml-syntax': { severity: 'error', summary: 'The YAML does not parse' },
  schema: { severity: 'error', summary: "The document breaks its CRD's OpenAPI schema" },
  'unknown-api-version': { severity: 'error', summary: 'A split (TrafficSplit, HTTPRoute, GRPCRoute) or a Flagger / Argo Rollouts kind with a missing apiVersion or one nobody serves' },
  'old-api-version': { severity: 'warning', summary: 'An apiVersion served only by old Gateway API bundles' },
  'weight-invalid': { severity: 'error', summary: 'A weight the API server or the mesh refuses' },
  'yaml-1-1-value': { severity: 'warning', summary: 'A plain scalar kubectl (YAML 1.1) reads otherwise than YAML 1.2: 010 is 8, 1_000 is 1000, yes/no/on/off are booleans' },
  'weights-all-zero': { severity: 'error', summary: "Every backend has weight 0: the apex's traffic has nowhere to go" },
  'invalid-name': { severity: 'error', summary: 'A name, namespace or Service reference that is not a valid DNS label' },
  'no-parent': { severity: 'warning', summary: 'A route without parentRefs attaches to nothing' },
  'unreachable-rule': { severity: 'warning', summary: 'A rule whose requests earlier rules all take never gets traffic' },
  'duplicate-backend': { severity: 'warning', summary: 'The same backend listed twice in one split' },
  'service-not-found': { severity: 'warning', summary: 'A backend or apex Service is not in the workspace or the cluster' },
  'port-mismatch': { severity: 'warning', summary: "A backend Service lacks the apex's port, or a backendRef's or Service parentRef's port is not on its Service" },
  'backend-without-workload': { severity: 'warning', summary: "A backend Service whose selector matches no workload's pods" },
  'service-defined-twice': { severity: 'hint', summary: 'A Service a split names is defined by more than one document of the workspace: the one applied last wins' },
  'unknown-backend-kind': { severity: 'warning', summary: 'A backendRef to a kind a mesh cannot route to' },
  'backend-ref-port-missing': { severity: 'error', summary: 'A route backendRef to a Service without port' },
  'parent-not-service': { severity: 'warning', summary: 'A parentRef meant as a Service that does not name one' },
  'cross-namespace-backend': { severity: 'warning', summary: 'A backendRef into another namespace without a ReferenceGrant' },
  'not-served-by-linkerd': { severity: 'warning', summary: 'A TrafficSplit version or field that Linkerd does not serve' },
  'shadowed-by-serviceprofile': { severity: 'warning', summary: 'A ServiceProfile with dstOverrides takes precedence over the route' },
  'match-not-implemented': { severity: 'warning', summary: 'A rule match Linkerd cannot convert (a relative path, a gRPC method regex): it skips the route' },
  'filter-not-implemented': { severity: 'warning', summary: 'A filter type Linkerd does not implement: it skips the route, or fails the backend' },
  'trafficsplit-deprecated': { severity: 'hint', summary: 'TrafficSplit is deprecated in Linkerd 2.13+; HTTPRoute (GRPCRoute for gRPC) replaces it' },
  'route-not-accepted': { severity: 'error', summary: "Linkerd's policy controller did not accept the route in the cluster (status Accepted False)" },
  'route-refs-unresolved': { severity: 'warning', summary: "Linkerd's policy controller could not resolve the route's backends in the cluster (ResolvedRefs False)" },
  // Progressive delivery: Flagger (rules/flagger.ts), Argo Rollouts (rules/argo.ts), ownership of splits (rules/ownership.ts).
  'canary-target-not-found': { severity: 'warning', summary: "A Canary's targetRef (or autoscalerRef) names no workload in view" },
  'canary-port-invalid': { severity: 'warning', summary: "A Canary's service.port is missing, or not a port of the target's containers" },
  'canary-weights-invalid': { severity: 'error', summary: 'A Canary analysis weight Flagger refuses: maxWeight, stepWeight or stepWeights out of range or order' },
  'canary-analysis-invalid': { severity: 'error', summary: 'A Canary analysis Flagger cannot run: threshold below 1, iterations with weights, thresholdRange min above max' },
  'canary-template-not-found': { severity: 'warning', summary: "A Canary metric's templateRef names no MetricTemplate in view" },
  'rollout-weight-invalid': { severity: 'error', summary: 'A Rollout setWeight outside 0..100' },
  'rollout-pause-invalid': { severity: 'error', summary: 'A Rollout pause duration Argo Rollouts cannot read' },
  'rollout-service-invalid': { severity: 'warning', summary: "A Rollout's canaryService or stableService is missing, the same as the other, or does not select the Rollout's pods" },
  'rollout-route-not-found': { severity: 'warning', summary: "A Rollout's trafficRouting names a Service, TrafficSplit or route not in view" },
  'rollout-weight-approximate': { severity: 'information', summary: 'A Rollout setWeight without trafficRouting: the weight is only approximated by replica counts' },
  'rollout-template-not-found': { severity: 'warning', summary: "A Rollout analysis templateName names no AnalysisTemplate or ClusterAnalysisTemplate in view" },
  'rollout-workload-not-found': { severity: 'warning', summary: "A Rollout's workloadRef names no Deployment in view" },
  'managed-by-controller': { severity: 'warning', summary: 'A split or Service a Flagger Canary or an Argo Rollout owns: a hand edit is reverted' },
  'collides-with-generated': { severity: 'warning', summary: 'A hand-written object with the name of one a Canary in view generates' },
} as const satisfies Record<string, { severity: 'error' | 'warning' | 'information' | 'hint'; summary: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
export type Severity = (typeof DIAGNOSTIC_CODES)[DiagnosticCode]['severity'];

export const SOURCE = 'canary-lens';
