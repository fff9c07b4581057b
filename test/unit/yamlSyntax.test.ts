/**
 * `yaml-syntax` in every document (kubectl refuses a whole file for one that does not parse), unless the setting
 * `canaryLens.yamlSyntax` leaves syntax errors to another YAML server; how the VS Code client resolves `auto`.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ConfigurationParams } from 'vscode-languageserver-protocol';
import { CancellationToken } from 'vscode-languageserver-protocol';
import type { Diagnostic } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { resolveYamlSyntax, settingsMiddleware } from '../../src/extension/yamlSyntax';
import { generateManifest } from '../bench/generate';
import { documents, service, trafficSplit } from '../support/manifests';

const URI = 'file:///ws/app.yaml';
const SVC = service({ name: 'web-apex', namespace: 'emojivoto', ports: [80], selector: 'web-apex' });
const TAB_SVC = SVC.replace('\n  namespace:', '\n\tnamespace:'); // line 4 of the Service
const SPLIT = trafficSplit({ backends: ['web-svc=900', 'web-svc-2=100'] });
const BROKEN_SPLIT = SPLIT.replace('weight: 900', 'weight: [900');

const syntax = (ds: Diagnostic[]): string[] => ds.filter((d) => d.code === 'yaml-syntax')
  .map((d) => `${d.range.start.line}:${d.range.start.character} ${typeof d.message === 'string' ? d.message : d.message.value}`);

function serviceOf(text: string, reportYamlSyntax = true): LanguageService {
  const ls = new LanguageService();
  ls.settings = { ...ls.settings, reportYamlSyntax };
  ls.setFile(URI, text);
  ls.index.indexSome(Infinity);
  return ls;
}

test('a Service with a tab in its indentation, before a valid split: the error at its line, the split still analysed', () => {
  const ls = serviceOf(documents(TAB_SVC, SPLIT.replace('weight: 900', 'weight: -900')));
  const d = ls.diagnostics(URI);
  assert.deepEqual(syntax(d), ['4:0 Tabs are not allowed as indentation']);
  assert.ok(d.some((x) => x.code === 'weight-invalid'), 'the split after it is analysed');
});

test('documents of any kind, and without a kind: an unclosed [ in a Service, a ConfigMap, a kindless document', () => {
  const bracket = SVC.replace(/\n {2}ports:\n[\s\S]*$/, '\n  ports: [80\n');
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: 1\n  a: 2\n';
  const ls = serviceOf(documents(bracket, configMap, 'metadata: {name: x\n', SPLIT));
  assert.deepEqual(syntax(ls.diagnostics(URI)).map((s) => s.split(' ').slice(0, 2).join(' ')), ['8:12 Flow', '16:2 Map', '18:18 Flow']);
});

test('a Helm template is skipped whole, as before', () => {
  const ls = serviceOf(documents(TAB_SVC, 'metadata:\n  name: {{ .Release.Name }}\n', SPLIT));
  assert.deepEqual(ls.diagnostics(URI), []);
});

test('setting off: no yaml-syntax anywhere, and a split that does not parse says nothing at all', () => {
  const text = documents(TAB_SVC, BROKEN_SPLIT);
  const on = serviceOf(text);
  const lines = on.diagnostics(URI).filter((d) => d.code === 'yaml-syntax').map((d) => d.range.start.line);
  assert.ok(lines.includes(4) && lines.some((l) => l > 10), `on: the Service and the split (${lines.join(', ')})`);
  const off = serviceOf(text, false);
  assert.deepEqual(off.diagnostics(URI), []);
  // Turned on again (the same parts, their caches warm): the errors are back.
  off.settings = { ...off.settings, reportYamlSyntax: true };
  assert.deepEqual(off.diagnostics(URI), on.diagnostics(URI));
});

test('a split that parses keeps its diagnostics with the setting off', () => {
  const ls = serviceOf(documents(SVC, SPLIT.replace('weight: 900', 'weight: -900')), false);
  assert.ok(ls.diagnostics(URI).some((d) => d.code === 'weight-invalid'));
});

test('the quick first pass of a big file leaves context documents for the complete one', () => {
  const ls = new LanguageService();
  ls.setFile(URI, documents(TAB_SVC, SPLIT));
  assert.deepEqual(syntax(ls.diagnostics(URI, false)), []);
  ls.index.indexSome(Infinity);
  assert.equal(syntax(ls.diagnostics(URI)).length, 1);
});

test('an edit that breaks and then mends a context document updates its yaml-syntax', () => {
  const ls = serviceOf(documents(SVC, SPLIT));
  assert.deepEqual(syntax(ls.diagnostics(URI)), []);
  const at = { line: 4, character: 0 };
  ls.changeFile(URI, [{ range: { start: at, end: { line: 4, character: 2 } }, text: '\t' }], 2);
  assert.deepEqual(syntax(ls.diagnostics(URI)), ['4:0 Tabs are not allowed as indentation']);
  ls.changeFile(URI, [{ range: { start: at, end: { line: 4, character: 1 } }, text: '  ' }], 3);
  assert.deepEqual(syntax(ls.diagnostics(URI)), []);
});

test('thousands of well-formed context documents: none parsed to learn it (the line scan vouches for them)', () => {
  const ls = new LanguageService();
  const file = ls.setFile(URI, generateManifest(3000, 3));
  ls.index.indexSome(Infinity);
  ls.diagnostics(URI);
  const parsed = file.parts.filter((p) => !p.isSplit && p.isParsed).length;
  assert.equal(parsed, 0, `${parsed} context documents parsed`);
});

test('client: auto leaves syntax errors to redhat.vscode-yaml while it validates', () => {
  assert.equal(resolveYamlSyntax({ setting: 'auto', redHatYaml: true, validate: undefined }), 'never');
  assert.equal(resolveYamlSyntax({ setting: 'auto', redHatYaml: true, validate: true }), 'never');
  assert.equal(resolveYamlSyntax({ setting: 'auto', redHatYaml: true, validate: false }), 'always');
  assert.equal(resolveYamlSyntax({ setting: 'auto', redHatYaml: false, validate: true }), 'always');
  assert.equal(resolveYamlSyntax({ setting: undefined, redHatYaml: true, validate: true }), 'never');
  assert.equal(resolveYamlSyntax({ setting: 'always', redHatYaml: true, validate: true }), 'always');
  assert.equal(resolveYamlSyntax({ setting: 'never', redHatYaml: false, validate: false }), 'never');
});

test('client: the pulled canaryLens section carries the resolved choice; a change makes the server pull', async () => {
  const middleware = settingsMiddleware(() => 'never');
  const params: ConfigurationParams = { items: [{ section: 'canaryLens' }, { section: 'other' }] };
  const pulled = await middleware.configuration!(params, CancellationToken.None, () => [{ lens: { step: 5 }, yamlSyntax: 'auto' }, { yamlSyntax: 'auto' }]);
  assert.deepEqual(pulled, [{ lens: { step: 5 }, yamlSyntax: 'never' }, { yamlSyntax: 'auto' }]);
  let sent: string[] | undefined = ['unset'];
  await middleware.didChangeConfiguration!(['canaryLens', 'yaml.validate'], (sections) => { sent = sections; return Promise.resolve(); });
  assert.equal(sent, undefined, 'settings: null, so the server pulls');
});
