/**
 * The `canaryLens.rollout.*` settings as a rollout plan, and the smallest text edit between two versions of a
 * document (how a step's weights reach the open editor: one undoable replacement of only the changed characters).
 * No `vscode` here: the settings come through a getter, so both are unit-tested.
 */
import { DEFAULT_PLAN, overPlan, planProblems, type PartialPlan, type RolloutPlan } from '../rollout/plan';
import { windowSeconds } from '../stats/queries';

export const ROLLOUT_SETTINGS = 'canaryLens.rollout';

/** The value of the setting `canaryLens.<key>` (`rollout.steps`; undefined: not set, the plan keeps its default). */
export type SettingsReader = (key: string) => unknown;

export interface SettingsPlan {
  plan: RolloutPlan;
  /** Seconds between two evaluations of a running rollout. */
  tickSeconds: number;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The plan of the settings over DEFAULT_PLAN, or every reason it cannot run (a value of the wrong type, the plan's own
 * checks, a tick interval that is not a duration): a rollout never starts on a plan that is half the settings'.
 */
export function planFromSettings(read: SettingsReader): SettingsPlan | { problems: string[] } {
  const problems: string[] = [];
  const name = (key: string): string => `canaryLens.${key}`;
  const num = (key: string): number | undefined => {
    const v = read(key);
    if (v === undefined || v === null) return undefined;
    if (isNumber(v)) return v;
    problems.push(`${name(key)} must be a number, not ${JSON.stringify(v)}`);
    return undefined;
  };
  const str = (key: string): string | undefined => {
    const v = read(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v.trim();
    problems.push(`${name(key)} must be a duration such as 2m, not ${JSON.stringify(v)}`);
    return undefined;
  };
  const bool = (key: string): boolean | undefined => {
    const v = read(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    problems.push(`${name(key)} must be true or false, not ${JSON.stringify(v)}`);
    return undefined;
  };
  const rawSteps = read('rollout.steps');
  let steps: number[] | undefined;
  if (rawSteps !== undefined && rawSteps !== null) {
    if (Array.isArray(rawSteps) && rawSteps.every(isNumber)) steps = [...rawSteps];
    else problems.push(`${name('rollout.steps')} must be a list of percentages such as [10, 25, 50, 100], not ${JSON.stringify(rawSteps)}`);
  }
  const over: PartialPlan = {
    ...(steps ? { steps } : {}),
    ...defined({ holdTime: str('rollout.holdTime'), window: str('rollout.window'), autoAdvance: bool('rollout.autoAdvance'), autoRollback: bool('rollout.autoRollback') }),
    gates: defined({
      minRequests: num('rollout.minRequests'), minSuccessPercent: num('rollout.minSuccessRate'),
      maxSuccessDropPoints: num('rollout.maxSuccessDrop'), maxP99Ratio: num('rollout.maxP99Ratio'),
    }),
  };
  const plan = overPlan(DEFAULT_PLAN, over);
  if (problems.length === 0) problems.push(...planProblems(plan).map((p) => `${ROLLOUT_SETTINGS}: ${p}`));
  const tick = str('rollout.tickInterval') ?? '5s';
  let tickSeconds = 5;
  try {
    tickSeconds = windowSeconds(tick);
    if (tickSeconds <= 0) problems.push(`${name('rollout.tickInterval')} must be longer than 0 s, not ${tick}`);
  } catch {
    problems.push(`${name('rollout.tickInterval')} must be a duration such as 5s, not ${JSON.stringify(tick)}`);
  }
  return problems.length > 0 ? { problems } : { plan, tickSeconds };
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The replacement of `[start, end)` of `before` by `text` that turns it into `after`; undefined when they are equal. */
export interface TextReplacement { start: number; end: number; text: string }

/**
 * The smallest single replacement between two texts: their common prefix and (not overlapping it) common suffix stay,
 * so an edit of one weight touches those characters only, and the editor keeps cursors, folding and undo around it.
 */
export function minimalReplacement(before: string, after: string): TextReplacement | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  // Never split a surrogate pair: the edit's ends are positions the editor can hold.
  const low = (s: string, i: number): boolean => i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00;
  while (prefix > 0 && (low(before, prefix) || low(after, prefix))) prefix--;
  while (suffix > 0 && (low(before, before.length - suffix) || low(after, after.length - suffix))) suffix--;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}
