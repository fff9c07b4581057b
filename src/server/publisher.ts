import type { Diagnostic } from 'vscode-languageserver/node';
import type { LanguageService } from '../service/languageService';
import type { IndexedParams } from '../protocol/messages';

export interface PublishSink {
  publish(uri: string, version: number, diagnostics: Diagnostic[]): void;
  indexed(params: IndexedParams): void;
  log(message: string): void;
}

/** How long one slice of work (indexing, or preparing diagnostics) may hold the event loop before others get their turn. */
const SLICE_MS = 8;

/** A file waiting for its diagnostics: the part its preparation resumes from. */
interface Pending { from: number }

/**
 * When to publish diagnostics. An edit publishes on the next turn of the event loop (edits that arrive together are
 * coalesced). While context documents are still being indexed, a file gets its split documents' own diagnostics first,
 * then its complete diagnostics once indexing, done in short slices, finishes.
 *
 * Fair to every file: the work behind a file's diagnostics (parses, rules) is done in slices of SLICE_MS, one per file
 * and turn of the event loop, smallest file first, so requests and other files get their turn in between; a file is
 * published as soon as its own work is done. A big file (20,000 documents, a 4,000-backend split) no longer holds back
 * a small one's diagnostics until it is done (it once did for 40 s), and an edit in a big file, whose other parts are
 * cached, is published within a turn or two. (One document's rules still run in one go: a slice ends between parts.)
 */
export class Publisher {
  private readonly pending = new Map<string, Pending>();
  private scheduled = false;
  private indexing = false;
  private readonly waiting = new Map<string, number>();

  /** `now`: the clock slices are measured with (a test's may count calls). */
  constructor(
    private readonly ls: LanguageService,
    private readonly open: ReadonlySet<string>,
    private readonly sink: PublishSink,
    private readonly now: () => number = () => performance.now(),
  ) {}

  opened(uri: string): void {
    this.waiting.set(uri, performance.now());
    this.changed(uri);
  }

  changed(uri: string): void {
    // From the first part again: an edit may have replaced parts before where preparation had come (they are cheap to pass).
    this.pending.set(uri, { from: 0 });
    this.schedule();
  }

  /** The index changed (workspace scan, watched files, cluster facts): every open file is published again. */
  reindex(): void {
    for (const uri of this.open) this.changed(uri);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  /**
   * One turn: each pending file, smallest first, gets one slice of preparation and is published if that finishes it;
   * the rest comes back next turn. A slice each, not one for all: an edit in a big file (its other parts cached)
   * finishes within its own slice, however much work a file opened beside it still has.
   */
  private turn(): void {
    this.scheduled = false;
    const complete = this.ls.index.isIndexed();
    for (const uri of this.bySize()) {
      const p = this.pending.get(uri)!;
      const deadline = this.now() + SLICE_MS;
      const next = this.prepare(uri, complete, p.from, () => this.now() >= deadline);
      if (next !== undefined) { p.from = next; continue; }
      this.pending.delete(uri);
      this.publish(uri, complete);
    }
    if (this.pending.size > 0) this.schedule();
    // Context documents are indexed once every file has had its first diagnostics (its split documents' own): sharing
    // the turns with indexing would only make those wait.
    else if (!complete) this.startIndexing();
  }

  /** Pending open files, smallest text first (closed ones are dropped). */
  private bySize(): string[] {
    const sized: { uri: string; length: number }[] = [];
    for (const uri of this.pending.keys()) {
      const file = this.ls.getFile(uri);
      if (file && this.open.has(uri)) sized.push({ uri, length: file.length });
      else this.pending.delete(uri);
    }
    return sized.sort((a, b) => a.length - b.length).map((s) => s.uri);
  }

  /** The part to resume from, or undefined when the file is ready (or failed: publishing then says why). */
  private prepare(uri: string, complete: boolean, from: number, stop: () => boolean): number | undefined {
    try {
      return this.ls.prepareDiagnostics(uri, complete, from, stop);
    } catch {
      return undefined; // `publish` runs the same rules again and logs the failure
    }
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
      const done = this.ls.index.indexSome(this.now() + SLICE_MS, this.now);
      if (!done) { setImmediate(slice); return; }
      this.indexing = false;
      // Complete diagnostics for every open file, through the same fair turns.
      this.reindex();
    };
    setImmediate(slice);
  }
}
