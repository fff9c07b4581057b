import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { isMap, isPair, isScalar, isSeq, stringify, type Node } from 'yaml';
import { ClusterError, describeError, toClusterError, type FieldCause, type Operation } from './errors';
import type { ClusterLog } from './log';
import type { Wording } from './wording';
import { discoverApis, kindSpec, REQUEST_TIMEOUT_MS, SPLIT_KIND_IDS, withTimeout, type K8sObject, type KindSpec, type ServedApis } from './requests';
import { KINDS, SPLIT_KINDS } from '../service/model/kinds';
// YAML 1.1 scalars, merge keys and lone-\r line breaks, as kubectl reads the manifest: the object sent is the one kubectl would send.
import { parseKubectlDocument } from '../service/document/yamlOptions';
import { kubectlJS } from '../service/document/yamlNodes';

/** "TrafficSplits (split.smi-spec.io) and HTTPRoutes (gateway.networking.k8s.io, policy.linkerd.io)", from the registry. */
const APPLICABLE = SPLIT_KINDS.map((k) => `${KINDS[k].plural} (${KINDS[k].cluster.map((r) => r.group).join(', ')})`).join(' and ');

/**
 * Apply to cluster: a server-side dry run first (field manager `canary-lens`, no force), which gives the
 * live object and what it would become, as a diff-ready pair of YAML texts; then, once the user has confirmed,
 * the real server-side apply. Nothing here writes without `plan.apply()` being called.
 * Field managers, conflicts and force: https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */

export const FIELD_MANAGER = 'canary-lens';

/** Metadata that changes on every write and says nothing about the split: left out of the diff. */
const NOISY_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];
const NOISY_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export interface ApplyOptions {
  kc: KubeConfig;
  /** The namespace chosen in the editor; used when the document names none. */
  selectedNamespace: string;
  log: ClusterLog;
  fieldManager?: string;
  timeoutMs?: number;
  /** How the front end words next steps in the log lines (default: the library's neutral words). */
  wording?: Wording;
  /** Served API groups, when the caller already knows them (saves a request). */
  served?: ServedApis;
}

export interface ApplyOutcome {
  status: 'created' | 'configured' | 'unchanged';
  object: K8sObject;
  resourceVersion?: string;
}

export interface ApplyPlan {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  /** `document` when the manifest names its namespace, `selection` when the selected one is used (say so). */
  namespaceSource: 'document' | 'selection';
  /** The object in the cluster now; undefined when it does not exist yet. */
  live?: K8sObject;
  /** What the dry run says the object becomes. */
  result: K8sObject;
  /** Diff-ready texts (noisy metadata stripped); `liveYaml` is empty when there is no live object. */
  liveYaml: string;
  resultYaml: string;
  /** The object's content would change (the YAML texts differ). */
  changed: boolean;
  /** Nothing at all would be written (content and field ownership already as applied). */
  noop: boolean;
  /** The dry run without force conflicts with other field managers; `result` is then the forced dry run's. */
  conflict?: ClusterError;
  /** The real server-side apply. Throws ClusterError (a 409 names the managers; `force` takes the fields over). */
  apply(force?: boolean): Promise<ApplyOutcome>;
}

/**
 * The commands behind kubectl's default field managers, so a conflict names what the user ran, not a manager id:
 * kubernetes/kubectl pkg/cmd/apply/apply.go (FieldManagerClientSideApply = "kubectl-client-side-apply" for
 * `kubectl apply`; fieldManagerServerSideApply = "kubectl" for `kubectl apply --server-side`) and the
 * AddFieldManagerFlagVar defaults of pkg/cmd/{create,edit,patch,replace,set,label,annotate}/.
 */
const KUBECTL_COMMANDS: Record<string, string> = {
  'kubectl-client-side-apply': 'kubectl apply',
  kubectl: 'kubectl apply --server-side',
  'kubectl-create': 'kubectl create',
  'kubectl-edit': 'kubectl edit',
  'kubectl-patch': 'kubectl patch',
  'kubectl-replace': 'kubectl replace',
  'kubectl-set': 'kubectl set',
  'kubectl-label': 'kubectl label',
  'kubectl-annotate': 'kubectl annotate',
};

/** A field manager as a person knows it: `kubectl apply` for kubectl's own, else its name in quotes. */
export function managerWords(manager: string): string {
  return Object.hasOwn(KUBECTL_COMMANDS, manager) ? KUBECTL_COMMANDS[manager]! : `"${manager}"`;
}

/** `kubectl apply`, `"a" and "b"`, `"a", "b" and kubectl edit` (each command once). */
export function managersWords(managers: readonly string[]): string {
  const words = [...new Set(managers.map(managerWords))];
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * A field-manager conflict in the user's words. Fields kubectl set "were last set by kubectl apply" (what the user
 * ran, which Force Apply takes over); other managers "own" them. Other errors are returned as they are.
 */
