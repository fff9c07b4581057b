import type { YAMLMap, YAMLSeq } from 'yaml';
import type { Span } from '../document/part';
import type { ApiVersionInfo, SplitKind } from './kinds';

export type { SplitKind } from './kinds';

/**
 * The split model: one shape for TrafficSplit and HTTPRoute. Adapters build it; every rule, lens, hover and
 * edit works on it alone. Spans are offsets into the part's text.
 */

export interface Located<T> { value: T; span: Span }

/** A name that must be a DNS label (Service references, namespaces) or, for object names, a DNS subdomain. */
export interface NameRef extends Located<string> {
  what: string;
  subdomain?: boolean;
}

/** Namespace a manifest lands in when it names none (kubectl's default context namespace). */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Where a split document's object lives once applied: its metadata.namespace, else the selected namespace (Apply and
 * `kubectl apply` put a document without one in the context's namespace), else `default` (no cluster selected).
 */
export function appliedNamespace(doc: { namespace?: Located<string>; ns: string }, selected: string | undefined): string {
  return doc.namespace?.value || selected || doc.ns;
}

export interface Weight {
  /** The scalar as written; absent when the kind's default applies (HTTPRoute: 1). */
  span?: Span;
  source?: string;
  /** Value in the split's integer unit (integers as is, v1alpha1 quantities in milli); undefined when invalid. */
  units?: number;
  /** v1alpha1 only: how the quantity was written, kept when the weight is rewritten. */
  quantityStyle?: 'milli' | 'whole';
  /** Why the value is invalid (reported as `weight-invalid`). */
  problem?: string;
  /** Written as an alias (`weight: *w`, or a whole backend `- *stable`): readable, but never rewritten. */
  isAlias: boolean;
  /**
   * Inherited through a `<<` merge key: the scalar written in the anchored mapping. `span` is then the merge's value
   * (`*stable`); neither is rewritten: an edit gives the backend its own `weight:` (which kubectl reads instead).
   */
  inheritedFrom?: Span;
}

/** The object a reference points at, normalised: the core group is `""` (`core` is read as `""`), defaults filled in. */
export interface RefTarget {
  group: string;
  kind: string;
  /** Effective namespace: as written, else the split document's. */
  ns: string;
}

export interface Backend extends RefTarget {
  index: number;
  name?: Located<string>;
  /** The namespace the backend lives in, as written (HTTPRoute only). */
  namespace?: Located<string>;
  port?: Located<number>;
  weight: Weight;
  /** The `type` of each of the backendRef's filters, as written. */
  filters?: Located<string>[];
  /** Group/kind problem: the mesh cannot route to this kind (reported as `unknown-backend-kind`). */
  kindProblem?: Located<string>;
  /** True when the kind requires `port` (a core Service backendRef). */
  portRequired: boolean;
  span: Span;
  node?: YAMLMap;
}

export interface Apex {
  name: Located<string>;
  namespace?: Located<string>;
  port?: Located<number>;
}

export interface ParentRef extends RefTarget {
  name?: Located<string>;
  namespace?: Located<string>;
  port?: Located<number>;
  span: Span;
  /** Refers to a core Service (the mesh case). */
  isService: boolean;
  /** Means a Service but does not name one correctly (reported as `parent-not-service`). */
  problem?: Located<string>;
}

export interface Split {
  /** Position of the split in its document (HTTPRoute rule index; 0 for TrafficSplit). */
  index: number;
  label: string;
  apex?: Apex;
  backends: Backend[];
  /** The backends sequence key, or the rule item: where lenses and whole-split diagnostics go. */
  span: Span;
  /** Everything that belongs to the split (the rule item; the whole document for a TrafficSplit): "the split under the cursor". */
  region: Span;
  backendsNode?: YAMLSeq;
  /** Canonical text of the rule's matches (catch-all normalised), to find rules that can never match. */
  matchKey?: string;
  /** `matches` as written (span of the key), for kinds where a mesh ignores them. */
  matches?: Span;
  /** The rule's matches as plain data (`toJSON()` of the sequence), to find rules earlier rules cover. */
  matchList?: unknown[];
  /** The `type` of each of the rule's filters, as written. */
  filters?: Located<string>[];
}

export interface SplitDocument {
  kind: SplitKind;
  kindSpan: Span;
  apiVersion?: Located<string>;
  /** What is known of the apiVersion; undefined when no one serves it. */
  api?: ApiVersionInfo;
  name?: Located<string>;
  namespace?: Located<string>;
  /** Effective namespace: metadata.namespace, else `default`. */
  ns: string;
  /** parentRefs, for kinds that attach through them; undefined for kinds that do not. */
  parents?: ParentRef[];
  /** Key span of parentRefs, or of spec when they are missing. */
  parentsSpan?: Span;
  splits: Split[];
  /** Every name that must be valid: metadata, apex, backends, parents, namespaces. */
  names: NameRef[];
}

/** Reads `group` as written into the normalised form (`core` means the core group, `""`). */
export function normalGroup(group: string): string {
  return group === 'core' ? '' : group;
}

/** A reference to a core Service (the only kind the index holds). */
export function isCoreService(ref: RefTarget): boolean {
  return ref.group === '' && ref.kind === 'Service';
}

/** Σ of the usable weights of a split (invalid ones count as 0). */
export function totalUnits(split: Split): number {
  return split.backends.reduce((sum, b) => sum + (b.weight.units ?? 0), 0);
}
