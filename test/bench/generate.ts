/**
 * Deterministic generator of a large multi-document Kubernetes manifest for the benchmark.
 *
 * The manifest is made of "apps". Each app lives in a namespace and has 6 documents:
 *   - an apex Service `<app>` and two backend Services `<app>-stable` / `<app>-canary` (selectors + ports),
 *   - two Deployments (pod labels matching those selectors; containers with env, resources, probes: the bulk),
 *   - one split: an SMI TrafficSplit (split.smi-spec.io/v1alpha2) or a Gateway API HTTPRoute
 *     (gateway.networking.k8s.io/v1, parentRef kind Service group core, backendRefs with port + weight).
 * When N is not a multiple of 6 the last documents are plain Services.
 *
 * About 1% of all documents are faulty (all faults are in split documents, so about 6% of the splits):
 * negative weight, unknown field in spec, missing backends, a backend naming a Service that does not exist,
 * and (HTTPRoute) a Service backendRef without a port.
 *
 * Sizes are tuned so that 20,000 documents are about 14 MiB. Same (n, seed) => same text, byte for byte.
 *
 * The `diagnostics` mix (`--mix=diagnostics`, BENCH_MIX=diagnostics) is a file that says a lot: apps of 10 documents
 * (the three Services, one Deployment for the stable track only, three TrafficSplits and three HTTPRoutes on the same
 * apex), each split sending to `<app>-canary`, whose pods no workload runs (`backend-without-workload`), and to
 * `<app>-preview`, which no Service defines (`service-not-found`). 20,000 documents give 6,000 TrafficSplits and
 * 30,000 warnings: 24,000 about backends and 6,000 `split-not-in-effect` (the HTTPRoutes, shadowed by the
 * TrafficSplits on their apex).
 */

/** Zero-based LSP position. */
export interface ManifestPosition {
  line: number;
  character: number;
}

export type SplitFault = 'negative-weight' | 'unknown-spec-field' | 'missing-backends' | 'unknown-backend-service' | 'missing-port';

export interface FaultyDocument {
  /** Zero-based index of the document in the file. */
  documentIndex: number;
  kind: 'TrafficSplit' | 'HTTPRoute';
  namespace: string;
  name: string;
  fault: SplitFault;
  /** Zero-based line of the document's first line (`apiVersion: ...`). */
  line: number;
}

export interface WeightEdit extends ManifestPosition {
  /** The position is the last digit of a weight; writing `digits[0]` or `digits[1]` there keeps the document valid. */
  digits: [string, string];
  /** The digit that is there in the generated text. */
  original: string;
  documentIndex: number;
  kind: 'TrafficSplit' | 'HTTPRoute';
  namespace: string;
  name: string;
}

export interface BenchManifest {
  text: string;
  /** Number of documents (= n). */
  documents: number;
  /** Size in bytes (UTF-8; the text is ASCII). */
  bytes: number;
  lines: number;
  kinds: Record<string, number>;
  faulty: FaultyDocument[];
  /** A backend weight of a valid TrafficSplit near the middle of the file (undefined if there is none). */
  weightEdit: WeightEdit | undefined;
  /** A backend weight of a valid HTTPRoute near the middle of the file (undefined if there is none). */
  httpRouteWeightEdit: WeightEdit | undefined;
  /**
   * Inside a backend of the same TrafficSplit as `weightEdit`: the start of the value after `service: `
   * (completion there should offer the Services of the namespace).
   */
  completion: ManifestPosition | undefined;
}

/** mulberry32: small, fast, deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS_PER_NAMESPACE = 40;
const DOCS_PER_APP = 6;
/** Share of all documents that are faulty. */
const FAULTY_SHARE = 0.01;

