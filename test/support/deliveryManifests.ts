/**
 * YAML text of the progressive delivery manifests the tests write over and over: Flagger Canaries, Argo Rollouts and
 * the workloads they roll out. The builders write block style, one line at a time, so the text is exactly what a test
 * shows (a test that looks at lines and columns still can):
 *
 *   canary({ provider: 'linkerd' })
 *
 *   apiVersion: flagger.app/v1beta1                 line 0
 *   kind: Canary
 *   metadata:
 *     name: podinfo
 *     namespace: test
 *   spec:                                           line 5
 *     provider: linkerd
 *     targetRef:
 *       apiVersion: apps/v1
 *       kind: Deployment
 *       name: podinfo                               line 10
 *     service:
 *       port: 9898
 *       targetPort: 9898
 *     analysis:
 *       interval: 15s                               line 15
 *       threshold: 10
 *       maxWeight: 50
 *       stepWeight: 5
 *
 * Parts a builder takes as text (a strategy, steps, a plugin's config) are written in place as given, with their own
 * indentation and ending in a line break; parts it takes as lines (`string[]`) it indents itself. Every text ends with
 * a line break. For TrafficSplits, HTTPRoutes and Services see ./manifests.ts.
 */
import { trafficSplit } from './manifests';

/** Lines, each indented by `n` spaces and ended by a line break. */
const indent = (lines: readonly string[], n: number): string => lines.map((l) => `${' '.repeat(n)}${l}\n`).join('');

/** apiVersion, kind and metadata: the name, then the namespace when one is given. */
function head(apiVersion: string, kind: string, name: string, namespace: string | undefined): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${namespace === undefined ? '' : `  namespace: ${namespace}\n`}`;
}

// ---- workloads -------------------------------------------------------------------------------------------------

export interface PodOptions {
  /** The `app` label the selector matches and the template carries. */
  app: string;
  /** The one container. */
  container: string;
  image: string;
  /** Lines under the container after its image (imagePullPolicy, ports), at its keys' column. */
  containerLines?: readonly string[];
  /** Lines under template.metadata before the labels (annotations), at its keys' column. */
  metadataLines?: readonly string[];
  /** The containers' items at their key's column (`- name:` under `containers:`), as Argo's examples write them; else two deeper. */
  compact?: boolean;
  /** `false`: no selector (a workload written without one). */
  selector?: boolean;
}

/** spec.selector and spec.template of a workload (a Deployment, a Rollout), at two spaces. */
export function podSpec(o: PodOptions): string {
  const item = o.compact ? 6 : 8;
  const selector = o.selector === false ? '' : `  selector:\n    matchLabels:\n      app: ${o.app}\n`;
  return `${selector}  template:
    metadata:
${indent(o.metadataLines ?? [], 6)}      labels:
        app: ${o.app}
    spec:
      containers:
${indent([`- name: ${o.container}`], item)}${indent([`image: ${o.image}`, ...(o.containerLines ?? [])], item + 2)}`;
}

/** `ports:` with TCP ports `[name, containerPort]`, as containerLines. */
export function containerPorts(ports: readonly (readonly [string, number])[]): string[] {
  return ['ports:', ...ports.flatMap(([name, port]) => [`  - name: ${name}`, `    containerPort: ${port}`, '    protocol: TCP'])];
}

/** A Deployment (apps/v1) with the spec written by these texts in turn (fields at two spaces: `'  replicas: 1\n', podSpec(…)`). */
export function deployment(name: string, namespace: string | undefined, ...spec: string[]): string {
  return `${head('apps/v1', 'Deployment', name, namespace)}spec:\n${spec.join('')}`;
}

// ---- Flagger ---------------------------------------------------------------------------------------------------

export interface CanaryOptions {
  /** Default `podinfo`. */
  name?: string;
  /** Default `test`. */
  namespace?: string;
  /** Default none (the line left out). */
  provider?: string;
  /** targetRef.name, default `podinfo`. */
  target?: string;
  /** targetRef.kind, default `Deployment`. */
  targetKind?: string;
  /** Spec lines before targetRef (after the provider). */
  beforeTarget?: string[];
  /** Spec lines between targetRef and service. */
  afterTarget?: string[];
  /** The lines under `service:`; default `port: 9898`, `targetPort: 9898`; `null` leaves `service` out. */
  service?: string[] | null;
  /** Spec lines between service and analysis. */
  extraSpec?: string[];
  /** The lines under `analysis:`; default interval 15s, threshold 10, maxWeight 50, stepWeight 5. */
  analysis?: string[];
}

/** A Canary for podinfo in namespace test, shaped like Flagger's Linkerd example (fluxcd/flagger v1.44.0 artifacts/examples/linkerd-canary.yaml). */
export function canary(o: CanaryOptions = {}): string {
  const service = o.service === undefined ? ['port: 9898', 'targetPort: 9898'] : o.service;
  const analysis = o.analysis ?? ['interval: 15s', 'threshold: 10', 'maxWeight: 50', 'stepWeight: 5'];
  return `${head('flagger.app/v1beta1', 'Canary', o.name ?? 'podinfo', o.namespace ?? 'test')}spec:
