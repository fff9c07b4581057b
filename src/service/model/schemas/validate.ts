/**
 * Schema validation of one parsed YAML document, with every ajv error mapped back to the exact key or value
 * in the source through the YAML syntax tree (README, "What it checks": ranges point at the key or value at fault).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { ErrorObject } from 'ajv';
import { schemaFor, validatorFor, type JsonSchema } from './index';
import { deliveryApiVersion } from '../deliveryKinds';
import { PATTERN_HINTS } from './httpRoute';
import { entryOf, kubectlJS } from '../../document/yamlNodes';

export type JsonPath = (string | number)[];

export interface SchemaProblem {
  message: string;
  /** Offsets into the text the document was parsed from; [start, end). */
  start: number;
  end: number;
  /**
   * Where the problem is in the object. For a missing or unknown property this is the path of that property
   * (the object's path plus its name), so a quick fix knows what to add or remove.
   */
  path: JsonPath;
}

/** The sub-schema at `path` (object keys and array indexes), for completion and hover. */
export function schemaAt(apiVersion: string, kind: string, path: JsonPath): JsonSchema | undefined {
  let s = schemaFor(apiVersion, kind);
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === 'number') s = s.items;
    else s = s.properties?.[seg] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
  }
  return s;
}

export function validateAgainstSchema(doc: Document.Parsed, apiVersion: string, kind: string): SchemaProblem[] {
  const validate = validatorFor(apiVersion, kind);
  // A document with syntax errors is reported by `yaml-syntax`; validating its partial tree would only add noise.
  if (!validate || doc.errors.length > 0 || doc.contents === null) return [];
  // The object as kubectl sends it: merge keys applied the way go-yaml v2 applies them (src/service/document/yamlNodes.ts).
  const read = kubectlJS(doc);
  if (read === undefined) return []; // bad or excessive aliases: yaml-syntax says so (rules/diagnostics.ts)
  // Every kind here is a custom resource: nulls of known fields are pruned as the API server does (an HTTPRoute rule's
  // `matches:` left empty is no error). The controllers' weights are no split weights, which `weight-invalid` checks.
  const controllers = deliveryApiVersion(kind, apiVersion) !== undefined;
  const data = withoutNulls(read, schemaFor(apiVersion, kind));
  if (validate(data)) return [];

  const errors = relevant(explainJunctions(validate.errors ?? [], data, apiVersion, kind), !controllers);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    const p = toProblem(doc, data, e, apiVersion, kind);
    if (!p) continue;
    const id = `${p.start}:${p.end}:${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The object without the null values of its known fields, as the API server drops them from a custom resource before
 * validating it (kubernetes/apiextensions-apiserver pkg/apiserver/schema/defaulting/prunenulls.go,
 * PruneNonNullableNullsWithoutDefaults: a field is known by `properties` or `additionalProperties`; none of the CRDs
 * here says `nullable`). A null under an unknown field stays, to be reported as unknown.
 */
function withoutNulls(data: unknown, schema: JsonSchema | undefined): unknown {
  if (!schema || data === null || typeof data !== 'object') return data;
  if (Array.isArray(data)) return data.map((item) => withoutNulls(item, schema.items));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const field = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (v === null && field) continue;
    out[k] = withoutNulls(v, field);
  }
  return out;
}

/** The names a `oneOf` of bare `required` lists (or `not: {anyOf: [required...]}`) chooses between; else undefined. */
function choices(branches: JsonSchema[]): { names: string[]; common: Set<string> } | undefined {
  const names = new Set<string>();
  let common: Set<string> | undefined;
  for (const b of branches) {
    const keys = Object.keys(b);
    if (keys.length === 1 && b.required) {
      b.required.forEach((n) => names.add(n));
      common = new Set(common ? [...common].filter((n) => b.required!.includes(n)) : b.required);
    } else if (keys.length === 1 && b.not?.anyOf?.every((a) => Object.keys(a).length === 1 && a.required)) {
      b.not.anyOf.forEach((a) => a.required!.forEach((n) => names.add(n)));
      common = new Set();
    } else {
      return undefined;
    }
  }
  common ??= new Set();
  return { names: [...names].filter((n) => !common.has(n)), common };
}

/**
 * A `oneOf` that chooses between properties (Flagger's analysis: exactly one of iterations, stepWeight, stepWeights)
 * said in words: "needs one of" when none is set, "only one of" when several are, instead of one `required` error
 * per branch or ajv's "must match exactly one schema in oneOf".
 */
function explainJunctions(errors: ErrorObject[], data: unknown, apiVersion: string, kind: string): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const add: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf') continue;
    const path = toPath(e.instancePath, data);
    const branches = schemaAt(apiVersion, kind, path)?.oneOf;
    const choice = branches ? choices(branches) : undefined;
    const value = valueAt(data, path);
    if (!choice || value === null || typeof value !== 'object') continue;
    const set = choice.names.filter((n) => Object.prototype.hasOwnProperty.call(value, n));
    const list = choice.names.join(', ');
    drop.add(e);
    for (const o of errors) {
      const missing = String(o.params.missingProperty);
      if (o.keyword === 'required' && o.instancePath === e.instancePath && o.schemaPath.startsWith(`${e.schemaPath}/`) && !choice.common.has(missing)) drop.add(o);
    }
    if (Array.isArray(e.params.passingSchemas)) add.push({ ...e, keyword: 'oneOfChoice', message: `must set only one of ${list} (found ${set.join(' and ')})` });
    else if (set.length === 0) add.push({ ...e, keyword: 'oneOfChoice', message: `needs one of ${list}` });
  }
  return drop.size === 0 ? errors : [...errors.filter((e) => !drop.has(e)), ...add];
}

const COMBINATORS = new Set(['if', 'then', 'else', 'anyOf', 'oneOf', 'not']);

/** Drops what other rules own (weights), merge keys, and combinator summaries that a more specific error explains. */
function relevant(errors: ErrorObject[], splitWeights: boolean): ErrorObject[] {
  return errors.filter((e) => {
    if (splitWeights && /\/weight$/.test(e.instancePath)) return false; // `weight-invalid` reports weights
    if (e.keyword === 'additionalProperties' && e.params.additionalProperty === '<<') return false; // YAML merge key
    if (COMBINATORS.has(e.keyword)) {
      return !errors.some((o) => !COMBINATORS.has(o.keyword) && (o.instancePath + '/').startsWith(e.instancePath + '/'));
    }
    return true;
  });
}

/** ajv's JSON Pointer as keys and indexes, read against the data so that array indexes become numbers. */
function toPath(pointer: string, data: unknown): JsonPath {
  if (pointer === '') return [];
  const path: JsonPath = [];
  let cur = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      path.push(i);
      cur = cur[i];
    } else {
      path.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

/** `spec.backends[0].service`; keys that are not identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// ---- the YAML side -------------------------------------------------------------------------------------------

type Range = [number, number];

/** One level of a walk down the tree: the key that led there (none for a sequence item or the root) and its value. */
interface Step { key: Node | null; value: Node | null }

function deref(doc: Document.Parsed, n: Node | null): Node | null {
  return n && isAlias(n) ? (n.resolve(doc) ?? null) : n;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * Walks `path` as far as the tree allows; trail[0] is the root. A key inherited through a `<<` merge key ends the
 * walk at that merge (`<<: *stable`): the fault is the merging mapping's, as the model's spans have it.
 */
function walk(doc: Document.Parsed, path: JsonPath): Step[] {
  const trail: Step[] = [{ key: null, value: doc.contents }];
  for (const seg of path) {
    const cur = deref(doc, trail[trail.length - 1]!.value);
    if (isMap(cur)) {
      const entry = entryOf(cur, String(seg), doc);
      if (!entry) break;
      if (entry.via) {
        trail.push({ key: entry.via.key, value: entry.via.value });
        break;
      }
      trail.push({ key: entry.pair.key, value: entry.pair.value });
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg];
      if (item === undefined) break;
      trail.push({ key: null, value: item as Node | null });
    } else {
      break;
    }
  }
  return trail;
}

/** A node's range without trailing comments and blank lines; undefined when empty (`key:` with no value). */
function rangeOf(n: Node | null | undefined): Range | undefined {
  const r = n?.range;
  return r && r[1] > r[0] ? [r[0], r[1]] : undefined;
}

/** The nearest key at or above the end of the trail, else the root's range. */
function nearestKey(trail: Step[]): Range | undefined {
  for (let i = trail.length - 1; i >= 0; i--) {
    const r = rangeOf(trail[i]!.key);
    if (r) return r;
  }
  return rangeOf(trail[0]!.value);
}

function firstKey(doc: Document.Parsed, n: Node | null): Range | undefined {
  const m = deref(doc, n);
  return isMap(m) && m.items.length > 0 ? rangeOf(m.items[0]!.key as Node) : undefined;
}

/** The range of the value at fault; a block collection is marked by its key, not by its many lines. */
function valueRange(doc: Document.Parsed, trail: Step[]): Range | undefined {
  const last = trail[trail.length - 1]!;
  const v = last.value;
  const resolved = deref(doc, v);
  const block = (isMap(resolved) || isSeq(resolved)) && !isAlias(v) && !resolved.flow;
  if (block) return rangeOf(last.key) ?? firstKey(doc, v) ?? nearestKey(trail);
  return rangeOf(v) ?? nearestKey(trail);
}

/** The range that names an object: its key; at the root `kind`; for a sequence item its first key. */
function objectRange(doc: Document.Parsed, trail: Step[]): Range | undefined {
  const last = trail[trail.length - 1]!;
  if (trail.length === 1) {
    const root = deref(doc, last.value);
    const kindPair = isMap(root) ? root.items.find((p) => keyText(p.key) === 'kind') : undefined;
    return rangeOf(kindPair?.key as Node | undefined) ?? firstKey(doc, last.value) ?? rangeOf(last.value);
  }
  return rangeOf(last.key) ?? firstKey(doc, last.value) ?? rangeOf(last.value) ?? nearestKey(trail);
}

function keyRange(doc: Document.Parsed, trail: Step[], name: string): Range | undefined {
  const m = deref(doc, trail[trail.length - 1]!.value);
  const pair = isMap(m) ? m.items.find((p) => keyText(p.key) === name) : undefined;
  return rangeOf(pair?.key as Node | undefined) ?? objectRange(doc, trail);
}

// ---- messages ------------------------------------------------------------------------------------------------

const A_TYPE: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean',
  object: 'an object', array: 'a list', null: 'null',
};

function typeWords(t: unknown): string {
  const names = Array.isArray(t) ? t.map(String) : String(t).split(',');
  return names.map((n) => A_TYPE[n] ?? n).join(' or ');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within edit distance 2 (case-insensitive), when there is one. */
function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD && d < word.length) { best = c; bestD = d; }
  }
  return best;
}

function where(path: JsonPath): string {
  return path.length ? ` in ${formatPath(path)}` : '';
}

function toProblem(doc: Document.Parsed, data: unknown, e: ErrorObject, apiVersion: string, kind: string): SchemaProblem | undefined {
  const path = toPath(e.instancePath, data);
  const trail = walk(doc, path);
  const at = formatPath(path) || 'The document';
  let range: Range | undefined;
  let message: string;
  let problemPath = path;

  switch (e.keyword) {
    case 'required': {
      const prop = String(e.params.missingProperty);
      range = objectRange(doc, trail);
      message = `Missing required property "${prop}"${where(path)}`;
      problemPath = [...path, prop];
      break;
    }
    case 'additionalProperties': {
      const prop = String(e.params.additionalProperty);
      range = keyRange(doc, trail, prop);
      const allowed = Object.keys(schemaAt(apiVersion, kind, path)?.properties ?? {});
      const hint = suggest(prop, allowed);
      message = `Unknown field "${prop}"${where(path)}` + (hint ? `; did you mean "${hint}"?` : '');
      problemPath = [...path, prop];
      break;
    }
    default: {
      range = valueRange(doc, trail);
      message = describe(e, at, valueAt(data, path));
    }
  }
  if (!range) return undefined;
  return { message, start: range[0], end: range[1], path: problemPath };
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let cur = data;
  for (const seg of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

/** A specific, human message for a value that breaks a keyword. */
function describe(e: ErrorObject, at: string, value: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `${at} must be ${typeWords(p.type)}`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = typeof value === 'string' ? suggest(value, allowed) : undefined;
      return `${at} must be one of: ${allowed.join(', ')}` + (hint ? `; did you mean "${hint}"?` : '');
    }
    case 'maxItems':
      return `${at}: at most ${String(p.limit)} items (found ${Array.isArray(value) ? value.length : '?'})`;
    case 'minItems':
      return `${at}: at least ${String(p.limit)} items`;
    case 'maximum':
      return `${at} must be at most ${String(p.limit)}`;
    case 'minimum':
      return `${at} must be at least ${String(p.limit)}`;
    case 'maxLength':
      return `${at} must be at most ${String(p.limit)} characters long`;
    case 'minLength':
      return p.limit === 1 ? `${at} must not be empty` : `${at} must be at least ${String(p.limit)} characters long`;
    case 'pattern': {
      const hint = PATTERN_HINTS[String(p.pattern)];
      return `${at} ${JSON.stringify(value)} is not valid: it must be ` + (hint ?? `text matching ${String(p.pattern)}`);
    }
    default:
      return `${at} ${e.message ?? 'is not valid'}`;
  }
}
