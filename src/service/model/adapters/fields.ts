import type { Document, YAMLMap } from 'yaml';
import { deref, entriesOf, isScalar, keySpan, mapAt, stringAt } from '../../document/yamlNodes';
import type { Span } from '../../document/part';
import type { Located } from '../split';

/**
 * Field readers the Canary and Rollout spec readers (canarySpec.ts, rolloutSpec.ts) share. Read as kubectl reads the
 * manifest: aliases followed and `<<` merge keys honoured (src/service/document/yamlNodes.ts).
 */

/** Reads one field of a mapping: undefined when it is not written (or not of the reader's type). */
export type FieldReader<T> = (map: unknown, key: string, doc: Document) => T | undefined;

/**
 * The fields `keys` of `map` that `read` finds, under their keys; a field not found has no key at all (so spreading
 * the result into a spec leaves it out, as an optional field should be).
 */
export function fieldsAt<K extends string, T>(map: unknown, keys: readonly K[], doc: Document, read: FieldReader<T>): Partial<Record<K, T>> {
  const out: Partial<Record<K, T>> = {};
  for (const key of keys) {
    const value = read(map, key, doc);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The string fields `keys` of `map`, located (fieldsAt with stringAt). */
export function stringsAt<K extends string>(map: unknown, keys: readonly K[], doc: Document): Partial<Record<K, Located<string>>> {
  return fieldsAt(map, keys, doc, stringAt);
}

/** A mapping under `key` with the key's place; undefined unless both are there. */
export function keyedMap(map: unknown, key: string, doc: Document): { node: YAMLMap; span: Span } | undefined {
  const node = mapAt(map, key, doc);
  const span = keySpan(map, key, doc);
  return node && span ? { node, span } : undefined;
}

/** A boolean field: true only when written `true` (Go's zero value otherwise). */
export function boolAt(map: unknown, key: string, doc: Document): boolean {
  const v = deref(entriesOf(map, doc).get(key)?.pair.value, doc);
  return isScalar(v) && v.value === true;
}

/** An object reference (Flagger's targetRef and autoscalerRef, Argo's workloadRef): apiVersion, kind and name. */
export interface ObjectRefSpec {
  /** The key (`targetRef`). */
  span: Span;
  apiVersion?: Located<string>;
  kind?: Located<string>;
  name?: Located<string>;
}

export function objectRefAt(map: unknown, key: string, doc: Document): ObjectRefSpec | undefined {
  const ref = keyedMap(map, key, doc);
  return ref && { span: ref.span, ...stringsAt(ref.node, ['apiVersion', 'kind', 'name'], doc) };
}
