/**
 * The editor features on a GRPCRoute (completion, hover, lenses, code actions, outline, navigation), and the
 * conversion of a TrafficSplit whose apex port speaks gRPC into a GRPCRoute.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, type CodeAction, type CompletionItem, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { buildClusterFacts } from '../../src/cluster/facts';
import { LanguageService } from '../../src/service/languageService';
import { portProtocol } from '../../src/service/workspace/context';
import type { ClusterFacts } from '../../src/service/workspace/workspaceIndex';
import { applyTextEdits, editsOf } from '../support/edits';
import { documents, grpcRoute, service, trafficSplit, type Value } from '../support/manifests';
import { at, rangeOf } from '../support/text';

const URI = 'file:///ws/route.yaml';
const SERVICES_URI = 'file:///ws/services.yaml';

/** The apex speaks gRPC on 8080 (a port named grpc); the backends listen on 8080 and, for web-svc, an admin port first. */
const SERVICES = documents(
  service({ name: 'web-apex', ports: [{ name: 'grpc', port: 8080 }] }),
  service({ name: 'web-svc', selector: 'web-svc', ports: [{ name: 'admin', port: 9990 }, { name: 'grpc', port: 8080 }] }),
  service({ name: 'web-svc-2', selector: 'web-svc-2', ports: [{ name: 'grpc', port: 8080 }] }),
);

const ROUTE = grpcRoute({
  apex: { name: 'web-apex', port: 8080 },
  rules: [{
    matches: [{ method: { service: 'emojivoto.v1.EmojiService', method: 'ListAll' } }],
    backendRefs: [{ name: 'web-svc', port: 8080, weight: 90 }, { name: 'web-svc-2', port: 8080, weight: 10 }],
  }],
});

/** A service over `text` and `services` (null: no Services file). */
function serviceOver(text: string, services: string | null = SERVICES, cluster?: ClusterFacts): LanguageService {
  const ls = new LanguageService();
  if (services !== null) ls.setFile(SERVICES_URI, services);
  ls.setFile(URI, text, 1);
  if (cluster) ls.setClusterFacts(cluster);
  ls.index.indexSome(Infinity);
  return ls;
}

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);
const hoverText = (ls: LanguageService, text: string, needle: string, delta = 0): string => {
  const h = ls.hover(URI, at(text, needle, 0, delta));
  const c = h?.contents;
  return c && typeof c === 'object' && 'value' in c ? c.value : '';
};

function editsIn(edit: WorkspaceEdit): TextEdit[] {
  if (edit.changes) return edit.changes[URI] ?? [];
  const change = edit.documentChanges?.[0];
  assert.ok(change && 'edits' in change);
  return change.edits as TextEdit[];
}

function only(actions: CodeAction[], title: RegExp): CodeAction {
  const found = actions.filter((a) => title.test(a.title));
  assert.equal(found.length, 1, `one action matching ${title} in ${JSON.stringify(actions.map((a) => a.title))}`);
  return found[0]!;
}