const WORDS = [
  'cart', 'catalog', 'checkout', 'payments', 'ledger', 'search', 'emoji', 'voting', 'web', 'auth', 'profile', 'orders',
  'billing', 'shipping', 'inventory', 'reviews', 'ratings', 'gateway', 'notify', 'mailer', 'reports', 'metrics', 'quotes',
  'pricing', 'ads', 'recommend', 'session', 'media', 'upload', 'thumbs', 'feeds', 'chat', 'presence', 'geo', 'routing',
];
const TEAMS = ['core', 'shop', 'growth', 'platform', 'data', 'identity', 'edge', 'mobile', 'infra', 'content'];

/**
 * `default`: the benchmark's manifest (about 1% faulty); `diagnostics`: many findings per split (see above);
 * `delivery`: the default mix with progressive delivery mixed in: every third app gets a Flagger Canary (provider
 * linkerd, its analysis naming a MetricTemplate) and every third an Argo Rollout (SMI trafficRouting onto the app's
 * TrafficSplit, which it then manages: `managed-by-controller`; steps with an analysis naming an AnalysisTemplate).
 */
export type ManifestMix = 'default' | 'diagnostics' | 'delivery';

/** Generates the manifest text only. */
export function generateManifest(n: number, seed = 1, mix: ManifestMix = 'default'): string {
  return generateBenchManifest(n, seed, mix).text;
}

/** Generates the manifest and the facts the benchmark needs about it. */
export function generateBenchManifest(n: number, seed = 1, mix: ManifestMix = 'default'): BenchManifest {
  if (!Number.isInteger(n) || n < 0) throw new Error(`generateBenchManifest: n must be a non-negative integer, got ${n}`);
  if (mix === 'diagnostics') return diagnosticsManifest(n, seed);
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

  // A delivery app has two more documents (a Canary or Rollout, and its template) on two apps of three.
  const apps = Math.floor(n / (mix === 'delivery' ? DOCS_PER_APP + 4 / 3 : DOCS_PER_APP));
  // Faults go to split documents only: one split per app, so this share of the splits gives ~1% of all documents.
  const faultProbability = apps > 0 ? Math.min(1, (FAULTY_SHARE * n) / apps) : 0;

  const w = documentWriter();
  const { out, kinds, push } = w;
  const faulty: FaultyDocument[] = [];
  const middleApp = Math.floor(apps / 2);
  let weightEdit: WeightEdit | undefined;
  let httpRouteWeightEdit: WeightEdit | undefined;
  let completion: ManifestPosition | undefined;

  for (let a = 0; a < apps; a++) {
    const { namespace, app } = appNames(a, pick);
    const stable = `${app}-stable`;
    const canary = `${app}-canary`;
    const port = pick([80, 8080, 8000, 9090]);
    const targetPort = pick([8080, 8081, 3000, 5000]);
    const version = `v${int(1, 40)}.${int(0, 20)}.${int(0, 9)}`;

    // The apex and its backends expose the same ports (or the split would be faulty: a port the backends lack).
    const admin = rnd() < 0.5;
    push('Service', service(namespace, app, { app }, port, targetPort, admin));
    push('Service', service(namespace, stable, { app, track: 'stable' }, port, targetPort, admin));
    push('Service', service(namespace, canary, { app, track: 'canary' }, port, targetPort, admin));
    push('Deployment', deployment(namespace, stable, app, 'stable', version, targetPort, rnd));
    push('Deployment', deployment(namespace, canary, app, 'canary', bump(version), targetPort, rnd));

    // Weights: multiples of 10 (so the last digit is 0 and can alternate with 1), summing to 1000.
    const canaryWeight = int(0, 50) * 10;
    const stableWeight = 1000 - canaryWeight;
    const fault: SplitFault | undefined = rnd() < faultProbability ? pick(FAULTS) : undefined;
    const useHttpRoute = rnd() < 0.4;
    const docIndex = w.documents;
    const docLine = w.line + (w.documents > 0 ? 1 : 0);

    if (useHttpRoute) {
      const actualFault = fault === 'missing-backends' ? 'missing-port' : fault;
      const { lines: docLines, weightAt } = httpRoute(namespace, app, stable, canary, port, stableWeight, canaryWeight, actualFault, rnd);
      push('HTTPRoute', docLines);
      if (actualFault) faulty.push({ documentIndex: docIndex, kind: 'HTTPRoute', namespace, name: `${app}-canary`, fault: actualFault, line: docLine });
      else if (!httpRouteWeightEdit && a >= middleApp && weightAt) {
        httpRouteWeightEdit = { line: docLine + weightAt.line, character: weightAt.character, digits: ['0', '1'], original: '0', documentIndex: docIndex, kind: 'HTTPRoute', namespace, name: `${app}-canary` };
      }
    } else {
      const actualFault = fault === 'missing-port' ? 'missing-backends' : fault;
      const { lines: docLines, weightAt, serviceValueAt } = trafficSplit(namespace, app, stable, canary, stableWeight, canaryWeight, actualFault, rnd);
      push('TrafficSplit', docLines);
      if (actualFault) faulty.push({ documentIndex: docIndex, kind: 'TrafficSplit', namespace, name: `${app}-split`, fault: actualFault, line: docLine });
      else if (!weightEdit && a >= middleApp && weightAt && serviceValueAt) {
        weightEdit = { line: docLine + weightAt.line, character: weightAt.character, digits: ['0', '1'], original: '0', documentIndex: docIndex, kind: 'TrafficSplit', namespace, name: `${app}-split` };
        completion = { line: docLine + serviceValueAt.line, character: serviceValueAt.character };
      }
    }
    if (mix === 'delivery' && a % 3 === 1 && w.documents + 2 <= n) {
      push('Canary', flaggerCanary(namespace, app, stable, port, targetPort));
      push('MetricTemplate', metricTemplate(namespace, app));
    } else if (mix === 'delivery' && a % 3 === 2 && w.documents + 2 <= n) {
      push('Rollout', argoRollout(namespace, app, stable, canary, targetPort, `${app}-split`));
      push('AnalysisTemplate', analysisTemplate(namespace, app));
    }
  }
  // Fill up to n with plain Services.
  for (let i = 0; w.documents < n; i++) {
    push('Service', service('leftovers', `extra-${i}`, { app: `extra-${i}` }, 80, 8080, rnd() < 0.5));
  }

  const text = out.join('\n') + (out.length > 0 ? '\n' : '');
  return {
    text,
    documents: w.documents,
    bytes: Buffer.byteLength(text, 'utf8'),
    lines: out.length,
    kinds,
    faulty,
    weightEdit,
    httpRouteWeightEdit,
    completion,
  };
}

