import type { DeliveryKind } from '../protocol/messages';
import type { K8sObject } from './requests';

/**
 * What a live Canary or Rollout (as the API server returns it) names: the split it moves and the Services it sets,
 * and which field managers write them. Ownership traces a controller's field manager back to the object here;
 * the live status reads the split from here. Each delivery kind is a row of `LIVE_KINDS`; nothing else branches on
 * the kind.
 */

/** A Canary or Rollout as read from the cluster. */
export interface LiveDelivery {
  kind: DeliveryKind;
  object: K8sObject;
}

/** An object a delivery's spec names, and what it is to it. */
export interface NamedObject {
  kind: string;
  /** API group ('' for Services). */
  group: string;
  namespace: string;
  name: string;
  role: 'split' | 'service';
  /**
   * The name follows from the spec but the kind from a controller flag we cannot see (a Canary without
   * `spec.provider` uses Flagger's `-mesh-provider`): good enough to trace a field manager, not to name the split.
   */
  guess?: boolean;
}

interface LiveKind {
  /** Field managers of the controller's own processes (the API server's default: the binary's name). */
  managers: readonly string[];
  /** Managers of its usual plugins, recognised only when no object of the kind can be read to name them. */
  usualPlugins?: readonly string[];
  /** An annotation the controller writes on the objects it sets, naming the owner. */
  ownerAnnotation?: string;
  /** The managers that write for this object besides `managers` (Argo's traffic router plugins). */
  pluginManagers(o: K8sObject): string[];
  named(o: K8sObject, ns: string): NamedObject[];
}

const SMI = 'split.smi-spec.io';
const GATEWAY = 'gateway.networking.k8s.io';

export type Json = Record<string, unknown>;

