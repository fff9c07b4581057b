import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { OPEN_OWNER_COMMAND, WEIGHTS_COMMAND, type ObjectOwner, type OpenOwnerArgs } from '../../src/protocol/messages';
import { LanguageService } from '../../src/service/languageService';
import { documentOwners } from '../../src/service/rules/ownership';
import type { ClusterFacts } from '../../src/service/workspace/workspaceIndex';
import { rangeOf } from '../support/text';
import { canarySplit, deployment, PODINFO_CANARY, podSpec, webGatewayCanary, webRollout } from '../support/deliveryManifests';

/**
 * Who owns a split: a Flagger Canary of the workspace by its naming rules, the cluster's ownerReferences, an Argo
 * Rollout's gatewayAPI plugin route; and hand-written Services and Deployments under a name a Canary generates.
 */

const CANARY_URI = 'file:///work/canary.yaml';
const SPLIT_URI = 'file:///work/split.yaml';

const ROLLOUT = webRollout('shop', webGatewayCanary('        - setWeight: 20\n        - pause: {duration: 1m}\n'));

const HTTPROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web-route
  namespace: shop
spec:
  parentRefs:
    - group: core
      kind: Service
      name: web
      port: 80
  rules:
    - backendRefs:
        - name: web-stable
          port: 80
          weight: 80
        - name: web-canary
          port: 80
          weight: 20
