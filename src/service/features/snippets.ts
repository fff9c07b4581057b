/**
 * New split documents: an apex, a stable and a canary backend, in the forms Canary Lens recommends (TrafficSplit as
 * Linkerd serves it; HTTPRoute, or GRPCRoute for gRPC, with a Service parent, as Linkerd 2.13+ prefers).
 */
export interface SplitSnippet { label: string; detail: string; body: string }

export const SPLIT_SNIPPETS: readonly SplitSnippet[] = [
  {
    label: 'TrafficSplit canary',
    detail: 'split.smi-spec.io/v1alpha2: apex, stable and canary',
    body: [
      'apiVersion: split.smi-spec.io/v1alpha2',
      'kind: TrafficSplit',
      'metadata:',
      '  name: ${1:apex}-split',
      '  namespace: ${2:default}',
      'spec:',
      '  service: ${1:apex}',
      '  backends:',
      '    - service: ${3:stable}',
      '      weight: ${4:90}',
      '    - service: ${5:canary}',
      '      weight: ${6:10}',
      '$0',
    ].join('\n'),
  },
  routeSnippet('HTTPRoute', 80, ''),
  routeSnippet('GRPCRoute', 8080, ' (gRPC)'),
];

/** A Gateway API route (HTTPRoute or GRPCRoute: the same shape) with the apex Service as parent. */
function routeSnippet(kind: 'HTTPRoute' | 'GRPCRoute', port: number, note: string): SplitSnippet {
  return {
    label: `${kind} canary`,
    detail: `gateway.networking.k8s.io/v1, Service parent: apex, stable and canary${note}`,
    body: [
      'apiVersion: gateway.networking.k8s.io/v1',
      `kind: ${kind}`,
      'metadata:',
      '  name: ${1:apex}',
      '  namespace: ${2:default}',
      'spec:',
      '  parentRefs:',
      '    - name: ${1:apex}',
      '      kind: Service',
      '      group: core',
      `      port: \${3:${port}}`,
      '  rules:',
      '    - backendRefs:',
      '        - name: ${4:stable}',
      `          port: \${3:${port}}`,
      '          weight: ${5:90}',
      '        - name: ${6:canary}',
      `          port: \${3:${port}}`,
      '          weight: ${7:10}',
      '$0',
    ].join('\n'),
  };
}
