/**
 * YAML text of the manifests the tests write over and over: an HTTPRoute, a TrafficSplit, a Service. Each builder
 * takes a small options object, fills in the emojivoto defaults and writes block style in one fixed layout (two spaces
 * per level, list items indented under their key, keys in the order Kubernetes documentation writes them), so line
 * and column numbers in the output are predictable:
 *
 *   httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80, weight: 90 }] })
 *
 *   apiVersion: gateway.networking.k8s.io/v1      line 0
 *   kind: HTTPRoute
 *   metadata:
 *     name: web-canary
 *     namespace: emojivoto
 *   spec:                                         line 5
 *     parentRefs:
 *       - name: web-apex
 *         kind: Service
 *         group: core
 *         port: 80                                line 10
 *     rules:
 *       - backendRefs:
 *           - name: web-svc                       line 13, the name at column 16
 *             port: 80
 *             weight: 90
 *
 * Scalars are written as given, strings unquoted: a test that means `weight: "500"` or `group: ""` writes the quotes
 * (`'"500"'`); an empty string is written `""`. Flow style, comments and broken YAML are not this module's business:
 * tests about those keep their text inline. Every builder's text ends with a line break; `documents` joins texts into
 * one multi-document file.
 */

/** A scalar, written as it is (strings unquoted; '' as `""`). */
export type Scalar = string | number | boolean;
/** What the writer writes: scalars, lists (block style, `[]` when empty) and mappings (in key order, `{}` when empty). */
export type Value = Scalar | readonly Value[] | { readonly [key: string]: Value | undefined };
type Fields = { readonly [key: string]: Value | undefined };

export interface BackendRefOptions {
  name: string;
  namespace?: string;
  group?: string;
  kind?: string;
  port?: Scalar;
  weight?: Scalar;
  /** Further fields (filters, a misspelt key …), after these. */
  [extra: string]: Value | undefined;
}

export interface ParentRefOptions {
  name: string;
  namespace?: string;
  kind?: string;
  group?: string;
  port?: Scalar;
  sectionName?: string;
  [extra: string]: Value | undefined;
}

export interface RuleOptions {
  /** Written in the order given: `{ matches, timeouts, backendRefs }` writes the keys in that order. */
  matches?: readonly Value[];
  backendRefs?: readonly BackendRefOptions[];
  [extra: string]: Value | undefined;
}

export interface HttpRouteOptions {
  /** Default `gateway.networking.k8s.io/v1`; `null` leaves it out. */
  apiVersion?: string | null;
  /** Default `web-canary`. */
  name?: string;
  /** Default `emojivoto`; `null` leaves it out. */
  namespace?: string | null;
  /** More metadata (labels …), after name and namespace. */
  metadata?: Fields;
  /**
   * The parent, a core Service: `{ name, kind: Service, group: core }`, with `port` and `namespace` when given.
   * Default `web-apex`; `null` for no parentRefs at all. Ignored when `parentRefs` is given.
   */
  apex?: string | { name: string; namespace?: string; port?: Scalar } | null;
  /** The parentRefs as they are (`[]` writes `parentRefs: []`), instead of `apex`. */
  parentRefs?: readonly ParentRefOptions[];
  /** Further spec fields (hostnames …), between parentRefs and rules. */
  spec?: Fields;
  /** One rule with these backendRefs: shorthand for `rules: [{ backendRefs }]`. */
  backends?: readonly BackendRefOptions[];
  /** The rules; default one rule of `backends` (none when `backends` is not given either). */
  rules?: readonly RuleOptions[];
}

export interface TrafficSplitBackendOptions {
  /** Left out only by a test of a backend without one. */
  service?: string;
  weight?: Scalar;
  [extra: string]: Value | undefined;
}

export interface TrafficSplitOptions {
  /** Default `split.smi-spec.io/v1alpha2` (see also `version`); `null` leaves it out. */
  apiVersion?: string | null;
  /** Shorthand for `apiVersion: split.smi-spec.io/<version>`. */
  version?: string;
  /** Default `web-svc-ts`. */
  name?: string;
  /** Default `emojivoto`; `null` leaves it out. */
  namespace?: string | null;
  metadata?: Fields;
  /** spec.service; default `web-apex`. */
  apex?: string;
  /** spec.matches (v1alpha3, v1alpha4), between service and backends. */
  matches?: readonly Value[];
  /** Each a `{ service, weight }`, or `service=weight` (just `service` for none). */
  backends: readonly (string | TrafficSplitBackendOptions)[];
  /** Further spec fields, after backends. */
  spec?: Fields;
}

export interface ServiceOptions {
  name: string;
  /** Default `emojivoto`; `null` leaves it out. */
  namespace?: string | null;
  metadata?: Fields;
  /** The selector's labels, or one name for `app: <name>`; default none. */
  selector?: string | Readonly<Record<string, string>>;
  /** Port numbers (written `- port: N`) or whole port entries. */
  ports?: readonly (number | Fields)[];
}

/** An HTTPRoute (see the top of this file for the layout). */
export function httpRoute(o: HttpRouteOptions = {}): string {
  return gatewayRoute('HTTPRoute', o);
}