`;

function workspace(files: Record<string, string>, cluster?: ClusterFacts): LanguageService {
  const ls = new LanguageService();
  for (const [uri, text] of Object.entries(files)) ls.setFile(uri, text, 1);
  ls.index.indexSome(Infinity);
  if (cluster) ls.setClusterFacts(cluster);
  return ls;
}

const withCode = (ls: LanguageService, uri: string, code: string): Diagnostic[] => ls.diagnostics(uri).filter((d) => d.code === code);
/** A diagnostic's message (the service always writes a string). */
const text = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** The weight command of a shift, computed as the palette command computes it (the split under the cursor). */
function shift(ls: LanguageService, uri: string, text: string) {
  const at = ls.splitAt(uri, rangeOf(text, 'weight: 10').start);
  assert.ok(at, 'a split under the cursor');
  return { at, result: ls.weightsEdit({ uri: at.uri, version: at.version, part: at.part, split: at.split, fingerprint: at.fingerprint, action: { type: 'shift', target: 1, points: 10 } }) };
}

describe('managed-by-controller', () => {
  test('a TrafficSplit named like a Canary\'s linkerd split: the warning, only the owner lens, and the weight command refused', () => {
    const split = canarySplit('podinfo');
    const ls = workspace({ [CANARY_URI]: PODINFO_CANARY, [SPLIT_URI]: split });
    const found = withCode(ls, SPLIT_URI, 'managed-by-controller');
    assert.equal(found.length, 1, JSON.stringify(ls.diagnostics(SPLIT_URI)));
    const d = found[0]!;
    assert.deepEqual(d.range, rangeOf(split, 'podinfo'), 'on metadata.name');
    assert.match(text(d), /^Managed by Canary podinfo \(Flagger\): .*reverted.*; change the Canary$/);

    const lenses = ls.codeLenses(SPLIT_URI);
    const actions = lenses.filter((l) => l.command?.command !== '');
    assert.equal(actions.length, 1, `one lens runs something: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    const owner = actions[0]!;
    assert.equal(owner.command?.title, 'Managed by Canary podinfo (Flagger) — open');
    assert.equal(owner.command?.command, OPEN_OWNER_COMMAND);
    const args = owner.command?.arguments?.[0] as OpenOwnerArgs;
    assert.deepEqual(args.owner, { controller: 'Flagger', kind: 'Canary', namespace: 'test', name: 'podinfo', via: 'naming' });
    assert.equal(args.uri, CANARY_URI);
    assert.deepEqual(args.range, rangeOf(PODINFO_CANARY, 'podinfo'), 'the Canary\'s metadata.name');
    assert.ok(!lenses.some((l) => l.command?.command === WEIGHTS_COMMAND || /^(Shift|Promote|Roll back|Even split|Apply)/.test(l.command?.title ?? '')));

    const { at, result } = shift(ls, SPLIT_URI, split);
    assert.ok('refused' in result, 'the weight command is refused');
    // The same words as the warning.
    assert.equal(result.refused, `Canary Lens: ${text(d).charAt(0).toLowerCase()}${text(d).slice(1)}`);
    assert.equal(at.blocked, result.refused, 'the palette commands are blocked with the same words');
    assert.deepEqual(documentOwners(ls.index, SPLIT_URI, 0).map((o) => o.name), ['podinfo'], 'what Apply asks (canaryLens/owners)');
  });

  test('the same from the cluster: an owned object in ClusterFacts.owned', () => {
    const split = canarySplit('podinfo');
    const owner: ObjectOwner = { controller: 'Flagger', kind: 'Canary', namespace: 'test', name: 'podinfo', via: 'ownerReferences' };
    const ls = workspace({ [SPLIT_URI]: split }, {
      namespaces: ['test'], facts: [], owned: [{ kind: 'TrafficSplit', group: 'split.smi-spec.io', namespace: 'test', name: 'podinfo', owner }],
    });
    const found = withCode(ls, SPLIT_URI, 'managed-by-controller');
    assert.equal(found.length, 1);
    assert.match(text(found[0]!), /^Managed by Canary podinfo \(Flagger\)/);
    const actions = ls.codeLenses(SPLIT_URI).filter((l) => l.command?.command !== '');
    assert.deepEqual(actions.map((l) => l.command?.title), ['Managed by Canary podinfo (Flagger) — open']);
    assert.deepEqual(actions[0]!.command?.arguments?.[0], { owner }, 'no uri: the Canary is not in the workspace');
    assert.ok('refused' in shift(ls, SPLIT_URI, split).result);
  });

  test('a split without metadata.namespace is owned where it is applied: the selected namespace\'s Canary owns it', () => {
    const split = canarySplit('podinfo').replace('  namespace: test\n', '');
    assert.ok(!split.includes('namespace:'), split);
    const owner: ObjectOwner = { controller: 'Flagger', kind: 'Canary', namespace: 'test', name: 'podinfo', via: 'ownerReferences' };
    const facts = (namespace: string): ClusterFacts => ({
      namespaces: ['test'], facts: [], owned: [{ kind: 'TrafficSplit', group: 'split.smi-spec.io', namespace: 'test', name: 'podinfo', owner }],
      connection: { context: 'dev', namespace, state: 'ready' },
    });
    // Applied to `test` (the selected namespace), it is the Canary's object: no Shift, the owner named.
    const ls = workspace({ [SPLIT_URI]: split }, facts('test'));
    assert.equal(withCode(ls, SPLIT_URI, 'managed-by-controller').length, 1);
    assert.ok('refused' in shift(ls, SPLIT_URI, split).result, 'Shift refused: Flagger would revert it');
    assert.deepEqual(documentOwners(ls.index, SPLIT_URI, 0).map((o) => o.name), ['podinfo'], 'Apply asks the same');
    // Applied to another namespace, it is another object: nobody owns it.
    const elsewhere = workspace({ [SPLIT_URI]: split }, facts('staging'));
    assert.deepEqual(withCode(elsewhere, SPLIT_URI, 'managed-by-controller'), []);
    assert.ok(!('refused' in shift(elsewhere, SPLIT_URI, split).result));
  });

  test('the workspace and the cluster naming the same owner: one warning, one lens', () => {
    const owner: ObjectOwner = { controller: 'Flagger', kind: 'Canary', namespace: 'test', name: 'podinfo', via: 'ownerReferences' };
    const ls = workspace({ [CANARY_URI]: PODINFO_CANARY, [SPLIT_URI]: canarySplit('podinfo') }, {
      namespaces: ['test'], facts: [], owned: [{ kind: 'TrafficSplit', group: 'split.smi-spec.io', namespace: 'test', name: 'podinfo', owner }],
    });
    assert.equal(withCode(ls, SPLIT_URI, 'managed-by-controller').length, 1);
    assert.equal(ls.codeLenses(SPLIT_URI).filter((l) => l.command?.command === OPEN_OWNER_COMMAND).length, 1);
  });

  test('an HTTPRoute an Argo Rollout\'s gatewayAPI plugin sets the weights of: informative words, the owner lens', () => {
    const ROUTE_URI = 'file:///work/route.yaml';
    const ls = workspace({ 'file:///work/rollout.yaml': ROLLOUT, [ROUTE_URI]: HTTPROUTE });
    // Information, not a warning: the route is valid and must be written by hand (managed-weights).
    assert.deepEqual(withCode(ls, ROUTE_URI, 'managed-by-controller'), []);
    const found = withCode(ls, ROUTE_URI, 'managed-weights');
    assert.equal(found.length, 1, JSON.stringify(ls.diagnostics(ROUTE_URI)));
    assert.equal(found[0]!.severity, 3);
    const message = text(found[0]!);
    assert.match(message, /^Weights managed by Rollout web \(Argo Rollouts\): /);
    assert.match(message, /yours to write/, 'a valid Argo setup: the route is the user\'s, the weights are the Rollout\'s');
    assert.doesNotMatch(message, /reverted|remove|wrong/i);
    const actions = ls.codeLenses(ROUTE_URI).filter((l) => l.command?.command !== '');
    assert.deepEqual(actions.map((l) => l.command?.title), ['Weights managed by Rollout web (Argo Rollouts) — open']);
  });

  test('an unrelated split gets nothing: no warning, its weight lenses, a weight command that applies', () => {
    const split = canarySplit('other');
    const OWNED_URI = 'file:///work/owned.yaml';
    const ls = workspace({ [CANARY_URI]: PODINFO_CANARY, [SPLIT_URI]: split, [OWNED_URI]: canarySplit('podinfo') });
    assert.deepEqual(withCode(ls, SPLIT_URI, 'managed-by-controller'), []);
    assert.equal(withCode(ls, OWNED_URI, 'managed-by-controller').length, 1, 'beside it, the Canary\'s split has its warning');
    const titles = ls.codeLenses(SPLIT_URI).map((l) => l.command?.title);
    assert.ok(titles.includes('Shift 10% → other-canary'), titles.join(' | '));
    assert.ok(!titles.some((t) => t?.startsWith('Managed by')));
    assert.ok('edit' in shift(ls, SPLIT_URI, split).result);
    // Same name in another namespace: not the Canary's.
    const elsewhere = workspace({ [CANARY_URI]: PODINFO_CANARY, [SPLIT_URI]: canarySplit('podinfo', 'prod') });
    assert.deepEqual(withCode(elsewhere, SPLIT_URI, 'managed-by-controller'), []);
  });
});

