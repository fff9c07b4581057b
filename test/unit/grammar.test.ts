// The TextMate injection grammar (syntaxes/canary-lens.injection.tmLanguage.json), tokenized with the same engine
// VS Code uses (vscode-textmate + vscode-oniguruma). The injection needs a host grammar for source.yaml; VS Code's
// own YAML grammar ships inside VS Code and is not available offline, so test/fixtures/yaml.tmLanguage.json is a
// small stand-in that behaves like it where it matters (indentation and "- " consumed before keys, separate ':'
// tokens, comments and strings as begin/end rules).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { SPLIT_KINDS } from '../../src/service/model/kinds';

const ROOT = join(__dirname, '..', '..');
const INJECTION_PATH = join(ROOT, 'syntaxes', 'canary-lens.injection.tmLanguage.json');
const YAML_PATH = join(ROOT, 'test', 'fixtures', 'yaml.tmLanguage.json');
const INJECTION_SCOPE = 'canary-lens.injection';

const KIND = 'support.type.canary-lens.kind';
const API_VERSION = 'support.constant.canary-lens.api-version';
const WEIGHT = 'constant.numeric.canary-lens.weight';
const WEIGHT_KEY = 'support.type.property-name.canary-lens.weight';
const SERVICE = 'entity.name.type.canary-lens.service';
const COMMENT = 'comment.line.number-sign.yaml';

interface Token {
  line: number; // 1-based
  column: number; // 0-based
  text: string;
  scopes: string[];
}

let grammar: IGrammar;

before(async () => {
  await loadWASM(readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')));
  const paths: Record<string, string> = { 'source.yaml': YAML_PATH, [INJECTION_SCOPE]: INJECTION_PATH };
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new OnigScanner(sources),
      createOnigString: (text: string) => new OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const path = paths[scopeName];
      return path === undefined ? null : parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
    // What VS Code does for a contributes.grammars entry with "injectTo": ["source.yaml"].
    getInjections: (scopeName: string) => (scopeName === 'source.yaml' ? [INJECTION_SCOPE] : undefined),
  });
  const loaded = await registry.loadGrammar('source.yaml');
  assert.ok(loaded, 'source.yaml grammar loads');
  grammar = loaded;
});

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let stack: StateStack = INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    assert.equal(result.stoppedEarly, false, `line ${i + 1} tokenized to the end`);
    for (const t of result.tokens) {
      tokens.push({ line: i + 1, column: t.startIndex, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = result.ruleStack;
  });
  return tokens;
}

function example(name: string): Token[] {
  return tokenize(readFileSync(join(ROOT, 'examples', 'emojivoto', name), 'utf8'));
}

/** The tokens whose text is exactly `text` (on `line` when given); at least one must exist. */
function find(tokens: Token[], text: string, line?: number): Token[] {
  const found = tokens.filter((t) => t.text === text && (line === undefined || t.line === line));
  assert.ok(found.length > 0, `a token "${text}"${line === undefined ? '' : ` on line ${line}`}; got ${JSON.stringify(tokens.filter((t) => line === undefined || t.line === line).map((t) => t.text))}`);
  return found;
}

function assertScoped(tokens: Token[], text: string, scope: string, line?: number): void {
  for (const t of find(tokens, text, line)) {
    assert.ok(t.scopes.includes(scope), `"${text}" at ${t.line}:${t.column} has ${scope}; scopes: ${t.scopes.join(' ')}`);
  }
}

/** Tokens that carry any canary-lens scope. */
function ours(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.scopes.some((s) => s.includes('canary-lens')));
}

function describeTokens(tokens: Token[]): string[] {
  return tokens.map((t) => `${t.line}:${t.column} ${t.text} ${t.scopes.filter((s) => s.includes('canary-lens')).join(' ')}`);
}

describe('grammar: contribution shape', () => {
  it('is an injection into YAML, left-priority, outside comments and strings', () => {
    const raw = JSON.parse(readFileSync(INJECTION_PATH, 'utf8')) as { scopeName: string; injectionSelector: string; patterns: unknown[] };
    assert.equal(raw.scopeName, INJECTION_SCOPE);
    assert.equal(raw.injectionSelector, 'L:source.yaml -comment -string');
    assert.ok(raw.patterns.length > 0);
  });
});

