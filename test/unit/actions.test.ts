import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, type CodeAction, type Diagnostic, type Position } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { applyTextEdits, editsOf } from '../support/edits';
import { documents, trafficSplit } from '../support/manifests';
import { at } from '../support/text';

const URI = 'file:///work/canary.yaml';
const SERVICES_URI = 'file:///work/services.yaml';

/** Services of the emojivoto namespace: web-svc has an admin port first, web-svc-2 only 8080. */
const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: web-apex, namespace: emojivoto}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web-svc, namespace: emojivoto}
spec:
  selector: {app: web-svc}
  ports: [{name: admin, port: 9990}, {name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web-svc-2, namespace: emojivoto}
spec:
  selector: {app: web-svc-2}
  ports: [{name: http, port: 8080}]
`;

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

function service(text: string, withServices = true): LanguageService {
  const ls = new LanguageService();
  if (withServices) ls.setFile(SERVICES_URI, SERVICES);
  ls.setFile(URI, text);
  ls.index.indexSome(Infinity);
  return ls;
}

function diagnostic(ls: LanguageService, code: string, nth = 0): Diagnostic {
  const d = ls.diagnostics(URI).filter((x) => x.code === code)[nth];
  assert.ok(d, `a ${code} diagnostic (#${nth})`);
  return d;
}

/** The quick fixes for one diagnostic, as a client asks for them (range = the diagnostic's). */
function fixesFor(ls: LanguageService, d: Diagnostic): CodeAction[] {
  return ls.codeActions(URI, d.range, [d]).filter((a) => a.kind === CodeActionKind.QuickFix);
}

function actionsAt(ls: LanguageService, position: Position): CodeAction[] {
  return ls.codeActions(URI, { start: position, end: position }, []);
}

function only(actions: CodeAction[], title: RegExp): CodeAction {
  const found = actions.filter((a) => title.test(a.title));
  assert.equal(found.length, 1, `one action matching ${title} in ${JSON.stringify(actions.map((a) => a.title))}`);
  return found[0]!;
}

function apply(text: string, action: CodeAction): string {
  return applyTextEdits(text, editsOf(action, URI));
}

/** After a fix, the diagnostic it addressed is gone. */
function assertGone(text: string, code: string, withServices = true): void {
  assert.deepEqual(service(text, withServices).diagnostics(URI).filter((d) => d.code === code), []);
}

const TS_V1ALPHA2 = `# Canary for the web front end.
---
# The split, as in the Linkerd walkthrough.
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: web-svc-ts
  namespace: emojivoto
  labels:
    app: web
spec:
  # The root service that clients use to reach the application.
  service: web-apex
  backends:
    - service: web-svc
      weight: 900 # the current version
    - service: web-svc-2
      weight: 300 # the canary
# trailing note
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web-route
  namespace: emojivoto
spec:
  parentRefs:
    - {name: web-apex, kind: Service, group: core, port: 80}
  rules:
    - matches: [{path: {type: PathPrefix, value: /api}}]
      backendRefs:
        - name: web-svc
          port: 80
          weight: 50
        - name: web-svc-2
          port: 8080
          weight: 50
    - backendRefs:
        - name: web-svc
          port: 80
          weight: 3
        - name: web-svc-2
          port: 8080
`;

describe('normalise weights', () => {
  test('TrafficSplit: the configured total first, then 1000; the result is exact', () => {
    const ls = service(TS_V1ALPHA2);
    const actions = actionsAt(ls, at(TS_V1ALPHA2, 'weight: 900'));
    const normalise = actions.filter((a) => a.title.startsWith('Normalise'));
    assert.deepEqual(normalise.map((a) => a.title), ['Normalise weights to a total of 100', 'Normalise weights to a total of 1000']);
    assert.ok(normalise.every((a) => a.kind === CodeActionKind.RefactorRewrite && !a.isPreferred));
    assert.equal(apply(TS_V1ALPHA2, normalise[0]!), TS_V1ALPHA2.replace('weight: 900 #', 'weight: 75 #').replace('weight: 300 #', 'weight: 25 #'));
    assert.equal(apply(TS_V1ALPHA2, normalise[1]!), TS_V1ALPHA2.replace('weight: 900 #', 'weight: 750 #').replace('weight: 300 #', 'weight: 250 #'));
  });

  test('the setting decides the order; a split already at a total is not offered it', () => {
    const ls = service(TS_V1ALPHA2);
    ls.settings = { ...ls.settings, normalizeTotal: 1000 };
    // Rule 1 of the HTTPRoute sums to 100: only 1000 is offered.
    const rule1 = actionsAt(ls, at(TS_V1ALPHA2, 'weight: 50')).filter((a) => a.title.startsWith('Normalise'));
    assert.deepEqual(rule1.map((a) => a.title), ['Normalise weights to a total of 1000']);
    const text = apply(TS_V1ALPHA2, rule1[0]!);
    assert.equal(text, TS_V1ALPHA2.replace('          weight: 50\n        - name: web-svc-2\n          port: 8080\n          weight: 50\n',
      '          weight: 500\n        - name: web-svc-2\n          port: 8080\n          weight: 500\n'));
  });

  test('HTTPRoute rule under the cursor only, inserting the default weight it relied on', () => {
    const ls = service(TS_V1ALPHA2);
    const action = only(actionsAt(ls, at(TS_V1ALPHA2, 'weight: 3\n')), /total of 100$/);
    assert.equal(apply(TS_V1ALPHA2, action), `${TS_V1ALPHA2.slice(0, -1).replace('weight: 3\n', 'weight: 75\n')}\n          weight: 25\n`);
  });

  test('v1alpha1: totals in milli, each weight in its own style', () => {
    const text = 'apiVersion: split.smi-spec.io/v1alpha1\nkind: TrafficSplit\nmetadata: {name: q}\nspec:\n  service: apex\n  backends:\n    - service: a\n      weight: 1\n    - service: b\n      weight: "3"\n';
    const ls = service(text, false);
    const action = only(actionsAt(ls, at(text, 'service: apex')), /total of 1000m$/);
    assert.equal(apply(text, action), text.replace('weight: 1\n', 'weight: 250m\n').replace('weight: "3"', 'weight: "750m"'));
  });

  test('not offered when a weight cannot be rewritten', () => {
    const text = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: q}\nspec:\n  service: apex\n  backends:\n    - service: a\n      weight: &w 3\n    - service: b\n      weight: *w\n';
    assert.deepEqual(actionsAt(service(text, false), at(text, 'weight: &w')).filter((a) => a.title.startsWith('Normalise')), []);
  });
});