export function wordConflict(e: ClusterError): ClusterError {
  if (e.kind !== 'conflict' || e.managers.length === 0) return e;
  const fields = e.conflictFields.length > 0 ? e.conflictFields.join(', ') : 'fields of this object';
  const one = e.conflictFields.length === 1;
  const owners = managersWords(e.managers);
  const byKubectl = e.managers.every((m) => Object.hasOwn(KUBECTL_COMMANDS, m));
  const state = byKubectl ? `${one ? 'was' : 'were'} last set by` : `${one ? 'is' : 'are'} owned by`;
  const it = one ? 'it' : 'them';
  return e.with(
    { nextStep: `Force Apply to take ${it} over from ${owners}, or leave ${it} to ${owners}.` },
    `Conflict: ${fields} ${state} ${owners}`,
  );
}

/** Next steps in the library's neutral words, for a caller that passes no `Wording`. */
const NEUTRAL_WORDING: Wording = { knobName: (k) => k, useKnob: (k) => `choose another ${k}` };

/**
 * A log line for a failed dry run or apply, in the user's words: what failed, why and what to do next, then the
 * server's own text when it says more (never the error kind's code).
 */
export function applyFailureLine(what: string, e: ClusterError, w: Wording = NEUTRAL_WORDING): string {
  const line = describeError(e, w).replace(/\.?$/, '.');
  const server = e.serverMessage && !e.message.includes(e.serverMessage) ? ` (the API server said: ${e.serverMessage.trim().replace(/\s*\n\s*/g, ' ')})` : '';
  return `${what} failed: ${line}${server}`;
}

interface Manifest {
  object: K8sObject;
  spec: KindSpec;
  group: string;
  version: string;
  name: string;
}

/** Parse one YAML document into the object to send. Throws ClusterError `invalid` (with a span) when it cannot be sent. */
export function parseManifest(text: string): Manifest {
  const doc = parseKubectlDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ClusterError('invalid', `The document is not valid YAML: ${e.message.split('\n')[0]}`, {
      causes: [{ field: '', message: e.message.split('\n')[0]!, span: { start: e.pos[0], end: e.pos[1] } }],
    });
  }
  // go-yaml v2's merge order (a `<<` after a key overrides it), which toJS() does not have.
  const object = kubectlJS(doc);
  if (!object || typeof object !== 'object' || Array.isArray(object)) {
    throw new ClusterError('invalid', 'The document is not a Kubernetes object (a mapping with apiVersion, kind and metadata)');
  }
  const o = object as K8sObject;
  const missing = (field: string, what: string) => new ClusterError('invalid', `The document has no ${what}`, {
    causes: [{ field, message: `${what} is required`, ...(spanOf(text, field) ? { span: spanOf(text, field)! } : {}) }],
  });
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw missing('apiVersion', 'apiVersion');
  if (typeof o.kind !== 'string' || !o.kind) throw missing('kind', 'kind');
  const name = o.metadata?.name;
  if (typeof name !== 'string' || !name) throw missing('metadata.name', 'metadata.name');
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  const version = o.apiVersion.slice(slash + 1);
  const spec = SPLIT_KIND_IDS.map(kindSpec).find((k) => k.kind === o.kind && k.group === group);
  if (!spec) throw new ClusterError('other', `Canary Lens applies ${APPLICABLE}, not ${o.kind} ${o.apiVersion}`);
  return { object: o, spec, group, version, name };
}

