/**
 * The panel's HTML as pure functions: escaping of everything that comes from the cluster or a file, the CSP and the
 * nonce, every state in words with its next step, the bars and their percentages, the sparklines, `-` for no data,
 * the flag, and what keeps it keyboard operable.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SparkPoint } from '../../src/extension/panel/history';
import { buildPanelModel, type PanelModel, type PrometheusStatus } from '../../src/extension/panel/model';
import { contentSecurityPolicy, esc, renderPanelBody, renderPanelHtml, renderSparkline, sparklineRange, sparklineSegments, SPARK_HEIGHT } from '../../src/extension/panel/render';
import { demo, FOUND, HOSTILE, modelOf, NOW, result, snapshot, split, statsOf } from './support';

const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U=';
const CSP_SOURCE = 'vscode-webview://4f2a';

function hostileModel(): PanelModel {
  const s = split(HOSTILE, HOSTILE, [[HOSTILE, 90], [`${HOSTILE}"'&`, 10]], { namespace: HOSTILE, objectNamespace: HOSTILE, weightText: undefined } as never);
  s.backends[0]!.weightText = HOSTILE;
  const r = result([statsOf(s, [{ success: 1, rps: 1, observed: 0.5 }, { success: 0.5, rps: 1, observed: 0.5 }])]);
  const m = buildPanelModel({
    trusted: true, cluster: snapshot([s], { context: HOSTILE, namespace: HOSTILE }), prometheus: FOUND, stats: r, window: HOSTILE, step: 10, now: NOW,
  });
  // Messages of every kind come from the cluster, Prometheus or a file too.
  const errorModel = buildPanelModel({
    trusted: true, cluster: snapshot([s], { state: 'unreachable', message: HOSTILE, nextStep: HOSTILE, server: HOSTILE }), prometheus: FOUND,
    stats: result([], NOW, { kind: 'query-error', message: HOSTILE, query: HOSTILE }), window: '1m', step: 10, now: NOW,
  });
  return { ...m, notices: [...m.notices, ...errorModel.notices] };
}

describe('escaping', () => {
  test('esc covers text and attribute contexts', () => {
    assert.equal(esc(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  test('hostile service names, namespaces, contexts and messages are escaped everywhere', () => {
    const m = hostileModel();
    assert.ok(m.notices.length >= 2, 'the unreachable and query-error notices are rendered too');
    const body = renderPanelBody(m);
    const html = renderPanelHtml({ nonce: NONCE, cspSource: CSP_SOURCE, scriptUri: `${CSP_SOURCE}/dist/panel.js`, initialState: m });
    for (const out of [body, html]) {
      assert.doesNotMatch(out, /<img/i);
      // No tag gets an onerror attribute (quoted attribute values, where escaped names may appear, are blanked first).
      assert.doesNotMatch(out.replace(/"[^"]*"/g, '""'), /<[^>]*\sonerror\s*=/i);
      assert.ok(out.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the name is shown, as text');
    }
    // A quote in a name cannot close an attribute.
    assert.doesNotMatch(body, /data-split="[^"]*"[^ >]*'/);
    for (const attr of body.matchAll(/\s([a-z-]+)="([^"]*)"/g)) assert.doesNotMatch(attr[2]!, /[<>]/, `attribute ${attr[1]} carries raw markup`);
  });

  test('no inline event handlers and no style attributes anywhere (the CSP would block them)', () => {
    const { splits, result: r, history } = demo();
    const body = renderPanelBody(modelOf({ cluster: snapshot(splits), stats: r, history }));
    assert.doesNotMatch(body, /\son[a-z]+=/i);
    assert.doesNotMatch(body, /\sstyle=/i);
  });
});

describe('the document shell', () => {
  const html = renderPanelHtml({ nonce: NONCE, cspSource: CSP_SOURCE, scriptUri: `${CSP_SOURCE}/dist/panel.js`, styleUri: `${CSP_SOURCE}/media/x.css`, initialState: modelOf({}) });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");

  test('a strict CSP: nothing by default, scripts only by nonce, styles by nonce or from the extension', () => {
    assert.ok(csp);
    assert.equal(csp, contentSecurityPolicy(NONCE, CSP_SOURCE));
    assert.equal(csp, `default-src 'none'; img-src ${CSP_SOURCE} data:; style-src ${CSP_SOURCE} 'nonce-${NONCE}'; script-src 'nonce-${NONCE}';`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    // The only sources are the webview's own (cspSource), the nonce and data: images: nothing remote.
    const sources = csp.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1)).filter(Boolean);
    for (const s of sources) assert.ok([CSP_SOURCE, 'data:', `'nonce-${NONCE}'`, "'none'"].includes(s), `unexpected source ${s}`);
    assert.doesNotMatch(csp, /https?:/);
    assert.doesNotMatch(html, /(src|href)="https?:/);
  });

  test('every <script>, <style> and <link> carries the nonce; the script is external', () => {
    const tags = [...html.matchAll(/<(script|style|link)\b[^>]*>/g)].map((m) => m[0]);
    assert.ok(tags.filter((t) => t.startsWith('<script')).length === 1);
    assert.ok(tags.filter((t) => t.startsWith('<style')).length === 1);
    for (const t of tags) assert.ok(t.includes(`nonce="${NONCE}"`), t);
    assert.match(html, new RegExp(`<script nonce="${NONCE}" src="${CSP_SOURCE}/dist/panel.js"></script>`));
  });

  test('a bad nonce or CSP source is refused rather than weakening the policy', () => {
    assert.throws(() => renderPanelHtml({ nonce: 'short', cspSource: CSP_SOURCE, scriptUri: 'x' }), /nonce/);
    assert.throws(() => renderPanelHtml({ nonce: `${NONCE}'`, cspSource: CSP_SOURCE, scriptUri: 'x' }), /nonce/);
    assert.throws(() => renderPanelHtml({ nonce: NONCE, cspSource: "x; script-src 'unsafe-inline'", scriptUri: 'x' }), /CSP source/);
    assert.throws(() => renderPanelHtml({ nonce: NONCE, cspSource: "'unsafe-inline'", scriptUri: 'x' }), /CSP source/);
    assert.throws(() => renderPanelHtml({ nonce: NONCE, cspSource: '*', scriptUri: 'x' }), /CSP source/);
  });

  test("VS Code's own source list ('self' and a CDN host, as code-server gives it) is accepted as is", () => {
    const cdn = "'self' https://*.vscode-cdn.net";
    const page = renderPanelHtml({ nonce: NONCE, cspSource: cdn, scriptUri: 'x' });
    assert.ok(page.includes(`img-src ${cdn.replace(/'/g, '&#39;')} data:`), page.slice(0, 400));
    assert.doesNotMatch(page, /unsafe-inline/);
  });

  test('theme colours come only from VS Code variables', () => {
    const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(html)![1]!;
    assert.doesNotMatch(style, /#[0-9a-f]{3,8}\b|rgb\(|hsl\(/i);
    assert.match(style, /var\(--vscode-foreground\)/);
    assert.match(style, /var\(--vscode-charts-green\)/);
    assert.match(style, /:focus-visible\{outline:2px solid var\(--vscode-focusBorder\)/);
  });
});

describe('states, each in words with a next step', () => {
  const one = [split('web-split', 'web-svc', [['v1', 90], ['v2', 10]])];
  const cases: { name: string; model: PanelModel; state: string; words: RegExp; next: RegExp; buttons?: string[] }[] = [
    {
      name: 'no kubeconfig', state: 'no-kubeconfig',
      model: modelOf({ cluster: { state: 'no-kubeconfig', message: 'No kubeconfig: /root/.kube/config (from the default path) does not exist', splits: [] } }),
      words: /No kubeconfig found\. Set canaryLens\.kubeconfig or KUBECONFIG/, next: /Next step:.*canaryLens\.kubeconfig/, buttons: ['openSettings:canaryLens.kubeconfig'],
    },
    {
      name: 'another kubeconfig problem', state: 'kubeconfig-error',
      model: modelOf({ cluster: { state: 'kubeconfig-error', message: 'The kubeconfig has no context "prod"', nextStep: 'Choose another context.', splits: [] } }),
      words: /The kubeconfig has no context &quot;prod&quot;/, next: /Next step:.*Choose another context/, buttons: ['selectContext'],
    },
    {
      name: 'connecting', state: 'connecting',
      model: modelOf({ cluster: snapshot([], { state: 'connecting', message: 'Connecting…', server: 'https://127.0.0.1:6443' }) }),
      words: /Connecting to the cluster at https:\/\/127\.0\.0\.1:6443/, next: /Next step:.*splits appear/,
    },
    {
      name: 'cluster unreachable', state: 'unreachable',
      model: modelOf({ cluster: snapshot([], { state: 'unreachable', message: 'Cannot reach https://10.0.0.1:6443: connection refused', server: 'https://10.0.0.1:6443' }) }),
      words: /Cluster unreachable: https:\/\/10\.0\.0\.1:6443.*connection refused/s, next: /Next step:.*retries on its own/, buttons: ['reconnect', 'selectContext'],
    },
    {
      name: 'credentials rejected', state: 'unauthorized',
      model: modelOf({ cluster: snapshot([], { state: 'unauthorized', message: 'Unauthorized (401)' }) }),
      words: /rejected the credentials/, next: /Next step:.*Log in again/, buttons: ['reconnect'],
    },
    {
      name: 'forbidden, with verb and resource', state: 'forbidden',
      model: modelOf({ cluster: snapshot([], { state: 'forbidden', message: 'Forbidden: user dev cannot list trafficsplits', forbidden: { verb: 'list', resource: 'trafficsplits.split.smi-spec.io' } }) }),
      words: /Forbidden: cannot list trafficsplits\.split\.smi-spec\.io in namespace emojivoto/, next: /Next step:.*RBAC permission to list trafficsplits\.split\.smi-spec\.io in emojivoto/, buttons: ['selectNamespace'],
    },
    {
      name: 'CRD missing', state: 'crd-missing',
      model: modelOf({ cluster: snapshot([], { state: 'crd-missing', message: 'TrafficSplit CRD not installed: install linkerd-smi' }) }),
      words: /TrafficSplit CRD not installed: install linkerd-smi/, next: /Next step:.*linkerd smi install/,
    },
    {
      name: 'no splits in the namespace', state: 'no-splits',
      model: modelOf({ cluster: snapshot([]) }),
      words: /No TrafficSplit, HTTPRoute or GRPCRoute in namespace emojivoto/, next: /Next step:.*Apply to cluster.*namespace/, buttons: ['selectNamespace'],
    },
    {
      name: 'Prometheus not configured', state: 'prometheus-not-configured',
      model: modelOf({ cluster: snapshot(one), prometheus: { kind: 'not-configured' } }),
      words: /Prometheus not found/, next: /Next step:.*Set canaryLens\.prometheus\.url/, buttons: ['openSettings:canaryLens.prometheus.url'],
    },
    {
      name: 'Linkerd viz not installed', state: 'viz-not-installed',
      model: modelOf({ cluster: snapshot(one), prometheus: failed('viz-not-installed', 'Linkerd viz not installed: no namespace is labelled linkerd.io/extension=viz', 'Install it (linkerd viz install | kubectl apply -f -) or set canaryLens.prometheus.url') }),
      words: /Linkerd viz not installed/, next: /Next step:.*linkerd viz install/, buttons: ['refresh', 'openSettings:canaryLens.prometheus.url'],
    },
    {
      name: 'Prometheus pod not running', state: 'prometheus-pod-not-running',
      model: modelOf({ cluster: snapshot(one), prometheus: failed('prometheus-pod-not-running', 'Prometheus pod not running in linkerd-viz (prometheus-7d is Pending)', 'Check it (kubectl -n linkerd-viz get pods -l component=prometheus)') }),
      words: /Prometheus pod not running.*prometheus-7d is Pending/s, next: /Next step:.*kubectl -n linkerd-viz get pods/, buttons: ['refresh'],
    },
    {
      name: 'Prometheus unreachable at URL', state: 'prometheus-unreachable',
      model: modelOf({ cluster: snapshot(one), stats: result([], NOW, { kind: 'prometheus-unreachable', url: 'http://127.0.0.1:9090', message: 'Prometheus unreachable at http://127.0.0.1:9090: ECONNREFUSED' }) }),
      words: /Prometheus unreachable at http:\/\/127\.0\.0\.1:9090/, next: /Next step:.*canaryLens\.prometheus\.url/, buttons: ['refresh', 'openSettings:canaryLens.prometheus.url'],
    },
    {
      name: 'a query error', state: 'query-error',
      model: modelOf({ cluster: snapshot(one), stats: result([], NOW, { kind: 'query-error', message: 'Prometheus answered 400 (bad_data): parse error', query: 'sum(x' }) }),
      words: /A Prometheus query failed.*parse error.*query: sum\(x/s, next: /Next step:.*canaryLens\.stats\.family/, buttons: ['openSettings:canaryLens.stats', 'showLog'],
    },
    {
      name: 'no traffic yet', state: 'no-traffic',
      model: modelOf({ cluster: snapshot(one), stats: result([statsOf(one[0]!, [{}, {}])]) }),
      words: /No traffic yet.*no requests to these splits in the last 1m/s, next: /Next step:.*Send requests through the apex Service/, buttons: ['refresh'],
    },
    {
      name: 'untrusted workspace', state: 'untrusted',
      model: modelOf({ trusted: false, cluster: snapshot(one) }),
      words: /Cluster access is off in untrusted workspaces/, next: /Next step:.*Trust this workspace/, buttons: ['manageTrust'],
    },
    {
      name: 'the cluster side not linked yet', state: 'not-linked',
      model: modelOf({ cluster: undefined }),
      words: /Waiting for the cluster connection/, next: /Next step:/, buttons: ['showLog'],
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const body = renderPanelBody(c.model);
      const notice = new RegExp(`<div class="cl-notice[^"]*" data-state="${c.state}">([\\s\\S]*?)</div>(?=<div class="cl-notice|</section>)`).exec(body)?.[1];
      assert.ok(notice, `a notice with data-state="${c.state}" in ${body}`);
      assert.match(notice, c.words);
      assert.match(notice, c.next);
      for (const b of c.buttons ?? []) {
        const [cmd, arg] = b.split(':');
        assert.match(notice, new RegExp(`<button type="button" class="cl-button[^"]*" data-cmd="${cmd}"${arg ? ` data-arg="${arg.replace(/\./g, '\\.')}"` : ''}[^>]* aria-label="[^"]+">`), `button ${b}`);
      }
    });
  }

  test('the states render distinctly', () => {
    const states = cases.map((c) => /data-state="([^"]+)"/.exec(renderPanelBody(c.model))?.[1]);
    assert.equal(new Set(states).size, cases.length);
  });
});

function failed(state: 'viz-not-installed' | 'prometheus-pod-not-running', message: string, nextStep: string): PrometheusStatus {
  return { kind: 'failed', failure: { state, message, nextStep } };
}

describe('splits', () => {
  const { splits, result: r, history } = demo();
  const model = modelOf({ cluster: snapshot(splits), stats: r, history });
  const body = renderPanelBody(model);
  const web = /<article class="cl-split cl-split--flagged"[^>]*data-split="TrafficSplit\/emojivoto\/web-split">([\s\S]*?)<\/article>/.exec(body)?.[1];
  const route = /<article class="cl-split"[^>]*data-split="HTTPRoute\/emojivoto\/emoji-route#2">([\s\S]*?)<\/article>/.exec(body)?.[1];

  test('apex, kind, name, namespace, rule', () => {
    assert.ok(web && route);
    assert.match(web, /<span class="cl-kind">TrafficSplit<\/span> <span class="cl-split-name">web-split<\/span>/);
    assert.match(web, /apex <code>web-svc<\/code> · namespace emojivoto · 1\.5 rps/);
    assert.match(route, /<span class="cl-kind">HTTPRoute<\/span> <span class="cl-split-name">emoji-route<\/span> <span class="cl-rule">rule 2<\/span>/);
  });

  test('desired and observed bars with their percentages', () => {
    const rows = [...web!.matchAll(/<div class="cl-bar-row"><span class="cl-bar-label" aria-hidden="true">(desired|observed)<\/span><svg[^>]*aria-label="([^"]*)">(.*?)<\/svg><span class="cl-bar-value">([^<]*)<\/span><\/div>/g)]
      .map((m) => ({ kind: m[1], aria: m[2], width: /cl-bar-fill[^"]*" x="0" y="0" width="([\d.]+)"/.exec(m[3]!)?.[1], label: m[4] }));
    assert.deepEqual(rows, [
      { kind: 'desired', aria: 'web-svc-v1: desired share (weight) 90.0%', width: '90', label: '90.0%' },
      { kind: 'observed', aria: 'web-svc-v1: observed share (traffic) 74.0%', width: '74', label: '74.0%' },
      { kind: 'desired', aria: 'web-svc-v2: desired share (weight) 10.0%', width: '10', label: '10.0%' },
      { kind: 'observed', aria: 'web-svc-v2: observed share (traffic) 26.0%', width: '26', label: '26.0%' },
    ]);
  });

  test('the flagged backends are marked and explained', () => {
    assert.match(web!, /<span class="cl-tag cl-tag--flagged" aria-label="2 backends off their weight">⚠ not honoured<\/span>/);
    const flags = [...web!.matchAll(/<p class="cl-flag" data-flagged="true">.*?<\/span> ([^<]*)<\/p>/g)].map((m) => m[1]);
    assert.deepEqual(flags, [
      'observed 74% vs desired 90%: the mesh is not honouring this split',
      'observed 26% vs desired 10%: the mesh is not honouring this split',
    ]);
    assert.match(web!, /cl-bar-fill cl-bar-fill--observed cl-bar-fill--flagged/);
    assert.doesNotMatch(route!, /cl-flag|cl-tag--flagged/);
  });

  test('success rate, RPS and P50/P95/P99; `-` where there is no data', () => {
    const metrics = (html: string) => [...html.matchAll(/<dt title="[^"]*">([^<]*)<\/dt><dd aria-label="[^"]*">([^<]*)<\/dd>/g)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(metrics(web!), [
      // Measured by the route family (test/panel/support.ts): timeouts too, `-` when none were classified.
      'success 99.12%', 'RPS 1.1 rps', 'P50 3 ms', 'P95 9 ms', 'P99 20 ms', 'timeouts -',
      'success 94.12%', 'RPS 0.4 rps', 'P50 4 ms', 'P95 14 ms', 'P99 48 ms', 'timeouts -',
    ]);
    assert.match(web!, /<span class="cl-family" data-family="route">route metrics<\/span>/);
    assert.deepEqual(metrics(route!), Array(2).fill(['success -', 'RPS -', 'P50 -', 'P95 -', 'P99 -', 'timeouts -']).flat());
    assert.match(route!, /<dd aria-label="latency P99 no data">-<\/dd>/);
    // Observed share unknown: a dash and no fill.
    assert.match(route!, /aria-label="emoji-v1: observed share \(traffic\) -"><rect class="cl-bar-track"[^>]*\/><\/svg><span class="cl-bar-value">-<\/span>/);
  });

  test('buttons per split: open, shift → canary, promote, roll back, apply; real buttons with labels', () => {
    const buttons = [...web!.matchAll(/<button type="button" class="[^"]*" data-op="([a-z]+)" data-split="([^"]*)" data-focus="[^"]*" aria-label="([^"]*)" title="[^"]*">([^<]*)<\/button>/g)]
      .map((m) => [m[1], m[2], m[4]]);
    assert.deepEqual(buttons, [
      ['open', 'TrafficSplit/emojivoto/web-split', 'Open manifest'],
      ['shift', 'TrafficSplit/emojivoto/web-split', 'Shift 10% → web-svc-v2'],
      ['promote', 'TrafficSplit/emojivoto/web-split', 'Promote web-svc-v2'],
      ['rollback', 'TrafficSplit/emojivoto/web-split', 'Roll back web-svc-v2'],
      ['apply', 'TrafficSplit/emojivoto/web-split', 'Apply…'],
    ]);
    assert.match(web!, /aria-label="Shift 10% of the traffic of TrafficSplit web-split toward web-svc-v2 in the manifest \(then Apply\)"/);
    // Every button of the panel is a <button type="button"> with an aria-label and a focus key.
    for (const b of body.matchAll(/<button\b[^>]*>/g)) {
      assert.match(b[0], /^<button type="button" /);
      assert.match(b[0], / aria-label="[^"]+"/);
      assert.match(b[0], / data-focus="[^"]+"/);
    }
    const focusKeys = [...body.matchAll(/data-focus="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(focusKeys).size, focusKeys.length, 'focus keys are unique');
  });

  test('a sparkline of success rate and RPS over the last 10 minutes per backend', () => {
    const sparks = [...web!.matchAll(/<svg class="cl-spark cl-spark--(success|rps)" viewBox="0 0 100 20" preserveAspectRatio="none" role="img" aria-label="([^"]*)">/g)];
    assert.equal(sparks.length, 4);
    assert.match(sparks[0]![2]!, /^success, last 10 minutes: from 99\.5% to 99\.1%, between 98\.5% and 99\.5%$/);
    assert.match(sparks[1]![2]!, /^RPS, last 10 minutes: from 1\.1 rps to 1\.1 rps/);
    // The canary's success line has a gap (no data for a while): two polylines.
    const canarySuccess = /<svg class="cl-spark cl-spark--success"[^>]*aria-label="success, last 10 minutes[^"]*">([\s\S]*?)<\/svg>/g;
    const all = [...web!.matchAll(canarySuccess)].map((m) => (m[1]!.match(/<polyline /g) ?? []).length);
    assert.deepEqual(all, [1, 2]);
    assert.match(route!, /aria-label="success, last 10 minutes: no data yet"/);
  });

  test('header: context, namespace, Prometheus, family, window, time', () => {
    assert.match(body, /<p class="cl-where">context <b>kind-canary<\/b> · namespace <b>emojivoto<\/b><\/p>/);
    assert.match(body, /<p class="cl-meta">Prometheus http:\/\/127\.0\.0\.1:9090 \(setting\) · route metrics · window 1m · updated \d\d:\d\d:\d\d<\/p>/);
  });

  test('a backend the mesh never serves, and the route numbers after retries', () => {
    const s = split('canary', 'shop', [['shop-v1', 50], ['shop-v2', 50]]);
    const st = statsOf(s, [{ success: 1, rps: 2, observed: 1 }, {}]);
    st.backends[1] = { ...st.backends[1]!, observedShare: 0, flagged: true, flag: 'no-series' };
    st.route = {
      successCount: 96, failureCount: 4, success: 0.96, rps: 1.6, latencyMs: { p50: 3, p95: 9, p99: 12 },
      timeoutCount: 1, timeouts: 0.01, retryCount: 12, retries: 12 / 112, hasData: true,
    };
    const html = renderPanelBody(modelOf({ cluster: snapshot([s]), stats: result([{ ...st, flagged: true }]) }));
    assert.match(html, /observed 0% vs desired 50%: not one request reached shop-v2 while the split serves traffic; the mesh is not honouring this split/);
    assert.match(html, /route \(after retries\): success 96\.00%, timeouts 1\.00%, retries <span class="cl-retries">10\.71%<\/span>/);
  });

  test('a split no family can measure says why instead of "no traffic"', () => {
    const s = split('cart-route', 'cart', [['cart-v1', 90], ['cart-v2', 10]], { kind: 'HTTPRoute' });
    const st = { ...statsOf(s, [{}, {}]), family: null, unmeasured: 'no route metrics for this HTTPRoute; the authority metrics of apex cart cannot tell it from the other splits on that apex' };
    const html = renderPanelBody(modelOf({ cluster: snapshot([s]), stats: result([st]) }));
    assert.match(html, /<span class="cl-unmeasured">not measured: no route metrics for this HTTPRoute; the authority metrics of apex cart cannot tell it/);
    assert.doesNotMatch(html, /· no traffic/);
  });

  test('a result for other weights than the live ones is not shown against them', () => {
    const changed = splits.map((s) => (s.name === 'web-split' ? { ...s, backends: s.backends.map((b, i) => ({ ...b, weight: i === 0 ? 50 : 50 })) } : s));
    const m = modelOf({ cluster: snapshot(changed), stats: r, history });
    const web2 = m.splits.find((s) => s.name === 'web-split')!;
    assert.deepEqual(web2.backends.map((b) => [b.desiredShare, b.observedShare, b.flagged]), [[0.5, null, false], [0.5, null, false]]);
    assert.equal(web2.hasTraffic, null);
  });
});

describe('sparklines', () => {
  test('points: time across, value up; RPS from 0 to the maximum, success from its floor to 100%', () => {
    const pts: SparkPoint[] = [
      { t: 1000, success: 1, rps: 2 },
      { t: 1300, success: 0.5, rps: 1 },
      { t: 1600, success: 0, rps: 0 },
    ];
    assert.deepEqual(sparklineSegments(pts, 'success', 1000, 1600), [`0,1 50,${SPARK_HEIGHT / 2} 100,19`]);
    assert.deepEqual(sparklineSegments(pts, 'rps', 1000, 1600), ['0,1 50,10 100,19']);
    // Rates that stay high are drawn on 90..100%, so a dip of a few points shows.
    const high: SparkPoint[] = [{ t: 0, success: 1, rps: 1 }, { t: 300, success: 0.95, rps: 1 }, { t: 600, success: 0.9, rps: 1 }];
    assert.deepEqual(sparklineSegments(high, 'success', 0, 600), ['0,1 50,10 100,19']);
    assert.deepEqual(sparklineRange([0.97, 0.99], 'success'), { lo: 0.9, hi: 1 });
    assert.deepEqual(sparklineRange([0.84, 0.99], 'success'), { lo: 0.8, hi: 1 });
    assert.deepEqual(sparklineRange([0.5], 'success'), { lo: 0.5, hi: 1 });
    assert.deepEqual(sparklineRange([], 'rps'), { lo: 0, hi: 0 });
    assert.match(renderSparkline(high, 'success', 0, 600, 'success'), /<span class="cl-spark-scale" aria-hidden="true">90–100%<\/span>/);
  });

  test('nulls break the line, points outside the window are left out', () => {
    const pts: SparkPoint[] = [
      { t: 900, success: 1, rps: 1 },
      { t: 1000, success: 1, rps: 1 },
      { t: 1100, success: 1, rps: 1 },
      { t: 1200, success: null, rps: null },
      { t: 1300, success: 0.5, rps: 1 },
    ];
    assert.deepEqual(sparklineSegments(pts, 'success', 1000, 1400), ['0,1 25,1', '75,19']);
  });

  test('an empty history is an empty line', () => {
    assert.deepEqual(sparklineSegments([], 'rps', 0, 600), []);
  });
});
