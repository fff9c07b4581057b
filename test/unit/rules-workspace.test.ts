/**
 * Diagnostics that read the workspace index and the cluster facts (README, "What it checks"): Services, workloads,
 * ServiceProfiles and ReferenceGrants defined in other files (other uris) of the same language service.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceFact } from '../../src/service/workspace/context';
import { PRELUDE, WORKSPACE_CODES, assertCovered, expectDiagnostics, serviceWith } from '../support/diagnostics';
import { documents, httpRoute, service, trafficSplit } from '../support/manifests';
import { claimsOfObject } from '../../src/service/rules/splitInEffect';

const URI = 'file:///ws/split.yaml';
const SERVICES = 'file:///ws/services.yaml';
const WORKLOADS = 'file:///ws/workloads.yaml';

/** A Service `name` in `namespace` with these ports, selecting `app: <selector>`. */
const serviceDoc = (name: string, namespace: string, ports: number[], selector?: string): string => service({ name, namespace, ports, selector });

function workloadDoc(kind: string, name: string, app: string): string {
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: emojivoto
spec:
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
        version: v1
    spec:
      containers:
        - name: web
          image: web:v1
`;
}

/** Services of emojivoto (and one in `other`), and the workloads behind some of them, in two files of their own. */
const CONTEXT: Record<string, string> = {
  [SERVICES]: [
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: emojivoto\n',
    serviceDoc('web-apex', 'emojivoto', [80], 'web-apex'),
    serviceDoc('web-svc', 'emojivoto', [80], 'web-svc'),
    serviceDoc('web-svc-2', 'emojivoto', [80], 'web-svc-2'),
    serviceDoc('web-grpc', 'emojivoto', [8080], 'web-svc'),
    serviceDoc('web-orphan', 'emojivoto', [80], 'web-orphan'),
    serviceDoc('web-plain', 'emojivoto', [80]),
    serviceDoc('remote-svc', 'other', [80], 'remote'),
  ].join('---\n'),
  [WORKLOADS]: [workloadDoc('Deployment', 'web', 'web-svc'), workloadDoc('StatefulSet', 'web-2', 'web-svc-2')].join('---\n'),
};

const withContext = (text: string, more: Record<string, string> = {}) => serviceWith({ ...CONTEXT, ...more, [URI]: text });

// ---- service-not-found -----------------------------------------------------------------------------------

const MISSING = PRELUDE + documents(
  trafficSplit({ apex: 'web-root', backends: ['web-svc=900', 'web-svc-3=100'] }),
  httpRoute({ apex: { name: 'web-root', port: 80 }, backends: [{ name: 'web-svc', port: 80 }, { name: 'web-svc-4', port: 80 }] }),
);

const MISSING_WANT = [
  { code: 'service-not-found', text: 'web-root', line: 11, character: 11, message: ['apex', 'emojivoto'] },
  { code: 'service-not-found', text: 'web-svc-3', line: 15, character: 15, message: ['backend', 'emojivoto'] },
  { code: 'service-not-found', text: 'web-root', line: 25, character: 12, message: ['apex'] },
  { code: 'service-not-found', text: 'web-svc-4', line: 33, character: 16, message: ['backend'] },
] as const;

test('service-not-found: apex and backends missing from the Services of another file', () => {
  expectDiagnostics(withContext(MISSING), URI, [...MISSING_WANT]);
});

test('service-not-found goes once the Services are defined in yet another file', () => {
  const ls = withContext(MISSING);
  expectDiagnostics(ls, URI, [...MISSING_WANT]);
  ls.setFile('file:///ws/more.yaml', [serviceDoc('web-root', 'emojivoto', [80]), serviceDoc('web-svc-3', 'emojivoto', [80], 'web-svc'), serviceDoc('web-svc-4', 'emojivoto', [80], 'web-svc')].join('---\n'));
  ls.index.indexSome(Infinity);
  expectDiagnostics(ls, URI, [], { absent: ['service-not-found'] });
});

test('service-not-found near miss: no Services of that namespace in the workspace (alone, or context elsewhere)', () => {
  expectDiagnostics(serviceWith({ [URI]: MISSING }), URI, [], { absent: ['service-not-found'] });
  const staging = MISSING.replace(/namespace: emojivoto/g, 'namespace: staging');
  expectDiagnostics(withContext(staging), URI, [], { absent: ['service-not-found'] });
  const ls = withContext(MISSING);
  ls.removeFile(SERVICES);
  ls.index.indexSome(Infinity);
  expectDiagnostics(ls, URI, [], { absent: ['service-not-found'] });
});

test('service-not-found waits for a complete index: not reported with complete = false', () => {
  const ls = withContext(MISSING);
  assert.deepEqual(ls.diagnostics(URI, false).filter((d) => d.code === 'service-not-found'), []);
});

/** The emojivoto TrafficSplit with these backends (each `service=weight`); the document starts at line 5. */
const split = (...backends: string[]): string => PRELUDE + trafficSplit({ backends });

const SPLIT = split('web-svc=900', 'web-svc-2=100');

const clusterService = (name: string, ports: number[] = [80]): ServiceFact => ({ type: 'Service', name, ns: 'emojivoto', ports: ports.map((port) => ({ port })) });

test('service-not-found from cluster facts alone: the namespace is covered, the Service is not there', () => {
  const ls = serviceWith({ [URI]: SPLIT }, { namespaces: ['emojivoto'], facts: [clusterService('web-apex'), clusterService('web-svc')] });
  expectDiagnostics(ls, URI, [
    { code: 'service-not-found', text: 'web-svc-2', line: 15, character: 15, message: ['cluster'] },
  ]);
});

test('service-not-found near miss with cluster facts: another namespace covered, or the Service is there', () => {
  const otherNs = serviceWith({ [URI]: SPLIT }, { namespaces: ['other'], facts: [] });
  expectDiagnostics(otherNs, URI, [], { absent: ['service-not-found'] });
  const all = serviceWith({ [URI]: SPLIT }, { namespaces: ['emojivoto'], facts: ['web-apex', 'web-svc', 'web-svc-2'].map((n) => clusterService(n)) });
  expectDiagnostics(all, URI, [], { absent: ['service-not-found', 'port-mismatch'] });
});

test('cluster facts feed port-mismatch too', () => {
  const ls = serviceWith({ [URI]: SPLIT }, { namespaces: ['emojivoto'], facts: [clusterService('web-apex'), clusterService('web-svc'), clusterService('web-svc-2', [8080])] });
  expectDiagnostics(ls, URI, [
    { code: 'port-mismatch', text: 'web-svc-2', line: 15, character: 15, message: ['80'] },
  ]);
});

// ---- port-mismatch -------------------------------------------------------------------------------------------

test("port-mismatch: a backend Service without the apex's port; a backendRef port its Service does not have", () => {
  const text = documents(
    split('web-svc=900', 'web-grpc=100'),
    httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-grpc', port: 8080 }] }),
  );
  expectDiagnostics(withContext(text), URI, [
    { code: 'port-mismatch', text: 'web-grpc', line: 15, character: 15, message: ['no port 80', 'web-apex'] },
    { code: 'port-mismatch', text: '8080', line: 32, character: 16, message: ['no port 8080'] },
  ]);
});

test('port-mismatch near miss: backendRef ports that exist, and backends that share the apex port', () => {
  const text = documents(
    SPLIT,
    httpRoute({
      apiVersion: 'policy.linkerd.io/v1beta3',
      apex: { name: 'web-apex', port: 80 },
      backends: [{ name: 'web-svc', port: 80 }, { name: 'web-grpc', port: 8080 }],
    }),
  );
  expectDiagnostics(withContext(text), URI, [], { absent: ['port-mismatch'] });
});

// ---- apex as a backend -----------------------------------------------------------------------------------

test('an apex that is also a backend is valid: no warning of any kind', () => {
  const text = documents(
    split('web-apex=900', 'web-svc-2=100'),
    httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-apex', port: 80, weight: 90 }, { name: 'web-svc-2', port: 80, weight: 10 }] }),
  );
  expectDiagnostics(withContext(text), URI, [], { absent: ['backend-without-workload', 'port-mismatch', 'service-not-found', 'duplicate-backend'] });
});

// ---- backend-without-workload ---------------------------------------------------------------------------

test("backend-without-workload: a backend whose selector matches no workload's pod labels", () => {
  const text = documents(
    split('web-svc=500', 'web-orphan=500'),
    httpRoute({ backends: [{ name: 'web-svc-2', port: 80 }, { name: 'web-orphan', port: 80 }] }),
  );
  expectDiagnostics(withContext(text), URI, [
    { code: 'backend-without-workload', text: 'web-orphan', line: 15, character: 15, message: ['app=web-orphan'] },
    { code: 'backend-without-workload', text: 'web-orphan', line: 32, character: 16 },
  ]);
});

test('backend-without-workload near miss: no workloads of the namespace in view, a Service without selector', () => {
  const text = split('web-svc=500', 'web-orphan=250', 'web-plain=250');
  expectDiagnostics(serviceWith({ [SERVICES]: CONTEXT[SERVICES]!, [URI]: text }), URI, [], { absent: ['backend-without-workload'] });
  expectDiagnostics(withContext(split('web-svc=500', 'web-plain=500')), URI, [], { absent: ['backend-without-workload'] });
});

test('workloads in the split file itself count (a Deployment beside the split)', () => {
  const text = split('web-svc=500', 'web-orphan=500') + '---\n' + workloadDoc('Deployment', 'orphan', 'web-orphan');
  expectDiagnostics(withContext(text), URI, [], { absent: ['backend-without-workload'] });
});

// ---- cross-namespace-backend -------------------------------------------------------------------------------

const CROSS = PRELUDE + httpRoute({ backends: [{ name: 'web-svc', port: 80 }, { name: 'remote-svc', namespace: 'other', port: 80 }] });

const grant = (fromGroup: string, fromNs: string, to: string): string => `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: allow-routes
  namespace: other
spec:
  from:
    - group: ${fromGroup}
      kind: HTTPRoute
      namespace: ${fromNs}
  to:
${to}`;

const CROSS_WANT = [{ code: 'cross-namespace-backend', text: 'other', line: 20, character: 21, message: ['ReferenceGrant', 'other'] }] as const;

test('cross-namespace-backend: a backendRef into another namespace without a ReferenceGrant, at the namespace', () => {
  expectDiagnostics(withContext(CROSS), URI, [...CROSS_WANT]);
});

test('cross-namespace-backend: grants that do not allow it (other namespace, other group, other Service)', () => {
  const GRANTS = 'file:///ws/grants.yaml';
  for (const g of [
    grant('gateway.networking.k8s.io', 'staging', '    - group: ""\n      kind: Service\n'),
    grant('policy.linkerd.io', 'emojivoto', '    - group: ""\n      kind: Service\n'),
    grant('gateway.networking.k8s.io', 'emojivoto', '    - group: ""\n      kind: Service\n      name: another-svc\n'),
  ]) {
    expectDiagnostics(withContext(CROSS, { [GRANTS]: g }), URI, [...CROSS_WANT]);
  }
});

test('cross-namespace-backend near miss: a ReferenceGrant in another file allows it', () => {
  const GRANTS = 'file:///ws/grants.yaml';
  for (const g of [
    grant('gateway.networking.k8s.io', 'emojivoto', '    - group: ""\n      kind: Service\n'),
    grant('gateway.networking.k8s.io', 'emojivoto', '    - group: core\n      kind: Service\n      name: remote-svc\n'),
  ]) {
    expectDiagnostics(withContext(CROSS, { [GRANTS]: g }), URI, [], { absent: ['cross-namespace-backend'] });
  }
});

test("cross-namespace-backend near miss: the backend is in its Service parent's namespace", () => {
  const text = PRELUDE + httpRoute({
    name: 'remote-canary',
    apex: { name: 'remote-svc', namespace: 'other' },
    backends: [{ name: 'remote-svc', namespace: 'other', port: 80 }],
  });
  expectDiagnostics(withContext(text), URI, [], { absent: ['cross-namespace-backend', 'service-not-found'] });
});

// ---- shadowed-by-serviceprofile ------------------------------------------------------------------------------

const PROFILES = 'file:///ws/profiles.yaml';
const profile = (service: string, spec: string): string => `apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata:
  name: ${service}.emojivoto.svc.cluster.local
  namespace: emojivoto
spec:
${spec}`;
const OVERRIDES = '  dstOverrides:\n    - authority: web-svc.emojivoto.svc.cluster.local:80\n      weight: 1\n';

const ROUTE_AND_SPLIT = PRELUDE + documents(
  httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-2', port: 80, weight: 10 }] }),
  trafficSplit({ backends: ['web-svc=900', 'web-svc-2=100'] }),
);

test("shadowed-by-serviceprofile: the HTTPRoute's apex has a ServiceProfile with dstOverrides (the TrafficSplit does not count)", () => {
  expectDiagnostics(withContext(ROUTE_AND_SPLIT, { [PROFILES]: profile('web-apex', OVERRIDES) }), URI, [
    { code: 'shadowed-by-serviceprofile', text: 'web-apex', line: 12, character: 12, message: ['web-apex.emojivoto.svc.cluster.local', 'dstOverrides'] },
  ]);
});

test('shadowed-by-serviceprofile near miss: a profile without dstOverrides, or for another Service', () => {
  const routesOnly = profile('web-apex', '  routes:\n    - name: GET /\n      condition:\n        method: GET\n        pathRegex: /\n');
  expectDiagnostics(withContext(ROUTE_AND_SPLIT, { [PROFILES]: routesOnly }), URI, [], { absent: ['shadowed-by-serviceprofile'] });
  expectDiagnostics(withContext(ROUTE_AND_SPLIT, { [PROFILES]: profile('web-svc', OVERRIDES) }), URI, [], { absent: ['shadowed-by-serviceprofile'] });
});

// ---- split-not-in-effect --------------------------------------------------------------------------------

test('split-not-in-effect: a TrafficSplit on the apex takes it from the HTTPRoute (named, with the reason)', () => {
  expectDiagnostics(withContext(ROUTE_AND_SPLIT), URI, [
    { code: 'split-not-in-effect', text: 'web-apex', line: 12, character: 12, message: ['TrafficSplit', 'takes web-apex', 'ServiceProfile'] },
  ], { ignore: ['trafficsplit-deprecated'] });
});

test('split-not-in-effect: of two HTTPRoutes with the same matches, the later by name is not in effect', () => {
  const text = PRELUDE + documents(
    httpRoute({ name: 'b-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] }),
    httpRoute({ name: 'a-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc-2', port: 80 }] }),
  );
  const found = expectDiagnostics(withContext(text), URI, [
    { code: 'split-not-in-effect', text: 'web-apex', line: 12, character: 12, message: ['HTTPRoute a-route takes web-apex:80', 'by name'] },
  ]);
  assert.equal(found.length, 1);
});

test('split-not-in-effect: the cluster\'s creation times order the workspace\'s routes (the older wins, not the first by name)', () => {
  const text = PRELUDE + documents(
    httpRoute({ name: 'a-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] }),
    httpRoute({ name: 'b-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc-2', port: 80 }] }),
  );
  const route = (name: string, createdAt: string) => ({ kind: 'HTTPRoute' as const, group: 'gateway.networking.k8s.io', namespace: 'emojivoto', name, createdAt });
  const ls = serviceWith({ ...CONTEXT, [URI]: text }, { namespaces: ['emojivoto'], facts: [], routes: [route('a-route', '2026-01-02T00:00:00Z'), route('b-route', '2026-01-01T00:00:00Z')] });
  expectDiagnostics(ls, URI, [
    { code: 'split-not-in-effect', text: 'web-apex', line: 12, character: 12, message: ['HTTPRoute b-route takes web-apex:80', 'created earlier'] },
  ], { ignore: ['service-not-found', 'backend-without-workload'] });
});

test('split-not-in-effect against the cluster: a TrafficSplit only the cluster has takes the workspace route\'s apex', () => {
  const route = PRELUDE + httpRoute({ name: 'web-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] });
  // The claims as the cluster layer computes them from the live object (the same adapters as a manifest).
  const live = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web-svc-ts', namespace: 'emojivoto' },
    spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] } };
  const claims = claimsOfObject(live);
  assert.deepEqual(claims, [{ apexNamespace: 'emojivoto', apex: 'web-apex', viaProfile: true }]);
  const ts = { kind: 'TrafficSplit' as const, group: 'split.smi-spec.io', namespace: 'emojivoto', name: 'web-svc-ts', claims };
  const ls = serviceWith({ ...CONTEXT, [URI]: route }, { namespaces: ['emojivoto'], facts: [], routes: [ts] });
  expectDiagnostics(ls, URI, [
    { code: 'split-not-in-effect', text: 'web-apex', line: 12, character: 12, message: ['TrafficSplit web-svc-ts (in the cluster) takes web-apex', 'ServiceProfile'] },
  ], { ignore: ['service-not-found', 'backend-without-workload'] });
  // The workspace's copy of the object is what counts: here it names another apex, so the route is in effect.
  const moved = PRELUDE + documents(
    httpRoute({ name: 'web-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] }),
    trafficSplit({ name: 'web-svc-ts', apex: 'web-svc', backends: ['web-svc=900', 'web-svc-2=100'] }),
  );
  const ls2 = serviceWith({ ...CONTEXT, [URI]: moved }, { namespaces: ['emojivoto'], facts: [], routes: [ts] });
  expectDiagnostics(ls2, URI, [], { absent: ['split-not-in-effect'], ignore: ['service-not-found', 'backend-without-workload', 'trafficsplit-deprecated'] });
});

test('split-not-in-effect against the cluster, for a route written without a namespace: it lands in the selected one', () => {
  // No metadata.namespace: applied, it goes to the selected namespace, where the cluster's TrafficSplit takes the apex.
  const route = httpRoute({ name: 'web-route', namespace: null, apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] });
  const live = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web-svc-ts', namespace: 'shop' },
    spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] } };
  const ts = { kind: 'TrafficSplit' as const, group: 'split.smi-spec.io', namespace: 'shop', name: 'web-svc-ts', claims: claimsOfObject(live) };
  const facts = (namespace: string) => ({ namespaces: ['shop'], facts: [], routes: [ts], connection: { context: 'dev', namespace, state: 'ready' as const } });
  const shop = serviceWith({ [URI]: route }, facts('shop'));
  assert.deepEqual(shop.diagnostics(URI).filter((d) => d.code === 'split-not-in-effect').map((d) => d.message), [
    'Not in effect: TrafficSplit web-svc-ts (in the cluster) takes web-apex: linkerd-smi turns it into a ServiceProfile, which Linkerd prefers to routes',
  ]);
  // Selected elsewhere, the route lands in another namespace than the TrafficSplit: in effect.
  const other = serviceWith({ [URI]: route }, facts('staging'));
  assert.deepEqual(other.diagnostics(URI).filter((d) => d.code === 'split-not-in-effect'), []);
});

test('split-not-in-effect near miss: other ports, other apexes, and a profile already in view say nothing', () => {
  const ports = PRELUDE + documents(
    httpRoute({ name: 'b-route', apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] }),
    httpRoute({ name: 'a-route', apex: { name: 'web-apex', port: 8080 }, backends: [{ name: 'web-svc-2', port: 80 }] }),
  );
  expectDiagnostics(withContext(ports), URI, [], { absent: ['split-not-in-effect'], ignore: ['port-mismatch', 'service-not-found'] });
  const apexes = PRELUDE + documents(
    httpRoute({ apex: { name: 'web-svc', port: 80 }, backends: [{ name: 'web-svc', port: 80 }] }),
    trafficSplit({ backends: ['web-svc=900', 'web-svc-2=100'] }),
  );
  expectDiagnostics(withContext(apexes), URI, [], { absent: ['split-not-in-effect'], ignore: ['trafficsplit-deprecated'] });
  expectDiagnostics(withContext(ROUTE_AND_SPLIT, { [PROFILES]: profile('web-apex', OVERRIDES) }), URI, [
    { code: 'shadowed-by-serviceprofile', text: 'web-apex', line: 12, character: 12 },
  ], { absent: ['split-not-in-effect'], ignore: ['trafficsplit-deprecated'] });
});

// ---- group: core is group: "" --------------------------------------------------------------------------

for (const apiVersion of ['gateway.networking.k8s.io/v1', 'policy.linkerd.io/v1beta3']) {
  for (const group of ['core', '""']) {
    test(`group: ${group} on parentRefs and backendRefs means a core Service (${apiVersion})`, () => {
      const text = PRELUDE + httpRoute({
        apiVersion,
        parentRefs: [{ name: 'web-root', kind: 'Service', group, port: 80 }],
        backends: [{ name: 'web-grpc', group, kind: 'Service', port: 80 }, { name: 'web-svc-2', group, kind: 'Service' }],
      });
      // The parent is the apex (so it is looked up), the backendRefs are Services (so ports are checked and required).
      expectDiagnostics(withContext(text), URI, [
        { code: 'service-not-found', text: 'web-root', line: 12, character: 12, message: ['apex'] },
        { code: 'port-mismatch', text: '80', line: 21, character: 16 },
        { code: 'backend-ref-port-missing', text: 'web-svc-2', line: 22, character: 16 },
      ], { absent: ['parent-not-service', 'unknown-backend-kind', 'no-parent'] });
    });
  }
}


// ---- backends that are not Services ----------------------------------------------------------------------

test('a ServiceImport backend is not looked up as a Service (no service-not-found, port-mismatch or workload check)', () => {
  const text = PRELUDE + httpRoute({
    apex: { name: 'web-apex', port: 80 },
    backends: [
      { name: 'web-svc', port: 80 },
      { name: 'web-east', group: 'multicluster.x-k8s.io', kind: 'ServiceImport', port: 80 },
      { name: 'web-orphan', group: 'multicluster.x-k8s.io', kind: 'ServiceImport', port: 9999 },
    ],
  });
  expectDiagnostics(withContext(text), URI, [], { absent: ['service-not-found', 'port-mismatch', 'backend-without-workload'] });
});

test('cross-namespace-backend: a ServiceImport in another namespace needs a grant to ServiceImport, not to Service', () => {
  const text = PRELUDE + httpRoute({
    backends: [{ name: 'web-svc', port: 80 }, { name: 'remote-east', namespace: 'other', group: 'multicluster.x-k8s.io', kind: 'ServiceImport' }],
  });
  const GRANTS = 'file:///ws/grants.yaml';
  const toService = grant('gateway.networking.k8s.io', 'emojivoto', '    - group: ""\n      kind: Service\n');
  expectDiagnostics(withContext(text, { [GRANTS]: toService }), URI, [
    { code: 'cross-namespace-backend', text: 'other', line: 20, character: 21 },
  ]);
  const toImport = grant('gateway.networking.k8s.io', 'emojivoto', '    - group: multicluster.x-k8s.io\n      kind: ServiceImport\n');
  expectDiagnostics(withContext(text, { [GRANTS]: toImport }), URI, [], { absent: ['cross-namespace-backend'] });
});

// ---- port-mismatch on a Service parentRef --------------------------------------------------------------------

/** An HTTPRoute whose Service parents carry these ports: web-apex (the apex) and web-svc-2; lines 15 and 19 hold them. */
const parentPorts = (apexPort: number, otherPort: number): string => PRELUDE + httpRoute({
  parentRefs: [{ name: 'web-apex', kind: 'Service', group: 'core', port: apexPort }, { name: 'web-svc-2', kind: 'Service', group: 'core', port: otherPort }],
  backends: [{ name: 'web-svc', port: 80 }],
});

test('port-mismatch: a Service parentRef port the Service does not have (the apex and a later parent)', () => {
  expectDiagnostics(withContext(parentPorts(8080, 9090)), URI, [
    { code: 'port-mismatch', text: '8080', line: 15, character: 12, message: ['web-apex has no port 8080', 'it has 80', 'no traffic'] },
    { code: 'port-mismatch', text: '9090', line: 19, character: 12, message: ['web-svc-2 has no port 9090', 'it has 80'] },
  ]);
});

test('port-mismatch on a parentRef from cluster facts alone', () => {
  const ls = serviceWith({ [URI]: parentPorts(8080, 80) }, { namespaces: ['emojivoto'], facts: [clusterService('web-apex', [80, 81]), clusterService('web-svc'), clusterService('web-svc-2')] });
  expectDiagnostics(ls, URI, [{ code: 'port-mismatch', text: '8080', line: 15, character: 12, message: ['it has 80, 81'] }]);
});

test('port-mismatch near miss: parentRef ports the Services have, a parent Service nobody defines, a Gateway parent', () => {
  expectDiagnostics(withContext(parentPorts(80, 80)), URI, [], { absent: ['port-mismatch'] });
  const unknown = PRELUDE + httpRoute({ parentRefs: [{ name: 'web-root', kind: 'Service', group: 'core', port: 8080 }], backends: [{ name: 'web-svc', port: 80 }] });
  expectDiagnostics(withContext(unknown), URI, [{ code: 'service-not-found', text: 'web-root', line: 12, character: 12 }], { absent: ['port-mismatch'] });
  const gateway = PRELUDE + httpRoute({ parentRefs: [{ name: 'web-apex', port: 8080 }], backends: [{ name: 'web-svc', port: 80 }] });
  expectDiagnostics(withContext(gateway), URI, [], { absent: ['port-mismatch'], ignore: ['no-parent', 'trafficsplit-deprecated'] });
});

// ---- service-defined-twice ---------------------------------------------------------------------------------

const OVERLAY = 'file:///ws/overlay/services.yaml';

test('service-defined-twice: a hint on each reference, naming both files and what they disagree on', () => {
  // web-svc again, with another port and another selector (which no workload matches).
  const ls = withContext(SPLIT, { [OVERLAY]: serviceDoc('web-svc', 'emojivoto', [8080], 'web-other') });
  expectDiagnostics(ls, URI, [{
    code: 'service-defined-twice', text: 'web-svc', line: 13, character: 15,
    message: ['Service web-svc (namespace emojivoto) is defined in 2 files: services.yaml, overlay/services.yaml', 'ports 80 in services.yaml; 8080 in overlay/services.yaml', 'selector app=web-svc in services.yaml; app=web-other in overlay/services.yaml'],
  }], { absent: ['backend-without-workload', 'port-mismatch'] });
});

test('service-defined-twice: references are judged against every definition, and messages quote each', () => {
  const route = PRELUDE + httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-orphan', port: 9999 }] });
  const ls = withContext(route, { [OVERLAY]: [serviceDoc('web-svc', 'emojivoto', [8080], 'web-other'), serviceDoc('web-orphan', 'emojivoto', [81], 'web-orphan-2')].join('---\n') });
  expectDiagnostics(ls, URI, [
    // 8080 is on the overlay's web-svc: no port-mismatch; web-svc's selector in services.yaml has a workload: none of that either.
    { code: 'service-defined-twice', text: 'web-svc', line: 18, character: 16, message: ['services.yaml, overlay/services.yaml'] },
    { code: 'service-defined-twice', text: 'web-orphan', line: 20, character: 16, message: ['services.yaml, overlay/services.yaml'] },
    { code: 'port-mismatch', text: '9999', line: 21, character: 16, message: ['has no port 9999', '80 in services.yaml; 81 in overlay/services.yaml'] },
    { code: 'backend-without-workload', text: 'web-orphan', line: 20, character: 16, message: ['selectors app=web-orphan in services.yaml; app=web-orphan-2 in overlay/services.yaml'] },
  ]);
});

test('service-defined-twice: twice in one file', () => {
  const ls = withContext(SPLIT, { [OVERLAY]: [serviceDoc('web-svc', 'emojivoto', [80], 'web-svc'), serviceDoc('web-svc', 'emojivoto', [80], 'web-svc')].join('---\n') });
  const d = expectDiagnostics(ls, URI, [
    { code: 'service-defined-twice', text: 'web-svc', line: 13, character: 15, message: ['in 2 files: services.yaml, overlay/services.yaml'] },
  ]);
  const message = d[0]!.message;
  assert.ok(!(typeof message === 'string' ? message : message.value).includes('differ'), 'identical definitions: nothing differs');
  const once = serviceWith({ [OVERLAY]: [serviceDoc('web-svc', 'emojivoto', [80], 'web-svc'), serviceDoc('web-svc', 'emojivoto', [80], 'web-svc')].join('---\n'), [URI]: SPLIT });
  expectDiagnostics(once, URI, [{ code: 'service-defined-twice', text: 'web-svc', line: 13, character: 15, message: ['defined twice in services.yaml'] }], { ignore: ['service-not-found', 'trafficsplit-deprecated'] });
});

test('service-defined-twice near miss: one definition in the workspace, another only in the cluster', () => {
  const ls = serviceWith({ ...CONTEXT, [URI]: SPLIT }, { namespaces: ['emojivoto'], facts: [clusterService('web-svc', [8080])] });
  expectDiagnostics(ls, URI, [], { absent: ['service-defined-twice', 'port-mismatch'] });
});

test('every workspace code has a case that fires it and a near miss', () => {
  assertCovered(WORKSPACE_CODES);
});