describe('collides-with-generated', () => {
  const SERVICE = (name: string): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: test
spec:
  selector:
    app: podinfo
  ports:
    - port: 9898
`;
  const DEPLOYMENT = (name: string): string => deployment(name, 'test', podSpec({ app: name, container: 'app', image: 'podinfo:6' }));
  const CONTEXT_URI = 'file:///work/context.yaml';

  test('a Service and a Deployment named as the Canary\'s generated ones: what Flagger does with them', () => {
    const manifest = [SERVICE('podinfo-primary'), SERVICE('podinfo-canary'), DEPLOYMENT('podinfo-primary'), DEPLOYMENT('podinfo')].join('---\n');
    const ls = workspace({ [CANARY_URI]: PODINFO_CANARY, [CONTEXT_URI]: manifest });
    const found = withCode(ls, CONTEXT_URI, 'collides-with-generated');
    assert.equal(found.length, 3, JSON.stringify(found));
    const [primary, canary, deployment] = found;
    assert.deepEqual(primary!.range, rangeOf(manifest, 'podinfo-primary'));
    assert.match(text(primary!), /^Canary podinfo \(Flagger\) generates Service podinfo-primary: .*selector and ports/);
    assert.match(text(canary!), /generates Service podinfo-canary/);
    assert.deepEqual(deployment!.range, rangeOf(manifest, 'podinfo-primary', 1), 'the Deployment\'s metadata.name');
    assert.match(text(deployment!), /generates Deployment podinfo-primary: .*primary.*pod template/);
    // The target itself (podinfo) is the user's: no finding on it.
  });

  test('an unrelated Service, or none of the owners\' names: nothing; no Canary at all: nothing', () => {
    const manifest = [SERVICE('other'), SERVICE('podinfo-canary')].join('---\n');
    const ls = workspace({ [CANARY_URI]: PODINFO_CANARY, [CONTEXT_URI]: manifest });
    assert.deepEqual(withCode(ls, CONTEXT_URI, 'collides-with-generated').map((d) => d.range), [rangeOf(manifest, 'podinfo-canary')], 'only the generated name');
    const alone = workspace({ [CONTEXT_URI]: SERVICE('podinfo-primary') });
    assert.deepEqual(withCode(alone, CONTEXT_URI, 'collides-with-generated'), []);
  });

  test('the Canary removed: the finding goes with it', () => {
    const ls = workspace({ [CANARY_URI]: PODINFO_CANARY, [CONTEXT_URI]: SERVICE('podinfo-primary') });
    assert.equal(withCode(ls, CONTEXT_URI, 'collides-with-generated').length, 1);
    ls.removeFile(CANARY_URI);
    assert.deepEqual(withCode(ls, CONTEXT_URI, 'collides-with-generated'), []);
  });
});

test('a Service a Canary in view generates is not missing: the managed split names it without service-not-found', () => {
  const other = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: other\n  namespace: test\nspec:\n  ports:\n  - port: 80\n';
  const ls = workspace({ 'file:///work/canary.yaml': PODINFO_CANARY, 'file:///work/svc.yaml': other, [SPLIT_URI]: canarySplit('podinfo') });
  assert.deepEqual(withCode(ls, SPLIT_URI, 'service-not-found'), []);
  const alone = workspace({ 'file:///work/svc.yaml': other, [SPLIT_URI]: canarySplit('podinfo') });
  assert.equal(withCode(alone, SPLIT_URI, 'service-not-found').length, 3, 'without the Canary, the apex and both backends are missing');
});

test('the apex Service written by hand is adopted by Flagger, no collision; its -primary namesake collides', () => {
  const svc = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: test\nspec:\n  selector:\n    app: podinfo\n  ports:\n  - port: 9898\n`;
  const ls = workspace({ 'file:///work/canary.yaml': PODINFO_CANARY, 'file:///work/apex.yaml': svc('podinfo'), 'file:///work/primary.yaml': svc('podinfo-primary') });
  assert.deepEqual(withCode(ls, 'file:///work/apex.yaml', 'collides-with-generated'), []);
  assert.equal(withCode(ls, 'file:///work/primary.yaml', 'collides-with-generated').length, 1);
});
