/**
 * Line breaks as LSP counts them: `\n`, `\r\n` and a lone `\r` each end one line, and characters are UTF-16 code
 * units (the LSP spec, "Text Documents": https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocuments).
 * YAML agrees (YAML 1.2 production [28] b-break, https://yaml.org/spec/1.2.2/#53-line-break-characters), and so does
 * go-yaml, which kubectl uses (github.com/go-yaml/yaml scannerc.go is_break). U+2028 and U+2029 are not line breaks
 * in LSP nor in YAML 1.2: they stay content here. Plain char-code scans: these run over whole texts.
 */

const LF = 10;
const CR = 13;

/** Length of the line break at `i` (2 for `\r\n`, 1 for `\n` or a lone `\r`), 0 when none starts there. */
export function breakLengthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === LF) return 1;
  if (c === CR) return text.charCodeAt(i + 1) === LF ? 2 : 1;
  return 0;
}

/** Offsets at which the lines of `text` start (0 first). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  let cr = text.indexOf('\r');
  // indexOf scans: several times faster than a loop over char codes on long texts.
  if (cr === -1) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  let lf = text.indexOf('\n');
  while (lf !== -1 || cr !== -1) {
    if (cr === -1 || (lf !== -1 && lf < cr)) {
      starts.push(lf + 1);
      lf = text.indexOf('\n', lf + 1);
    } else {
      const end = lf === cr + 1 ? cr + 2 : cr + 1; // a \r\n is one break
      starts.push(end);
      cr = text.indexOf('\r', end);
      if (lf !== -1 && lf < end) lf = text.indexOf('\n', end);
    }
  }
  return starts;
}

/** Number of line breaks in `text` (a `\r\n` is one). */
export function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  // Each lone \r is one more; a \r before \n was counted at its \n.
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== LF) n++;
  return n;
}

/** End of the line holding `offset`: the offset of its line break, or the end of the text. */
export function lineEndOf(text: string, offset: number): number {
  let i = Math.max(0, offset);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
    i++;
  }
  return text.length;
}

/** Start of the line holding `offset` (just after the previous line break, or 0). */
export function lineStartOf(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === LF || c === CR) return i;
    i--;
  }
  return 0;
}

/** Offset just after the line break ending the line holding `offset` (or the end of the text). */
export function nextLineStart(text: string, offset: number): number {
  const end = lineEndOf(text, offset);
  return end + breakLengthAt(text, end);
}

/** Whether `text` ends with a line break. */
export function endsWithLineBreak(text: string): boolean {
  const c = text.charCodeAt(text.length - 1);
  return c === LF || c === CR;
}

/** The text's own line break: its first one (`\r\n`, `\r` or `\n`); `\n` when it has none. */
export function eolOf(text: string): string {
  // indexOf scans natively: a loop over char codes took seconds over many calls on a 1 MB line without a break.
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (cr !== -1 && (lf === -1 || cr < lf)) return text.charCodeAt(cr + 1) === LF ? '\r\n' : '\r';
  return '\n';
}

/** `text` (written with `\n` breaks) with every `\n` turned into `eol`. */
export function withEol(text: string, eol: string): string {
  return eol === '\n' ? text : text.replace(/\n/g, eol);
}

/**
 * The text to hand the `yaml` parser: it breaks lines at `\n` and `\r\n` but not at a lone `\r` (github.com/eemeli/yaml
 * src/parse/lexer.ts), which YAML and kubectl's go-yaml do break at. A lone `\r` becomes `\n`: the same length, so
 * every offset the parser reports stays an offset of the original text.
 */
export function parserText(text: string): string {
  const cr = text.indexOf('\r');
  if (cr === -1) return text;
  return text.replace(/\r(?!\n)/g, '\n');
}
