import type { LiveSplitStats, LiveStatsParams } from '../../protocol/messages';
import type { Split, SplitDocument } from '../model/split';

/** The live numbers the client last sent, looked up by split (namespace, kind, name, rule). */
export class LiveStats {
  private bySplit = new Map<string, LiveSplitStats[]>();

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
    const list = this.bySplit.get(`${doc.ns}/${doc.kind}/${doc.name.value}`);
    return list?.find((s) => s.rule === split.index) ?? list?.find((s) => s.rule === undefined);
  }
}
