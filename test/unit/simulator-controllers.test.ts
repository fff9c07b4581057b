/**
 * The simulator's stand-in controllers (tools/simulator/delivery/), without a cluster: Flagger's job run by run
 * (weights per interval, failed checks, rollback, promotion, iterations), Argo Rollouts' reconcile by reconcile (steps,
 * timed and indefinite pauses, promote as `kubectl argo rollouts promote` writes it, abort, retry, full promotion),
 * the objects they generate, and the helpers (merge patch, durations). The status is fed back run after run, as the
 * stand-in reads it back from the API server.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  canaryAnalysis, generatedServices, generatedTrafficSplit, initializingStatus, maxWeightOf, nextStepWeight, primaryDeployment, promotedCondition,
  runCanary, serviceNames, type CanaryStatus, type CheckResult,
} from '../../tools/simulator/delivery/flagger';
import {
  pauseSeconds, podTemplateHash, rolloutPhase, rolloutSpec, rolloutTrafficSplit, runRollout, type RolloutStatus,
} from '../../tools/simulator/delivery/argo';
import { builtinChecks } from '../../tools/simulator/delivery/standIn';
import { goDurationMs, mergePatch, metaTime, safeHash, type ApiObject } from '../../tools/simulator/delivery/objects';
import { parseArgs, UsageError } from '../../tools/simulator/main';

const T0 = Date.parse('2025-01-01T00:00:00Z');

// ---------------------------------------------------------------------------------------------------------------
// Flagger

function canary(analysis: Record<string, unknown>, service: Record<string, unknown> = { port: 8080 }): ApiObject {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', uid: 'uid-canary' },
    spec: { provider: 'linkerd', targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service, analysis },
  };
}

interface CanaryTrace {
  phase: string;
  canaryWeight: number;
  failedChecks: number;
  iterations: number;
  routes: { primary: number; canary: number };
  actions: string[];
  events: string[];
  status: CanaryStatus;
}

/**
 * Runs Flagger's job `runs` times as the controller does, one interval apart: each run reads the status and the split
 * the previous one left. `revision(i)` is the target's revision at run i; `check(i)` the analysis result.
 */
function driveCanary(c: ApiObject, runs: number, revision: (i: number) => string, check: (i: number) => CheckResult = () => ({ ok: true })): CanaryTrace[] {
  const analysis = canaryAnalysis(c);
  let status: CanaryStatus | undefined;
  let routes = { primary: 100, canary: 0 };
  const out: CanaryTrace[] = [];
  for (let i = 0; i < runs; i++) {
    const run = runCanary({ canary: c, status, analysis, targetKind: 'Deployment', targetRevision: revision(i), routes, check: () => check(i), now: T0 + i * analysis.intervalMs });
    status = run.status;
    if (run.routes) routes = run.routes;
    out.push({ phase: status.phase, canaryWeight: status.canaryWeight, failedChecks: status.failedChecks, iterations: status.iterations, routes: { ...routes }, actions: run.actions, events: run.events, status });
  }
  return out;
}

/** v1 before run `at`, v2 from then on: a new revision of the target. */
const releaseAt = (at: number) => (i: number) => (i < at ? 'v1' : 'v2');