describe('fix all-zero weights', () => {
  const ZERO = `apiVersion: v1
kind: Namespace
metadata: {name: emojivoto}
---
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: zero
  namespace: emojivoto
spec:
  service: web-apex
  backends:
  - service: web-svc
    weight: 0
  - service: web-svc-2
    weight: 0   # off
---
apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata: {name: zero-q, namespace: emojivoto}
spec:
  service: web-apex
  backends: [{service: web-svc, weight: 0m}, {service: web-svc-2, weight: '0'}]
---
apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata: {name: zero-w, namespace: emojivoto}
spec:
  service: web-apex
  backends: [{service: web-svc, weight: "0"}, {service: web-svc-2, weight: 0m}]
`;

  test('integer units: the first backend gets 100', () => {
    const ls = service(ZERO);
    const d = diagnostic(ls, 'weights-all-zero', 0);
    const fix = only(fixesFor(ls, d), /^Give web-svc the whole weight$/);
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, [d]);
    const out = apply(ZERO, fix);
    assert.equal(out, ZERO.replace('    weight: 0\n', '    weight: 100\n'));
    assertGone(out.split('---\n')[1]!, 'weights-all-zero');
  });

  test('v1alpha1: 1000m in the first backend\'s style (milli stays milli, whole becomes 1)', () => {
    const ls = service(ZERO);
    const milli = only(fixesFor(ls, diagnostic(ls, 'weights-all-zero', 1)), /whole weight/);
    assert.equal(apply(ZERO, milli), ZERO.replace('{service: web-svc, weight: 0m}', '{service: web-svc, weight: 1000m}'));
    const whole = only(fixesFor(ls, diagnostic(ls, 'weights-all-zero', 2)), /whole weight/);
    assert.equal(apply(ZERO, whole), ZERO.replace('{service: web-svc, weight: "0"}', '{service: web-svc, weight: "1"}'));
  });
});