/** `spec.backends[0].weight`, `spec.backends.0.weight`, `.spec.backends`, `metadata.annotations[a.b/c]` → path segments. */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\[(\d+)\]|\[([^\]]*)\]|([^.[\]]+)/g;
  for (const m of field.replace(/^\./, '').matchAll(re)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(m[2].replace(/^["']|["']$/g, ''));
    else if (/^\d+$/.test(m[3]!)) out.push(Number(m[3]));
    else out.push(m[3]!);
  }
  return out;
}

function spanOfNode(node: Node | null | undefined): { start: number; end: number } | undefined {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

/** What the server said about the field, to choose among list items when its path has no index. */
export interface FieldHint { reason?: string; message?: string }

interface Candidate {
  span?: { start: number; end: number };
  /** How many path segments were found. */
  depth: number;
  /** The value at the end of the path, when it was found. */
  value?: unknown;
  found: boolean;
}

/** JSON type names as the API server's schema messages use them. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Does this candidate fit what the server said is wrong with the field? */
function fits(c: Candidate, hint: FieldHint | undefined): boolean {
  if (!hint) return c.found;
  if (hint.reason === 'FieldValueRequired' || /Required value/.test(hint.message ?? '')) return !c.found;
  if (!c.found) return false;
  const type = /must be of type (\w+)/.exec(hint.message ?? '')?.[1];
  if (type) {
    const t = typeName(c.value);
    return !(t === type || (type === 'number' && t === 'integer'));
  }
  // `Invalid value: 5: ...` / `Invalid value: "abc": ...`: the value itself, as JSON.
  const shown = /Invalid value: ("(?:[^"\\]|\\.)*"|[^:\s]+):/.exec(hint.message ?? '')?.[1];
  if (shown !== undefined && shown !== '"string"' && shown !== '"number"' && shown !== '"integer"' && shown !== '"boolean"' && shown !== '"object"' && shown !== '"array"') {
    try {
      return JSON.stringify(c.value) === JSON.stringify(JSON.parse(shown));
    } catch {
      return String(c.value) === shown;
    }
  }
  return true;
}

/**
 * Where a field the server named is in the document: the value node when it exists, else the deepest existing
 * ancestor (a missing required field is reported on its list item or parent key). API servers before 1.22 drop list
 * indexes from CRD validation paths (`spec.backends.weight`): then every item is a candidate and the hint (the
 * reason and message of the cause) picks the one at fault: the item that lacks a required field, the value of the
 * wrong type, the value the message quotes; else the first item that has the path.
 */
export function spanOf(text: string, field: string, hint?: FieldHint): { start: number; end: number } | undefined {
  const doc = parseKubectlDocument(text, { prettyErrors: false });
  const segments = fieldPath(field);
  if (segments.length === 0) return undefined;
  const out: Candidate[] = [];
  const walk = (node: unknown, i: number, keySpan: { start: number; end: number } | undefined): void => {
    if (i === segments.length) {
      out.push({ span: spanOfNode(node as Node) ?? keySpan, depth: i, value: isScalar(node) ? node.value : (node as Node | null)?.toJSON?.(), found: true });
      return;
    }
    const seg = segments[i]!;
    if (isSeq(node)) {
      if (typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) out.push({ span: keySpan, depth: i, found: false });
        else walk(item, i + 1, spanOfNode(item as Node));
        return;
      }
      // No index in the path: every item is a candidate.
      if (node.items.length === 0) out.push({ span: keySpan, depth: i, found: false });
      for (const item of node.items) walk(item, i, spanOfNode(item as Node));
      return;
    }
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) {
        out.push({ span: keySpan, depth: i, found: false });
        return;
      }
      const kSpan = spanOfNode(pair.key as Node);
      if (pair.value === null || pair.value === undefined) {
        if (i + 1 === segments.length) out.push({ span: kSpan, depth: i + 1, value: null, found: true });
        else out.push({ span: kSpan, depth: i + 1, found: false });
        return;
      }
      walk(pair.value, i + 1, kSpan);
      return;
    }
    out.push({ span: keySpan, depth: i, found: false });
  };
  walk(doc.contents, 0, undefined);
  const chosen = out.find((c) => fits(c, hint)) ?? out.find((c) => c.found) ?? [...out].sort((a, b) => b.depth - a.depth)[0];
  return chosen?.span;
}

/** A copy without the metadata that is noise in a diff. */
export function stripNoise(o: K8sObject): K8sObject {
  const copy = JSON.parse(JSON.stringify(o)) as K8sObject;
  if (copy.metadata) {
    for (const k of NOISY_METADATA) delete copy.metadata[k];
    const ann = copy.metadata.annotations;
    if (ann) {
      for (const k of NOISY_ANNOTATIONS) delete ann[k];
      if (Object.keys(ann).length === 0) delete copy.metadata.annotations;
    }
  }
  return copy;
}

export function toYaml(o: K8sObject | undefined): string {
  return o ? stringify(stripNoise(o), { lineWidth: 0 }) : '';
}

/** Field ownership without timestamps, to tell whether an apply would write anything at all. */
function ownership(o: K8sObject | undefined): string {
  return JSON.stringify((o?.metadata?.managedFields ?? []).map((m) => ({ ...m, time: undefined })));
}

function opFor(m: Manifest, verb: string, namespace: string, server?: string): Operation {
  return { verb, resource: m.spec.plural, group: m.group, namespace, name: m.name, server };
}