export function rec(x: unknown): Json | undefined {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined;
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

export function list(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/**
 * Flagger's generated router object per `spec.provider` (fluxcd/flagger v1.44.0 pkg/router/factory.go): `linkerd` and
 * `smi:*` get a TrafficSplit (pkg/router/smi.go), `gatewayapi:v1beta1` / `gatewayapi:v1` an HTTPRoute
 * (pkg/router/gateway_api*.go), both named after the apex Service in the Canary's namespace. Other providers
 * (istio, contour, nginx, …) generate nothing Canary Lens reads.
 */
function flaggerRouter(provider: string): { kind: string; group: string } | undefined {
  if (provider === 'linkerd' || provider.startsWith('smi:')) return { kind: 'TrafficSplit', group: SMI };
  if (provider.startsWith('gatewayapi:')) return { kind: 'HTTPRoute', group: GATEWAY };
  return undefined;
}

const CANARY: LiveKind = {
  // The binary is ./flagger (Dockerfile, charts/flagger/templates/deployment.yaml `command: ./flagger`), and
  // cmd/flagger/main.go sets no UserAgent or FieldManager: client-go's default user agent starts with the binary's
  // name, which the API server takes as the manager (apiserver pkg/endpoints/handlers/create.go managerOrUserAgent).
  managers: ['flagger'],
  pluginManagers: () => [],
  named(o, ns) {
    const spec = rec(o.spec) ?? {};
    // Canary.GetServiceNames (pkg/apis/flagger/v1beta1/canary.go): apex = service.name, else targetRef.name.
    const apex = str(rec(spec.service)?.name) ?? str(rec(spec.targetRef)?.name);
    if (!apex) return [];
    // The apex, -primary and -canary Services (pkg/router/kubernetes_default.go reconcileService).
    const services = [apex, `${apex}-primary`, `${apex}-canary`].map((name): NamedObject => ({ kind: 'Service', group: '', namespace: ns, name, role: 'service' }));
    const provider = str(spec.provider);
    const router = provider ? flaggerRouter(provider) : undefined;
    const splits: NamedObject[] = router
      ? [{ ...router, namespace: ns, name: apex, role: 'split' }]
      : provider ? [] : [{ kind: 'TrafficSplit', group: SMI }, { kind: 'HTTPRoute', group: GATEWAY }].map((r) => ({ ...r, namespace: ns, name: apex, role: 'split', guess: true }));
    return [...splits, ...services];
  },
};

/** The gatewayAPI plugin's route fields (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0 pkg/plugin/types.go). */
const PLUGIN_ROUTES: readonly { one: string; many: string; kind: string }[] = [
  { one: 'httpRoute', many: 'httpRoutes', kind: 'HTTPRoute' },
  { one: 'grpcRoute', many: 'grpcRoutes', kind: 'GRPCRoute' },
];

function rolloutCanary(o: K8sObject): Json | undefined {
  return rec(rec(rec(o.spec)?.strategy)?.canary);
}

const ROLLOUT: LiveKind = {
  // The controller binary is /bin/rollouts-controller (argoproj/argo-rollouts v1.9.1 Dockerfile ENTRYPOINT); no code
  // under cmd/ or pkg/ sets a UserAgent or FieldManager, so client-go's default makes the manager its name.
  managers: ['rollouts-controller'],
  // The gatewayAPI plugin under its usual name (see pluginManagers).
  usualPlugins: ['gatewayAPI'],
  // rollout/service.go generatePatch: the Services it switches get this annotation with the Rollout's name.
  ownerAnnotation: 'argo-rollouts.argoproj.io/managed-by-rollouts',
  // A traffic router plugin runs as its own process, plugin-bin/<namespace>/<name> for the plugin named
  // "<namespace>/<name>" (utils/plugin/plugin.go GetPluginInfo, utils/config/config.go GetPluginDirectoryAndFilename),
  // started by exec.Command(pluginPath) (rollout/trafficrouting/plugin/client/client.go), with its own client (the
  // gatewayAPI plugin: internal/utils/common.go, no UserAgent): the manager is <name>, "gatewayAPI" for the usual
  // "argoproj-labs/gatewayAPI" (its pkg/plugin/plugin.go PluginName).
  pluginManagers(o) {
    const plugins = rec(rec(rolloutCanary(o)?.trafficRouting)?.plugins) ?? {};
    return Object.keys(plugins).map((k) => k.slice(k.lastIndexOf('/') + 1)).filter((m) => m !== '');
  },
  named(o, ns) {
    const canary = rolloutCanary(o);
    if (!canary) return [];
    const out: NamedObject[] = [];
    for (const field of ['canaryService', 'stableService']) {
      const name = str(canary[field]);
      if (name) out.push({ kind: 'Service', group: '', namespace: ns, name, role: 'service' });
    }
    const routing = rec(canary.trafficRouting);
    // rollout/trafficrouting/smi/smi.go SetWeight: trafficSplitName, else the Rollout's name.
    const smi = rec(routing?.smi);
    const self = o.metadata?.name;
    const splitName = str(smi?.trafficSplitName) ?? self;
    if (smi && splitName) out.push({ kind: 'TrafficSplit', group: SMI, namespace: ns, name: splitName, role: 'split' });
    for (const config of Object.values(rec(routing?.plugins) ?? {}).map(rec)) {
      if (!config) continue;
      const where = str(config.namespace) ?? ns;
      for (const r of PLUGIN_ROUTES) {
        const names = [str(config[r.one]), ...list(config[r.many]).map((x) => str(rec(x)?.name))];
        for (const name of names) if (name) out.push({ kind: r.kind, group: GATEWAY, namespace: where, name, role: 'split' });
      }
    }
    return out;
  },
};

export const LIVE_KINDS: { readonly [K in DeliveryKind]: LiveKind } = { Canary: CANARY, Rollout: ROLLOUT };

function namespaceOf(d: LiveDelivery, fallback = ''): string {
  return d.object.metadata?.namespace ?? fallback;
}

/** Everything the delivery's spec names (splits first). */
export function objectsNamedBy(d: LiveDelivery, fallbackNamespace?: string): NamedObject[] {
  return LIVE_KINDS[d.kind].named(d.object, namespaceOf(d, fallbackNamespace));
}

/** The field managers that write the objects the delivery names. */
export function managersOf(d: LiveDelivery): string[] {
  const k = LIVE_KINDS[d.kind];
  return [...k.managers, ...k.pluginManagers(d.object)];
}