/**
 * One TrafficSplit of about `bytes` on one line, as minified JSON, beside a Service that makes its namespace known:
 * every backend's weight negative (`weight-invalid`), every fifth backend a duplicate (`duplicate-backend`), and none
 * of them a Service there (`service-not-found`). 1 MiB gives 28,711 backends and 63,165 diagnostics.
 */
export function oneLineSplit(bytes: number): { text: string; backends: number } {
  const items: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const item = `{"service":"web-${i % 5 === 4 ? i - 1 : i}","weight":-${1 + (i % 99)}}`;
    items.push(item);
    length += item.length + 1;
  }
  const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  ports:\n    - port: 80\n---\n';
  const split = `{"apiVersion":"split.smi-spec.io/v1alpha2","kind":"TrafficSplit","metadata":{"name":"s","namespace":"default"},"spec":{"service":"web","backends":[${items.join(',')}]}}\n`;
  return { text: service + split, backends: items.length };
}

const DIAGNOSTIC_DOCS_PER_APP = 10;

/** App `a`'s namespace (APPS_PER_NAMESPACE apps each) and name. */
/** A Flagger Canary of the app's stable Deployment (fluxcd/flagger docs/gitbook/tutorials/linkerd-progressive-delivery.md). */
function flaggerCanary(namespace: string, app: string, target: string, port: number, targetPort: number): string[] {
  return [
    'apiVersion: flagger.app/v1beta1', 'kind: Canary', 'metadata:', `  name: ${app}`, `  namespace: ${namespace}`, 'spec:',
    '  provider: linkerd', '  targetRef:', '    apiVersion: apps/v1', '    kind: Deployment', `    name: ${target}`,
    '  service:', `    name: ${app}-flagger`, `    port: ${port}`, `    targetPort: ${targetPort}`,
    '  analysis:', '    interval: 30s', '    threshold: 5', '    maxWeight: 50', '    stepWeight: 10', '    metrics:',
    '    - name: request-success-rate', '      thresholdRange:', '        min: 99', '      interval: 1m',
    '    - name: latency', '      templateRef:', `        name: ${app}-latency`, '      thresholdRange:', '        max: 500', '      interval: 1m',
  ];
}

