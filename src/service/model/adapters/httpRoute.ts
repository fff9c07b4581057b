import { isMap, type Document, type YAMLMap } from 'yaml';
import type { Adapter, ApiVersionInfo } from '../kinds';
import type { Span } from '../../document/part';
import { normalGroup, type Apex, type Located, type Backend, type NameRef, type ParentRef, type Split, type SplitDocument } from '../split';
import { deref, isAlias, keySpan, kubectlNodeJS, mapAt, numberAt, pairOf, seqAt, spanOf, stringAt } from '../../document/yamlNodes';
import type { DocumentHeader } from './header';
import { readWeightOf } from './weight';
import { filterTypes, ruleExtras } from './ruleExtras';

const MULTICLUSTER_GROUP = 'multicluster.x-k8s.io';

/** One match of a rule with its kind's defaults filled in: equal results = equal matches. */
type MatchCanon = (match: Record<string, unknown>) => Record<string, unknown>;

/** Gateway API / Linkerd HTTPRoute. */
export const adaptHttpRoute: Adapter = (doc, header) => adaptRoute(doc, header, httpMatch);
/** Gateway API GRPCRoute: the same shape as HTTPRoute (parentRefs, rules of weighted backendRefs); gRPC matches. */
export const adaptGrpcRoute: Adapter = (doc, header) => adaptRoute(doc, header, grpcMatch);

/** A Gateway API route: one split per rule; apex = the first parentRef that is a core Service. */
function adaptRoute(doc: Document.Parsed, header: DocumentHeader, canon: MatchCanon): SplitDocument {
  // Read as kubectl reads it: aliases followed, `<<` merge keys honoured (src/service/document/yamlNodes.ts).
  const spec = mapAt(header.root, 'spec', doc);
  const names: NameRef[] = [];
  const read = (seqAt(spec, 'parentRefs', doc)?.items ?? []).flatMap((item) => {
    const map = deref(item, doc);
    const ref = isMap(map) ? readParent(doc, map, header.api, header.base.ns, names) : undefined;
    return ref ? [ref] : [];
  });
  const parents = read.map((r) => r.parent);
  const apex = read.find((r) => r.apex)?.apex;
  const splits: Split[] = [];
  seqAt(spec, 'rules', doc)?.items.forEach((written, index) => {
    const span = spanOf(written as { range?: [number, number, number] });
    const rule = deref(written, doc);
    if (!span || !isMap(rule)) return;
    const backendsSeq = seqAt(rule, 'backendRefs', doc);
    const backends: Backend[] = [];
    backendsSeq?.items.forEach((item, i) => {
      const map = deref(item, doc);
      const b = isMap(map) ? readBackend(doc, map, i, header.api, header.base.ns, names, isAlias(item) ? spanOf(item) : undefined) : undefined;
      if (b) backends.push(b);
    });
    splits.push({
      index,
      label: `${header.name?.value ?? header.base.kind} rule ${index + 1}`,
      ...(apex ? { apex } : {}),
      backends,
      span: keySpan(rule, 'backendRefs', doc) ?? firstKeySpan(rule) ?? span,
      region: span,
      ...(backendsSeq ? { backendsNode: backendsSeq } : {}),
      matchKey: canonicalMatches(kubectlNodeJS(pairOf(rule, 'matches', doc)?.value, doc), canon),
      ...ruleExtras(rule, doc),
      ...(keySpan(rule, 'matches', doc) ? { matches: keySpan(rule, 'matches', doc)! } : {}),
    });
  });
  return {
    ...header.base,
    parents,
    parentsSpan: keySpan(spec, 'parentRefs', doc) ?? keySpan(header.root, 'spec', doc) ?? header.kindSpan,
    splits,
    names: [...header.names, ...names],
  };
}

function firstKeySpan(map: YAMLMap): ReturnType<typeof spanOf> {
  const first = map.items[0];
  return first ? spanOf(first.key as { range?: [number, number, number] }) : undefined;
}

/**
 * The fields a parentRef and a backendRef share, with their names queued for `invalid-name`. `alias`: the ref is
 * written as an alias (`- *stable`) of `item`; then every field is located at the alias, as an inherited one is at
 * its `<<` (src/service/document/yamlNodes.ts, entrySpan).
 */
function readRef(doc: Document.Parsed, item: YAMLMap, what: 'parentRef' | 'backendRef', names: NameRef[], alias?: Span) {
  const span = alias ?? spanOf(item);
  if (!span) return undefined;
  const at = <T>(v: Located<T> | undefined): Located<T> | undefined => (v && alias ? { value: v.value, span: alias } : v);
  const name = at(stringAt(item, 'name', doc));
  const namespace = at(stringAt(item, 'namespace', doc));
  if (name) names.push({ ...name, what: `${what} name` });
  if (namespace) names.push({ ...namespace, what: `${what} namespace` });
  return { span, name, namespace, kind: at(stringAt(item, 'kind', doc)), group: at(stringAt(item, 'group', doc)), port: at(numberAt(item, 'port', doc)) };
}

