import { request } from 'node:http';
import { isIP } from 'node:net';

/** Whether `url` is http:// on this machine (127.0.0.0/8, ::1, localhost): the only URLs the demo polls. */
export function isLoopbackHttp(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol !== 'http:') return false;
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** One GET; resolves with the HTTP status, or undefined when nothing answered (refused, reset, timed out). */
function statusOf(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

export interface Answered {
  /** The first status below 500 the URL answered with (a redirect or a login page counts: the server is up). */
  status: number;
  /** When it answered (Date.now()). */
  at: number;
}

/**
 * Polls a loopback URL until it answers HTTP (a status below 500), and says when: what the user opens is ready then. Refuses any
 * other URL (the demo never reaches off the machine). Rejects after `timeoutMs`.
 */
export async function untilAnswers(url: string, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<Answered> {
  if (!isLoopbackHttp(url)) throw new Error(`not a loopback http URL: ${url}`);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const status = await statusOf(url, 2000);
    if (status !== undefined && status < 500) return { status, at: Date.now() };
    if (Date.now() >= deadline) throw new Error(`${url} did not answer within ${((opts.timeoutMs ?? 60_000) / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
  }
}
