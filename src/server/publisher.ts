import type { Diagnostic } from 'vscode-languageserver/node';
import type { LanguageService } from '../service/languageService';
import type { IndexedParams } from '../protocol/messages';

export interface PublishSink {
  publish(uri: string, version: number, diagnostics: Diagnostic[]): void;
  indexed(params: IndexedParams): void;
  log(message: string): void;
}

/** How long one indexing slice may hold the event loop before requests get their turn. */
const SLICE_MS = 8;

/**
 * When to publish diagnostics. An edit publishes on the next turn of the event loop (edits that arrive
 * together are coalesced). While context documents are still being indexed, a file gets its split documents'
 * own diagnostics first, then its complete diagnostics once indexing, done in short slices, finishes.
 */
export class Publisher {
  private readonly dirty = new Set<string>();
  private flushing = false;
  private indexing = false;
  private readonly waiting = new Map<string, number>();

  constructor(private readonly ls: LanguageService, private readonly open: ReadonlySet<string>, private readonly sink: PublishSink) {}

  opened(uri: string): void {
    this.waiting.set(uri, performance.now());
    this.changed(uri);
  }

  changed(uri: string): void {
    this.dirty.add(uri);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  /** The index changed (workspace scan, watched files, cluster facts): every open file is published again. */
  reindex(): void {
    for (const uri of this.open) this.changed(uri);
  }

  private flush(): void {
    this.flushing = false;
    const complete = this.ls.index.isIndexed();
    for (const uri of this.dirty) this.publish(uri, complete);
    this.dirty.clear();
    if (!complete) this.startIndexing();
  }

  private publish(uri: string, complete: boolean): void {
    const file = this.ls.getFile(uri);
    if (!file || !this.open.has(uri)) return;
    try {
      this.sink.publish(uri, file.version, this.ls.diagnostics(uri, complete));
    } catch (e) {
      // A bug in one rule must not take the server down; say so and keep serving.
      this.sink.log(`Diagnostics failed for ${uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
    if (complete && this.waiting.has(uri)) {
      this.sink.indexed({ uri, documents: file.parts.length, millis: Math.round(performance.now() - this.waiting.get(uri)!) });
      this.waiting.delete(uri);
    }
  }

  private startIndexing(): void {
    if (this.indexing) return;
    this.indexing = true;
    const slice = (): void => {
      const done = this.ls.index.indexSome(performance.now() + SLICE_MS, () => performance.now());
      if (!done) { setImmediate(slice); return; }
      this.indexing = false;
      for (const uri of this.open) this.publish(uri, true);
    };
    setImmediate(slice);
  }
}