describe('remove a duplicate backend', () => {
  const DUP = `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: dup, namespace: emojivoto}
spec:
  service: web-apex
  backends:
    - service: web-svc
      weight: 500
    # the canary, twice
    - service: web-svc-2   # first
      weight: 250
    - service: web-svc-2   # second
      weight: 250
    - service: web-svc
      weight: 0
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: dup-route, namespace: emojivoto}
spec:
  parentRefs: [{name: web-apex, kind: Service, group: core, port: 80}]
  rules:
    - backendRefs: [{name: web-svc, port: 80}, {name: web-svc, port: 80, weight: 2}, {name: web-svc-2, port: 8080}]
`;

  test('block sequence: the item\'s whole lines go, the rest stays', () => {
    const ls = service(DUP);
    const first = diagnostic(ls, 'duplicate-backend', 0);
    const fix = only(fixesFor(ls, first), /^Remove duplicate backend web-svc-2$/);
    assert.equal(fix.isPreferred, true);
    assert.equal(apply(DUP, fix), DUP.replace('    - service: web-svc-2   # second\n      weight: 250\n', ''));
    const second = only(fixesFor(ls, diagnostic(ls, 'duplicate-backend', 1)), /web-svc$/);
    assert.equal(apply(DUP, second), DUP.replace('    - service: web-svc\n      weight: 0\n', ''));
  });

  test('flow sequence: the item and its comma', () => {
    const ls = service(DUP);
    const fix = only(fixesFor(ls, diagnostic(ls, 'duplicate-backend', 2)), /web-svc$/);
    const out = apply(DUP, fix);
    assert.equal(out, DUP.replace(', {name: web-svc, port: 80, weight: 2}', ''));
    assert.equal(service(out).diagnostics(URI).filter((d) => d.code === 'duplicate-backend').length, 2, 'the TrafficSplit\'s two remain');
  });

  test('CRLF', () => {
    const text = crlf(DUP);
    const ls = service(text);
    const fix = only(fixesFor(ls, diagnostic(ls, 'duplicate-backend', 0)), /web-svc-2$/);
    assert.equal(apply(text, fix), text.replace('    - service: web-svc-2   # second\r\n      weight: 250\r\n', ''));
  });

  test('a diagnostic from an older text gets no fix', () => {
    const ls = service(DUP);
    const d = diagnostic(ls, 'duplicate-backend', 0);
    const stale = { ...d, range: { start: { ...d.range.start, line: d.range.start.line + 1 }, end: { ...d.range.end, line: d.range.end.line + 1 } } };
    assert.deepEqual(fixesFor(ls, stale), []);
  });
});

describe('migrate v1alpha1 to v1alpha2', () => {
  const Q = `---
# quantities
apiVersion: "split.smi-spec.io/v1alpha1"
kind: TrafficSplit
metadata: {name: q, namespace: emojivoto}
spec:
  service: web-apex
  backends:
    - service: web-svc
      weight: 500m # half
    - service: web-svc-2
      weight: "250m"
    - service: web-apex
      weight: 1
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
`;

  test('apiVersion (quoting kept) and every weight to the same integer; one edit', () => {
    const ls = service(Q);
    const action = only(actionsAt(ls, at(Q, 'kind: TrafficSplit')), /^Migrate to split\.smi-spec\.io\/v1alpha2/);
    assert.equal(action.kind, CodeActionKind.RefactorRewrite);
    const out = apply(Q, action);
    assert.equal(out, Q
      .replace('"split.smi-spec.io/v1alpha1"', '"split.smi-spec.io/v1alpha2"')
      .replace('weight: 500m # half', 'weight: 500 # half')
      .replace('weight: "250m"', 'weight: 250')
      .replace('weight: 1\n', 'weight: 1000\n'));
    assertGone(out, 'weight-invalid');
    assertGone(out, 'schema');
  });

  test('not offered on v1alpha2', () => {
    const ls = service(TS_V1ALPHA2);
    assert.deepEqual(actionsAt(ls, at(TS_V1ALPHA2, 'kind: TrafficSplit')).filter((a) => a.title.startsWith('Migrate')), []);
  });
});

