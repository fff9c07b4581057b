/** The texts the fuzz suite mutates: the emojivoto examples and generated documents of every split shape. */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const EXAMPLES_DIR = path.resolve(__dirname, '../../examples/emojivoto');
export const EXAMPLE_FILES = readdirSync(EXAMPLES_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
export const EXAMPLES = EXAMPLE_FILES.map((f) => readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'));
/** An example by file name (not by position: more examples may come). */
export function example(name: string): string {
  const i = EXAMPLE_FILES.indexOf(name);
  if (i < 0) throw new Error(`no example ${name} in ${EXAMPLES_DIR}`);
  return EXAMPLES[i]!;
}
export const TRAFFIC_SPLIT_EXAMPLE = example('web-svc-ts.yaml');
export const HTTP_ROUTE_EXAMPLE = example('web-httproute.yaml');
/** Every example in one file: the workspace file the cases' references resolve against. */
export const ALL_EXAMPLES = EXAMPLES.join('---\n');

export const GENERATED = [
  // HTTPRoute with matches, filters, two rules (one unreachable), a cross-namespace backend and a default weight.
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: books
  namespace: shop
spec:
  parentRefs:
    - name: books
      kind: Service
      group: core
      port: 8080
  rules:
    - matches:
        - path: { type: PathPrefix, value: /api }
          headers:
            - name: x-canary
              value: "true"
      backendRefs:
        - name: books-v2
          port: 8080
    - backendRefs:
        - name: books-v1
          port: 8080
          weight: 90
        - name: books-v2
          namespace: other
          port: 8080
          weight: 10
    - backendRefs:
        - name: books-v1
          port: 8080
`,
  // policy.linkerd.io route, a parentRef without kind, a backendRef without port, an unknown backend kind.
  `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata:
  name: authors
  namespace: shop
spec:
  parentRefs:
    - name: authors
  rules:
    - backendRefs:
        - name: authors-v1
          weight: 0
        - name: authors-v2
          kind: Deployment
          weight: 0
`,
  // v1alpha1 quantities, v1alpha3 with matches, v1alpha4, all-zero weights, a bad name.
  `apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata:
  name: q
  namespace: shop
spec:
  service: web
  backends:
    - service: web-v1
      weight: 1500m
    - service: web-v2
      weight: 1.5k
---
apiVersion: split.smi-spec.io/v1alpha3
kind: TrafficSplit
metadata:
  name: m
spec:
  service: bookstore.bookstore
  matches:
    - kind: HTTPRouteGroup
      name: r
  backends:
    - service: $NAMESPACE
      weight: 0
    - service: web-v2
      weight: 0
---
apiVersion: split.smi-spec.io/v1alpha4
kind: TrafficSplit
metadata: {name: flow, namespace: shop}
spec: {service: web, backends: [{service: web-v1, weight: 1}, {service: web-v1, weight: 1}]}
`,
  // Context documents: Services, workloads, a ServiceProfile with dstOverrides, a ReferenceGrant, a CronJob.
  `apiVersion: v1
kind: Service
metadata:
  name: books
  namespace: shop
spec:
  selector: {app: books}
  ports:
    - {name: http, port: 8080, targetPort: http}
---
apiVersion: v1
kind: Service
metadata: {name: books-v1, namespace: shop}
spec: {selector: {app: books, version: v1}, ports: [{port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: books-v1, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: books, version: v1}
---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata:
  name: books.shop.svc.cluster.local
  namespace: shop
spec:
  dstOverrides:
    - authority: books-v1.shop.svc.cluster.local:8080
      weight: 1
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: other}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
  to: [{group: "", kind: Service}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: shop}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: c}}}}}}
`,
  // JSON (flow) style, kind not at column 0.
  `{"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": {"name": "j", "namespace": "emojivoto"},
 "spec": {"service": "web-apex", "backends": [{"service": "web-svc", "weight": 1}, {"service": "nope", "weight": -1}]}}
`,
  // Helm template (skipped quietly), old and unknown API versions, a comment-only document, an empty document.
  `# {{ .Release.Name }}
apiVersion: {{ .Values.api }}
kind: TrafficSplit
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: HTTPRoute
metadata: {name: old}
spec:
  rules: [{backendRefs: [{name: a, port: 1}]}]
---
apiVersion: networking.x-k8s.io/v1alpha1
kind: HTTPRoute
metadata: {name: ancient}
---
# only a comment
---
`,
  '',
  '---\n---\n',
  'kind: TrafficSplit\n',
];

export const SEEDS: readonly string[] = [...EXAMPLES, ...GENERATED, ALL_EXAMPLES];
