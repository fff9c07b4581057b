/**
 * New split documents: an apex, a stable and a canary backend, in the two forms Canary Lens
 * recommends (TrafficSplit as Linkerd serves it; HTTPRoute with a Service parent, as Linkerd 2.13+ prefers).
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
  {
    label: 'HTTPRoute canary',
    detail: 'gateway.networking.k8s.io/v1, Service parent: apex, stable and canary',
    body: [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata:',
      '  name: ${1:apex}',
      '  namespace: ${2:default}',
      'spec:',
      '  parentRefs:',
      '    - name: ${1:apex}',
      '      kind: Service',
      '      group: core',
      '      port: ${3:80}',
      '  rules:',
      '    - backendRefs:',
      '        - name: ${4:stable}',
      '          port: ${3:80}',
      '          weight: ${5:90}',
      '        - name: ${6:canary}',
      '          port: ${3:80}',
      '          weight: ${7:10}',
      '$0',
    ].join('\n'),
  },
];