/** A GRPCRoute: the same layout as an HTTPRoute (its rules' matches are gRPC ones: `{ method: { service, method } }`). */
export function grpcRoute(o: HttpRouteOptions = {}): string {
  return gatewayRoute('GRPCRoute', o);
}

function gatewayRoute(kind: string, o: HttpRouteOptions): string {
  const { apex = 'web-apex' } = o;
  const parentRefs = o.parentRefs ?? (apex === null ? undefined : [serviceParent(typeof apex === 'string' ? { name: apex } : apex)]);
  const rules = o.rules ?? (o.backends ? [{ backendRefs: o.backends }] : undefined);
  return write({
    apiVersion: o.apiVersion === null ? undefined : (o.apiVersion ?? 'gateway.networking.k8s.io/v1'),
    kind,
    metadata: meta(o.name ?? 'web-canary', o.namespace, o.metadata),
    spec: {
      parentRefs: parentRefs?.map((p) => ordered(p, PARENT_KEYS)),
      ...o.spec,
      rules: rules?.map((r) => ({ ...r, backendRefs: r.backendRefs?.map((b) => ordered(b, BACKEND_KEYS)) })),
    },
  });
}

/** A TrafficSplit (spec.service, then matches, then backends). */
export function trafficSplit(o: TrafficSplitOptions): string {
  return write({
    apiVersion: o.apiVersion === null ? undefined : (o.apiVersion ?? `split.smi-spec.io/${o.version ?? 'v1alpha2'}`),
    kind: 'TrafficSplit',
    metadata: meta(o.name ?? 'web-svc-ts', o.namespace, o.metadata),
    spec: {
      service: o.apex ?? 'web-apex',
      matches: o.matches,
      backends: o.backends.map(splitBackend),
      ...o.spec,
    },
  });
}

/** A core Service (selector, then ports). */
export function service(o: ServiceOptions): string {
  const selector = typeof o.selector === 'string' ? { app: o.selector } : o.selector;
  return write({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(o.name, o.namespace, o.metadata),
    spec: {
      selector,
      ports: o.ports?.map((p) => (typeof p === 'number' ? { port: p } : p)),
    },
  });
}

/** Texts (each ending in a line break) as the documents of one file, separated by `---`. */
export function documents(...texts: string[]): string {
  return texts.join('---\n');
}

// ---------------------------------------------------------------------------------------------------------------

const PARENT_KEYS = ['name', 'namespace', 'kind', 'group', 'port', 'sectionName'];
const BACKEND_KEYS = ['name', 'namespace', 'group', 'kind', 'port', 'weight'];

function serviceParent(p: { name: string; namespace?: string; port?: Scalar }): ParentRefOptions {
  return { name: p.name, namespace: p.namespace, kind: 'Service', group: 'core', port: p.port };
}

function meta(name: string, namespace: string | null | undefined, more: Fields | undefined): Fields {
  return { name, namespace: namespace === null ? undefined : (namespace ?? 'emojivoto'), ...more };
}

function splitBackend(b: string | TrafficSplitBackendOptions): Fields {
  if (typeof b !== 'string') return ordered(b, ['service', 'weight']);
  const eq = b.indexOf('=');
  return eq === -1 ? { service: b } : { service: b.slice(0, eq), weight: b.slice(eq + 1) };
}

/** The same fields, the known keys first in their order, then the rest as given. */
function ordered(fields: Fields, keys: readonly string[]): Fields {
  const out: Record<string, Value | undefined> = {};
  for (const k of keys) if (k in fields) out[k] = fields[k];
  for (const [k, v] of Object.entries(fields)) if (!(k in out)) out[k] = v;
  return out;
}

/** A mapping as block YAML; keys whose value is `undefined` are left out. */
function write(fields: Fields): string {
  return mapping(fields, 0).map((l) => `${l}\n`).join('');
}

function scalar(v: Scalar): string {
  return v === '' ? '""' : String(v);
}

function isScalar(v: Value): v is Scalar {
  return typeof v !== 'object';
}

function isList(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

/** `key: value` lines at `indent`. */
function mapping(fields: Fields, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (isScalar(v)) lines.push(`${pad}${key}: ${scalar(v)}`);
    else if (isList(v)) {
      if (v.length === 0) lines.push(`${pad}${key}: []`);
      else lines.push(`${pad}${key}:`, ...list(v, indent + 2));
    } else if (Object.values(v).every((x) => x === undefined)) lines.push(`${pad}${key}: {}`);
    else lines.push(`${pad}${key}:`, ...mapping(v, indent + 2));
  }
  return lines;
}

/** `- item` lines at `indent`; a mapping item has its first key on the dash's line. */
function list(items: readonly Value[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  return items.flatMap((item) => {
    if (isScalar(item)) return [`${pad}- ${scalar(item)}`];
    if (isList(item)) throw new Error('a list directly in a list: write it as a flow-style string');
    const [first, ...rest] = mapping(item, indent + 2);
    if (first === undefined) return [`${pad}- {}`];
    return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
  });
}
