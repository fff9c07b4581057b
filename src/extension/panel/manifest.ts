import { isMap, isSeq, parseAllDocuments, type Node } from 'yaml';

/**
 * Where a live split is written in a YAML file: the document with its kind, `metadata.name` and namespace (a
 * document without `metadata.namespace` matches any: it is applied to the current one). The offset points into
 * the split (the HTTPRoute rule for a rule), where the server's `canaryLens/splitAt` finds it. No `vscode`.
 */

export interface ManifestTarget {
  kind: string;
  name: string;
  namespace: string;
  /** 1-based HTTPRoute rule. */
  rule?: number;
}

export interface ManifestHit {
  /** Offset into the text of the place to put the cursor. */
  offset: number;
  /** 2 when the document names the namespace, 1 when it names none. */
  score: number;
}

const start = (n: Node | null | undefined): number | undefined => (n && Array.isArray(n.range) ? n.range[0] : undefined);

/** Quick test before parsing: the file can only hold the split if it contains its name and kind. */
export function mayContain(text: string, t: ManifestTarget): boolean {
  return text.includes(t.name) && text.includes(t.kind);
}

export function findInText(text: string, t: ManifestTarget): ManifestHit | undefined {
  if (!mayContain(text, t)) return undefined;
  let best: ManifestHit | undefined;
  let docs;
  try {
    // A lone \r breaks a line in YAML (go-yaml's scannerc.go is_break) but not for the `yaml` parser: make it a \n,
    // which keeps every offset (src/service/document/lineBreaks.ts parserText; this package may not import it).
    docs = parseAllDocuments(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  for (const doc of docs) {
    if (!isMap(doc.contents)) continue;
    if (doc.get('kind') !== t.kind) continue;
    if (doc.getIn(['metadata', 'name']) !== t.name) continue;
    const ns = doc.getIn(['metadata', 'namespace']);
    const score = ns === t.namespace ? 2 : ns === undefined || ns === null || ns === '' ? 1 : 0;
    if (score === 0) continue;
    let offset = start(doc.getIn(['metadata', 'name'], true) as Node | undefined) ?? start(doc.contents) ?? 0;
    if (t.rule !== undefined) {
      const rules = doc.getIn(['spec', 'rules'], true);
      const rule = isSeq(rules) ? (rules.items[t.rule - 1] as Node | undefined) : undefined;
      offset = start(rule) ?? offset;
    }
    if (!best || score > best.score) best = { offset, score };
  }
  return best;
}
