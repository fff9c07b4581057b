/**
 * Waiting in tests: poll a probe until it gives a value, or fail with what was awaited and for how long.
 * One implementation for every suite (unit stand-ins, the cluster and Prometheus harnesses, the e2e drivers).
 */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a probe may answer: a value ends the wait; `undefined`, `null` and `false` mean "not yet". */
export type Probed<T> = T | undefined | null | false;

export interface WaitOptions {
  /** Milliseconds between probes. Default 20. */
  intervalMs?: number;
  /** Appended to the timeout message (read when the wait times out), e.g. `; status bar: …`. */
  detail?: () => string;
  /** Read before each probe: a message ends the wait at once with that error (e.g. the awaited process exited). */
  abort?: () => string | undefined;
  /** A probe that throws (or rejects) counts as "not yet" instead of ending the wait. Default false. */
  ignoreErrors?: boolean;
  /** How the timeout shows in the message. Default `${ms} ms`. */
  formatMs?: (ms: number) => string;
}

/**
 * Calls `probe` at once and then every `intervalMs` until it answers a value (anything but `undefined`, `null` and
 * `false`), and resolves with that value. After `timeoutMs` it rejects with
 * `timed out after <timeoutMs> ms waiting for <what><detail>`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Probed<T> | Promise<Probed<T>>,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<T> {
  const { intervalMs = 20, detail, abort, ignoreErrors = false, formatMs = (ms: number) => `${ms} ms` } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stop = abort?.();
    if (stop !== undefined) throw new Error(stop);
    const v = ignoreErrors ? await Promise.resolve().then(probe).catch(() => undefined) : await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${formatMs(timeoutMs)} waiting for ${what}${detail?.() ?? ''}`);
    await sleep(intervalMs);
  }
}

/**
 * Polls `probe` until `ok` accepts what it answered, and resolves with that answer; the timeout message ends with
 * `; last saw <the last answer as JSON>`. For probes whose answers may be falsy (counts, lists).
 */
export async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  let last: T | undefined;
  const hit = await waitFor(what, async () => {
    last = await probe();
    return ok(last) ? { value: last } : undefined;
  }, timeoutMs, { intervalMs, detail: () => `; last saw ${JSON.stringify(last)}` });
  return hit.value;
}
