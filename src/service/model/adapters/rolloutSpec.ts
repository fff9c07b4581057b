import { isMap, isPair, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import type { Span } from '../../document/part';
import { deref, entriesOf, entrySpan, keySpan, mapAt, rootMap, seqAt, spanOf, stringAt } from '../../document/yamlNodes';
import { DEFAULT_NAMESPACE, type Located } from '../split';
import { parseGoDuration } from '../durations';
import { boolAt, keyedMap, objectRefAt, stringsAt, type ObjectRefSpec } from './fields';

/**
 * An Argo Rollout's spec as the controller reads it (argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1/types.go),
 * with the place of each field a rule or the plan points at. Read as kubectl reads the manifest: aliases followed and
 * `<<` merge keys honoured (src/service/document/yamlNodes.ts). `adapters/rollout.ts` builds the delivery model from it;
 * the Argo rules (rules/argo.ts) read it for the spans of the fields at fault.
 */
export interface RolloutSpec {
  root: YAMLMap;
  name?: Located<string>;
  namespace?: Located<string>;
  ns: string;
  /** The `spec` key. */
  specSpan?: Span;
  strategy?: 'canary' | 'blueGreen';
  /** The `canary` / `blueGreen` key under `spec.strategy`. */
  strategySpan?: Span;
  canaryService?: Located<string>;
  stableService?: Located<string>;
  activeService?: Located<string>;
  previewService?: Located<string>;
  /** `trafficRouting` with a mapping (Argo: TrafficRouting != nil): weights are set by a router, not replica counts. */
  trafficRouting?: TrafficRoutingSpec;
  steps: StepSpec[];
  /** `strategy.canary.analysis`: the background analysis. */
  backgroundAnalysis?: AnalysisSpec & { startingStep?: number };
  /** blueGreen `prePromotionAnalysis` / `postPromotionAnalysis`. */
  promotionAnalyses: (AnalysisSpec & { what: string })[];
  workloadRef?: ObjectRefSpec;
  /** `spec.template.metadata.labels`. */
  podLabels?: Record<string, string>;
}

export interface TrafficRoutingSpec {
  span: Span;
  /** `maxTrafficWeight` (default 100: utils/weightutil/weight.go), the top of the setWeight scale. */
  maxTrafficWeight: number;
  maxTrafficWeightSpan?: Span;
  smi?: { span: Span; rootService?: Located<string>; trafficSplitName?: Located<string> };
  /** Routes the `argoproj-labs/gatewayAPI` plugin sets the weights of. */
  gatewayRoutes: { kind: 'HTTPRoute' | 'GRPCRoute'; name: Located<string>; ns: string; what: string }[];
  /** Route kinds the plugin also takes (TCPRoute, TLSRoute) or selects by label: named here, not resolved. */
  otherRouting: boolean;
}

export interface TemplateRefSpec {
  templateName: Located<string>;
  clusterScope: boolean;
}

export interface AnalysisSpec {
  span: Span;
  templates: TemplateRefSpec[];
}

/** A pause or experiment duration as Argo reads it: seconds, or why it cannot. */
export interface DurationSpec {
  text: string;
  span: Span;
  /** A scalar written in place (not an alias, not inherited through `<<`): an edit may replace it. */
  written: boolean;
  seconds?: number;
  problem?: string;
}

export interface StepSpec {
  index: number;
  span: Span;
  /** The kinds of step the item sets, in CanaryStep's field order. */
  types: string[];
  /** `written`: a scalar written in place (not an alias, not inherited through `<<`): an edit may replace it. */
  setWeight?: { value?: number; text: string; span: Span; keySpan: Span; written: boolean };
  pause?: { keySpan: Span; duration?: DurationSpec };
  analysis?: AnalysisSpec;
  experiment?: { keySpan: Span; duration?: DurationSpec; analyses: TemplateRefSpec[] };
  setCanaryScale?: { keySpan: Span; weight?: number; replicas?: number; matchTrafficWeight: boolean };
  /** setHeaderRoute / setMirrorRoute / plugin: the name they give. */
  named?: { type: 'setHeaderRoute' | 'setMirrorRoute' | 'plugin'; name?: string };
}

/** The gatewayAPI plugin's key under `trafficRouting.plugins` (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0 pkg/plugin/plugin.go, PluginName). */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

const STEP_TYPES = ['setWeight', 'pause', 'experiment', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin'] as const;

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** A scalar's value when kubectl reads it as an integer (go-yaml v2 resolve: `010` is 8). */
function intAt(map: unknown, key: string, doc: Document): { value: number; span: Span } | undefined {
  const entry = entriesOf(map, doc).get(key);
  const v = deref(entry?.pair.value, doc);
  const span = entrySpan(entry);
  return isScalar(v) && typeof v.value === 'number' && Number.isInteger(v.value) && span ? { value: v.value, span } : undefined;
}

/** A string-to-string mapping as kubectl reads it (aliases, merge keys); non-scalar values skipped. */
function labelsAt(map: unknown, doc: Document): Record<string, string> | undefined {
  if (!isMap(deref(map, doc))) return undefined;
  const out: Record<string, string> = {};
  for (const [k, e] of entriesOf(map, doc)) {
    const v = deref(e.pair.value, doc);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: string, number, boolean or bigint
    if (isScalar(v) && v.value !== null && typeof v.value !== 'object' && typeof v.value !== 'symbol') out[k] = String(v.value);
  }
  return out;
}

/**
 * A pause duration as `RolloutPause.DurationSeconds` reads it (types.go): an integer is seconds; a string is first
 * `strconv.ParseInt(s, 10, 32)` (seconds, no unit), else `time.ParseDuration` truncated to whole seconds; anything else
 * is -1. Validation refuses a result below 0 (pkg/apis/rollouts/validation/validation.go: "Duration needs to be
 * greater than 0"), so `-500ms` (0 after truncation) passes and `-1s` does not.
 */
export function pauseSeconds(value: number | string): { seconds: number } | { problem: string } {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { problem: 'it is neither an integer (seconds) nor a string' };
    if (value < INT32_MIN || value > INT32_MAX) return { problem: 'an integer duration is read as a 32-bit number of seconds, and this one does not fit' };
    return value < 0 ? { problem: 'it is negative' } : { seconds: value };
  }
  if (/^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    if (n >= INT32_MIN && n <= INT32_MAX) return n < 0 ? { problem: 'it is negative' } : { seconds: n };
    // ParseInt fails on the range, then ParseDuration on the missing unit.
    return { problem: 'a number without a unit is read as a 32-bit number of seconds, and this one does not fit' };
  }
  const seconds = parseGoDuration(value);
  if (seconds === undefined) {
    return { problem: 'it is neither a whole number of seconds nor a Go duration with units ns, us, ms, s, m, h (`30s`, `10m`, `1h30m`)' };
  }
  // Beyond int64 nanoseconds ParseDuration fails; beyond int32 seconds the conversion does not hold the value.
  if (Math.abs(seconds) > INT32_MAX) return { problem: 'it is longer than Argo Rollouts can count (2^31 - 1 seconds)' };
  const whole = Math.trunc(seconds);
  return whole < 0 ? { problem: 'it is negative' } : { seconds: whole + 0 };
}

/** A duration value (pause: int or string; experiment: string) where it is a scalar. */
function durationAt(map: unknown, key: string, doc: Document, intAllowed: boolean): DurationSpec | undefined {
  const entry = entriesOf(map, doc).get(key);
  const v = deref(entry?.pair.value, doc);
  const at = entrySpan(entry);
  if (!isScalar(v) || !at || v.value === null) return undefined;
  const place = { span: at, written: !entry?.via && isScalar(entry?.pair.value) };
  const value = v.value;
  if (typeof value === 'number') {
    const text = String(value);
    if (!intAllowed) return { text, ...place, problem: 'it must be a string such as `5m`' };
    const read = pauseSeconds(value);
    return 'seconds' in read ? { text, ...place, seconds: read.seconds } : { text, ...place, problem: read.problem };
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: a boolean or bigint here
  if (typeof value !== 'string') return { text: String(value), ...place, problem: 'it is neither an integer (seconds) nor a string' };
  if (intAllowed) {
    const read = pauseSeconds(value);
    return 'seconds' in read ? { text: value, ...place, seconds: read.seconds } : { text: value, ...place, problem: read.problem };
  }
  // RolloutExperimentStep.Duration is a DurationString: time.ParseDuration (types.go, DurationString.Duration).
  const seconds = parseGoDuration(value);
  return seconds === undefined || seconds < 0 ? { text: value, ...place, problem: 'it is not a Go duration' } : { text: value, ...place, seconds: Math.trunc(seconds) };
}

function templateRefs(seq: unknown, doc: Document): TemplateRefSpec[] {
  const s = deref(seq, doc);
  const out: TemplateRefSpec[] = [];
  for (const item of isSeq(s) ? s.items : []) {
    const m = deref(item, doc);
    const templateName = isMap(m) ? stringAt(m, 'templateName', doc) : undefined;
    if (templateName) out.push({ templateName, clusterScope: boolAt(m, 'clusterScope', doc) });
  }
  return out;
}

function analysisAt(map: unknown, key: string, doc: Document): AnalysisSpec | undefined {
  const analysis = keyedMap(map, key, doc);
  return analysis && { span: analysis.span, templates: templateRefs(entriesOf(analysis.node, doc).get('templates')?.pair.value, doc) };
}

/**
 * Where a node's content ends: a block collection's range runs past its last line break (and any comment), so it ends
 * with its last entry's content instead; a scalar, an alias or a flow collection ends where it is written.
 */
function contentEnd(node: unknown): number | undefined {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last: unknown = node.items[node.items.length - 1];
    return contentEnd(isPair(last) ? (last.value ?? last.key) : last);
  }
  return (node as { range?: [number, number, number] | null } | null | undefined)?.range?.[1];
}

function readStep(item: unknown, index: number, doc: Document): StepSpec | undefined {
  const whole = spanOf(item as { range?: [number, number, number] });
  const end = contentEnd(item);
  const span = whole && end !== undefined && end > whole.start ? { start: whole.start, end } : whole;
  const m = deref(item, doc);
  if (!span || !isMap(m)) return undefined;
  const keys = entriesOf(m, doc);
  // A key written with a null value (`pause:` alone) is a nil pointer in Go: no step of that type.
  const present = (k: string): boolean => {
    const v = deref(keys.get(k)?.pair.value, doc);
    return v !== undefined && v !== null && !(isScalar(v) && v.value === null);
  };
  const step: StepSpec = { index, span, types: STEP_TYPES.filter(present) };
  const weight = keys.get('setWeight');
  const weightKey = keySpan(m, 'setWeight', doc);
  if (present('setWeight') && weightKey) {
    const read = intAt(m, 'setWeight', doc);
    const value = deref(weight?.pair.value, doc);
    const valueSpan = entrySpan(weight) ?? weightKey;
    const text = isScalar(value) ? String(value.value) : 'a non-scalar';
    const written = weight !== undefined && !weight.via && isScalar(weight.pair.value);
    step.setWeight = { ...(read ? { value: read.value } : {}), text, span: read?.span ?? valueSpan, keySpan: weightKey, written };
  }
  const pauseKey = keySpan(m, 'pause', doc);
  if (present('pause') && pauseKey) {
    const pause = mapAt(m, 'pause', doc);
    const duration = pause ? durationAt(pause, 'duration', doc, true) : undefined;
    step.pause = { keySpan: pauseKey, ...(duration ? { duration } : {}) };
  }
  if (present('analysis')) {
    const analysis = analysisAt(m, 'analysis', doc);
    if (analysis) step.analysis = analysis;
  }
  const experimentKey = keySpan(m, 'experiment', doc);
  if (present('experiment') && experimentKey) {
    const experiment = mapAt(m, 'experiment', doc);
    const duration = experiment ? durationAt(experiment, 'duration', doc, false) : undefined;
    const analyses = experiment ? templateRefs(entriesOf(experiment, doc).get('analyses')?.pair.value, doc) : [];
    step.experiment = { keySpan: experimentKey, ...(duration ? { duration } : {}), analyses };
  }
  const scaleKey = keySpan(m, 'setCanaryScale', doc);
  if (present('setCanaryScale') && scaleKey) {
    const scale = mapAt(m, 'setCanaryScale', doc);
    const w = intAt(scale, 'weight', doc)?.value;
    const r = intAt(scale, 'replicas', doc)?.value;
    step.setCanaryScale = { keySpan: scaleKey, ...(w !== undefined ? { weight: w } : {}), ...(r !== undefined ? { replicas: r } : {}), matchTrafficWeight: boolAt(scale, 'matchTrafficWeight', doc) };
  }
  for (const type of ['setHeaderRoute', 'setMirrorRoute', 'plugin'] as const) {
    if (!present(type) || step.named) continue;
    const name = stringAt(mapAt(m, type, doc), 'name', doc)?.value;
    step.named = { type, ...(name !== undefined ? { name } : {}) };
  }
  return step;
}

function readTrafficRouting(canary: YAMLMap, ns: string, doc: Document): TrafficRoutingSpec | undefined {
  const routing = keyedMap(canary, 'trafficRouting', doc);
  if (!routing) return undefined;
  const { node: tr, span } = routing;
  const max = intAt(tr, 'maxTrafficWeight', doc);
  const out: TrafficRoutingSpec = { span, maxTrafficWeight: max?.value ?? 100, ...(max ? { maxTrafficWeightSpan: max.span } : {}), gatewayRoutes: [], otherRouting: false };
  const smi = keyedMap(tr, 'smi', doc);
  if (smi) out.smi = { span: smi.span, ...stringsAt(smi.node, ['rootService', 'trafficSplitName'], doc) };
  const plugins = mapAt(tr, 'plugins', doc);
  const gw = mapAt(plugins, GATEWAY_API_PLUGIN, doc);
  if (gw) {
    // The plugin's own namespace field, else the Rollout's (plugin.go, getGatewayAPITrafficRoutingConfig).
    const routeNs = stringAt(gw, 'namespace', doc)?.value || ns;
    const prefix = `trafficRouting.plugins["${GATEWAY_API_PLUGIN}"]`;
    // The single-route fields join the lists (plugin.go, insertGatewayAPIRouteLists); types.go names them.
    for (const [field, list, kind] of [['httpRoute', 'httpRoutes', 'HTTPRoute'], ['grpcRoute', 'grpcRoutes', 'GRPCRoute']] as const) {
      const single = stringAt(gw, field, doc);
      if (single && single.value !== '') out.gatewayRoutes.push({ kind, name: single, ns: routeNs, what: `${prefix}.${field}` });
      const seq = seqAt(gw, list, doc);
      for (const item of seq?.items ?? []) {
        const name = stringAt(deref(item, doc), 'name', doc);
        if (name && name.value !== '') out.gatewayRoutes.push({ kind, name, ns: routeNs, what: `${prefix}.${list}[].name` });
      }
    }
    const keys = entriesOf(gw, doc);
    out.otherRouting = ['tcpRoute', 'tlsRoute', 'tcpRoutes', 'tlsRoutes', 'httpRouteSelector', 'grpcRouteSelector', 'tcpRouteSelector', 'tlsRouteSelector'].some((k) => keys.has(k));
  }
  return out;
}

/** The Services each strategy names (types.go: CanaryStrategy, BlueGreenStrategy). */
const STRATEGY_SERVICES = {
  canary: ['canaryService', 'stableService'],
  blueGreen: ['activeService', 'previewService'],
} as const;

/** The strategy Argo runs, its key under `spec.strategy`, and the Services it names (one named `""` is none). */
function readStrategy(out: RolloutSpec, strategy: YAMLMap | undefined, key: 'canary' | 'blueGreen', node: YAMLMap, doc: Document): void {
  out.strategy = key;
  const span = keySpan(strategy, key, doc);
  if (span) out.strategySpan = span;
  for (const field of STRATEGY_SERVICES[key]) {
    const service = stringAt(node, field, doc);
    if (service && service.value !== '') out[field] = service;
  }
}

const READS = new WeakMap<Document, RolloutSpec | null>();

/** The Rollout spec of a parsed document (once per document); undefined when its root is not a mapping. */
export function readRolloutSpec(doc: Document.Parsed): RolloutSpec | undefined {
  const cached = READS.get(doc);
  if (cached !== undefined) return cached ?? undefined;
  const read = read_(doc);
  READS.set(doc, read ?? null);
  return read;
}

function read_(doc: Document.Parsed): RolloutSpec | undefined {
  const root = rootMap(doc);
  if (!root) return undefined;
  const meta = stringsAt(mapAt(root, 'metadata', doc), ['name', 'namespace'], doc);
  const ns = meta.namespace?.value || DEFAULT_NAMESPACE;
  const spec = mapAt(root, 'spec', doc);
  const specSpan = keySpan(root, 'spec', doc);
  const strategy = mapAt(spec, 'strategy', doc);
  const canary = mapAt(strategy, 'canary', doc);
  const blueGreen = canary ? undefined : mapAt(strategy, 'blueGreen', doc);
  const template = mapAt(spec, 'template', doc);
  const podLabels = labelsAt(entriesOf(mapAt(template, 'metadata', doc), doc).get('labels')?.pair.value, doc);
  const workloadRef = objectRefAt(spec, 'workloadRef', doc);
  const out: RolloutSpec = {
    root, ns, steps: [], promotionAnalyses: [],
    ...meta,
    ...(specSpan ? { specSpan } : {}),
    ...(podLabels ? { podLabels } : {}),
    ...(workloadRef ? { workloadRef } : {}),
  };
  if (canary) {
    readStrategy(out, strategy, 'canary', canary, doc);
    const tr = readTrafficRouting(canary, ns, doc);
    if (tr) out.trafficRouting = tr;
    seqAt(canary, 'steps', doc)?.items.forEach((item, i) => {
      const step = readStep(item, i, doc);
      if (step) out.steps.push(step);
    });
    const background = analysisAt(canary, 'analysis', doc);
    if (background) {
      const starting = intAt(mapAt(canary, 'analysis', doc), 'startingStep', doc)?.value;
      out.backgroundAnalysis = { ...background, ...(starting !== undefined ? { startingStep: starting } : {}) };
    }
  } else if (blueGreen) {
    readStrategy(out, strategy, 'blueGreen', blueGreen, doc);
    for (const key of ['prePromotionAnalysis', 'postPromotionAnalysis']) {
      const a = analysisAt(blueGreen, key, doc);
      if (a) out.promotionAnalyses.push({ ...a, what: key });
    }
  }
  return out;
}