function metricTemplate(namespace: string, app: string): string[] {
  return [
    'apiVersion: flagger.app/v1beta1', 'kind: MetricTemplate', 'metadata:', `  name: ${app}-latency`, `  namespace: ${namespace}`, 'spec:',
    '  provider:', '    type: prometheus', '    address: http://prometheus.linkerd-viz:9090',
    '  query: |', '    histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="{{ namespace }}"}[{{ interval }}])) by (le))',
  ];
}

/** An Argo Rollout with SMI trafficRouting (argoproj/argo-rollouts docs/features/traffic-management/smi.md). */
function argoRollout(namespace: string, app: string, stable: string, canary: string, targetPort: number, split: string): string[] {
  return [
    'apiVersion: argoproj.io/v1alpha1', 'kind: Rollout', 'metadata:', `  name: ${app}`, `  namespace: ${namespace}`, 'spec:',
    '  replicas: 3', '  selector:', '    matchLabels:', `      app: ${app}`, '  template:', '    metadata:', '      labels:', `        app: ${app}`,
    '    spec:', '      containers:', `      - name: ${app}`, `        image: ${app}:1`, '        ports:', `        - containerPort: ${targetPort}`,
    '  strategy:', '    canary:', `      canaryService: ${canary}`, `      stableService: ${stable}`, '      trafficRouting:', '        smi:',
    `          rootService: ${app}`, `          trafficSplitName: ${split}`, '      steps:', '      - setWeight: 10', '      - pause: {duration: 1m}',
    '      - setWeight: 30', '      - analysis:', '          templates:', `          - templateName: ${app}-success`, '      - setWeight: 60', '      - pause: {}',
  ];
}

function analysisTemplate(namespace: string, app: string): string[] {
  return [
    'apiVersion: argoproj.io/v1alpha1', 'kind: AnalysisTemplate', 'metadata:', `  name: ${app}-success`, `  namespace: ${namespace}`, 'spec:',
    '  metrics:', '  - name: success-rate', '    interval: 1m', '    successCondition: result[0] >= 0.95', '    provider:', '      prometheus:',
    '        address: http://prometheus.linkerd-viz:9090', '        query: sum(rate(response_total{classification="success"}[1m])) / sum(rate(response_total[1m]))',
  ];
}

function appNames(a: number, pick: <T>(items: readonly T[]) => T): { namespace: string; app: string } {
  const nsIndex = Math.floor(a / APPS_PER_NAMESPACE);
  return { namespace: `${TEAMS[nsIndex % TEAMS.length]}-${nsIndex}`, app: `${pick(WORDS)}-${a}` };
}

/** The lines of a multi-document manifest being written, and where the next document starts. */
interface DocumentWriter {
  out: string[];
  /** Zero-based line where the next document starts (its `---` included). */
  line: number;
  documents: number;
  kinds: Record<string, number>;
  /** Appends one document (lines without trailing newline) and returns its first line. */
  push: (kind: string, docLines: string[]) => number;
}