describe('grammar: TrafficSplit examples', () => {
  it('web-svc-ts.yaml: apiVersion, kind, apex and backend services, weights', () => {
    const tokens = example('web-svc-ts.yaml');
    assertScoped(tokens, 'split.smi-spec.io/v1alpha2', API_VERSION, 1);
    assertScoped(tokens, 'TrafficSplit', KIND, 2);
    assertScoped(tokens, 'web-apex', SERVICE, 8);
    assertScoped(tokens, 'web-svc', SERVICE, 11);
    assertScoped(tokens, 'web-svc-2', SERVICE, 13);
    assertScoped(tokens, '500', WEIGHT, 12);
    assertScoped(tokens, '500', WEIGHT, 14);
    assertScoped(tokens, 'weight', WEIGHT_KEY, 12);
    // The metadata name is the split's own name, not a service reference.
    assert.ok(!find(tokens, 'web-svc-ts', 4)[0]!.scopes.includes(SERVICE));
    // Every scoped token is exactly one of the expected ones.
    assert.deepEqual(describeTokens(ours(tokens)), [
      `1:12 split.smi-spec.io/v1alpha2 ${API_VERSION}`,
      `2:6 TrafficSplit ${KIND}`,
      `8:11 web-apex ${SERVICE}`,
      `11:15 web-svc ${SERVICE}`,
      `12:6 weight ${WEIGHT_KEY}`,
      `12:14 500 ${WEIGHT}`,
      `13:15 web-svc-2 ${SERVICE}`,
      `14:6 weight ${WEIGHT_KEY}`,
      `14:14 500 ${WEIGHT}`,
    ]);
  });

  it('web-svc-ts.yaml: trailing and full-line comments stay comments', () => {
    const tokens = example('web-svc-ts.yaml');
    for (const text of [' the current version', ' the canary', ' The root service that clients use to reach the application.']) {
      const [t] = find(tokens, text);
      assert.ok(t!.scopes.includes(COMMENT), `"${text}" is a comment: ${t!.scopes.join(' ')}`);
      assert.ok(!t!.scopes.some((s) => s.includes('canary-lens')));
    }
    const hash = tokens.filter((t) => t.line === 12 && t.text === '#');
    assert.equal(hash.length, 1);
    assert.ok(hash[0]!.scopes.includes(COMMENT));
  });

  it('web-svc-ts-v1alpha1.yaml: quantity weights (500m)', () => {
    const tokens = example('web-svc-ts-v1alpha1.yaml');
    assertScoped(tokens, 'split.smi-spec.io/v1alpha1', API_VERSION, 2);
    assertScoped(tokens, 'TrafficSplit', KIND, 3);
    assertScoped(tokens, 'web-apex', SERVICE, 8);
    assertScoped(tokens, '500m', WEIGHT, 11);
    assertScoped(tokens, '500m', WEIGHT, 13);
    assert.equal(find(tokens, '500m').length, 2);
    // The header comment mentions weights and quantities; it stays a plain comment.
    assert.ok(ours(tokens).every((t) => t.line > 1));
  });
});

describe('grammar: HTTPRoute example', () => {
  it('web-httproute.yaml: apiVersion, kind, parentRef and backendRef names, weights', () => {
    const tokens = example('web-httproute.yaml');
    assertScoped(tokens, 'gateway.networking.k8s.io/v1', API_VERSION, 2);
    assertScoped(tokens, 'HTTPRoute', KIND, 3);
    assertScoped(tokens, 'web-apex', SERVICE, 9);
    assertScoped(tokens, 'web-svc', SERVICE, 15);
    assertScoped(tokens, 'web-svc-2', SERVICE, 18);
    assertScoped(tokens, '90', WEIGHT, 17);
    assertScoped(tokens, '10', WEIGHT, 20);
    // Not references: the route's own name, the parentRef's kind and group, ports.
    assert.ok(!find(tokens, 'web-canary', 5)[0]!.scopes.includes(SERVICE));
    assert.ok(!find(tokens, 'Service', 10)[0]!.scopes.some((s) => s.includes('canary-lens')));
    assert.ok(!find(tokens, '80', 12)[0]!.scopes.some((s) => s.includes('canary-lens')));
    assert.equal(ours(tokens).length, 9);
  });
});

