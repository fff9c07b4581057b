import { isAlias, isMap, isScalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Span } from '../../document/part';
import { deref, entriesOf, entrySpan, keySpan, mapAt, rootMap, seqAt, spanOf, stringAt } from '../../document/yamlNodes';
import { DEFAULT_NAMESPACE, type Located } from '../split';
import { boolAt, fieldsAt, keyedMap, objectRefAt, stringsAt, type ObjectRefSpec } from './fields';

export type { ObjectRefSpec } from './fields';

/**
 * A Flagger Canary's spec as Flagger reads it (fluxcd/flagger v1.44.0 pkg/apis/flagger/v1beta1/canary.go), with the
 * place of each field the plan or a rule points at. Read as kubectl reads the manifest: aliases followed and `<<` merge
 * keys honoured (src/service/document/yamlNodes.ts). `adapters/canary.ts` builds the delivery model from it; the
 * Flagger rules (rules/flagger.ts) read it for the fields at fault.
 */
export interface CanarySpec {
  root: YAMLMap;
  name?: Located<string>;
  namespace?: Located<string>;
  ns: string;
  /** The `spec` key. */
  specSpan?: Span;
  provider?: Located<string>;
  targetRef?: ObjectRefSpec;
  autoscalerRef?: ObjectRefSpec;
  service?: ServiceSpec;
  analysis?: AnalysisSpec;
  skipAnalysis: boolean;
  suspend: boolean;
}

export interface ServiceSpec {
  span: Span;
  node: YAMLMap;
  /** Written in this document's spec, not reached through an alias or a `<<` (so an edit to it changes this Canary alone). */
  own: boolean;
  name?: Located<string>;
  /** `port` when written as a number (the generated Services' port). */
  port?: IntSpec;
  /** `port` written as something else than a number (the schema says so). */
  portWritten: boolean;
  /** `targetPort`: a number or a port name (intstr.IntOrString). */
  targetPort?: Located<number | string>;
  /** `gatewayRefs` is a non-empty list (the Gateway API routers refuse to run without one: pkg/router/gateway_api.go). */
  hasGatewayRefs: boolean;
}

/** An integer field (Go `int`), located; `whole` false when the number has a fraction Go's decoder refuses. */
export interface IntSpec extends Located<number> {
  keySpan: Span;
  whole: boolean;
}

export interface MetricSpec {
  index: number;
  span: Span;
  name?: Located<string>;
  templateRef?: { span: Span; name?: Located<string>; namespace?: Located<string> };
  thresholdRange?: { span: Span; min?: Located<number>; max?: Located<number> };
}

export interface WebhookSpec { type: string; name?: string }

export interface AnalysisSpec {
  /** `analysis`, or the deprecated `canaryAnalysis` Flagger falls back to (canary.go, GetAnalysis). */
  key: 'analysis' | 'canaryAnalysis';
  span: Span;
  node: YAMLMap;
  interval?: Located<string>;
  iterations?: IntSpec;
  maxWeight?: IntSpec;
  stepWeight?: IntSpec;
  /** `own`: as ServiceSpec's. */
  stepWeights?: { keySpan: Span; node: YAMLSeq; own: boolean; items: (IntSpec | undefined)[]; values: number[] };
  stepWeightPromotion?: IntSpec;
  threshold?: IntSpec;
  mirror: boolean;
  /** The `match` key when it holds a non-empty list: with iterations, A/B testing (canary.go, DeploymentStrategy). */
  match?: Span;
  metrics: MetricSpec[];
  webhooks: WebhookSpec[];
}

function numberAtEntry(map: unknown, key: string, doc: Document): { value: number; span: Span; keySpan: Span } | undefined {
  const entry = entriesOf(map, doc).get(key);
  const v = deref(entry?.pair.value, doc);
  const span = entrySpan(entry);
  const kspan = keySpan(map, key, doc);
  return isScalar(v) && typeof v.value === 'number' && Number.isFinite(v.value) && span && kspan ? { value: v.value, span, keySpan: kspan } : undefined;
}

function intAt(map: unknown, key: string, doc: Document): IntSpec | undefined {
  const n = numberAtEntry(map, key, doc);
  return n ? { ...n, whole: Number.isInteger(n.value) } : undefined;
}

function nonEmptySeq(map: unknown, key: string, doc: Document): boolean {
  return (seqAt(map, key, doc)?.items.length ?? 0) > 0;
}

/** Whether `key`'s value is written in `map` itself: not inherited through `<<`, not an alias. */
function ownValue(map: unknown, key: string, doc: Document): boolean {
  const entry = entriesOf(map, doc).get(key);
  return entry !== undefined && entry.via === undefined && !isAlias(entry.pair.value);
}

function serviceAt(spec: unknown, doc: Document, specOwn: boolean): ServiceSpec | undefined {
  const service = keyedMap(spec, 'service', doc);
  if (!service) return undefined;
  const { node, span } = service;
  const port = intAt(node, 'port', doc);
  const portValue = deref(entriesOf(node, doc).get('port')?.pair.value, doc);
  const portWritten = portValue !== undefined && !(isScalar(portValue) && portValue.value === null);
  const tp = entriesOf(node, doc).get('targetPort');
  const tpValue = deref(tp?.pair.value, doc);
  const tpSpan = entrySpan(tp);
  const targetPort = isScalar(tpValue) && tpSpan && (typeof tpValue.value === 'number' || (typeof tpValue.value === 'string' && tpValue.value !== ''))
    ? { value: tpValue.value, span: tpSpan }
    : undefined;
  return {
    span, node, portWritten,
    own: specOwn && ownValue(spec, 'service', doc),
    ...stringsAt(node, ['name'], doc),
    ...(port ? { port } : {}),
    ...(targetPort ? { targetPort } : {}),
    hasGatewayRefs: nonEmptySeq(node, 'gatewayRefs', doc),
  };
}