describe('Flagger stand-in', () => {
  test('the analysis as Flagger reads it: interval at least 10 s (default 60 s), threshold at least 1, the strategy', () => {
    assert.equal(canaryAnalysis(canary({ interval: '2s' })).intervalMs, 10_000);
    assert.equal(canaryAnalysis(canary({ interval: '1m30s' })).intervalMs, 90_000);
    assert.equal(canaryAnalysis(canary({})).intervalMs, 60_000);
    assert.equal(canaryAnalysis(canary({ interval: 'soon' })).intervalMs, 60_000);
    assert.equal(canaryAnalysis(canary({})).threshold, 1);
    assert.equal(canaryAnalysis(canary({ iterations: 5 })).strategy, 'blue-green');
    assert.equal(canaryAnalysis(canary({ iterations: 5, match: [{ headers: { x: { exact: 'y' } } }] })).strategy, 'ab-testing');
    assert.equal(canaryAnalysis(canary({ stepWeight: 5 })).strategy, 'canary');
    assert.equal(maxWeightOf(canaryAnalysis(canary({ stepWeights: [1, 5, 200] }))), 100);
    assert.equal(nextStepWeight(canaryAnalysis(canary({ stepWeights: [1, 5, 25] })), 5), 20);
  });

  test('a new Canary is Initialized; nothing moves until the target changes; then Progressing with weights stepWeight apart up to maxWeight, then Promoting, Finalising, Succeeded', () => {
    const stepWeight = 10;
    const maxWeight = 30;
    const c = canary({ interval: '10s', threshold: 2, stepWeight, maxWeight });
    const runs = driveCanary(c, 12, releaseAt(3));
    assert.equal(runs[0]!.phase, 'Initialized');
    assert.ok(runs[0]!.actions.includes('scaleToZero'), 'the target is scaled to zero once the primary runs');
    assert.equal(runs[0]!.status.lastPromotedSpec, 'v1');
    assert.deepEqual(runs.slice(1, 3).map((r) => r.phase), ['Initialized', 'Initialized'], 'no analysis without a new revision');
    assert.equal(runs[3]!.phase, 'Progressing');
    assert.ok(runs[3]!.actions.includes('scaleFromZero'));
    assert.equal(runs[3]!.canaryWeight, 0);
    const steps = maxWeight / stepWeight;
    const progressing = runs.slice(4, 4 + steps);
    assert.deepEqual(progressing.map((r) => r.canaryWeight), Array.from({ length: steps }, (_, k) => (k + 1) * stepWeight));
    assert.deepEqual(progressing.map((r) => r.routes.primary + r.routes.canary), progressing.map(() => 100), 'the split always sums to 100');
    assert.deepEqual(progressing.map((r) => r.routes.canary), progressing.map((r) => r.canaryWeight), 'the split follows the status');
    const [promoting, finalising, succeeded] = runs.slice(4 + steps, 7 + steps);
    assert.equal(promoting!.phase, 'Promoting');
    assert.equal(promoting!.canaryWeight, maxWeight, 'Promoting keeps the weight (setStatusPhase)');
    assert.ok(promoting!.actions.includes('promote'), 'the target spec is copied to the primary');
    assert.equal(finalising!.phase, 'Finalising');
    assert.deepEqual(finalising!.routes, { primary: 100, canary: 0 });
    assert.equal(finalising!.canaryWeight, 0);
    assert.equal(succeeded!.phase, 'Succeeded');
    assert.equal(succeeded!.status.lastPromotedSpec, 'v2');
    assert.equal(succeeded!.status.conditions?.[0]?.message, 'Canary analysis completed successfully, promotion finished.');
    assert.equal(runs[runs.length - 1]!.phase, 'Succeeded', 'and it rests there');
  });

  test('stepWeights: the weights follow the list', () => {
    const stepWeights = [1, 5, 25, 50];
    const runs = driveCanary(canary({ interval: '10s', stepWeights }), 2 + stepWeights.length, releaseAt(1));
    assert.deepEqual(runs.slice(2).map((r) => r.canaryWeight), stepWeights);
  });

  test('a failing check counts a failed check and holds the weight; at the threshold Flagger rolls back to the primary', () => {
    const threshold = 3;
    const failFrom = 4; // the analysis runs from the second step on (none before the first)
    const c = canary({ interval: '10s', threshold, stepWeight: 10, maxWeight: 50 });
    const runs = driveCanary(c, 12, releaseAt(1), (i) => (i >= failFrom ? { ok: false, message: 'Halt podinfo.test advancement success rate 90.00% < 99%' } : { ok: true }));
    const before = runs[failFrom - 1]!;
    const failing = runs.slice(failFrom, failFrom + threshold);
    assert.deepEqual(failing.map((r) => r.failedChecks), Array.from({ length: threshold }, (_, k) => k + 1));
    assert.ok(failing.every((r) => r.canaryWeight === before.canaryWeight && r.phase === 'Progressing'), 'the weight holds while checks fail');
    assert.ok(failing[0]!.events.includes('Halt podinfo.test advancement success rate 90.00% < 99%'));
    const rolledBack = runs[failFrom + threshold]!;
    assert.equal(rolledBack.phase, 'Failed');
    assert.deepEqual(rolledBack.routes, { primary: 100, canary: 0 });
    assert.equal(rolledBack.status.conditions?.[0]?.status, 'False');
    assert.equal(rolledBack.status.conditions?.[0]?.message, 'Canary analysis failed, Deployment scaled to zero.');
    assert.ok(rolledBack.events.some((e) => e.startsWith(`Rolling back podinfo.test failed checks threshold reached ${threshold}`)));
    assert.equal(runs[runs.length - 1]!.phase, 'Failed', 'a failed revision is not retried until the target changes again');
  });

  test('a new revision during the analysis restarts it from 0', () => {
    const runs = driveCanary(canary({ interval: '10s', stepWeight: 20, maxWeight: 60 }), 6, (i) => (i < 1 ? 'v1' : i < 4 ? 'v2' : 'v3'));
    assert.ok(runs[3]!.canaryWeight > 0);
    assert.equal(runs[4]!.phase, 'Progressing');
    assert.equal(runs[4]!.canaryWeight, 0);
    assert.deepEqual(runs[4]!.routes, { primary: 100, canary: 0 });
    assert.equal(runs[4]!.status.lastAppliedSpec, 'v3');
  });

  test('stepWeightPromotion: the primary takes the traffic back step by step before Finalising', () => {
    const c = canary({ interval: '10s', stepWeight: 50, maxWeight: 50, stepWeightPromotion: 20 });
    const runs = driveCanary(c, 9, releaseAt(1));
    const promoting = runs.findIndex((r) => r.phase === 'Promoting');
    assert.deepEqual(runs.slice(promoting + 1, promoting + 4).map((r) => r.routes.primary), [70, 90, 100]);
    assert.equal(runs[promoting + 3]!.phase, 'Finalising');
  });

  test('blue/green: iterations count up, then all traffic goes to the canary, then Promoting', () => {
    const iterations = 3;
    const runs = driveCanary(canary({ interval: '10s', iterations }), 8, releaseAt(1));
    assert.deepEqual(runs.slice(2, 2 + iterations).map((r) => r.iterations), [1, 2, 3]);
    assert.ok(runs.slice(2, 2 + iterations).every((r) => r.routes.canary === 0), 'blue/green shifts no traffic while iterating');
    assert.deepEqual(runs[2 + iterations]!.routes, { primary: 0, canary: 100 });
    assert.equal(runs[3 + iterations]!.phase, 'Promoting');
  });

  test('conditions: one Promoted condition per phase; its transition time stays while its status does not change', () => {
    const init = initializingStatus(undefined, 'Deployment', T0)!;
    assert.equal(init.phase, 'Initializing');
    assert.equal(init.conditions?.[0]?.message, 'New Deployment detected, starting initialization.');
    assert.equal(initializingStatus({ ...init, phase: 'Initialized' }, 'Deployment', T0), undefined);
    const progressing = promotedCondition(undefined, 'Progressing', 'Deployment', T0)!;
    const promoting = promotedCondition(progressing, 'Promoting', 'Deployment', T0 + 60_000)!;
    assert.equal(promoting[0]!.lastTransitionTime, progressing[0]!.lastTransitionTime, 'Unknown → Unknown keeps the transition time');
    assert.equal(promoting[0]!.lastUpdateTime, metaTime(T0 + 60_000));
    assert.equal(promotedCondition(promoting, 'Promoting', 'Deployment', T0 + 120_000), undefined, 'an unchanged condition is not rewritten');
  });

  test('the generated objects: primary Deployment, three Services and the TrafficSplit, each owned by the Canary as NewControllerRef makes it', () => {
    const c = canary({ stepWeight: 10 }, { port: 9898, targetPort: 'http' });
    const target: ApiObject = {
      metadata: { name: 'podinfo', annotations: { 'kustomize.toolkit.fluxcd.io/checksum': 'x', team: 'a' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'podinfo' } }, template: { metadata: { labels: { app: 'podinfo', v: '1' } }, spec: { containers: [{ name: 'c' }] } } },
    };
    const owner = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo', uid: 'uid-canary', controller: true, blockOwnerDeletion: true };
    const primary = primaryDeployment(c, target, 'id-1') as unknown as ApiObject & { spec: { replicas: number; selector: unknown; template: { metadata: { labels: unknown; annotations: Record<string, string> } } } };
    assert.equal(primary.metadata?.name, 'podinfo-primary');
    assert.deepEqual(primary.metadata?.ownerReferences, [owner]);
    assert.deepEqual(primary.metadata?.annotations, { team: 'a' }, 'toolkit.fluxcd.io annotations are filtered');
    assert.deepEqual(primary.spec.selector, { matchLabels: { app: 'podinfo-primary' } });
    assert.deepEqual(primary.spec.template.metadata.labels, { app: 'podinfo-primary', v: '1' });
    assert.equal(primary.spec.template.metadata.annotations['flagger-id'], 'id-1');
    assert.equal(primary.spec.replicas, 2);
    const names = serviceNames(c);
    const services = generatedServices(c, target) as unknown as { metadata: { name: string; ownerReferences: unknown }; spec: { selector: unknown; ports: { port: number; targetPort: unknown; name: string }[] } }[];
    assert.deepEqual(services.map((s) => s.metadata.name), [names.canary, names.primary, names.apex]);
    assert.deepEqual(services.map((s) => s.spec.selector), [{ app: 'podinfo' }, { app: 'podinfo-primary' }, { app: 'podinfo-primary' }]);
    assert.deepEqual(services[0]!.spec.ports, [{ name: 'http', protocol: 'TCP', port: 9898, targetPort: 'http' }]);
    assert.ok(services.every((s) => JSON.stringify(s.metadata.ownerReferences) === JSON.stringify([owner])));
    const ts = generatedTrafficSplit(c) as unknown as ApiObject & { spec: { service: string; backends: unknown } };
    assert.equal(ts.apiVersion, 'split.smi-spec.io/v1alpha1');
    assert.equal(ts.metadata?.name, names.apex);
    assert.deepEqual(ts.metadata?.ownerReferences, [owner]);
    assert.deepEqual(ts.spec, { service: names.apex, backends: [{ service: names.canary, weight: '0' }, { service: names.primary, weight: '100' }] });
    assert.equal(serviceNames(canary({}, { port: 80, name: 'apex' })).canary, 'apex-canary', 'service.name names the Services');
  });

  test('the builtin checks on the simulator traffic: the success rate over the metric interval, the p99 against the range', () => {
    const a = canaryAnalysis(canary({ metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } }, { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } }] }));
    const now = T0 + 120_000;
    // 1000 requests in the last minute, 5 of them failed; before that, many failures that are out of the window.
    const samples = [{ t: T0, success: 0, failure: 0 }, { t: now - 60_000, success: 500, failure: 500 }, { t: now, success: 1495, failure: 505 }];
    assert.deepEqual(builtinChecks(a, 'p.test', samples, now, 1, 100), { ok: true });
    const worse = [...samples.slice(0, 2), { t: now, success: 1480, failure: 520 }];
    assert.deepEqual(builtinChecks(a, 'p.test', worse, now, 1, 100), { ok: false, message: 'Halt p.test advancement success rate 98.00% < 99%' });
    assert.equal(builtinChecks(a, 'p.test', samples, now, 1, 800).message, 'Halt p.test advancement request duration 800ms > 500ms');
    assert.match(builtinChecks(a, 'p.test', [{ t: now, success: 3, failure: 0 }], now, 1, 100).message ?? '', /no values found/);
    // The window scales with the time scale: at 0.5 a 1 m interval is 30 s, where the 500/500 sample is outside.
    assert.equal(builtinChecks(a, 'p.test', [{ t: now - 40_000, success: 0, failure: 100 }, { t: now - 30_000, success: 100, failure: 100 }, { t: now, success: 200, failure: 100 }], now, 0.5, 1).ok, true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Argo Rollouts

const STEPS = [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 40 }, { pause: {} }, { setWeight: 80 }];