describe('grammar: values', () => {
  it('every served apiVersion, and no other', () => {
    const served = [
      'split.smi-spec.io/v1alpha1',
      'split.smi-spec.io/v1alpha2',
      'split.smi-spec.io/v1alpha3',
      'split.smi-spec.io/v1alpha4',
      'gateway.networking.k8s.io/v1',
      'gateway.networking.k8s.io/v1beta1',
      'gateway.networking.k8s.io/v1alpha2',
      'policy.linkerd.io/v1beta1',
      'policy.linkerd.io/v1beta2',
      'policy.linkerd.io/v1beta3',
    ];
    const unserved = [
      'split.smi-spec.io/v1beta1',
      'split.smi-spec.io/v1alpha5',
      'networking.x-k8s.io/v1alpha1',
      'gateway.networking.k8s.io/v1beta2',
      'gateway.networking.k8s.io/v1alpha1',
      'policy.linkerd.io/v1alpha1',
      'policy.linkerd.io/v1beta4',
      'apps/v1',
      'v1',
    ];
    for (const v of served) assertScoped(tokenize(`apiVersion: ${v}`), v, API_VERSION);
    for (const v of unserved) assert.deepEqual(ours(tokenize(`apiVersion: ${v}`)), [], v);
  });

  it('the split kinds only: TrafficSplit, HTTPRoute, GRPCRoute', () => {
    for (const k of SPLIT_KINDS) assertScoped(tokenize(`kind: ${k}`), k, KIND);
    for (const k of ['Service', 'TCPRoute', 'TrafficSplitList', 'HTTPRouteX', 'GRPCRoutes', 'httproute', 'grpcroute']) {
      assert.deepEqual(ours(tokenize(`kind: ${k}`)), [], k);
    }
  });

  it('quoted values: the content is scoped, the quotes are punctuation', () => {
    const tokens = tokenize(
      [
        'apiVersion: "policy.linkerd.io/v1beta3"',
        "kind: 'HTTPRoute'",
        'spec:',
        '  service: "web-apex"',
        '  backends:',
        "    - service: 'web-svc'",
        '      weight: "500m"',
        "    - {service: web-svc-2, weight: '1'}",
      ].join('\n'),
    );
    assertScoped(tokens, 'policy.linkerd.io/v1beta3', API_VERSION);
    assertScoped(tokens, 'HTTPRoute', KIND);
    assertScoped(tokens, 'web-apex', SERVICE);
    assertScoped(tokens, 'web-svc', SERVICE);
    assertScoped(tokens, 'web-svc-2', SERVICE);
    assertScoped(tokens, '500m', WEIGHT);
    assertScoped(tokens, '1', WEIGHT);
    for (const q of find(tokens, '"', 1)) assert.ok(q.scopes.some((s) => s.startsWith('punctuation.definition.string')));
  });

  it('weights: integers and Kubernetes quantities; not percentages or words', () => {
    for (const w of ['0', '100', '1000000', '500m', '0.5', '.5', '1k', '1Ki', '2e3', '1E', '-1']) {
      assertScoped(tokenize(`  - weight: ${w}`), w, WEIGHT);
    }
    for (const w of ['50%', 'abc', '5#x', '1 2']) {
      const tokens = tokenize(`  - weight: ${w}`);
      assert.deepEqual(describeTokens(ours(tokens)), [`1:4 weight ${WEIGHT_KEY}`], w);
    }
  });

  it('backendRefs and parentRefs items written "- name: x"; also in flow style', () => {
    const tokens = tokenize(
      [
        'spec:',
        '  parentRefs:',
        '  - {name: web-apex, kind: Service, group: core, port: 80}',
        '  rules:',
        '  - backendRefs:',
        '    - name: web-svc',
        '      port: 80',
      ].join('\n'),
    );
    assertScoped(tokens, 'web-apex', SERVICE, 3);
    assertScoped(tokens, 'web-svc', SERVICE, 6);
    assert.equal(ours(tokens).length, 2);
  });
});

describe('grammar: nothing where it does not belong', () => {
  const deployment = [
    '# A Deployment: no split resource here.',
    '# weight: 5',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: emojivoto # weight: 5',
    '  labels:',
    '    app.kubernetes.io/name: web',
    'spec:',
    '  replicas: 1',
    '  # weight: 5',
    '  selector:',
    '    matchLabels:',
    '      app: web-svc',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web-svc',
    '          image: buoyantio/emojivoto-web:v11 # kind: TrafficSplit',
    '          env:',
    '            - name: WEB_PORT',
    '              value: "weight: 5"',
    '          resources:',
    '            requests:',
    '              cpu: 100m',
    '      max-weight: 5',
    '      note: |',
    '        apiVersion: split.smi-spec.io/v1alpha2',
    '        kind: TrafficSplit',
    '        weight: 5',
    '---',
    '# weight: 5',
  ].join('\n');

  it('comments containing "weight: 5" (full-line and trailing) stay comments only', () => {
    const tokens = tokenize(deployment);
    const commentTokens = tokens.filter((t) => t.scopes.includes(COMMENT));
    assert.ok(commentTokens.some((t) => t.line === 2 && t.text === ' weight: 5'));
    assert.ok(commentTokens.some((t) => t.line === 7 && t.text === ' weight: 5'));
    assert.ok(commentTokens.some((t) => t.line === 12 && t.text === ' weight: 5'));
    assert.ok(commentTokens.some((t) => t.line === 33 && t.text === ' weight: 5'));
    for (const t of commentTokens) assert.ok(!t.scopes.some((s) => s.includes('canary-lens')), `${t.line}:${t.column}`);
  });

  it('a Deployment gets no kind, apiVersion or weight scopes, nor in strings or block scalars', () => {
    const tokens = tokenize(deployment);
    for (const scope of [KIND, API_VERSION, WEIGHT, WEIGHT_KEY]) {
      assert.deepEqual(describeTokens(tokens.filter((t) => t.scopes.includes(scope))), [], scope);
    }
    // The only scoped tokens: a "- name:" sequence item with a DNS name. The grammar is line-based and cannot tell
    // a container list from backendRefs, so container (and port) names are coloured like references; that is the
    // documented limit of the context-free rule. Upper-case names (env vars) and other "name:" keys are not.
    assert.deepEqual(describeTokens(ours(tokens)), [`19:16 web-svc ${SERVICE}`]);
  });
});
