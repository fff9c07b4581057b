import type { LiveSplitStats, LiveStatsParams, SplitObjectRef } from '../../protocol/messages';
import type { YamlFile } from '../document/file';
import { splitDocumentOf } from '../model/adapters';
import { appliedNamespace, type Split, type SplitDocument } from '../model/split';

/** The live numbers the client last sent, looked up by split (namespace, kind, name, rule). */
export class LiveStats {
  private bySplit = new Map<string, LiveSplitStats[]>();

  /** `selected`: the cluster connection's namespace now, for documents that name none. */
  constructor(private readonly selected: () => string | undefined = () => undefined) {}

  set(params: LiveStatsParams): void {
    const next = new Map<string, LiveSplitStats[]>();
    for (const s of params.splits) {
      const key = `${s.namespace}/${s.kind}/${s.name}`;
      next.set(key, [...(next.get(key) ?? []), s]);
    }
    this.bySplit = next;
  }

  get isEmpty(): boolean { return this.bySplit.size === 0; }

  of(doc: SplitDocument, split: Split): LiveSplitStats | undefined {
    if (!doc.name) return undefined;
    const list = this.bySplit.get(`${appliedNamespace(doc, this.selected())}/${doc.kind}/${doc.name.value}`);
    return list?.find((s) => s.rule === split.index) ?? list?.find((s) => s.rule === undefined);
  }
}

/**
 * The split objects of a file that get lenses (a named split document with a split that has backends), once each,
 * keyed as `LiveStats.of` looks them up: what the client measures while an editor shows the file.
 */
export function splitObjects(file: YamlFile, selected?: string): SplitObjectRef[] {
  const seen = new Map<string, SplitObjectRef>();
  for (const part of file.parts) {
    const doc = part.isSplit ? splitDocumentOf(part) : undefined;
    if (!doc?.name || !doc.splits.some((s) => s.backends.length > 0)) continue;
    const namespace = appliedNamespace(doc, selected);
    seen.set(`${namespace}/${doc.kind}/${doc.name.value}`, { namespace, kind: doc.kind, name: doc.name.value });
  }
  return [...seen.values()];
}