function rollout(image: string, extra: Record<string, unknown> = {}, status?: RolloutStatus): ApiObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'emoji', namespace: 'emojivoto', uid: 'uid-rollout', generation: 1 },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'emoji' } },
      template: { metadata: { labels: { app: 'emoji' } }, spec: { containers: [{ name: 'c', image }] } },
      strategy: { canary: { canaryService: 'emoji-canary', stableService: 'emoji-stable', trafficRouting: { smi: {} }, steps: STEPS, ...extra } },
    },
    ...(status ? { status } : {}),
  };
}

interface RolloutTrace {
  t: number;
  status: RolloutStatus;
  weight: number | undefined;
  revision: number;
  events: string[];
}

/**
 * Reconciles the Rollout every `tickMs` as the stand-in does: the status read back each time, the canary pods of a
 * step ready one tick after the step starts. `edit(t, status)` plays what a user writes to the status (the kubectl
 * plugin's promote, abort, retry) before the reconcile at time t.
 */
class RolloutDriver {
  status: RolloutStatus | undefined;
  revision = 0;
  t = T0;
  private stepKey = '';
  private stepSince = T0;
  readonly trace: RolloutTrace[] = [];
  constructor(private image: string, private readonly tickMs = 1000) {}

  setImage(image: string): void {
    this.image = image;
  }

