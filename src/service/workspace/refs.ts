import { isCollection, isMap, type Document, type Node, type YAMLMap } from 'yaml';
import { type Backend, type Located, type Split, type SplitDocument } from '../model/split';
import type { Span, YamlPart } from '../document/part';
import type { WorkspaceIndex } from './workspaceIndex';
import { numberAt, stringAt } from '../document/yamlNodes';

/** A place where a split document names a Service: an apex (or other Service parent) or a backend. */
export interface ServiceRef {
  role: 'apex' | 'backend';
  name: Located<string>;
  /** Namespace the Service is looked up in. */
  ns: string;
  port?: Located<number>;
  split?: Split;
  backend?: Backend;
}

/** What a position of a split document is on, as the model sees it. */
export type Target =
  | { type: 'service'; ref: ServiceRef }
  | { type: 'port'; ref: ServiceRef; port: Located<number> }
  | { type: 'weight'; split: Split; backend: Backend };

/**
 * Every Service reference of a document, each once (an HTTPRoute's apex is shared by its rules). `tree` is
 * the document's syntax tree, to read the namespace and port of parents the model keeps no apex for.
 */
export function serviceRefs(doc: SplitDocument, tree: Document.Parsed): ServiceRef[] {
  const seen = new Set<number>();
  const out: ServiceRef[] = [];
  const add = (ref: ServiceRef): void => {
    if (seen.has(ref.name.span.start)) return;
    seen.add(ref.name.span.start);
    out.push(ref);
  };
  for (const split of doc.splits) {
    const apex = split.apex;
    if (apex) add({ role: 'apex', name: apex.name, ns: apex.namespace?.value ?? doc.ns, split, ...(apex.port ? { port: apex.port } : {}) });
  }
  // Parents meant as Services that are no split's apex (a later parent, or a route without rules yet).
  for (const p of doc.parents ?? []) {
    if (!p.name || !(p.isService || p.problem) || seen.has(p.name.span.start)) continue;
    const node = mapStartingAt(tree.contents, p.span);
    const port = numberAt(node, 'port');
    add({ role: 'apex', name: p.name, ns: stringAt(node, 'namespace')?.value ?? doc.ns, ...(port ? { port } : {}) });
  }
  for (const split of doc.splits) {
    for (const b of split.backends) {
      if (b.name && !b.kindProblem) add({ role: 'backend', name: b.name, ns: b.ns, split, backend: b, ...(b.port ? { port: b.port } : {}) });
    }
  }
  return out;
}

/** Whether `offset` is in `span` or right at its end (where a cursor stands after typing a word). */
export function touches(span: Span | undefined, offset: number): boolean {
  return span !== undefined && span.start <= offset && offset <= span.end;
}

/** The mapping that starts at `span.start`, found by descending only into nodes that contain it. */
function mapStartingAt(node: unknown, span: Span): YAMLMap | undefined {
  const range = (node as Node | null)?.range;
  if (!range || span.start < range[0] || span.start > range[1]) return undefined;
  if (isMap(node) && range[0] === span.start) return node;
  if (!isCollection(node)) return undefined;
  for (const item of node.items) {
    const found = mapStartingAt(isMap(node) ? (item as { value?: unknown }).value : item, span);
    if (found) return found;
  }
  return undefined;
}

export function targetAt(doc: SplitDocument, offset: number, tree: Document.Parsed): Target | undefined {
  for (const ref of serviceRefs(doc, tree)) {
    if (touches(ref.name.span, offset)) return { type: 'service', ref };
    if (ref.port && touches(ref.port.span, offset)) return { type: 'port', ref, port: ref.port };
  }
  for (const split of doc.splits) {
    for (const backend of split.backends) if (touches(backend.weight.span, offset)) return { type: 'weight', split, backend };
  }
  return undefined;
}

/** The uri of the file holding `part` (a binary search per file, not a walk over every part). */
export function uriOf(index: WorkspaceIndex, part: YamlPart): string | undefined {
  for (const file of index.allFiles()) {
    if (file.parts[file.partIndexAtOffset(part.start)] === part) return file.uri;
  }
  return undefined;
}
