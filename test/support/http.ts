/**
 * Plain HTTP(S) GETs against the servers the tests start on loopback (readiness probes, health checks). HTTPS
 * certificates are not verified: the test servers make their own.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** GET `url`: the status and the body. Rejects when there is no answer within `timeoutMs` (default 3 s) or no connection. */
export function httpGet(url: string, options: { token?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: string }> {
  const { token, timeoutMs = 3000 } = options;
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const opts = {
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method: 'GET',
      timeout: timeoutMs,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      rejectUnauthorized: false,
    };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** The status of a GET of `url`, or 0 when there is no answer within `timeoutMs` or no connection; never rejects. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  return httpGet(url, { timeoutMs }).then((r) => r.status, () => 0);
}