  tick(n = 1): RolloutTrace {
    for (let k = 0; k < n; k++) {
      const obj = rollout(this.image, {}, this.status);
      const spec = rolloutSpec(obj)!;
      const podHash = podTemplateHash(obj);
      const key = `${podHash}/${this.status?.currentStepIndex}/${this.status?.abort}/${this.status?.promoteFull}`;
      if (key !== this.stepKey) {
        this.stepKey = key;
        this.stepSince = this.t;
      }
      const run = runRollout({ rollout: obj, spec, podHash, revision: this.revision, canaryReady: this.t - this.stepSince >= this.tickMs, now: this.t });
      this.status = JSON.parse(JSON.stringify(run.status)) as RolloutStatus;
      this.revision = run.revision;
      this.trace.push({ t: this.t, status: this.status, weight: run.weight, revision: run.revision, events: run.events });
      this.t += this.tickMs;
    }
    return this.trace[this.trace.length - 1]!;
  }

  /** Ticks until `done` holds (at most `max` ticks). */
  until(done: (r: RolloutTrace) => boolean, max = 200): RolloutTrace {
    for (let i = 0; i < max; i++) {
      const r = this.tick();
      if (done(r)) return r;
    }
    assert.fail(`not reached in ${max} ticks; last status ${JSON.stringify(this.status)}`);
  }