function documentWriter(): DocumentWriter {
  const w: DocumentWriter = {
    out: [], line: 0, documents: 0, kinds: {},
    push: (kind, docLines) => {
      if (w.documents > 0) { w.out.push('---'); w.line += 1; }
      const first = w.line;
      for (const l of docLines) w.out.push(l);
      w.line += docLines.length;
      w.kinds[kind] = (w.kinds[kind] ?? 0) + 1;
      w.documents += 1;
      return first;
    },
  };
  return w;
}

/** The `diagnostics` mix: 10 documents an app, 12 warnings and 3 TrafficSplits an app (see the header). */
function diagnosticsManifest(n: number, seed: number): BenchManifest {
  const rnd = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const apps = Math.floor(n / DIAGNOSTIC_DOCS_PER_APP);
  const middleApp = Math.floor(apps / 2);
  const w = documentWriter();
  const { out, kinds, push } = w;
  let weightEdit: WeightEdit | undefined;
  let httpRouteWeightEdit: WeightEdit | undefined;
  let completion: ManifestPosition | undefined;
  for (let a = 0; a < apps; a++) {
    const { namespace, app } = appNames(a, pick);
    const [stable, canary, preview] = [`${app}-stable`, `${app}-canary`, `${app}-preview`];
    const port = pick([80, 8080, 8000, 9090]);
    const targetPort = pick([8080, 8081, 3000, 5000]);
    push('Service', service(namespace, app, { app }, port, targetPort, false));
    push('Service', service(namespace, stable, { app, track: 'stable' }, port, targetPort, false));
    push('Service', service(namespace, canary, { app, track: 'canary' }, port, targetPort, false));
    push('Deployment', deployment(namespace, stable, app, 'stable', `v1.${a % 20}.0`, targetPort, rnd));
    for (let i = 0; i < 3; i++) {
      const docIndex = w.documents;
      const first = push('TrafficSplit', [
        'apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', `  name: ${app}-split-${i}`, `  namespace: ${namespace}`,
        'spec:', `  service: ${app}`, '  backends:',
        `    - service: ${stable}`, '      weight: 800', `    - service: ${canary}`, '      weight: 100', `    - service: ${preview}`, '      weight: 100',
      ]);
      if (!weightEdit && a >= middleApp) {
        // `      weight: 800` (document line 9): its last digit; the value after `    - service: ` of the canary (line 10).
        weightEdit = { line: first + 9, character: '      weight: 800'.length - 1, digits: ['0', '1'], original: '0', documentIndex: docIndex, kind: 'TrafficSplit', namespace, name: `${app}-split-${i}` };
        completion = { line: first + 10, character: '    - service: '.length };
      }
    }
    for (let i = 0; i < 3; i++) {
      const docIndex = w.documents;
      const first = push('HTTPRoute', [
        'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', `  name: ${app}-route-${i}`, `  namespace: ${namespace}`,
        'spec:', '  parentRefs:', `    - name: ${app}`, '      kind: Service', '      group: core', `      port: ${port}`,
        '  rules:', '    - backendRefs:',
        `        - name: ${stable}`, `          port: ${port}`, '          weight: 800',
        `        - name: ${canary}`, `          port: ${port}`, '          weight: 100',
        `        - name: ${preview}`, `          port: ${port}`, '          weight: 100',
      ]);
      if (!httpRouteWeightEdit && a >= middleApp) {
        httpRouteWeightEdit = { line: first + 15, character: '          weight: 800'.length - 1, digits: ['0', '1'], original: '0', documentIndex: docIndex, kind: 'HTTPRoute', namespace, name: `${app}-route-${i}` };
      }
    }
  }
  for (let i = 0; w.documents < n; i++) push('Service', service('leftovers', `extra-${i}`, { app: `extra-${i}` }, 80, 8080, false));
  const text = out.join('\n') + (out.length > 0 ? '\n' : '');
  return { text, documents: w.documents, bytes: Buffer.byteLength(text, 'utf8'), lines: out.length, kinds, faulty: [], weightEdit, httpRouteWeightEdit, completion };
}

