import type { Position, Range } from 'vscode-languageserver-types';
import { YamlPart } from './part';
import { lastAtMost } from './search';

/**
 * Offsets at which the parts of `text` begin (always 0 first). A line that starts a YAML document is `---` at
 * column 0, then white space or the end of the line. Lines are the ones positions count and YAML reads: broken at
 * `\n`, `\r\n` and a lone `\r` (./lineBreaks.ts; YAML 1.2 production [28] b-break, go-yaml's scannerc.go is_break
 * at github.com/go-yaml/yaml), so a `---` after a lone `\r` starts a part too. U+2028 and U+2029 break no line in
 * LSP or YAML 1.2: a `---` after one is mid-line and starts nothing. (Plain scans: faster than a regex with a
 * lookbehind, and this runs over the whole text on every open; the `\r` scan only when the text has one.)
 */
function partStarts(text: string): number[] {
  const starts = [0];
  const scan = (marker: string): void => {
    for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + 1)) {
      const next = text.charCodeAt(i + 4); // NaN at the end of the text
      if (Number.isNaN(next) || next === 32 || next === 9 || next === 13 || next === 10) starts.push(i + 1);
    }
  };
  scan('\n---'); // also finds the `---` after a \r\n
  if (text.includes('\r')) {
    scan('\r---');
    starts.sort((a, b) => a - b);
  }
  return starts;
}

function splitText(text: string, reuse?: Map<string, YamlPart>): YamlPart[] {
  const starts = partStarts(text);
  const parts: YamlPart[] = [];
  for (let i = 0; i < starts.length; i++) {
    const slice = text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
    const old = reuse?.get(slice);
    if (old) reuse!.delete(slice);
    parts.push(old ?? new YamlPart(slice));
  }
  return parts;
}

/** One change as LSP sends it: a range in the text before the change, or the whole new text. */
export interface TextChange { range?: Range; text: string }

/**
 * A YAML file as a list of parts (one per `---` document). Edits re-split only the parts they touch;
 * every other part keeps its text, its parse and its per-part caches.
 */
export class YamlFile {
  parts: YamlPart[];
  version: number;

  constructor(readonly uri: string, text: string, version = 0) {
    this.parts = splitText(text);
    this.version = version;
    this.relayout(0);
  }

  get text(): string { return this.parts.map((p) => p.text).join(''); }

  get length(): number {
    const last = this.parts[this.parts.length - 1];
    return last ? last.end : 0;
  }

  /** Recompute start offsets and lines from part `from` on. */
  private relayout(from: number): void {
    for (let i = Math.max(0, from); i < this.parts.length; i++) {
      const prev = this.parts[i - 1];
      const p = this.parts[i]!;
      p.start = prev ? prev.end : 0;
      p.startLine = prev ? prev.startLine + prev.lineBreaks : 0;
    }
  }

  /** Index of the part holding `offset` (the last part for the end of the file). */
  partIndexAtOffset(offset: number): number {
    return lastAtMost(this.parts.length, (i) => this.parts[i]!.start, offset);
  }

  /** Index of the part holding `line`. */
  partIndexAtLine(line: number): number {
    return lastAtMost(this.parts.length, (i) => this.parts[i]!.startLine, line);
  }

  partAt(position: Position): YamlPart {
    return this.parts[this.partIndexAtLine(position.line)]!;
  }

  offsetAt(position: Position): number {
    const part = this.partAt(position);
    return part.start + part.offsetAt(position);
  }

  positionAt(offset: number): Position {
    const part = this.parts[this.partIndexAtOffset(offset)]!;
    return part.positionAt(offset - part.start);
  }

  /** Apply LSP content changes in order; returns the parts whose text is new and the parts that are gone. */
  applyChanges(changes: readonly TextChange[], version: number): { fresh: YamlPart[]; removed: YamlPart[] } {
    const fresh = new Set<YamlPart>();
    const removed = new Set<YamlPart>();
    const swap = (out: readonly YamlPart[], into: readonly YamlPart[]): void => {
      const kept = new Set(into);
      for (const p of out) if (!kept.has(p)) { if (fresh.has(p)) fresh.delete(p); else removed.add(p); }
      const old = new Set(out);
      for (const p of into) if (!old.has(p)) fresh.add(p);
    };
    for (const change of changes) {
      if (change.range) {
        const { out, into } = this.replace(this.offsetAt(change.range.start), this.offsetAt(change.range.end), change.text);
        swap(out, into);
      } else {
        const out = this.parts;
        this.parts = splitText(change.text, new Map(out.map((p) => [p.text, p] as const)));
        this.relayout(0);
        swap(out, this.parts);
      }
    }
    this.version = version;
    return { fresh: [...fresh], removed: [...removed] };
  }

  /** Replace [start, end) with `text`, re-splitting only the parts around the edit; returns the parts swapped. */
  private replace(start: number, end: number, text: string): { out: YamlPart[]; into: YamlPart[] } {
    // Widen by one part on each side when the edit is near a boundary: it may make or break a `---` line.
    let lo = this.partIndexAtOffset(Math.max(0, start - 1));
    let hi = this.partIndexAtOffset(Math.min(this.length, end + 4));
    if (lo > 0 && start - this.parts[lo]!.start < 4) lo--;
    if (hi + 1 < this.parts.length && this.parts[hi]!.end - end < 4) hi++;
    const region = this.parts.slice(lo, hi + 1);
    const regionStart = region[0]!.start;
    const regionText = region.map((p) => p.text).join('');
    const edited = regionText.slice(0, start - regionStart) + text + regionText.slice(end - regionStart);
    const into = splitText(edited, new Map(region.map((p) => [p.text, p] as const)));
    this.parts.splice(lo, region.length, ...into);
    this.relayout(lo);
    return { out: region, into };
  }
}