/** Dry-run the document against the cluster. Throws ClusterError (forbidden, invalid with spans, crd-missing, …). */
export async function planApply(text: string, options: ApplyOptions): Promise<ApplyPlan> {
  const m = parseManifest(text);
  const { kc, log } = options;
  const fieldManager = options.fieldManager ?? FIELD_MANAGER;
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = kc.getCurrentCluster()?.server;
  const docNamespace = m.object.metadata?.namespace;
  const namespace = typeof docNamespace === 'string' && docNamespace ? docNamespace : options.selectedNamespace;
  const namespaceSource = typeof docNamespace === 'string' && docNamespace ? 'document' : 'selection';
  const label = `${m.object.kind} ${namespace}/${m.name}`;

  const served = options.served ?? (await discoverApis(kc, timeout));
  const versions = served.get(m.group);
  if (!versions || !versions.includes(m.version)) {
    throw new ClusterError('crd-missing', versions && versions.length > 0
      ? `The cluster does not serve ${m.object.apiVersion} (it serves ${m.group} ${versions.join(', ')})`
      : m.spec.missing ?? `The cluster does not serve ${m.group}`, {
      resource: m.spec.plural, group: m.group, namespace,
      nextStep: versions && versions.length > 0 ? `Change apiVersion to ${m.group}/${versions[0]}.` : m.spec.missing,
      causes: [{ field: 'apiVersion', message: 'not served by the cluster', ...(spanOf(text, 'apiVersion') ? { span: spanOf(text, 'apiVersion')! } : {}) }],
    });
  }

  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: m.group, version: m.version, namespace, plural: m.spec.plural, name: m.name };
  const withSpans = (e: ClusterError) => e.causes.length === 0 ? e
    : e.with({ causes: e.causes.map((c): FieldCause => {
        const span = spanOf(text, c.field, c);
        return { ...c, ...(span ? { span } : {}) };
      }) });

  let live: K8sObject | undefined;
  try {
    live = (await api.getNamespacedCustomObject(ref, withTimeout(timeout))) as K8sObject;
  } catch (e) {
    const err = toClusterError(e, opFor(m, 'get', namespace, server));
    if (err.kind !== 'not-found') throw err;
  }

  const dryRun = async (force: boolean) => {
    try {
      return (await api.patchNamespacedCustomObject(
        { ...ref, body: m.object, dryRun: 'All', fieldManager, force },
        withTimeout(timeout, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply)),
      )) as K8sObject;
    } catch (e) {
      throw withSpans(wordConflict(toClusterError(e, opFor(m, 'patch', namespace, server))));
    }
  };

  let result: K8sObject;
  let conflict: ClusterError | undefined;
  try {
    result = await dryRun(false);
  } catch (e) {
    if (!(e instanceof ClusterError) || e.kind !== 'conflict' || e.managers.length === 0) throw e;
    conflict = e;
    log.info(`Dry run of ${label}: ${e.message}; the diff shows the result of Force Apply, which takes ${e.conflictFields.length === 1 ? 'it' : 'them'} over`);
    result = await dryRun(true);
  }
  const liveYaml = toYaml(live);
  const resultYaml = toYaml(result);
  const changed = liveYaml !== resultYaml;
  const noop = !!live && !changed && ownership(live) === ownership(result) && !conflict;
  log.info(`Dry run of ${label} (${m.object.apiVersion}, namespace from ${namespaceSource}): ${live ? (changed ? 'would change' : noop ? 'no change' : 'same content, field ownership changes') : 'would be created'}`);

  const apply = async (force = false): Promise<ApplyOutcome> => {
    // The live object's resourceVersion as a precondition: what is applied is what the user saw in the diff.
    const body: K8sObject = live?.metadata?.resourceVersion
      ? { ...m.object, metadata: { ...m.object.metadata, resourceVersion: live.metadata.resourceVersion } }
      : m.object;
    let object: K8sObject;
    try {
      object = (await api.patchNamespacedCustomObject(
        { ...ref, body, fieldManager, force },
        withTimeout(timeout, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply)),
      )) as K8sObject;
    } catch (e) {
      const err = withSpans(wordConflict(toClusterError(e, opFor(m, 'patch', namespace, server))));
      log.warn(applyFailureLine(`Apply of ${label}${force ? ' (forced)' : ''}`, err, options.wording));
      throw err;
    }
    const resourceVersion = object.metadata?.resourceVersion;
    const status: ApplyOutcome['status'] = !live ? 'created' : resourceVersion === live.metadata?.resourceVersion ? 'unchanged' : 'configured';
    log.info(`Applied ${label}${force ? ' (forced)' : ''}: ${status} (resourceVersion ${resourceVersion ?? '?'})`);
    return { status, object, ...(resourceVersion ? { resourceVersion } : {}) };
  };

  return {
    kind: m.object.kind!, apiVersion: m.object.apiVersion!, name: m.name, namespace, namespaceSource,
    ...(live ? { live } : {}), result, liveYaml, resultYaml, changed, noop, ...(conflict ? { conflict } : {}), apply,
  };
}
