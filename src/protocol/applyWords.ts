/**
 * When Apply is held back by errors in the document, said by both sides: the server's Apply lens and the client's
 * Apply command, so they cannot drift apart. An error means the API server, the mesh or kubectl refuses the document
 * or reads it otherwise than written; applying it would fail, or push what the author did not mean.
 */

/**
 * Error codes about the cluster's copy, not the text: `route-not-accepted` is the policy controller's verdict on the
 * object applied earlier, and applying a fixed document is how it goes away.
 */
const CLUSTER_STATE_ERRORS: ReadonlySet<string> = new Set(['route-not-accepted']);

/** An error diagnostic of the document: its code and its one-based line. */
export interface ApplyBlocker { code: string; line: number }

/** Whether an error diagnostic with `code` holds Apply back. */
export function blocksApply(code: unknown): boolean {
  return !CLUSTER_STATE_ERRORS.has(String(code));
}

/** `fix 2 errors first (weight-invalid line 12)`: how many, and the first one, so the user knows where to look. */
export function applyBlockedWords(errors: readonly ApplyBlocker[]): string {
  const first = errors[0];
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  return first ? `fix ${count} first (${first.code} line ${first.line})` : '';
}
