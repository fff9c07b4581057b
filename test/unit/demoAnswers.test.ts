/**
 * `npm start`'s "ready in": measured to when the URL the user opens answers HTTP (tools/demo/answers.ts), polled on
 * loopback only.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { isLoopbackHttp, untilAnswers } from '../../tools/demo/answers';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

function listen(port: number, status: number): Promise<Server> {
  const s = createServer((_req, res) => {
    res.statusCode = status;
    res.end();
  });
  servers.push(s);
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(s)));
}

/** A loopback port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('the demo waits for its URL to answer', () => {
  test('only http URLs on this machine are polled', async () => {
    for (const u of ['http://127.0.0.1:8080/', 'http://localhost:1/', 'http://[::1]:8080/', 'http://127.1.2.3/']) assert.equal(isLoopbackHttp(u), true, u);
    for (const u of ['https://127.0.0.1/', 'http://10.0.0.1/', 'http://example.test/', 'http://127.0.0.1.example.test/', 'not a url']) assert.equal(isLoopbackHttp(u), false, u);
    await assert.rejects(untilAnswers('http://10.0.0.1:8080/'), /not a loopback/);
  });

  test('"ready" is when the server first answers below 500, not when polling began', async () => {
    const port = await freePort();
    const begun = Date.now();
    // Nothing listens for 600 ms, then a 503 for 400 ms (starting), then a redirect (up).
    const late = new Promise<number>((resolve) => setTimeout(() => {
      void listen(port, 503).then((s) => setTimeout(() => {
        s.close();
        s.closeAllConnections();
        void listen(port, 302).then(() => resolve(Date.now()));
      }, 400));
    }, 600));
    const answered = await untilAnswers(`http://127.0.0.1:${port}/`, { timeoutMs: 10_000, everyMs: 50 });
    const up = await late;
    assert.equal(answered.status, 302);
    assert.ok(answered.at >= up, `answered at +${answered.at - begun} ms, the redirect began at +${up - begun} ms`);
    assert.ok(answered.at - up < 1000, `answered ${answered.at - up} ms after the server was up`);
  });

  test('a URL that never answers fails after the timeout', async () => {
    const port = await freePort();
    const t = Date.now();
    await assert.rejects(untilAnswers(`http://127.0.0.1:${port}/`, { timeoutMs: 300, everyMs: 50 }), /did not answer within/);
    assert.ok(Date.now() - t >= 300);
  });
});
