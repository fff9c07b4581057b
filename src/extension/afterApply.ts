/**
 * What follows a successful Apply, as plain decisions and words (no `vscode`: applyFlow.ts makes the calls). The
 * cluster now holds what the editor shows, so the two are brought in step: the diff that asked the question goes
 * away (or says it was answered), and a file with unsaved changes is offered for saving, since an unsaved buffer is
 * what gets lost, or drifts from what git holds, while the cluster keeps the applied text.
 */

/** Setting `canaryLens.apply.saveAfterApply`. */
export type SaveAfterApply = 'ask' | 'always' | 'never';
export const SAVE_AFTER_APPLY_SETTING = 'apply.saveAfterApply';
export const SAVE_AFTER_APPLY_VALUES: readonly SaveAfterApply[] = ['ask', 'always', 'never'];
/**
 * `ask` by default: saving runs the user's format-on-save and save hooks (formatters, linters, other extensions'
 * `onWillSaveTextDocument` edits), which may rewrite the file the moment after it was applied.
 */
export const SAVE_AFTER_APPLY_DEFAULT: SaveAfterApply = 'ask';

/** The setting as read; anything else (a typo in settings.json) is the default. */
export function readSaveAfterApply(value: unknown): SaveAfterApply {
  return SAVE_AFTER_APPLY_VALUES.find((v) => v === value) ?? SAVE_AFTER_APPLY_DEFAULT;
}

/** What to do with the applied document: nothing, save it, or ask (the message's buttons). */
export type SaveDecision = 'none' | 'save' | 'ask';

export interface SaveInput {
  /** The document has unsaved changes. */
  dirty: boolean;
  /** It has never been saved: saving it asks where, so it is never done without asking. */
  untitled: boolean;
  setting: SaveAfterApply;
}

export function saveDecision(i: SaveInput): SaveDecision {
  if (!i.dirty || i.setting === 'never') return 'none';
  return i.setting === 'always' && !i.untitled ? 'save' : 'ask';
}

/** The buttons of the `ask` message. */
export const SAVE_BUTTON = 'Save';
export const ALWAYS_SAVE_BUTTON = 'Always save';

/** The buttons `decision` offers (`Always save` would set a setting an untitled file does not follow: not offered there). */
export function saveButtons(decision: SaveDecision, untitled: boolean): string[] {
  if (decision !== 'ask') return [];
  return untitled ? [SAVE_BUTTON] : [SAVE_BUTTON, ALWAYS_SAVE_BUTTON];
}

/**
 * The message after the apply: what was done (`TrafficSplit emojivoto/glue-ts configured`) and where, then what
 * happens to the file. One notification: the unsaved file is news about the same apply.
 */
export function appliedMessage(done: readonly string[], context: string, decision: SaveDecision, fileName: string): string {
  const head = `Canary Lens: ${done.join('; ')} in ${context}.`;
  switch (decision) {
    case 'none':
      return head;
    case 'save':
      return `${head} Saved ${fileName} (canaryLens.apply.saveAfterApply).`;
    case 'ask':
      return `${head} ${fileName} has unsaved changes.`;
  }
}

/** A save that did not happen (the file was deleted on disk, a hook failed): said, not silent. */
export function saveFailedMessage(fileName: string, why?: string): string {
  return `Canary Lens: ${fileName} was applied but not saved${why ? `: ${why}` : ''}.`;
}

/** `HH:MM:SS` in local time: the time the user's clock shows. */
export function clock(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

/**
 * The first line of the diff's right-hand side once applied, for a diff tab that stays open (it could not be found or
 * closed): `# applied to canary-lens-test/emojivoto at 14:02:07`. A YAML comment, so the text stays the result.
 */
export function appliedMarker(context: string, namespaces: readonly string[], at: Date): string {
  return `# applied to ${context}/${namespaces.join(',')} at ${clock(at)}`;
}

/** The text with the marker as its first line (a marker from an earlier apply of the same diff is replaced). */
export function markApplied(text: string, marker: string): string {
  const rest = text.startsWith('# applied to ') ? text.slice(text.indexOf('\n') + 1) : text;
  return `${marker}\n${rest}`;
}

/** The file's name as a message names it (the last path segment). */
export function fileNameOf(path: string): string {
  return path.split('/').pop() || path;
}
