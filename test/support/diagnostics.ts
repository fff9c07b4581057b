/**
 * Helpers for the diagnostics tests (test/unit/rules*.test.ts): a language service over a few in-memory files,
 * and exact assertions on what it reports. The severities are written out here from the README's table rather than read
 * from codes.ts, so the tests check the table instead of repeating it.
 */
import assert from 'node:assert/strict';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import type { ClusterFacts } from '../../src/service/workspace/workspaceIndex';
import { offsetAt } from './text';

/**
 * The README's severities ("What it checks") as LSP DiagnosticSeverity numbers: 1 error, 2 warning, 4 hint
 * (microsoft/vscode-languageserver-node types/src/main.ts).
 */
export const SPEC_SEVERITY = {
  'yaml-syntax': 1,
  schema: 1,
  'unknown-api-version': 1,
  'old-api-version': 2,
  'weight-invalid': 1,
  'yaml-1-1-value': 2,
  'weights-all-zero': 1,
  'invalid-name': 1,
  'no-parent': 2,
  'unreachable-rule': 2,
  'duplicate-backend': 2,
  'service-not-found': 2,
  'port-mismatch': 2,
  'backend-without-workload': 2,
  'service-defined-twice': 4,
  'unknown-backend-kind': 2,
  'backend-ref-port-missing': 1,
  'parent-not-service': 2,
  'cross-namespace-backend': 2,
  'not-served-by-linkerd': 2,
  'filter-not-implemented': 2,
  'match-not-implemented': 2,
  'shadowed-by-serviceprofile': 2,
  'split-not-in-effect': 2,
  'trafficsplit-deprecated': 4,
  'route-not-accepted': 1,
  'route-refs-unresolved': 2,
  'canary-target-not-found': 2,
  'canary-port-invalid': 2,
  'canary-weights-invalid': 1,
  'canary-analysis-invalid': 1,
  'canary-template-not-found': 2,
  'rollout-weight-invalid': 1,
  'rollout-pause-invalid': 1,
  'rollout-service-invalid': 2,
  'rollout-route-not-found': 2,
  'rollout-weight-approximate': 3,
  'rollout-template-not-found': 2,
  'rollout-workload-not-found': 2,
  'managed-by-controller': 2,
  'managed-weights': 3,
  'collides-with-generated': 2,
  'plan-invalid': 1,
  'plan-target-not-found': 2,
  'plan-canary-not-backend': 2,
} as const;

export type Code = keyof typeof SPEC_SEVERITY;

/** One expected diagnostic: its code, the exact text its range covers, and where that text starts. */
export interface Want {
  code: Code;
  text: string;
  line: number;
  character: number;
  /** When given, the message must contain each of these. */
  message?: readonly string[];
}

/** Codes some test made fire, and codes some near-miss test showed absent. */
export const triggered = new Set<Code>();
export const nearMissed = new Set<Code>();

/** A service over `files` (uri → text), optionally with cluster facts, with the workspace fully indexed. */
export function serviceWith(files: Record<string, string>, cluster?: ClusterFacts): LanguageService {
  const ls = new LanguageService();
  for (const [uri, text] of Object.entries(files)) ls.setFile(uri, text);
  if (cluster) ls.setClusterFacts(cluster);
  ls.index.indexSome(Infinity);
  return ls;
}

/** The document text a range covers (a range outside the text throws). */
export function covered(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start, { strict: true }), offsetAt(text, range.end, { strict: true }));
}

interface Seen { code: string; text: string; line: number; character: number }

const order = (a: Seen, b: Seen): number => a.line - b.line || a.character - b.character || a.code.localeCompare(b.code);

/**
 * Asserts that the diagnostics of `uri` (except the `ignore`d codes) are exactly `want`: same codes, each
 * range covering exactly `text` and starting at `line`:`character`, with its SPEC_SEVERITY and source
 * `canary-lens`. `absent` lists codes this case is a near miss for: they must not appear (checked even when
 * they are ignored otherwise).
 */
