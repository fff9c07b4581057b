import { splitsOfDocument } from '../../stats/fromManifests';
import { splitKey } from './history';
import type { LiveSplit } from './liveSplits';

/**
 * The weights the visible editors hold, against the cluster's: a card says "editor: 40/60, not applied" when a
 * visible editor shows other weights for the split than the cluster holds, with Apply beside it. The editor's text is
 * read by the same adapters as the live objects (`stats/fromManifests.ts`), so a split of either side
 * has the same key (namespace, kind, name, HTTPRoute rule) and its weights are read alike. No `vscode`.
 */

/** A document a visible editor shows; `text` is read only when its version was not read before. */
export interface EditorDocument { uri: string; version: number; text(): string }

/** A split as a visible editor's text has it. */
export interface EditorSplit { key: string; uri: string; backends: readonly { name: string; weight: number; weightText: string }[] }

/** What a card shows of an editor that differs: its weights as written (`40/60`) and the document to apply. */
export interface EditorWeightsRow { weights: string; uri: string }

/** The splits of visible editors' documents, read once per document version. */
export class EditorWeights {
  private readonly cache = new Map<string, { version: number; namespace: string | undefined; splits: EditorSplit[] }>();

  /**
   * `namespace`: the selected one, where a document without metadata.namespace is applied (and so the card it
   * belongs to); absent, such a document is read as in `default`.
   */
  splitsOf(documents: readonly EditorDocument[], namespace?: string): EditorSplit[] {
    const shown = new Set(documents.map((d) => d.uri));
    for (const uri of this.cache.keys()) if (!shown.has(uri)) this.cache.delete(uri);
    return documents.flatMap((d) => {
      const cached = this.cache.get(d.uri);
      if (cached?.version === d.version && cached.namespace === namespace) return cached.splits;
      const splits = this.read(d, namespace);
      this.cache.set(d.uri, { version: d.version, namespace, splits });
      return splits;
    });
  }

  private read(d: EditorDocument, namespace: string | undefined): EditorSplit[] {
    // A split the adapters skip (no apex, no backends) has no weights to compare.
    return splitsOfDocument(d.uri, d.text(), namespace).map((s) => ({ key: splitKey(s), uri: d.uri, backends: s.backends.map((b) => ({ name: b.name, weight: b.weight, weightText: b.weightText ?? String(b.weight) })) }));
  }
}

/** Weight per backend name (a name written twice counts with both weights, as its traffic would). */
function byName(backends: readonly { name: string; weight: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of backends) m.set(b.name, (m.get(b.name) ?? 0) + b.weight);
  return m;
}

/**
 * Whether the editor's weights differ from the cluster's: the written integers per backend name (40/60 and 2/3 are
 * different weights, though equal shares: applying changes the object); a backend on one side only is a difference.
 */
export function weightsDiffer(cluster: readonly { name: string; weight: number }[], editor: readonly { name: string; weight: number }[]): boolean {
  const a = byName(cluster);
  const b = byName(editor);
  return a.size !== b.size || [...a].some(([name, w]) => b.get(name) !== w);
}

/**
 * `40/60`: the editor's weights in the card's backend order when both name the same backends (the row reads against
 * the card's rows), else each with its name (`web-svc 40 / web-svc-3 60`), since the order alone would mislead.
 */
export function editorWeightsText(cluster: readonly { name: string }[], editor: EditorSplit['backends']): string {
  const names = new Set(editor.map((b) => b.name));
  const same = cluster.length === editor.length && cluster.every((b) => names.has(b.name)) && names.size === editor.length;
  if (same) return cluster.map((c) => editor.find((b) => b.name === c.name)!.weightText).join('/');
  return editor.map((b) => `${b.name} ${b.weightText}`).join(' / ');
}

/** The row of a live split's card: the first visible editor (in the order given) whose weights differ; none when all agree. */
export function editorRowOf(split: LiveSplit, editors: readonly EditorSplit[] | undefined): EditorWeightsRow | undefined {
  const key = splitKey(split);
  const differs = editors?.find((e) => e.key === key && weightsDiffer(split.backends, e.backends));
  return differs ? { weights: editorWeightsText(split.backends, differs.backends), uri: differs.uri } : undefined;
}
