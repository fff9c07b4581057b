/**
 * How deep a YAML text nests, from one pass over its characters, before the parser sees it: the `yaml` parser recurses
 * per level (about 2,000 block levels overflow the stack, and 1,000 flow levels take it 70 ms for a 6 KB text), while
 * real manifests nest a few dozen levels. Block levels are the stack of indentations (plus `- ` entries that open a
 * sequence on the same line); flow levels are the open `[` and `{` outside quotes and comments. An upper bound is all
 * a guard needs: quoted text spanning lines and block scalars are read as plain lines.
 */
export function nestingDepth(text: string, limit: number): number {
  let deepest = 0;
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32) { indent++; continue; }
      lineStart = false;
      if (c === 35) { i = skipComment(text, i); continue; } // a comment line does not nest
      if (quote === undefined && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        // `- - - x`: each dash opens one more sequence level on this line.
        for (let j = i; text.charCodeAt(j) === 45 && (text.charCodeAt(j + 1) === 32); j += 2) indents.push(indent + j - i + 2);
      }
    }
    if (quote !== undefined) {
      if (c === 92 && quote === '"') i++; // escape in a double-quoted scalar
      else if (String.fromCharCode(c) === quote) quote = undefined;
      continue;
    }
    if (c === 34) quote = '"';
    else if (c === 39 && flow > 0) quote = "'"; // outside flow a ' is usually an apostrophe in a plain scalar
    else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) i = skipComment(text, i);
    else if (c === 91 || c === 123) flow++;
    else if ((c === 93 || c === 125) && flow > 0) flow--;
    const depth = indents.length + flow;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
  }
  return deepest;
}

function skipComment(text: string, i: number): number {
  let j = i;
  while (j + 1 < text.length && text.charCodeAt(j + 1) !== 10 && text.charCodeAt(j + 1) !== 13) j++;
  return j;
}