describe('convert a TrafficSplit to an HTTPRoute', () => {
  const CONVERTED = `# Canary for the web front end.
---
# The split, as in the Linkerd walkthrough.
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web-svc-ts
  namespace: emojivoto
  labels:
    app: web
spec:
  parentRefs:
    - name: web-apex
      kind: Service
      group: core
      port: 80
  rules:
    - backendRefs:
        - name: web-svc
          port: 80
          weight: 900
        - name: web-svc-2
          port: 80
          weight: 300
# trailing note
---
`;

  test('quick fix of the deprecation hint: the document is replaced, its comments and the other documents stay', () => {
    const ls = service(TS_V1ALPHA2);
    const d = diagnostic(ls, 'trafficsplit-deprecated');
    const fix = only(fixesFor(ls, d), /^Convert TrafficSplit web-svc-ts to HTTPRoute/);
    assert.equal(fix.isPreferred, true);
    const out = apply(TS_V1ALPHA2, fix);
    assert.equal(out, CONVERTED + TS_V1ALPHA2.slice(TS_V1ALPHA2.indexOf('---\napiVersion: gateway') + 4));
    const after = service(out).diagnostics(URI);
    assert.deepEqual(after.filter((x) => x.severity === 1), [], 'no errors after the conversion');
  });

  test('offered once: as a refactor without the diagnostic, as the quick fix with it', () => {
    const ls = service(TS_V1ALPHA2);
    const refactor = only(actionsAt(ls, at(TS_V1ALPHA2, 'service: web-apex')), /^Convert/);
    assert.equal(refactor.kind, CodeActionKind.RefactorRewrite);
    const d = diagnostic(ls, 'trafficsplit-deprecated');
    const all = ls.codeActions(URI, d.range, [d]).filter((a) => a.title.startsWith('Convert'));
    assert.deepEqual(all.map((a) => a.kind), [CodeActionKind.QuickFix]);
    assert.equal(apply(TS_V1ALPHA2, refactor), apply(TS_V1ALPHA2, all[0]!));
  });

  test('v1alpha1 quantities become milli integers; unknown Services leave ports out; matches are noted; CRLF', () => {
    const text = crlf(`apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata:
  name: shop
spec:
  service: shop
  backends:
  - service: shop-v1
    weight: 1
  - service: shop-v2
    weight: 500m
---
apiVersion: split.smi-spec.io/v1alpha3
kind: TrafficSplit
metadata: {name: m}
spec:
  service: shop
  matches: [{kind: HTTPRouteGroup, name: g}]
  backends: [{service: shop-v1, weight: 1}]
`);
    const ls = service(text, false);
    const first = only(actionsAt(ls, at(text, 'service: shop-v1')), /^Convert/);
    assert.equal(apply(text, first), crlf(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
spec:
  parentRefs:
    - name: shop
      kind: Service
      group: core
  rules:
    - backendRefs:
        - name: shop-v1
          weight: 1000
        - name: shop-v2
          weight: 500
---
`) + text.slice(text.indexOf('---\r\n') + 5));
    const second = only(actionsAt(ls, at(text, 'name: m')), /^Convert/);
    assert.equal(apply(text, second), text.slice(0, text.indexOf('---\r\n') + 5) + crlf(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: m
spec:
  parentRefs:
    - name: shop
      kind: Service
      group: core
  # The TrafficSplit's matches (HTTPRouteGroups) were not converted: add HTTPRoute matches if you need them.
  rules:
    - backendRefs:
        - name: shop-v1
          weight: 1
`));
  });

  test('not offered on an HTTPRoute', () => {
    const ls = service(TS_V1ALPHA2);
    assert.deepEqual(actionsAt(ls, at(TS_V1ALPHA2, 'name: web-route')).filter((a) => a.title.startsWith('Convert')), []);
  });
});

