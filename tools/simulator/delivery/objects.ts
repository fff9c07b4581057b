/**
 * Small pure helpers the stand-in controllers share: reading untyped API objects, timestamps as metav1.Time writes
 * them, owner references as metav1.NewControllerRef builds them, hashes, Go durations and the two-way JSON merge
 * patch that a status write sends (the diff Argo Rollouts' persistRolloutStatus sends too).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An API object as the watch or a GET returns it. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
  };
  spec?: unknown;
  status?: unknown;
}

export function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A whole number, or undefined. */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value at a `/`-separated path of maps. */
export function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const key of path.split('/')) cur = record(cur)?.[key];
  return cur;
}

export function stringMap(v: unknown): Record<string, string> {
  const r = record(v);
  if (!r) return {};
  return Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** metav1.Time as it is written to JSON: RFC 3339 in UTC, whole seconds (k8s.io/apimachinery pkg/apis/meta/v1/time.go MarshalJSON). */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseMetaTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/**
 * The owner reference a controller puts on what it creates: metav1.NewControllerRef
 * (kubernetes/apimachinery pkg/apis/meta/v1/controller_ref.go) sets controller and blockOwnerDeletion to true.
 */
export function controllerRef(owner: ApiObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Whether `obj` has `owner` as its controller (metav1.IsControlledBy compares the uid). */
export function isControlledBy(obj: ApiObject, owner: ApiObject): boolean {
  const uid = owner.metadata?.uid;
  return uid !== undefined && (obj.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);
}

/** JSON with the keys of every map sorted, so that equal objects hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const r = record(v);
  if (r) return `{${Object.keys(r).sort().filter((k) => r[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(r[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A hash in the alphabet Kubernetes uses for generated names (k8s.io/apimachinery pkg/util/rand SafeEncodeString: no
 * vowels, no 0/1/3), as pod-template-hash labels look. The value is not the controllers' own (they hash the Go
 * struct's printed form); only its shape and its stability are.
 */
export function safeHash(v: unknown, length = 10): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const json = canonicalJson(v);
  let h = fnv32a(json);
  let round = 0;
  let out = '';
  while (out.length < length) {
    out += alphabet[h % alphabet.length];
    h = Math.floor(h / alphabet.length);
    if (h < alphabet.length) h = fnv32a(`${json}#${++round}`);
  }
  return out;
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`10s`, `1m30s`, `500ms`) in milliseconds (time.ParseDuration); undefined when it is not one. */
export function goDurationMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * GO_UNITS[m[2]!]!;
    end = re.lastIndex;
  }
  return end > 0 && end === s.length ? total : undefined;
}

/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: changed keys with their new value, removed keys as
 * null, maps recursively, lists whole. Empty when nothing changed.
 */
export function mergePatch(from: unknown, to: unknown): JsonObject {
  const a = record(from) ?? {};
  const b = record(to) ?? {};
  const out: JsonObject = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const av = a[key];
    const bv = b[key];
    if (bv === undefined) {
      if (av !== undefined) out[key] = null;
      continue;
    }
    if (record(av) && record(bv)) {
      const sub = mergePatch(av, bv);
      if (Object.keys(sub).length > 0) out[key] = sub;
      continue;
    }
    if (canonicalJson(av) !== canonicalJson(bv)) out[key] = bv as Json;
  }
  return out;
}