function floatAt(map: unknown, key: string, doc: Document): Located<number> | undefined {
  const n = numberAtEntry(map, key, doc);
  return n ? { value: n.value, span: n.span } : undefined;
}

function metricsAt(analysis: YAMLMap, doc: Document): MetricSpec[] {
  const seq = seqAt(analysis, 'metrics', doc);
  const out: MetricSpec[] = [];
  seq?.items.forEach((item, index) => {
    const span = spanOf(item as { range?: [number, number, number] });
    const m = deref(item, doc);
    if (!span || !isMap(m)) return;
    const ref = keyedMap(m, 'templateRef', doc);
    const range = keyedMap(m, 'thresholdRange', doc);
    out.push({
      index, span,
      ...stringsAt(m, ['name'], doc),
      ...(ref ? { templateRef: { span: ref.span, ...stringsAt(ref.node, ['name', 'namespace'], doc) } } : {}),
      ...(range ? { thresholdRange: { span: range.span, ...fieldsAt(range.node, ['min', 'max'], doc, floatAt) } } : {}),
    });
  });
  return out;
}

function webhooksAt(analysis: YAMLMap, doc: Document): WebhookSpec[] {
  const seq = seqAt(analysis, 'webhooks', doc);
  return (seq?.items ?? []).flatMap((item) => {
    const m = deref(item, doc);
    if (!isMap(m)) return [];
    const name = stringAt(m, 'name', doc)?.value;
    return [{ type: stringAt(m, 'type', doc)?.value ?? '', ...(name !== undefined ? { name } : {}) }];
  });
}

function stepWeightsAt(analysis: YAMLMap, doc: Document, analysisOwn: boolean): AnalysisSpec['stepWeights'] {
  const node = seqAt(analysis, 'stepWeights', doc);
  const kspan = keySpan(analysis, 'stepWeights', doc);
  if (!node || !kspan) return undefined;
  const items = node.items.map((item): IntSpec | undefined => {
    const v = deref(item, doc);
    const span = spanOf(item as { range?: [number, number, number] });
    return isScalar(v) && typeof v.value === 'number' && Number.isFinite(v.value) && span
      ? { value: v.value, span, keySpan: span, whole: Number.isInteger(v.value) }
      : undefined;
  });
  const own = analysisOwn && ownValue(analysis, 'stepWeights', doc) && node.items.every((i) => !isAlias(i));
  return { keySpan: kspan, node, own, items, values: items.flatMap((i) => (i ? [i.value] : [])) };
}

/**
 * The analysis Flagger runs: `spec.analysis`, else the deprecated `spec.canaryAnalysis` (canary.go, GetAnalysis: a
 * nil pointer, which a key written without a value also is, falls through).
 */
function analysisAt(spec: unknown, doc: Document, specOwn: boolean): AnalysisSpec | undefined {
  for (const key of ['analysis', 'canaryAnalysis'] as const) {
    const analysis = keyedMap(spec, key, doc);
    if (!analysis) continue;
    const { node, span } = analysis;
    const match = nonEmptySeq(node, 'match', doc) ? keySpan(node, 'match', doc) : undefined;
    const stepWeights = stepWeightsAt(node, doc, specOwn && ownValue(spec, key, doc));
    return {
      key, span, node,
      ...stringsAt(node, ['interval'], doc),
      ...fieldsAt(node, ['iterations', 'maxWeight', 'stepWeight', 'stepWeightPromotion', 'threshold'], doc, intAt),
      ...(stepWeights ? { stepWeights } : {}),
      mirror: boolAt(node, 'mirror', doc),
      ...(match ? { match } : {}),
      metrics: metricsAt(node, doc),
      webhooks: webhooksAt(node, doc),
    };
  }
  return undefined;
}

function read(doc: Document): CanarySpec | undefined {
  const root = rootMap(doc as Document.Parsed);
  if (!root) return undefined;
  const meta = stringsAt(mapAt(root, 'metadata', doc), ['name', 'namespace'], doc);
  const spec = mapAt(root, 'spec', doc);
  const specSpan = keySpan(root, 'spec', doc);
  const provider = stringAt(spec, 'provider', doc);
  const specOwn = ownValue(root, 'spec', doc);
  const service = serviceAt(spec, doc, specOwn);
  const analysis = analysisAt(spec, doc, specOwn);
  return {
    root,
    ns: meta.namespace?.value ?? DEFAULT_NAMESPACE,
    ...meta,
    ...(specSpan ? { specSpan } : {}),
    ...(provider && provider.value !== '' ? { provider } : {}),
    ...fieldsAt(spec, ['targetRef', 'autoscalerRef'], doc, objectRefAt),
    ...(service ? { service } : {}),
    ...(analysis ? { analysis } : {}),
    skipAnalysis: boolAt(spec, 'skipAnalysis', doc),
    suspend: boolAt(spec, 'suspend', doc),
  };
}

const SPECS = new WeakMap<Document, CanarySpec | undefined>();

/** The Canary spec of a parsed Canary document (read once per document); undefined when its root is not a mapping. */
export function canarySpecOf(doc: Document): CanarySpec | undefined {
  if (SPECS.has(doc)) return SPECS.get(doc);
  const spec = read(doc);
  SPECS.set(doc, spec);
  return spec;
}