describe('GRPCRoute: completion', () => {
  test('a new document offers the GRPCRoute snippet, which has no diagnostics once filled in', () => {
    const ls = serviceOver('');
    const snippet = ls.completion(URI, { line: 0, character: 0 }).find((i) => i.label === 'GRPCRoute canary');
    assert.ok(snippet?.textEdit && 'newText' in snippet.textEdit, 'the GRPCRoute snippet');
    // Filled in with its defaults, as a client would insert it.
    const filled = snippet.textEdit.newText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace('$0', '')
      .replace('namespace: default', 'namespace: emojivoto').replace(/stable/g, 'web-svc').replace(/canary/g, 'web-svc-2').replace(/apex/g, 'web-apex');
    assert.match(filled, /^apiVersion: gateway\.networking\.k8s\.io\/v1\nkind: GRPCRoute\n/);
    assert.deepEqual(serviceOver(filled).diagnostics(URI).map((d) => d.code), []);
  });

  test('kind values under gateway.networking.k8s.io/v1 include GRPCRoute; its apiVersions are offered for it', () => {
    const head = 'apiVersion: gateway.networking.k8s.io/v1\nkind: \n';
    const kinds = labels(serviceOver(head).completion(URI, { line: 1, character: 6 }));
    assert.deepEqual(kinds.sort(), ['GRPCRoute', 'HTTPRoute']);
    const versions = serviceOver('kind: GRPCRoute\napiVersion: \n').completion(URI, { line: 1, character: 12 });
    assert.deepEqual(labels(versions), ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2']);
    assert.ok(versions.every((v) => v.detail === 'GRPCRoute'));
  });

  test('keys of a gRPC match and of its method; method types; the ports of the Service named', () => {
    const text = ROUTE.replace('        - method:\n            service: emojivoto.v1.EmojiService\n            method: ListAll\n', '        - \n');
    const matchKeys = labels(serviceOver(text).completion(URI, at(text, '        - \n', 0, 10)));
    assert.deepEqual(matchKeys.sort(), ['headers', 'method'], 'no HTTP keys (path, queryParams)');
    const inMethod = ROUTE.replace('            method: ListAll\n', '            \n');
    assert.deepEqual(labels(serviceOver(inMethod).completion(URI, at(inMethod, '            \n', 0, 12))).sort(), ['method', 'type']);
    const methodText = ROUTE.replace('method: ListAll', 'type: ');
    const types = labels(serviceOver(methodText).completion(URI, at(methodText, 'type: ', 0, 6)));
    assert.deepEqual(types, ['Exact', 'RegularExpression']);
    const portText = ROUTE.replace('port: 8080\n          weight: 90', 'port: \n          weight: 90');
    const ports = labels(serviceOver(portText).completion(URI, at(portText, 'port: \n', 0, 6)));
    assert.deepEqual(ports, ['9990', '8080'], 'the ports of web-svc');
  });
});

describe('GRPCRoute: hover, outline, navigation', () => {
  test('hover: the schema on match keys, the share on a weight', () => {
    const ls = serviceOver(ROUTE);
    assert.match(hoverText(ls, ROUTE, 'method:'), /gRPC request service\/method matcher/);
    assert.match(hoverText(ls, ROUTE, 'service: emojivoto'), /Value of the service to match against/);
    assert.match(hoverText(ls, ROUTE, '90'), /^90\.0% of web-canary rule 1 \(90 of 100\)/);
  });

  test('outline: the route with its kind and version, its backends with their shares', () => {
    const [symbol, ...rest] = serviceOver(ROUTE).documentSymbols(URI);
    assert.deepEqual(rest, []);
    assert.equal(symbol?.name, 'web-canary');
    assert.equal(symbol?.detail, 'GRPCRoute gateway.networking.k8s.io/v1');
    assert.deepEqual(symbol?.children?.map((c) => c.name), ['web-svc 90%', 'web-svc-2 10%']);
  });

  test('go to definition from a backendRef and the parentRef; references of a Service include the route', () => {
    const ls = serviceOver(ROUTE);
    const toBackend = ls.definition(URI, at(ROUTE, 'web-svc-2'));
    assert.deepEqual(toBackend.map((l) => [l.uri, l.range]), [[SERVICES_URI, rangeOf(SERVICES, 'web-svc-2')]]);
    const toApex = ls.definition(URI, at(ROUTE, 'web-apex'));
    assert.deepEqual(toApex.map((l) => [l.uri, l.range]), [[SERVICES_URI, rangeOf(SERVICES, 'web-apex')]]);
    const refs = ls.references(SERVICES_URI, at(SERVICES, 'web-svc-2'), false);
    assert.deepEqual(refs.map((l) => [l.uri, l.range]), [[URI, rangeOf(ROUTE, 'web-svc-2')]]);
  });
});

describe('GRPCRoute: lenses and code actions', () => {
  test('lenses shift the weights of a GRPCRoute rule', () => {
    const ls = serviceOver(ROUTE);
    // Weight lenses come without their command; resolved as an editor does when it shows them.
    const lenses = ls.codeLenses(URI).map((l) => (l.command ? l : ls.resolveCodeLens(l) ?? l));
    const shift = lenses.find((l) => l.command?.title === 'Shift 10% → web-svc-2');
    assert.ok(shift?.command?.arguments?.[0], 'a shift lens with its command');
    assert.deepEqual(lenses.filter((l) => /^\d+%$/.test(l.command?.title ?? '')).map((l) => l.command?.title), ['90%', '10%']);
    const result = ls.weightsEdit(shift.command.arguments[0] as Parameters<LanguageService['weightsEdit']>[0]);
    assert.ok('edit' in result, JSON.stringify(result));
    const after = applyTextEdits(ROUTE, editsIn(result.edit));
    assert.equal(after, ROUTE.replace('weight: 90', 'weight: 80').replace('weight: 10', 'weight: 20'));
  });

  test('normalise weights; quick fixes remove a duplicate backend and add a missing port', () => {
    const ls = serviceOver(ROUTE);
    const normalise = only(ls.codeActions(URI, { start: at(ROUTE, '90'), end: at(ROUTE, '90') }, []), /Normalise weights to a total of 1000/);
    assert.equal(applyTextEdits(ROUTE, editsOf(normalise, URI)), ROUTE.replace('weight: 90', 'weight: 900').replace('weight: 10', 'weight: 100'));

    const dup = grpcRoute({ apex: { name: 'web-apex', port: 8080 }, backends: [{ name: 'web-svc', port: 8080, weight: 1 }, { name: 'web-svc', port: 8080, weight: 1 }] });
    const dls = serviceOver(dup);
    const d = dls.diagnostics(URI).find((x) => x.code === 'duplicate-backend');
    assert.ok(d);
    const remove = only(dls.codeActions(URI, d.range, [d]).filter((a) => a.kind === CodeActionKind.QuickFix), /^Remove duplicate backend web-svc$/);
    assert.deepEqual(serviceOver(applyTextEdits(dup, editsOf(remove, URI))).diagnostics(URI).map((x) => x.code), []);

    const portless = grpcRoute({ backends: [{ name: 'web-svc-2', weight: 1 }] });
    const pls = serviceOver(portless);
    const p = pls.diagnostics(URI).find((x) => x.code === 'backend-ref-port-missing');
    assert.ok(p);
    const add = only(pls.codeActions(URI, p.range, [p]).filter((a) => a.kind === CodeActionKind.QuickFix), /^Add port: 8080 \(from Service web-svc-2\)$/);
    assert.match(applyTextEdits(portless, editsOf(add, URI)), /- name: web-svc-2\n {10}port: 8080\n {10}weight: 1\n/);
  });
});

describe('TrafficSplit → GRPCRoute when the apex port speaks gRPC', () => {
  const SPLIT = trafficSplit({ backends: ['web-svc=900', 'web-svc-2=100'] });
  /** Services whose apex has this one port (web-svc and web-svc-2 as above). */
  const withApexPort = (port: Record<string, Value>): string => documents(
    service({ name: 'web-apex', ports: [port] }),
    service({ name: 'web-svc', selector: 'web-svc', ports: [{ port: port.port }] }),
    service({ name: 'web-svc-2', selector: 'web-svc-2', ports: [{ port: port.port }] }),
  );

  function convert(services: string | null, cluster?: ClusterFacts): { title: string; text: string } {
    const ls = serviceOver(SPLIT, services, cluster);
    const d = ls.diagnostics(URI).find((x) => x.code === 'trafficsplit-deprecated');
    assert.ok(d, 'the deprecation hint');
    const fix = only(ls.codeActions(URI, d.range, [d]).filter((a) => a.kind === CodeActionKind.QuickFix), /^Convert TrafficSplit web-svc-ts to /);
    return { title: fix.title, text: applyTextEdits(SPLIT, editsOf(fix, URI)) };
  }

  test('appProtocol kubernetes.io/h2c or grpc (any case), or a port named grpc / grpc-*: a GRPCRoute', () => {
    const ports: Record<string, Value>[] = [
      { name: 'web', port: 8080, appProtocol: 'kubernetes.io/h2c' },
      { name: 'web', port: 8080, appProtocol: 'GRPC' },
      { name: 'grpc', port: 8080 },
      { name: 'grpc-web', port: 8080 },
    ];
    for (const port of ports) {
      const services = withApexPort(port);
      const { title, text } = convert(services);
      assert.equal(title, 'Convert TrafficSplit web-svc-ts to GRPCRoute (gateway.networking.k8s.io/v1)', JSON.stringify(port));
      assert.match(text, /^apiVersion: gateway\.networking\.k8s\.io\/v1\nkind: GRPCRoute\n/);
      assert.match(text, /parentRefs:\n {4}- name: web-apex\n {6}kind: Service\n {6}group: core\n {6}port: 8080\n/);
      assert.match(text, /- name: web-svc\n {10}port: 8080\n {10}weight: 900\n/);
      assert.deepEqual(serviceOver(text, services).diagnostics(URI).map((x) => x.code), [], `the converted route is sound (${JSON.stringify(port)})`);
    }
  });

  test('any other port, or an apex nobody knows: an HTTPRoute', () => {
    const others: Record<string, Value>[] = [{ name: 'http', port: 80 }, { name: 'grpcweb', port: 80 }, { name: 'web', port: 80, appProtocol: 'http' }, { port: 80 }];
    for (const port of others) {
      assert.equal(convert(withApexPort(port)).title, 'Convert TrafficSplit web-svc-ts to HTTPRoute (gateway.networking.k8s.io/v1)', JSON.stringify(port));
    }
    const { title, text } = convert(null);
    assert.equal(title, 'Convert TrafficSplit web-svc-ts to HTTPRoute (gateway.networking.k8s.io/v1)');
    assert.match(text, /kind: HTTPRoute\n/);
  });

  test('the apex port from the cluster facts: the appProtocol travels from the Service object', () => {
    const facts = buildClusterFacts({
      namespace: 'emojivoto',
      services: ['web-apex', 'web-svc', 'web-svc-2'].map((name) => ({
        metadata: { name, namespace: 'emojivoto' },
        spec: { ports: [{ name: 'web', port: 8080, appProtocol: 'kubernetes.io/h2c' }] },
      })),
    });
    assert.deepEqual(facts.services[0]?.ports, [{ name: 'web', port: 8080, appProtocol: 'kubernetes.io/h2c' }]);
    const cluster: ClusterFacts = { namespaces: facts.namespaces, facts: facts.services.map((s) => ({ type: 'Service', name: s.name, ns: s.namespace, ports: s.ports })) };
    assert.equal(convert(null, cluster).title, 'Convert TrafficSplit web-svc-ts to GRPCRoute (gateway.networking.k8s.io/v1)');
  });

  test('the index reads appProtocol from block and flow YAML alike', () => {
    for (const services of [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web-apex\n  namespace: emojivoto\nspec:\n  ports:\n    - name: web\n      port: 8080\n      appProtocol: kubernetes.io/h2c\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web-apex, namespace: emojivoto}\nspec:\n  ports: [{name: web, port: 8080, appProtocol: kubernetes.io/h2c}]\n',
    ]) {
      const ls = serviceOver(SPLIT, services);
      assert.deepEqual(ls.index.services('emojivoto', 'web-apex')[0]?.ports, [{ name: 'web', port: 8080, appProtocol: 'kubernetes.io/h2c' }]);
    }
  });

  test('portProtocol', () => {
    assert.equal(portProtocol({ port: 1, appProtocol: 'Kubernetes.io/H2C' }), 'grpc');
    assert.equal(portProtocol({ port: 1, name: 'GRPC-internal' }), 'grpc');
    assert.equal(portProtocol({ port: 1, name: 'http', appProtocol: 'grpc' }), 'grpc');
    assert.equal(portProtocol({ port: 1, name: 'http-grpc' }), undefined);
    assert.equal(portProtocol({ port: 1, appProtocol: 'kubernetes.io/h2' }), undefined);
    assert.equal(portProtocol(undefined), undefined);
  });
});
