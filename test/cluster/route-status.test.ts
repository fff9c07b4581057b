/**
 * Linkerd's verdict on a route, through a real kube-apiserver (test/cluster/harness.ts): an HTTPRoute is created, its
 * status is written through the `/status` subresource the way Linkerd's policy controller writes it (JSON merge patch,
 * field manager linkerd.io/policy-controller, see ./linkerdStatus.ts), and the session's watch reports it; its cluster
 * facts, read by the language server's `clusterFacts`, turn into a diagnostic on the route's manifest. A later patch
 * to Accepted takes it away again.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ClusterLog, ClusterSession, loadKubeconfig, MemoryLog, type LoadedKubeconfig, type SessionState } from '../../src/cluster';
import type { ClusterFactsParams, ClusterRouteStatus } from '../../src/protocol/messages';
import { clusterFacts } from '../../src/server/clusterFacts';
import { LanguageService } from '../../src/service/languageService';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { httpRoute } from '../support/manifests';
import { waitFor } from '../support/wait';
import { startCluster, type Cluster } from './harness';
import { ACCEPTED, BACKEND_NOT_FOUND, NO_MATCHING_PARENT, POLICY_CONTROLLER, RESOLVED_REFS, serviceParentStatus, statusPatch, type Condition } from './linkerdStatus';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const NS = 'emojivoto';
const GATEWAY = 'gateway.networking.k8s.io';
const NAME = 'web-canary';
const FAST = { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 };
/** The route as applied, and as the open file: parent web-apex, one backend that exists and one that does not. */
const MANIFEST = httpRoute({ name: NAME, apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-9', port: 80, weight: 10 }] });
const URI = 'file:///ws/web-canary.yaml';

describe('route status (real kube-apiserver)', () => {
  let cluster: Cluster;
  let admin: LoadedKubeconfig;
  let session: ClusterSession;
  const memory = new MemoryLog();
  const states: SessionState[] = [];
  const facts: ClusterFactsParams[] = [];

  before(async () => {
    cluster = await startCluster();
    admin = loadKubeconfig({ setting: cluster.kubeconfig }, { namespace: NS }, EXTENSION_WORDING);
    const applied = await cluster.kubectl(['apply', '-f', '-'], { input: MANIFEST });
    assert.equal(applied.code, 0, applied.stderr);
    session = new ClusterSession({ wording: EXTENSION_WORDING, kc: admin.kc, namespace: NS, context: admin.context, log: new ClusterLog(memory, admin.redactor), ...FAST });
    session.on('state', (s) => states.push(s));
    session.on('facts', (f) => facts.push(f));
    session.start();
    await waitFor('ready', () => states.find((s) => s.state === 'ready'), 15_000);
  });

  after(async () => {
    session?.dispose();
    await cluster?.stop();
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  /** PATCH .../httproutes/NAME/status as the controller does it (`Controller::patch` in index.rs). */
  async function writeStatus(conditions: Condition[]): Promise<Record<string, unknown>> {
    const api = admin.kc.makeApiClient(CustomObjectsApi);
    const body = statusPatch(`${GATEWAY}/v1`, 'HTTPRoute', NAME, [serviceParentStatus({ name: 'web-apex', namespace: NS, port: 80 }, conditions)]);
    return (await api.patchNamespacedCustomObjectStatus(
      { group: GATEWAY, version: 'v1', namespace: NS, plural: 'httproutes', name: NAME, body, fieldManager: POLICY_CONTROLLER },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Record<string, unknown>;
  }

  const ours = (f: ClusterFactsParams | undefined): ClusterRouteStatus | undefined => f?.routeStatuses?.find((r) => r.name === NAME && r.group === GATEWAY);

  function diagnostics(params: ClusterFactsParams) {
    const ls = new LanguageService();
    ls.setFile(URI, MANIFEST);
    ls.setClusterFacts(clusterFacts({ ...params, connection: { context: admin.context, namespace: NS, state: 'ready' } }));
    ls.index.indexSome(Infinity);
    return ls.diagnostics(URI).filter((d) => String(d.code).startsWith('route-'));
  }

  test('before the controller writes anything the route is unknown: not in the facts, no diagnostic', async () => {
    await waitFor('the route listed', () => session.items('httproutes-gateway').find((o) => o.metadata?.name === NAME), 5000);
    const mine = session.routeStatuses().find((r) => r.name === NAME);
    assert.equal(mine?.state, 'unknown');
    const last = await waitFor('facts', () => facts.at(-1), 5000);
    assert.equal(ours(last), undefined);
    assert.deepEqual(diagnostics(last), []);
  });

  test('a NoMatchingParent + BackendNotFound status written through /status reaches the session, the facts and the diagnostics', async () => {
    const written = await writeStatus([NO_MATCHING_PARENT, BACKEND_NOT_FOUND]);
    // The API server kept the entry as written: the controller's name, the parentRef, lastTransitionTime.
    const stored = (written.status as { parents: { controllerName: string; parentRef: unknown; conditions: { lastTransitionTime: string; reason: string }[] }[] }).parents;
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.controllerName, POLICY_CONTROLLER);
    assert.deepEqual(stored[0]!.parentRef, { group: 'core', kind: 'Service', namespace: NS, name: 'web-apex', port: 80 });
    assert.match(stored[0]!.conditions[0]!.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The spec is untouched by a status write (the subresource ignores everything else).
    assert.deepEqual((written.spec as { parentRefs: { name: string }[] }).parentRefs.map((p) => p.name), ['web-apex']);

    const status = await waitFor('the problem in the facts', () => (ours(facts.at(-1))?.state === 'problem' ? ours(facts.at(-1)) : undefined), 5000);
    assert.deepEqual(status.problems.map((p) => [p.condition, p.reason, p.parent.kind, p.parent.name, p.parent.group]), [
      ['Accepted', 'NoMatchingParent', 'Service', 'web-apex', ''],
      ['ResolvedRefs', 'BackendNotFound', 'Service', 'web-apex', ''],
    ]);
    assert.deepEqual(session.routeStatuses().find((r) => r.name === NAME), status);

    const ds = diagnostics(facts.at(-1)!);
    assert.deepEqual(ds.map((d) => [d.code, d.range.start.line, d.severity]), [
      ['route-not-accepted', 7, 1], // the parentRef's name
      ['route-refs-unresolved', 16, 2], // web-svc-9, the backend the cluster lacks
    ]);
    const text = (i: number): string => { const m = ds[i]!.message; return typeof m === 'string' ? m : m.value; };
    assert.match(text(0), /NoMatchingParent.*Next step: the parentRef must name an existing Service/);
    assert.match(text(1), /BackendNotFound.*Next step: create the backend Service or fix backendRefs/);
  });

  test('Accepted and ResolvedRefs True again: the facts say accepted and the diagnostics go', async () => {
    await writeStatus([ACCEPTED, RESOLVED_REFS]);
    const status = await waitFor('accepted', () => (ours(facts.at(-1))?.state === 'accepted' ? ours(facts.at(-1)) : undefined), 5000);
    assert.deepEqual(status.problems, []);
    assert.deepEqual(diagnostics(facts.at(-1)!), []);
  });
});