${o.provider ? `  provider: ${o.provider}\n` : ''}${indent(o.beforeTarget ?? [], 2)}  targetRef:
    apiVersion: apps/v1
    kind: ${o.targetKind ?? 'Deployment'}
    name: ${o.target ?? 'podinfo'}
${indent(o.afterTarget ?? [], 2)}${service ? `  service:\n${indent(service, 4)}` : ''}${indent(o.extraSpec ?? [], 2)}  analysis:
${indent(analysis, 4)}`;
}

/** The podinfo Canary of the lens and ownership tests (provider linkerd, service port 9898) with these analysis lines. */
export const linkerdCanary = (analysis: string[]): string => canary({ provider: 'linkerd', service: ['port: 9898'], analysis });

/** linkerdCanary stepping 10% every minute up to 50%, rolling back after 5 failed checks. */
export const PODINFO_CANARY = linkerdCanary(['interval: 1m', 'threshold: 5', 'maxWeight: 50', 'stepWeight: 10']);

/**
 * The checks Flagger's Linkerd example runs (fluxcd/flagger v1.44.0 artifacts/examples/linkerd-canary.yaml:
 * request-success-rate at least 99 over 1m, request-duration at most 500 over 30s), as analysis lines; the items
 * `itemIndent` deeper than `metrics:`.
 */
export function builtinMetrics(itemIndent = ''): string[] {
  const checks = [['request-success-rate', 'min: 99', '1m'], ['request-duration', 'max: 500', '30s']] as const;
  return ['metrics:', ...checks.flatMap(([name, bound, interval]) => [`- name: ${name}`, '  thresholdRange:', `    ${bound}`, `  interval: ${interval}`].map((l) => itemIndent + l))];
}

/**
 * The TrafficSplit Flagger's linkerd provider generates for a Canary whose target is `name` (fluxcd/flagger v1.44.0
 * pkg/router/smi.go: named after the apex Service), mid-analysis: `<name>-primary` 90, `<name>-canary` 10.
 */
export const canarySplit = (name = 'podinfo', namespace = 'test'): string =>
  trafficSplit({ name, namespace, apex: name, backends: [`${name}-primary=90`, `${name}-canary=10`] });

// ---- Argo Rollouts ---------------------------------------------------------------------------------------------

/** An Argo Rollout (argoproj.io/v1alpha1) with the spec written by these texts in turn (fields at two spaces). */
export function rollout(name: string, namespace: string | undefined, ...spec: string[]): string {
  return `${head('argoproj.io/v1alpha1', 'Rollout', name, namespace)}spec:\n${spec.join('')}`;
}

export interface CanaryStrategyOptions {
  /** The Service fields (canaryService, stableService), written in the order given. */
  services?: Readonly<Record<string, string>>;
  /** The text under `trafficRouting:` (its fields at eight spaces); `trafficRouting` left out when not given. */
  trafficRouting?: string;
  /** Text between trafficRouting and steps (a background analysis), at six spaces. */
  extra?: string;
  /** The text under `steps:`. */
  steps: string;
}

/** `canary:` under `spec.strategy`, at four spaces. */
export function canaryStrategy(o: CanaryStrategyOptions): string {
  const services = indent(Object.entries(o.services ?? {}).map(([k, v]) => `${k}: ${v}`), 6);
  const routing = o.trafficRouting === undefined ? '' : `      trafficRouting:\n${o.trafficRouting}`;
  return `    canary:\n${services}${routing}${o.extra ?? ''}      steps:\n${o.steps}`;
}

/** trafficRouting through the gatewayAPI plugin with this config (at twelve spaces; trafficRouting fields after it at eight). */
export const gatewayApiPlugin = (config: string): string => `        plugins:\n          argoproj-labs/gatewayAPI:\n${config}`;

/** The `web` Rollout of the lens and ownership tests (app web, one container web:2) with this strategy text. */
export function webRollout(namespace: string, strategy: string, replicas?: number): string {
  const pods = podSpec({ app: 'web', container: 'web', image: 'web:2' });
  return rollout('web', namespace, replicas === undefined ? '' : `  replicas: ${replicas}\n`, pods, '  strategy:\n', strategy);
}

/** web's canary strategy: web-canary and web-stable, the weights set by the gatewayAPI plugin on HTTPRoute shop/web-route. */
export const webGatewayCanary = (steps: string): string => canaryStrategy({
  services: { canaryService: 'web-canary', stableService: 'web-stable' },
  trafficRouting: gatewayApiPlugin('            httpRoute: web-route\n            namespace: shop\n'),
  steps,
});

/**
 * The pods of the gatewayAPI plugin's examples (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0
 * examples/cilium-header-based/rollout.yaml): app rollouts-demo, one http-echo container.
 */
export const PLUGIN_DEMO_POD = podSpec({ app: 'rollouts-demo', container: 'http-echo', image: 'hashicorp/http-echo:1.0' });

/** The same example's canary strategy: its two Services, this plugin config (see gatewayApiPlugin), these steps. */
export const pluginDemoCanary = (config: string, steps: string): string => canaryStrategy({
  services: { canaryService: 'argo-rollouts-canary-service', stableService: 'argo-rollouts-stable-service' },
  trafficRouting: gatewayApiPlugin(config),
  steps,
});