  /** `kubectl argo rollouts promote` on a paused canary: {"status":{"pauseConditions":null}}. */
  promote(): void {
    delete this.status!.pauseConditions;
  }
}

const condition = (s: RolloutStatus, type: string) => s.conditions?.find((c) => c.type === type);

describe('Argo Rollouts stand-in', () => {
  test('the first revision becomes stable at once, without steps (Initial deploy): Healthy, all traffic to stable', () => {
    const d = new RolloutDriver('emoji:v1');
    const r = d.tick();
    assert.equal(r.status.stableRS, r.status.currentPodHash);
    assert.equal(r.status.currentStepIndex, STEPS.length);
    assert.equal(r.weight, 0);
    assert.equal(r.revision, 1);
    assert.deepEqual([r.status.phase, r.status.message], ['Healthy', undefined]);
    assert.equal(condition(r.status, 'Healthy')?.status, 'True');
    assert.deepEqual(r.status.canary.weights?.stable, { weight: 100, serviceName: 'emoji-stable', podTemplateHash: r.status.stableRS });
  });

  test('a new revision walks the steps: setWeight, a timed pause that ends by itself, an indefinite pause that waits for a promote, then the new revision becomes stable', () => {
    const d = new RolloutDriver('emoji:v1');
    const first = d.tick();
    d.setImage('emoji:v2');
    const started = d.tick();
    assert.equal(started.revision, 2);
    assert.equal(started.status.currentStepIndex, 0);
    assert.notEqual(started.status.currentPodHash, first.status.stableRS);
    assert.equal(started.weight, 0, 'no traffic before the canary pods are up');

    const paused = d.until((r) => r.status.phase === 'Paused');
    assert.equal(paused.status.currentStepIndex, 1);
    assert.equal(paused.weight, (STEPS[0] as { setWeight: number }).setWeight);
    assert.equal(paused.status.message, 'CanaryPauseStep');
    assert.equal(paused.status.controllerPause, true);
    assert.equal(paused.status.pauseConditions?.[0]?.reason, 'CanaryPauseStep');
    assert.deepEqual(paused.status.canary.weights?.canary, { weight: 20, serviceName: 'emoji-canary', podTemplateHash: paused.status.currentPodHash });

    // The timed pause ends once its 30 s have passed since the pause condition's startTime.
    const pauseStart = Date.parse(paused.status.pauseConditions[0].startTime);
    const resumed = d.until((r) => r.status.currentStepIndex === 2);
    assert.ok(resumed.t > pauseStart + 30_000 && resumed.t <= pauseStart + 32_000, `resumed ${(resumed.t - pauseStart) / 1000} s after the pause began`);

    const indefinite = d.until((r) => r.status.currentStepIndex === 3 && r.status.phase === 'Paused');
    assert.equal(indefinite.weight, 40);
    // An indefinite pause waits: an hour later it is still paused at the same weight.
    const later = d.tick(3600);
    assert.deepEqual([later.status.phase, later.status.currentStepIndex, later.weight], ['Paused', 3, 40]);
    assert.equal(condition(later.status, 'Progressing')?.reason, 'RolloutPaused');

    // Promote (what the kubectl plugin writes); the next reconcile goes on from the status the API server has.
    d.promote();
    const afterPromote = d.tick();
    assert.equal(afterPromote.status.currentStepIndex, 4);
    assert.equal(afterPromote.status.pauseConditions, undefined);
    assert.equal(afterPromote.status.controllerPause, undefined, 'controllerPause is dropped once no pause condition is left');
    const full = d.until((r) => r.weight === 100);
    assert.notEqual(full.status.stableRS, full.status.currentPodHash, 'the canary gets all traffic before it becomes stable');
    const done = d.until((r) => r.status.phase === 'Healthy');
    assert.equal(done.status.stableRS, done.status.currentPodHash);
    assert.equal(done.weight, 0, 'the stable Service now selects the new pods');
    assert.ok(done.events.some((e) => e.includes(`Completed all ${STEPS.length} canary steps`)));
    assert.equal(condition(done.status, 'Completed')?.status, 'True');
    // Every weight the split had on the way is a setWeight of the spec, 0 or 100.
    const allowed = new Set([0, 100, ...STEPS.flatMap((s) => ('setWeight' in s ? [s.setWeight] : []))]);
    assert.deepEqual(d.trace.map((r) => r.weight).filter((w) => !allowed.has(w)), []);
    // And it never goes down while the canary progresses (no flip-flop between steps).
    const progress = d.trace.filter((r) => r.t >= started.t && r.t < full.t).map((r) => r.weight!);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  });

  test('abort: the traffic goes back to stable, step 0, Degraded with the abort message; retry goes on from the first step', () => {
    const d = new RolloutDriver('emoji:v1');
    d.tick();
    d.setImage('emoji:v2');
    const at40 = d.until((r) => r.weight === 40);
    d.status!.abort = true; // kubectl argo rollouts abort: {"status":{"abort":true}}
    const aborted = d.tick();
    assert.equal(aborted.weight, 0);
    assert.equal(aborted.status.currentStepIndex, 0);
    assert.equal(aborted.status.abort, true);
    assert.ok(aborted.status.abortedAt);
    assert.equal(aborted.status.phase, 'Degraded');
    assert.equal(aborted.status.message, `RolloutAborted: Rollout aborted update to revision ${at40.revision}`);
    assert.equal(condition(aborted.status, 'Progressing')?.status, 'False');
    assert.equal(d.tick(10).weight, 0, 'an aborted Rollout stays aborted');
    d.status!.abort = false; // kubectl argo rollouts retry: {"status":{"abort":false}}
    const retried = d.tick();
    assert.equal(condition(retried.status, 'Progressing')?.reason, 'RolloutRetry');
    assert.equal(retried.status.abortedAt, undefined);
    const again = d.until((r) => r.weight === 20);
    assert.equal(again.status.currentPodHash, at40.status.currentPodHash, 'the same revision, from the first step');
  });

  test('full promotion skips the remaining steps and pauses', () => {
    const d = new RolloutDriver('emoji:v1');
    d.tick();
    d.setImage('emoji:v2');
    d.until((r) => r.status.phase === 'Paused');
    d.status!.promoteFull = true; // kubectl argo rollouts promote --full
    const done = d.until((r) => r.status.stableRS === r.status.currentPodHash);
    assert.equal(done.status.currentStepIndex, STEPS.length);
    assert.equal(done.status.promoteFull, undefined);
    assert.equal(done.weight, 0);
  });

  test('going back to the stable template skips the steps', () => {
    const d = new RolloutDriver('emoji:v1');
    d.tick();
    d.setImage('emoji:v2');
    d.until((r) => r.weight === 20);
    d.setImage('emoji:v1');
    const back = d.tick();
    assert.equal(back.status.currentStepIndex, STEPS.length);
    assert.equal(back.weight, 0);
    assert.equal(back.status.phase, 'Healthy');
  });

  test('pause durations as RolloutPause.DurationSeconds reads them; the phase of a manually paused Rollout', () => {
    assert.deepEqual([pauseSeconds(10), pauseSeconds('10'), pauseSeconds('10s'), pauseSeconds('1m'), pauseSeconds('1h30m'), pauseSeconds('soon'), pauseSeconds(undefined)], [10, 10, 10, 60, 5400, -1, undefined]);
    const spec = { ...rolloutSpec(rollout('x'))!, paused: true };
    assert.deepEqual(rolloutPhase(spec, { canary: {}, blueGreen: {} }, 0), ['Paused', 'manually paused']);
  });

  test('the TrafficSplit Argo creates: owned by the Rollout, root = the stable Service unless rootService, canary first', () => {
    const obj = rollout('x');
    const ts = rolloutTrafficSplit(obj, rolloutSpec(obj)!, 20) as unknown as ApiObject & { spec: unknown };
    assert.equal(ts.metadata?.name, 'emoji');
    assert.deepEqual(ts.metadata?.ownerReferences, [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'emoji', uid: 'uid-rollout', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(ts.spec, { service: 'emoji-stable', backends: [{ service: 'emoji-canary', weight: '20' }, { service: 'emoji-stable', weight: '80' }] });
    const named = rollout('x', { trafficRouting: { smi: { rootService: 'emoji-svc', trafficSplitName: 'emoji-split' } } });
    const ts2 = rolloutTrafficSplit(named, rolloutSpec(named)!, 0) as unknown as ApiObject & { spec: { service: string } };
    assert.deepEqual([ts2.metadata?.name, ts2.spec.service], ['emoji-split', 'emoji-svc']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers

describe('stand-in helpers', () => {
  test('the merge patch of a status: changed keys, removed ones as null, maps recursively, lists whole', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 1, d: 2 }, l: [1, 2], gone: true }, { a: 1, b: { c: 2, d: 2 }, l: [1], added: 'x' }), { b: { c: 2 }, l: [1], gone: null, added: 'x' });
    assert.deepEqual(mergePatch({ a: { b: 1 } }, { a: { b: 1 } }), {});
  });

  test('Go durations, metav1.Time, hashes', () => {
    assert.deepEqual(['10s', '1m30s', '500ms', '1h', '0', 'x', '10'].map(goDurationMs), [10_000, 90_000, 500, 3_600_000, 0, undefined, undefined]);
    assert.equal(metaTime(Date.parse('2025-01-01T00:00:01.900Z')), '2025-01-01T00:00:01Z');
    assert.equal(safeHash({ a: 1, b: 2 }), safeHash({ b: 2, a: 1 }), 'key order does not change the hash');
    assert.notEqual(safeHash({ a: 1 }), safeHash({ a: 2 }));
    assert.match(safeHash({ a: 1 }), /^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });

  test('the command line: --controllers, with --time-scale', () => {
    assert.equal(parseArgs(['-n', 'x']).controllers, undefined, 'off by default');
    assert.equal(parseArgs(['-n', 'x', '--controllers']).controllers, true);
    assert.deepEqual(parseArgs(['-n', 'x', '--time-scale', '0.1', '--controllers']).controllers, { timeScale: 0.1 });
    assert.throws(() => parseArgs(['-n', 'x', '--time-scale', '0']), UsageError);
  });
});
