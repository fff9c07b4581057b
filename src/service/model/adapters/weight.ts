import { isAlias, isScalar, type Document, type Node } from 'yaml';
import type { ApiVersionInfo } from '../kinds';
import type { Weight } from '../split';
import type { Span } from '../../document/part';
import { entryOf, entrySpan, spanOf } from '../../document/yamlNodes';
import { parseQuantity } from '../weights';

/**
 * The `weight` of a backend mapping as kubectl reads it, `<<` merge keys included (an inherited weight points at its
 * merge, see Weight.inheritedFrom). `alias`: where the backend itself is written as an alias (`- *stable`): its
 * weight is its anchor's, located at the alias and never rewritten.
 */
export function readWeightOf(doc: Document.Parsed, map: unknown, api: ApiVersionInfo | undefined, alias?: Span): Weight {
  const entry = entryOf(map, 'weight', doc);
  const weight = readWeight(doc, entry?.pair.value, api);
  if (alias) return { ...weight, isAlias: true, ...(weight.span ? { span: alias } : {}) };
  if (!entry?.via || !weight.span) return weight;
  const span = entrySpan(entry);
  return { ...weight, inheritedFrom: weight.span, ...(span ? { span } : {}) };
}

/** Read a backend's weight node according to its apiVersion's unit rules. */
export function readWeight(doc: Document.Parsed, node: Node | null | undefined, api: ApiVersionInfo | undefined): Weight {
  if (node === undefined || node === null) {
    if (api?.defaultWeight !== undefined) return { units: api.defaultWeight, isAlias: false };
    return { isAlias: false, problem: 'weight is required' };
  }
  const span = spanOf(node);
  const aliased = isAlias(node);
  const target = aliased ? safeResolve(doc, node) : node;
  const base: Weight = { isAlias: aliased, ...(span ? { span } : {}) };
  if (span) base.source = String(isScalar(target) ? (target.source ?? target.value) : '');
  if (!isScalar(target) || target.value === null) return { ...base, problem: 'weight must be a number' };
  const value = target.value;
  if (api?.weightUnit === 'quantity') {
    if (typeof value !== 'number' && typeof value !== 'string') return { ...base, problem: 'weight must be a quantity such as 500m or 1' };
    const q = parseQuantity(value);
    if ('error' in q) return { ...base, problem: `weight ${JSON.stringify(shorten(String(value)))} is not a valid quantity: ${q.error}` };
    return { ...base, units: q.milli, quantityStyle: q.style };
  }
  if (typeof value !== 'number') {
    return { ...base, problem: `weight must be a whole number, not ${typeof value === 'string' ? `the string ${JSON.stringify(shorten(value))}` : typeof value}` };
  }
  if (!Number.isInteger(value)) return { ...base, problem: `weight ${value} is not a whole number` };
  // Beyond 2^53 a number is no longer exact: no API server keeps such a weight as written.
  if (!Number.isSafeInteger(value)) return { ...base, problem: `weight ${shorten(String(value))} is too large` };
  if (value < 0) return { ...base, problem: `weight ${value} is negative` };
  if (api?.weightMax !== undefined && value > api.weightMax) {
    return { ...base, problem: `weight ${value} is over the maximum of ${api.weightMax}` };
  }
  return { ...base, units: value };
}

function safeResolve(doc: Document.Parsed, node: Node): Node | undefined {
  try {
    return isAlias(node) ? node.resolve(doc) : node;
  } catch {
    return undefined; // an alias to a missing anchor is a yaml-syntax error already
  }
}

/** Values go into messages: a 1 MB scalar must not become a 1 MB message. */
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