const FAULTS: readonly SplitFault[] = ['negative-weight', 'unknown-spec-field', 'missing-backends', 'unknown-backend-service', 'missing-port'];

function bump(version: string): string {
  const [major, minor] = version.slice(1).split('.').map(Number);
  return `v${major}.${(minor ?? 0) + 1}.0`;
}

function hex(rnd: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, length);
}

function service(namespace: string, name: string, selector: Record<string, string>, port: number, targetPort: number, admin: boolean): string[] {
  const lines = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    app.kubernetes.io/name: ${selector['app'] ?? name}`,
    '    app.kubernetes.io/managed-by: canary-bench',
    'spec:',
    '  type: ClusterIP',
    '  selector:',
    ...Object.entries(selector).map(([k, v]) => `    ${k}: ${v}`),
    '  ports:',
    '    - name: http',
    `      port: ${port}`,
    `      targetPort: ${targetPort}`,
    '      protocol: TCP',
  ];
  if (admin) lines.push('    - name: admin', '      port: 9990', '      targetPort: 9990', '      protocol: TCP');
  return lines;
}

function deployment(namespace: string, name: string, app: string, track: string, version: string, port: number, rnd: () => number): string[] {
  const replicas = 1 + Math.floor(rnd() * 6);
  const cpu = 50 + Math.floor(rnd() * 20) * 25;
  const mem = 64 * (1 + Math.floor(rnd() * 8));
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    app.kubernetes.io/name: ${app}`,
    `    app.kubernetes.io/version: ${version}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${app}`,
    `      track: ${track}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${app}`,
    `        track: ${track}`,
    '      annotations:',
    '        linkerd.io/inject: enabled',
    '    spec:',
    '      containers:',
    `        - name: ${app}`,
    `          image: registry.example.com/${namespace}/${app}:${version}`,
    '          ports:',
    '            - name: http',
    `              containerPort: ${port}`,
    '          env:',
    '            - name: TRACK',
    `              value: ${track}`,
    '            - name: POD_NAME',
    '              valueFrom:',
    '                fieldRef:',
    '                  fieldPath: metadata.name',
    '            - name: FEATURE_FLAGS',
    `              value: "${hex(rnd, 16)}"`,
    '            - name: LOG_LEVEL',
    `              value: ${pick3(rnd, ['info', 'debug', 'warn'])}`,
    '            - name: OTEL_EXPORTER_OTLP_ENDPOINT',
    '              value: http://collector.observability:4317',
    '          resources:',
    '            requests:',
    `              cpu: ${cpu}m`,
    `              memory: ${mem}Mi`,
    '            limits:',
    `              memory: ${mem * 2}Mi`,
    '          readinessProbe:',
    '            httpGet:',
    '              path: /ready',
    `              port: ${port}`,
    '            periodSeconds: 10',
    '          livenessProbe:',
    '            httpGet:',
    '              path: /live',
    `              port: ${port}`,
    '            failureThreshold: 3',
  ];
  return lines;
}

function pick3(rnd: () => number, items: readonly string[]): string {
  return items[Math.floor(rnd() * items.length)] as string;
}

interface SplitLines {
  lines: string[];
  /** Within the document: the last digit of the stable backend's weight. */
  weightAt: ManifestPosition | undefined;
  /** Within the document: start of the value after `service: ` of the canary backend. */
  serviceValueAt?: ManifestPosition | undefined;
}

