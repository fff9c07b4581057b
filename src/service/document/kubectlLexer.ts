import { Lexer } from 'yaml';

/**
 * The `yaml` package's lexer, reading quoted scalars as kubectl's go-yaml v2 does.
 *
 * YAML (1.1 and 1.2: s-l+flow-in-block(n) reads the node at n+1, and its continuation lines start with
 * s-flow-line-prefix(n+1)) wants the lines of a multi-line quoted scalar indented deeper than the mapping or
 * sequence holding it, and the `yaml` package ends the scalar at the first line indented less (github.com/eemeli/yaml
 * src/parse/lexer.ts, parseQuotedScalar and continueScalar), so the rest reads as a missing quote and stray keys.
 * go-yaml v2 checks no indentation there: yaml_parser_scan_flow_scalar (go-yaml/yaml v2 and go.yaml.in/yaml/v2
 * v2.4.2 scannerc.go) only stops at the closing quote, a `---` or `...` followed by a blank at column 0 ("found
 * unexpected document indicator") and the end of the stream; the folding (a break and the blanks around it become a
 * space, empty lines a `\n`) does not depend on indentation either. Flagger's crd.yaml (v1.44.0) is written so: the
 * continuation lines of the `description:` of `apiVersion` and `kind` in each CRD sit at the key's own column.
 *
 * So the lexer's indentation floor is lifted while it scans a quoted scalar (its document-marker check stays, as
 * go-yaml's); the parser and composer check nothing more and fold the lines as go-yaml does. Only when that reading
 * cannot be valid anyway (the scalar never closes, a document marker cuts it, or something other than a comment, a
 * `:` or a flow indicator follows its closing quote: go-yaml then fails with "did not find expected key" and the like)
 * is the `yaml` package's own scan kept, so the error stays where that package puts it (the first line indented too
 * little, the end of the text for a quote never closed) rather than after wherever the next quote happens to be (an
 * apostrophe, the opening quote of a later value): typing an opening quote is the usual way to get there. The text is
 * not touched: every offset stays an offset of the original.
 */

/** The members of the `yaml` package's Lexer (src/parse/lexer.ts, private in its types) this file relies on. */
interface LexerInternals {
  buffer: string;
  pos: number;
  /** The least indentation a continuation line of the current scalar needs; 0 checks only document markers. */
  indentNext: number;
  parseQuotedScalar: (this: LexerInternals) => Generator<string, string>;
}

/** A document marker at the start of a line, which ends a quoted scalar in go-yaml and in the `yaml` package. */
const DOC_MARKER_LINE = /\n(?:---|\.\.\.)(?:[ \t\r\n]|$)/;
/** What may follow a closing quote on its line: blanks, then the line's end, a comment, `:` or a flow indicator. */
const AFTER_CLOSE = /[ \t]*(?:[\r\n#:,\]}]|$)/y;

/**
 * Offset of the quote closing the quoted scalar that opens at `open`, -1 when none does. Escapes as go-yaml reads
 * them: `''` in a single-quoted scalar; in a double-quoted one a `"` after an odd run of backslashes is escaped (an
 * even run is escaped backslashes). indexOf scans, as the lexer's own: a loop over characters is several times slower
 * on a long text with many quotes left open.
 */
export function closingQuote(text: string, open: number): number {
  const quote = text[open];
  if (quote !== "'" && quote !== '"') return -1;
  let end = text.indexOf(quote, open + 1);
  while (end !== -1) {
    if (quote === "'") {
      if (text[end + 1] !== "'") return end;
      end = text.indexOf(quote, end + 2);
    } else {
      let backslashes = 0;
      while (text[end - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) return end;
      end = text.indexOf(quote, end + 1);
    }
  }
  return -1;
}

/**
 * Whether the quoted scalar opening at `open` may be read go-yaml's way: it closes before any document marker, and
 * its closing quote is followed by what may follow a node (see above).
 */
export function readsAsKubectl(text: string, open: number): boolean {
  const close = closingQuote(text, open);
  if (close === -1 || DOC_MARKER_LINE.test(text.slice(open, close))) return false;
  AFTER_CLOSE.lastIndex = close + 1;
  return AFTER_CLOSE.test(text);
}

function hasInternals(lexer: unknown): lexer is LexerInternals {
  const l = lexer as Partial<LexerInternals>;
  return typeof l.parseQuotedScalar === 'function' && typeof l.indentNext === 'number' && typeof l.buffer === 'string' && typeof l.pos === 'number';
}

/** A Lexer that reads quoted scalars as go-yaml v2 does (see above). */
export function kubectlLexer(): Lexer {
  const lexer = new Lexer();
  const internals: unknown = lexer;
  // A `yaml` release that renamed these would silently read these scalars its own way again: fail loudly instead.
  if (!hasInternals(internals)) throw new Error('kubectlLexer: the yaml package\'s Lexer no longer has parseQuotedScalar, indentNext, buffer, pos');
  const scan = internals.parseQuotedScalar;
  internals.parseQuotedScalar = function* (this: LexerInternals) {
    if (!readsAsKubectl(this.buffer, this.pos)) return yield* scan.call(this);
    const indentNext = this.indentNext;
    this.indentNext = 0;
    try {
      return yield* scan.call(this);
    } finally {
      this.indentNext = indentNext;
    }
  };
  return lexer;
}