function readParent(doc: Document.Parsed, item: YAMLMap, api: ApiVersionInfo | undefined, ns: string, names: NameRef[]): { parent: ParentRef; apex?: Apex } | undefined {
  const ref = readRef(doc, item, 'parentRef', names);
  if (!ref) return undefined;
  const { span, name, kind, group, namespace, port } = ref;
  const groupValue = normalGroup(group?.value ?? api?.parentDefaultGroup ?? 'gateway.networking.k8s.io');
  const isService = kind?.value === 'Service' && groupValue === '';
  // Gateway API's ParentReference defaults: kind Gateway, the route's namespace (apis/v1/shared_types.go).
  const parent: ParentRef = {
    span, isService, group: groupValue, kind: kind?.value ?? 'Gateway', ns: namespace?.value ?? ns, ...(name ? { name } : {}), ...(namespace ? { namespace } : {}), ...(port ? { port } : {}) };
  if (kind?.value === 'Service' && !isService) {
    parent.problem = group
      ? { value: `parentRef kind Service has group "${group.value}": a core Service needs group "" (or core)`, span: group.span }
      : { value: `parentRef kind Service without group means group "${groupValue}", not a core Service: add group: core`, span: kind.span };
  } else if (!kind && api?.parentKindRequired) {
    parent.problem = {
      value: `parentRef without kind does not attach to a Service in ${api.apiVersion}: add kind: Service and group: core`,
      span: name?.span ?? span,
    };
  }
  if (!isService || !name) return { parent };
  return { parent, apex: { name, ...(namespace ? { namespace } : {}), ...(port ? { port } : {}) } };
}

/** `alias`: where the backendRef is written as an alias (`- *stable`), `item` being its anchored mapping. */
function readBackend(doc: Document.Parsed, item: YAMLMap, index: number, api: ApiVersionInfo | undefined, ns: string, names: NameRef[], alias?: Span): Backend | undefined {
  const ref = readRef(doc, item, 'backendRef', names, alias);
  if (!ref) return undefined;
  const { span, name, kind, group, namespace, port } = ref;
  // BackendObjectReference defaults: group "" (core), kind Service, the route's namespace (apis/v1/object_reference_types.go).
  const groupValue = normalGroup(group?.value ?? '');
  const kindValue = kind?.value ?? 'Service';
  const coreService = groupValue === '' && kindValue === 'Service';
  const routable = coreService || (groupValue === MULTICLUSTER_GROUP && kindValue === 'ServiceImport');
  const backend: Backend = {
    index,
    group: groupValue,
    kind: kindValue,
    ns: namespace?.value ?? ns,
    ...(name ? { name } : {}),
    ...(namespace ? { namespace } : {}),
    ...(port ? { port } : {}),
    weight: readWeightOf(doc, item, api, alias),
    portRequired: coreService,
    span,
    // An alias's mapping is its anchor's: no edit may land there through this backend.
    ...(alias ? {} : { node: item }),
    ...filterTypes(item, doc),
  };
  if (!routable) {
    backend.kindProblem = {
      value: `a mesh cannot route to backendRef kind "${kindValue}"${group?.value ? ` (group "${group.value}")` : ''}: use a core Service or a multicluster ServiceImport`,
      span: kind?.span ?? group?.span ?? name?.span ?? span,
    };
  }
  return backend;
}

/** Matches with their defaults filled in, sorted, as text: equal text = equal matches (no `matches` = catch-all). */
export function canonicalMatches(matches: unknown, canon: MatchCanon = httpMatch): string {
  const list = Array.isArray(matches) && matches.length > 0 ? matches : [{}];
  const canonical = list.map((m) => sortKeys(canon((m && typeof m === 'object' ? m : {}) as Record<string, unknown>)));
  // Matches are ORed: a list is a set, so order and repeats do not matter.
  return JSON.stringify([...new Set(sortedBy(canonical).map((m) => JSON.stringify(m)))]);
}

/** HTTPRouteMatch: path defaults to PathPrefix `/`; header names match case-insensitively, query parameter names do not. */
function httpMatch(match: Record<string, unknown>): Record<string, unknown> {
  const path = (match.path && typeof match.path === 'object' ? match.path : {}) as Record<string, unknown>;
  return {
    ...match,
    path: { type: path.type ?? 'PathPrefix', value: path.value ?? '/' },
    ...(Array.isArray(match.headers) ? { headers: sortedBy(match.headers.map((h) => withExactDefault(h, true))) } : {}),
    ...(Array.isArray(match.queryParams) ? { queryParams: sortedBy(match.queryParams.map((q) => withExactDefault(q, false))) } : {}),
  };
}

/**
 * GRPCRouteMatch (kubernetes-sigs/gateway-api apis/v1/grpcroute_types.go): `method.type` defaults to Exact, an empty
 * or missing service or method matches any, no method matches every call; header names match case-insensitively.
 */
function grpcMatch(match: Record<string, unknown>): Record<string, unknown> {
  const { method: asWritten, ...rest } = match;
  const written = (asWritten && typeof asWritten === 'object' ? asWritten : {}) as Record<string, unknown>;
  const method = Object.fromEntries(Object.entries({ type: 'Exact', ...written }).filter(([k, v]) => !((k === 'service' || k === 'method') && (v === '' || v === null))));
  const any = method.service === undefined && method.method === undefined;
  return {
    ...rest,
    ...(any ? {} : { method }),
    ...(Array.isArray(match.headers) ? { headers: sortedBy(match.headers.map((h) => withExactDefault(h, true))) } : {}),
  };
}

function withExactDefault(x: unknown, foldName: boolean): unknown {
  if (!x || typeof x !== 'object') return x;
  const m: Record<string, unknown> = { type: 'Exact', ...(x as Record<string, unknown>) };
  return foldName && typeof m.name === 'string' ? { ...m, name: m.name.toLowerCase() } : m;
}

function sortedBy(items: unknown[]): unknown[] {
  return items.map((i) => sortKeys(i)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x && typeof x === 'object') {
    return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys((x as Record<string, unknown>)[k])]));
  }
  return x;
}