export function expectDiagnostics(
  ls: LanguageService,
  uri: string,
  want: readonly Want[],
  options: { absent?: readonly Code[]; ignore?: readonly Code[] } = {},
): Diagnostic[] {
  const text = ls.getFile(uri)?.text;
  assert.ok(text !== undefined, `${uri} is not loaded`);
  const all = ls.diagnostics(uri);
  for (const d of all) {
    assert.equal(d.source, 'canary-lens', `source of ${String(d.code)}`);
    assert.ok(typeof d.code === 'string' && d.code in SPEC_SEVERITY, `unknown code ${String(d.code)}`);
    assert.equal(d.severity, SPEC_SEVERITY[d.code as Code], `severity of ${d.code}`);
    assert.ok(typeof d.message === 'string' && d.message.length > 0, `message of ${d.code}`);
  }
  for (const code of options.absent ?? []) {
    const found = all.filter((d) => d.code === code).map((d) => `${d.range.start.line}:${d.range.start.character} ${typeof d.message === 'string' ? d.message : d.message.value}`);
    assert.deepEqual(found, [], `${code} must not be reported in ${uri}`);
    nearMissed.add(code);
  }
  // split-not-in-effect too, unless wanted: many fixtures put a route and a TrafficSplit on one apex to test other rules.
  const ignore = new Set<string>([...(options.ignore ?? ['trafficsplit-deprecated']), 'split-not-in-effect']);
  for (const w of want) ignore.delete(w.code);
  const kept = all.filter((d) => !ignore.has(String(d.code)));
  const seen: Seen[] = kept
    .map((d) => ({ code: String(d.code), text: covered(text, d.range), line: d.range.start.line, character: d.range.start.character }))
    .sort(order);
  const expected: Seen[] = want.map((w) => ({ code: w.code, text: w.text, line: w.line, character: w.character })).sort(order);
  assert.deepEqual(seen, expected, `diagnostics of ${uri}:\n${kept.map((d) => `  ${d.code} ${JSON.stringify(d.range)} ${typeof d.message === 'string' ? d.message : d.message.value}`).join('\n')}`);
  for (const w of want) {
    triggered.add(w.code);
    if (!w.message) continue;
    const d = kept.find((k) => k.code === w.code && k.range.start.line === w.line && k.range.start.character === w.character)!;
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    for (const m of w.message) assert.ok(message.includes(m), `message of ${w.code} "${message}" should contain "${m}"`);
  }
  return kept;
}

/** Codes whose rules read only the document itself (the parser, the schema and the `document` rules). */
export const DOCUMENT_CODES: readonly Code[] = [
  'yaml-syntax', 'schema', 'unknown-api-version', 'old-api-version', 'weight-invalid', 'weights-all-zero', 'invalid-name',
  'no-parent', 'unreachable-rule', 'duplicate-backend', 'unknown-backend-kind', 'backend-ref-port-missing',
  'parent-not-service', 'not-served-by-linkerd', 'filter-not-implemented', 'match-not-implemented', 'trafficsplit-deprecated',
  'yaml-1-1-value',
];

/** Codes whose rules read the workspace index and the cluster facts. */
export const WORKSPACE_CODES: readonly Code[] = [
  'service-not-found', 'port-mismatch', 'backend-without-workload', 'cross-namespace-backend', 'shadowed-by-serviceprofile',
  'service-defined-twice', 'split-not-in-effect',
];

/** Codes whose rules read what Linkerd wrote in the cluster objects' status (test/unit/rules-routeStatus.test.ts). */
export const CLUSTER_STATUS_CODES: readonly Code[] = ['route-not-accepted', 'route-refs-unresolved'];
/** Codes of the progressive delivery rules (test/unit/flagger.test.ts, argo.test.ts, ownership.test.ts). */
export const DELIVERY_CODES: readonly Code[] = [
  'canary-target-not-found', 'canary-port-invalid', 'canary-weights-invalid', 'canary-analysis-invalid', 'canary-template-not-found',
  'rollout-weight-invalid', 'rollout-pause-invalid', 'rollout-service-invalid', 'rollout-route-not-found', 'rollout-weight-approximate',
  'rollout-template-not-found', 'rollout-workload-not-found', 'managed-by-controller', 'managed-weights', 'collides-with-generated',
];
/** Codes of Canary Lens's RolloutPlan rules (test/unit/rollout-plan-service.test.ts). */
export const PLAN_CODES: readonly Code[] = ['plan-invalid', 'plan-target-not-found', 'plan-canary-not-backend'];

/** Each of `codes` fired in some case of this file, and was shown absent in some near miss. */
export function assertCovered(codes: readonly Code[]): void {
  assert.deepEqual(codes.filter((c) => !triggered.has(c)), [], 'codes no case triggers');
  assert.deepEqual(codes.filter((c) => !nearMissed.has(c)), [], 'codes no near miss covers');
}

/** A ConfigMap as the first document, so the document under test starts at line 5. */
export const PRELUDE = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\n';