function trafficSplit(
  namespace: string,
  app: string,
  stable: string,
  canary: string,
  stableWeight: number,
  canaryWeight: number,
  fault: SplitFault | undefined,
  rnd: () => number,
): SplitLines {
  const lines = [
    'apiVersion: split.smi-spec.io/v1alpha2',
    'kind: TrafficSplit',
    'metadata:',
    `  name: ${app}-split`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    app.kubernetes.io/name: ${app}`,
    'spec:',
    '  # The apex service that clients call.',
    `  service: ${app}`,
  ];
  if (fault === 'unknown-spec-field') lines.push(`  matches: ${rnd() < 0.5 ? 'all' : 'none'}`);
  let weightAt: ManifestPosition | undefined;
  let serviceValueAt: ManifestPosition | undefined;
  if (fault !== 'missing-backends') {
    lines.push('  backends:');
    lines.push(`    - service: ${stable}`);
    const w = fault === 'negative-weight' ? `-${stableWeight}` : String(stableWeight);
    lines.push(`      weight: ${w}`);
    weightAt = { line: lines.length - 1, character: `      weight: ${w}`.length - 1 };
    const canaryRef = fault === 'unknown-backend-service' ? `${app}-preview` : canary;
    lines.push(`    - service: ${canaryRef}`);
    serviceValueAt = { line: lines.length - 1, character: '    - service: '.length };
    lines.push(`      weight: ${canaryWeight}`);
  }
  return { lines, weightAt, serviceValueAt };
}

function httpRoute(
  namespace: string,
  app: string,
  stable: string,
  canary: string,
  port: number,
  stableWeight: number,
  canaryWeight: number,
  fault: SplitFault | undefined,
  rnd: () => number,
): SplitLines {
  const lines = [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata:',
    `  name: ${app}-canary`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    app.kubernetes.io/name: ${app}`,
    'spec:',
    '  parentRefs:',
    `    - name: ${app}`,
    '      kind: Service',
    '      group: core',
    `      port: ${port}`,
  ];
  if (fault === 'unknown-spec-field') lines.push(`  weighting: ${rnd() < 0.5 ? 'random' : 'sticky'}`);
  lines.push('  rules:', '    - matches:', '        - path:', '            type: PathPrefix', '            value: /', '      backendRefs:');
  lines.push(`        - name: ${stable}`);
  if (fault !== 'missing-port') lines.push(`          port: ${port}`);
  const w = fault === 'negative-weight' ? `-${stableWeight}` : String(stableWeight);
  lines.push(`          weight: ${w}`);
  const weightAt: ManifestPosition = { line: lines.length - 1, character: `          weight: ${w}`.length - 1 };
  lines.push(`        - name: ${fault === 'unknown-backend-service' ? `${app}-preview` : canary}`);
  lines.push(`          port: ${port}`, `          weight: ${canaryWeight}`);
  return { lines, weightAt };
}

/**
 * `node --import tsx test/bench/generate.ts [N] [seed] [--mix=diagnostics] [--one-namespace]` prints the manifest (or,
 * with --stats, its facts); `--one-namespace` puts every document in `default`, as a file without namespaces is.
 * `... generate.ts --one-line BYTES` prints `oneLineSplit(BYTES)`.
 */
if (/[\\/]generate\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const args = process.argv.slice(2);
  const stats = args.includes('--stats');
  const mix: ManifestMix = args.includes('--mix=diagnostics') ? 'diagnostics' : args.includes('--mix=delivery') ? 'delivery' : 'default';
  const [nArg, seedArg] = args.filter((a) => !a.startsWith('--'));
  const m = generateBenchManifest(args.includes('--one-line') ? 0 : Number(nArg ?? 1000), Number(seedArg ?? 1), mix);
  if (args.includes('--one-line')) m.text = oneLineSplit(Number(nArg ?? 1048576)).text;
  else if (args.includes('--one-namespace')) m.text = m.text.replace(/^  namespace: .*$/gm, '  namespace: default');
  if (stats) {
    const { text: _text, faulty, ...rest } = m;
    void _text;
    const byFault: Record<string, number> = {};
    for (const f of faulty) byFault[f.fault] = (byFault[f.fault] ?? 0) + 1;
    process.stdout.write(JSON.stringify({ ...rest, mib: +(m.bytes / 1048576).toFixed(2), faulty: faulty.length, byFault }, null, 2) + '\n');
  } else {
    process.stdout.write(m.text);
  }
}