describe('add the missing port to a backendRef', () => {
  const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ports
  namespace: emojivoto
spec:
  parentRefs:
    - name: web-apex
      kind: Service
      group: core
  rules:
    - backendRefs:
        - name: web-svc   # stable
          weight: 9
        - {name: web-svc-2, weight: 1}
        - name: ghost
`;

  test('the apex port when the Service has it, after the name line', () => {
    const ls = service(ROUTE);
    const fix = only(fixesFor(ls, diagnostic(ls, 'backend-ref-port-missing', 0)), /^Add port: 80 \(from Service web-svc\)$/);
    assert.equal(fix.isPreferred, true);
    assert.equal(apply(ROUTE, fix), ROUTE.replace('- name: web-svc   # stable\n', '- name: web-svc   # stable\n          port: 80\n'));
  });

  test('else the Service\'s first port; flow maps get it after the name', () => {
    const ls = service(ROUTE);
    const fix = only(fixesFor(ls, diagnostic(ls, 'backend-ref-port-missing', 1)), /^Add port: 8080/);
    const out = apply(ROUTE, fix);
    assert.equal(out, ROUTE.replace('{name: web-svc-2, weight: 1}', '{name: web-svc-2, port: 8080, weight: 1}'));
    assert.equal(service(out).diagnostics(URI).filter((d) => d.code === 'backend-ref-port-missing').length, 2);
  });

  test('the parentRef\'s port wins over the apex Service\'s ports', () => {
    const text = ROUTE.replace('      group: core\n', '      group: core\n      port: 9990\n');
    const ls = service(text);
    const fix = only(fixesFor(ls, diagnostic(ls, 'backend-ref-port-missing', 0)), /^Add port: 9990/);
    assert.equal(apply(text, fix), text.replace('# stable\n', '# stable\n          port: 9990\n'));
  });

  test('not offered when the Service is unknown', () => {
    const ls = service(ROUTE);
    assert.deepEqual(fixesFor(ls, diagnostic(ls, 'backend-ref-port-missing', 2)), []);
  });
});

describe('create a stub Service', () => {
  // The route is the last document, without a final line break.
  const MISSING = documents(trafficSplit({ backends: ['web-svc=900', 'web-svc-3=100'] }), `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: emojivoto}
spec:
  parentRefs: [{name: web-apex, kind: Service, group: core, port: 80}]
  rules:
    - backendRefs: [{name: web-svc-4, port: 8081, weight: 1}]`);

  test('after the document, with the apex port', () => {
    const ls = service(MISSING);
    const d = diagnostic(ls, 'service-not-found', 0);
    const fix = only(fixesFor(ls, d), /^Create Service web-svc-3 in emojivoto$/);
    assert.equal(fix.isPreferred, undefined);
    const stub = `---
apiVersion: v1
kind: Service
metadata:
  name: web-svc-3
  namespace: emojivoto
spec:
  selector:
    app: web-svc-3
  ports:
    - name: http
      port: 80
`;
    const out = apply(MISSING, fix);
    assert.equal(out, MISSING.replace('---\n', `${stub}---\n`));
    assert.deepEqual(service(out).diagnostics(URI).filter((x) => x.code === 'service-not-found').map((x) => x.message), [
      diagnostic(ls, 'service-not-found', 1).message,
    ]);
  });

  test('the backendRef\'s port; after a last document without a final line break; CRLF', () => {
    const text = crlf(MISSING);
    const ls = service(text);
    const fix = only(fixesFor(ls, diagnostic(ls, 'service-not-found', 1)), /^Create Service web-svc-4/);
    assert.equal(apply(text, fix), `${text}\r\n` + crlf(`---
apiVersion: v1
kind: Service
metadata:
  name: web-svc-4
  namespace: emojivoto
spec:
  selector:
    app: web-svc-4
  ports:
    - name: http
      port: 8081
`));
  });

  test('a missing apex in a document without a namespace: no namespace written, a backend Service\'s port', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 8080}]
---
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: t}
spec:
  service: apex
  backends: [{service: web, weight: 1}]
`;
    const ls = service(text, false);
    const fix = only(fixesFor(ls, diagnostic(ls, 'service-not-found')), /^Create Service apex$/);
    assert.equal(apply(text, fix), `${text}---
apiVersion: v1
kind: Service
metadata:
  name: apex
spec:
  selector:
    app: apex
  ports:
    - name: http
      port: 8080
`);
  });
});

describe('code actions in general', () => {
  test('diagnostics of another source are ignored; a non-split document offers nothing', () => {
    const ls = service(TS_V1ALPHA2);
    const d = diagnostic(ls, 'trafficsplit-deprecated');
    assert.deepEqual(ls.codeActions(URI, d.range, [{ ...d, source: 'yaml' }]).filter((a) => a.kind === CodeActionKind.QuickFix), []);
    assert.deepEqual(actionsAt(ls, at(TS_V1ALPHA2, '# Canary')), []);
  });

  test('every action edits only this file, without overlapping edits', () => {
    const ls = service(TS_V1ALPHA2);
    const ds = ls.diagnostics(URI);
    for (const line of [3, 14, 20, 33, 40]) {
      for (const a of ls.codeActions(URI, { start: { line, character: 4 }, end: { line, character: 4 } }, ds)) {
        assert.doesNotThrow(() => apply(TS_V1ALPHA2, a), a.title);
      }
    }
  });
});
