/**
 * End to end in real VS Code (code-server in Debian's Chromium, see ./vscode.ts) with a real kube-apiserver (the test
 * cluster harness, test/cluster/harness.ts, which installs the vendored Flagger and Argo Rollouts CRDs): progressive
 * delivery as a person sees it.
 *
 * The workspace (written by this test) holds a Flagger Canary `podinfo` (provider linkerd) with its Deployment, the
 * TrafficSplit Flagger generates for it, and an Argo Rollout `web-rollout` (SMI trafficRouting) with its Services. The
 * cluster holds the same objects, plus the TrafficSplits the controllers would create (with their ownerReferences).
 * No controller runs here (no kubelet): the test writes their `status` through the /status subresource in the
 * controllers' own shapes, standing in for them, and reads back what Promote wrote.
 *
 * Steps: the Canary shows its plan lens; a stepWeight above maxWeight gets a squiggle and its quick fix clears it; the
 * Flagger-owned split shows the owner lens instead of Shift; the panel shows the Canary (failed checks, gates, no
 * buttons) and the Rollout progressing as its status is written; Promote, once confirmed in a dialog that names the
 * context and namespace, clears the pause in the API server.
 *
 * Screenshots: .test-artifacts/e2e/delivery-*.png. Timings are printed at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { CONTEXT, NAMESPACE, startCluster, type Cluster } from '../cluster/harness';
import { builtinMetrics, canary, containerPorts, deployment, podSpec } from '../support/deliveryManifests';
import { sleep, until } from '../support/wait';
import { startVSCode, type VSCode, step as e2eStep } from './vscode';
import { vsixPath } from './vsix';

const log = (line: string): void => void process.stderr.write(`[e2e delivery] ${line}\n`);
const timings: Record<string, number> = {};
const runStarted = Date.now();

// ---------------------------------------------------------------------------------------------------------------
// The manifests: the workspace's files, and (the same text) what is created in the cluster.

/** Flagger's linkerd tutorial's podinfo (fluxcd/flagger docs/gitbook/tutorials/linkerd-progressive-delivery.md). */
const PODINFO_DEPLOYMENT = deployment('podinfo', NAMESPACE, '  replicas: 1\n', podSpec({
  app: 'podinfo', container: 'podinfod', image: 'ghcr.io/stefanprodan/podinfo:6.7.1', containerLines: containerPorts([['http', 9898]]),
}));

const MAX_WEIGHT = 50;
const STEP_WEIGHT = 10;
const THRESHOLD = 5;
/** The Canary of the same tutorial, with a confirm-promotion gate on the loadtester's /gate/check. */
const PODINFO_CANARY = canary({
  namespace: NAMESPACE,
  provider: 'linkerd',
  afterTarget: ['progressDeadlineSeconds: 60'],
  analysis: [
    'interval: 30s', `threshold: ${THRESHOLD}`, `maxWeight: ${MAX_WEIGHT}`, `stepWeight: ${STEP_WEIGHT}`, ...builtinMetrics('  '),
    'webhooks:', '  - name: promotion gate', '    type: confirm-promotion', '    url: http://flagger-loadtester.test/gate/check',
  ],
});

/**
 * The TrafficSplit Flagger's linkerd router generates for it (fluxcd/flagger v1.44.0 pkg/router/smi.go `Reconcile`:
 * named after the apex Service, split.smi-spec.io/v1alpha1, backends `<target>-canary` and `<target>-primary`), here
 * as `kubectl get -o yaml` would show it mid-analysis.
 */
const PODINFO_SPLIT = `apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata:
  name: podinfo
  namespace: ${NAMESPACE}
spec:
  service: podinfo
  backends:
    - service: podinfo-canary
      weight: 10
    - service: podinfo-primary
      weight: 90
`;

const ROLLOUT = 'web-rollout';
const ROLLOUT_STEPS = 5;
/** An Argo Rollout with SMI traffic routing (argoproj/argo-rollouts docs/features/traffic-management/smi.md). */
const WEB_ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: ${ROLLOUT}
  namespace: ${NAMESPACE}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${ROLLOUT}
  template:
    metadata:
      labels:
        app: ${ROLLOUT}
    spec:
      containers:
        - name: web
          image: docker.l5d.io/buoyantio/emojivoto-web:v11
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
  strategy:
    canary:
      canaryService: ${ROLLOUT}-canary
      stableService: ${ROLLOUT}-stable
      trafficRouting:
        smi:
          rootService: ${ROLLOUT}-root
          trafficSplitName: ${ROLLOUT}
      steps:
        - setWeight: 20
        - pause: {}
        - setWeight: 50
        - pause: {duration: 10s}
        - setWeight: 80
`;

const service = (name: string, app: string, port: number, target: number | string): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${NAMESPACE}
spec:
  selector:
    app: ${app}
  ports:
    - name: http
      port: ${port}
      targetPort: ${typeof target === 'number' ? target : target}
      protocol: TCP
`;

const ROLLOUT_SERVICES = ['root', 'stable', 'canary'].map((s) => service(`${ROLLOUT}-${s}`, ROLLOUT, 80, 8080)).join('---\n');

/** The Services Flagger creates for the Canary (pkg/router/kubernetes_default.go): apex, primary and canary. */
const PODINFO_SERVICES = [['podinfo', 'podinfo-primary'], ['podinfo-primary', 'podinfo-primary'], ['podinfo-canary', 'podinfo']]
  .map(([name, app]) => service(name!, app!, 9898, 'http')).join('---\n');

/** The TrafficSplit Argo Rollouts creates for the Rollout (rollout/trafficrouting/smi/smi.go `generateTrafficSplits`). */
const rolloutSplit = (canaryWeight: number): string => `apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata:
  name: ${ROLLOUT}
  namespace: ${NAMESPACE}
spec:
  service: ${ROLLOUT}-root
  backends:
    - service: ${ROLLOUT}-canary
      weight: ${canaryWeight}
    - service: ${ROLLOUT}-stable
      weight: ${100 - canaryWeight}
`;

// ---------------------------------------------------------------------------------------------------------------
// Status in the controllers' shapes.

/**
 * Flagger's status mid-analysis (fluxcd/flagger v1.44.0 pkg/apis/flagger/v1beta1/status.go `CanaryStatus`; the
 * Promoted condition as pkg/canary/status.go `MakeStatusConditions` writes it for Progressing).
 */
function canaryStatus(weight: number, failedChecks: number): object {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    status: {
      phase: 'Progressing', canaryWeight: weight, failedChecks, iterations: 0, lastTransitionTime: now,
      conditions: [{
        type: 'Promoted', status: 'Unknown', reason: 'Progressing', message: 'New revision detected, progressing canary analysis.',
        lastUpdateTime: now, lastTransitionTime: now,
      }],
    },
  };
}

const STABLE_HASH = '5d8f7b9c4f';
const CANARY_HASH = '6b9c9c8f7d';

/**
 * Argo Rollouts' status at a step (argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1/types.go `RolloutStatus`,
 * `CanaryStatus.weights`, `PauseCondition`; paused at a `pause: {}` step the phase is Paused with the pause reason as
 * the message, utils/rollout/rolloututil.go `CalculateRolloutPhase`).
 */
function rolloutStatus(stepIndex: number, weight: number, paused: boolean): object {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    status: {
      phase: paused ? 'Paused' : 'Progressing',
      message: paused ? 'CanaryPauseStep' : 'more replicas need to be updated',
      currentStepIndex: stepIndex,
      currentPodHash: CANARY_HASH, stableRS: STABLE_HASH, currentStepHash: '7d5c8b9f6', observedGeneration: '1',
      replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, selector: `app=${ROLLOUT}`,
      pauseConditions: paused ? [{ reason: 'CanaryPauseStep', startTime: now }] : null,
      controllerPause: paused,
      canary: {
        weights: {
          canary: { weight, podTemplateHash: CANARY_HASH, serviceName: `${ROLLOUT}-canary` },
          stable: { weight: 100 - weight, podTemplateHash: STABLE_HASH, serviceName: `${ROLLOUT}-stable` },
        },
      },
      conditions: [{
        type: 'Progressing', status: 'True', reason: paused ? 'RolloutPaused' : 'ReplicaSetUpdated',
        message: paused ? 'Rollout is paused' : `ReplicaSet "${ROLLOUT}-${CANARY_HASH}" is progressing.`,
        lastTransitionTime: now, lastUpdateTime: now,
      }],
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** Runs a step (test/e2e/vscode.ts `step`), timing it. */
async function step(vs: VSCode | undefined, name: string, fn: () => Promise<void>): Promise<void> {
  const started = Date.now();
  await e2eStep(vs, 'delivery-', name, fn);
  timings[name] = Date.now() - started;
}

interface CardRead {
  phase: string;
  weight: string;
  step: string;
  checks: string;
  message: string;
  tags: string[];
  buttons: string[];
  gates: string;
}

/** A delivery card as the panel's webview shows it (empty strings where it shows nothing). */
async function readCard(frame: FrameLocator, key: string): Promise<CardRead | undefined> {
  const card = frame.locator(`.cl-delivery[data-delivery="${key}"]`);
  if ((await card.count()) === 0) return undefined;
  const text = async (sel: string): Promise<string> => ((await card.locator(sel).allTextContents()).join(' ')).replace(/\u00a0/g, ' ').trim();
  return {
    phase: await text('.cl-phase'),
    weight: await text('.cl-delivery-weight'),
    step: await text('.cl-delivery-step'),
    checks: await text('.cl-delivery-checks'),
    message: await text('.cl-delivery-message'),
    tags: (await card.locator('.cl-split-title .cl-tag').allTextContents()).map((t) => t.trim()),
    buttons: (await card.locator('.cl-delivery-actions button').allTextContents()).map((t) => t.trim()),
    gates: await text('.cl-gates'),
  };
}

describe('progressive delivery in real VS Code with a real API server', { timeout: 20 * 60_000 }, () => {
  let cluster: Cluster | undefined;
  let vs: VSCode | undefined;
  let workspace: string | undefined;

  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const r = await cluster!.kubectl(args, input !== undefined ? { input } : {});
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    return r.stdout;
  };
  const uid = async (kind: string, name: string): Promise<string> => (await kubectl(['get', kind, name, '-n', NAMESPACE, '-o', 'jsonpath={.metadata.uid}'])).trim();
  const patchStatus = (kind: string, name: string, body: object): Promise<string> =>
    kubectl(['patch', kind, name, '-n', NAMESPACE, '--subresource=status', '--type=merge', '-p', JSON.stringify(body)]);
  /** A TrafficSplit as its controller creates it: with the owner as controller in its ownerReferences. */
  const createOwnedSplit = async (yaml: string, owner: { apiVersion: string; kind: string; name: string; uid: string }): Promise<void> => {
    const withOwner = yaml.replace(/^metadata:\n/m, `metadata:\n  ownerReferences:\n    - apiVersion: ${owner.apiVersion}\n      kind: ${owner.kind}\n      name: ${owner.name}\n      uid: ${owner.uid}\n      controller: true\n      blockOwnerDeletion: true\n`);
    await kubectl(['create', '-f', '-'], withOwner);
  };

  before(async () => {
    let t = Date.now();
    cluster = await startCluster({ log: (l) => log(`cluster: ${l}`) });
    timings.clusterMs = Date.now() - t;

    // The cluster: the objects of the workspace, the controllers' Services and TrafficSplits, and their status.
    t = Date.now();
    await kubectl(['create', '-f', '-'], [PODINFO_DEPLOYMENT, PODINFO_SERVICES, ROLLOUT_SERVICES].join('---\n'));
    await until('the delivery kinds to be served', () => cluster!.kubectl(['get', 'canaries,rollouts', '-n', NAMESPACE]), (r) => r.code === 0, 60_000, 500);
    await kubectl(['create', '-f', '-'], [PODINFO_CANARY, WEB_ROLLOUT].join('---\n'));
    await createOwnedSplit(PODINFO_SPLIT, { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo', uid: await uid('canary', 'podinfo') });
    await createOwnedSplit(rolloutSplit(0), { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: ROLLOUT, uid: await uid('rollout', ROLLOUT) });
    await patchStatus('canary', 'podinfo', canaryStatus(10, 1));
    await patchStatus('rollout', ROLLOUT, rolloutStatus(0, 20, false));
    timings.objectsMs = Date.now() - t;

    workspace = mkdtempSync(path.join(tmpdir(), 'canary-lens-delivery-ws-'));
    const files: Record<string, string> = {
      'podinfo.yaml': PODINFO_DEPLOYMENT,
      'podinfo-canary.yaml': PODINFO_CANARY,
      'podinfo-ts.yaml': PODINFO_SPLIT,
      'web-rollout.yaml': WEB_ROLLOUT,
      'web-rollout-services.yaml': ROLLOUT_SERVICES,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(workspace, name), text);

    t = Date.now();
    vs = await startVSCode({
      // CANARY_LENS_VSIX: a .vsix packaged elsewhere (`node scripts/package.mjs --out FILE`), else the repository's.
      vsix: process.env.CANARY_LENS_VSIX || vsixPath(),
      workspaceFrom: workspace,
      workspaceName: 'delivery',
      label: 'delivery',
      log: (l) => log(`vscode: ${l}`),
      viewport: { width: 1680, height: 960 },
      settings: { 'canaryLens.kubeconfig': cluster.kubeconfig, 'workbench.sideBar.location': 'right' },
    });
    timings.vscodeMs = Date.now() - t;
  });

  after(async () => {
    await vs?.stop();
    await cluster?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    timings.wholeRunMs = Date.now() - runStarted;
    console.log(['e2e delivery timings:', ...Object.entries(timings).map(([k, v]) => `  ${k}: ${(v / 1000).toFixed(1)} s`)].join('\n'));
  });

  test('the Canary shows its plan lens', async () => {
    await step(vs, 'plan-lens', async () => {
      const v = vs!;
      await v.openFile('podinfo-canary.yaml');
      const lenses = await v.waitForLenses({ text: /^Plan: /, timeoutMs: 90_000 });
      log(`Canary lenses: ${JSON.stringify(lenses)}`);
      const plan = lenses.find((l) => l.startsWith('Plan: '))!;
      // stepWeight 10 up to maxWeight 50 (Flagger's scheduler: canary weight += stepWeight until maxWeight).
      assert.match(plan, /^Plan: 10% → 20% → 30% → 40% → 50%/, plan);
      assert.ok(lenses.includes('every 30s'), `the interval: ${JSON.stringify(lenses)}`);
      await v.screenshot('delivery-01-plan-lens');
    });
  });

  test('a stepWeight above maxWeight gets a squiggle, and its quick fix clears it', async () => {
    await step(vs, 'step-weight', async () => {
      const v = vs!;
      const lines = PODINFO_CANARY.split('\n');
      const line = lines.findIndex((l) => /^\s+stepWeight: /.test(l)) + 1;
      const column = lines[line - 1]!.indexOf(String(STEP_WEIGHT)) + 1;
      assert.equal(await v.squiggles('error'), 0, 'no error before the edit');
      await v.goTo(line, column);
      await v.selectRight(String(STEP_WEIGHT).length);
      await v.type('60');
      await until('an error squiggle on stepWeight', () => v.squiggles('error'), (n) => n >= 1, 30_000);
      await v.screenshot('delivery-02-squiggle');
      // The quick fix at the value (Ctrl+.): the preferred one sets stepWeight within 1..maxWeight.
      await v.goTo(line, column);
      await v.press('Control+.');
      const rows = v.page.locator('.action-widget .monaco-list-row.action');
      await rows.first().waitFor({ timeout: 15_000 });
      const titles = (await rows.evaluateAll((els: Array<{ getAttribute(n: string): string | null }>) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map((t) => t.trim());
      log(`quick fixes: ${JSON.stringify(titles)}`);
      const wanted = titles.findIndex((t) => /^Set stepWeight to \d+$/.test(t));
      assert.ok(wanted >= 0, `a fix that sets stepWeight: ${JSON.stringify(titles)}`);
      // The menu takes keys (a click is caught by its pointer block): move the focus to the fix, then Enter.
      const focused = async (): Promise<string> => ((await v.page.locator('.action-widget .monaco-list-row.action.focused').first().getAttribute('aria-label')) ?? '').trim();
      for (let i = 0; i < titles.length && (await focused()) !== titles[wanted]; i++) await v.press('ArrowDown');
      assert.equal(await focused(), titles[wanted]);
      await v.press('Enter');
      await until('the squiggle to clear', () => v.squiggles('error'), (n) => n === 0, 30_000);
      const fixed = /stepWeight:\s*(\d+)/.exec(await v.visibleText())?.[1];
      assert.ok(fixed !== undefined && Number(fixed) >= 1 && Number(fixed) <= MAX_WEIGHT, `stepWeight after the fix: ${fixed}`);
      await v.screenshot('delivery-03-fixed');
    });
  });

  test('the Flagger-owned split shows the owner lens instead of Shift', async () => {
    await step(vs, 'owner-lens', async () => {
      const v = vs!;
      await v.press('Escape'); // nothing of the previous step left open over the editor
      await v.openFile('podinfo-ts.yaml');
      const lenses = await v.waitForLenses({ text: /Managed by Canary podinfo \(Flagger\)/, timeoutMs: 60_000 });
      log(`TrafficSplit lenses: ${JSON.stringify(lenses)}`);
      assert.equal(lenses.filter((l) => /^Shift |^Promote |^Roll back |^Even split/.test(l)).length, 0, `no weight lenses: ${JSON.stringify(lenses)}`);
      await v.screenshot('delivery-04-owner-lens');
      // The owner lens opens the Canary.
      await v.clickLens(lenses.find((l) => /Managed by Canary podinfo/.test(l))!);
      await until('the Canary to open', () => v.activeTabLabel(), (t) => t.startsWith('podinfo-canary.yaml'), 15_000);
    });
  });

  test('the panel shows the Canary and the Rollout progressing; Promote, once confirmed, clears the pause in the API server', async () => {
    const v = vs!;
    let frame: FrameLocator;
    const rolloutKey = `${NAMESPACE}/Rollout/${ROLLOUT}`;
    const canaryKey = `${NAMESPACE}/Canary/podinfo`;
    const card = (key: string, ok: (c: CardRead) => boolean, what: string, ms = 30_000): Promise<CardRead | undefined> =>
      until(what, () => readCard(frame, key), (c) => c !== undefined && ok(c), ms, 250);

    await step(v, 'panel-cards', async () => {
      frame = await v.openPanel();
      await v.setSideBarWidth(520);
      const c = (await card(canaryKey, (x) => x.phase === 'Progressing', 'the Canary card', 90_000))!;
      log(`Canary card: ${JSON.stringify(c)}`);
      assert.equal(c.weight, '10%');
      assert.equal(c.checks, `1/${THRESHOLD}`);
      assert.equal(c.message, 'New revision detected, progressing canary analysis.');
      assert.deepEqual(c.buttons, ['Open Canary'], 'Flagger: no action buttons');
      for (const word of ['confirm-promotion', '/gate/approve', '/gate/halt', '/gate/check']) assert.ok(c.gates.includes(word), `gates name ${word}: ${c.gates}`);

      const r = (await card(rolloutKey, (x) => x.phase === 'Progressing', 'the Rollout card'))!;
      log(`Rollout card at step 0: ${JSON.stringify(r)}`);
      assert.equal(r.step, `step 0/${ROLLOUT_STEPS}`);
      assert.equal(r.weight, '20%');
      await v.screenshot('delivery-05-panel');
    });

    await step(v, 'panel-progress', async () => {
      // The controller's next move, written as it would: the TrafficSplit's weights, then the pause at step 1.
      const t = Date.now();
      await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=argo-rollouts', '-f', '-'], rolloutSplit(20));
      await patchStatus('rollout', ROLLOUT, rolloutStatus(1, 20, true));
      const r = (await card(rolloutKey, (x) => x.phase === 'Paused' && x.step === `step 1/${ROLLOUT_STEPS}`, 'the Rollout card to show the pause'))!;
      timings.statusToCardMs = Date.now() - t;
      log(`Rollout card paused: ${JSON.stringify(r)}`);
      assert.equal(r.message, 'CanaryPauseStep');
      assert.ok(r.buttons.includes('Promote'), `Promote offered: ${JSON.stringify(r.buttons)}`);
      assert.ok(r.buttons.includes('Abort'), `Abort offered: ${JSON.stringify(r.buttons)}`);
      assert.ok(!r.buttons.includes('Retry'), `no Retry before an abort: ${JSON.stringify(r.buttons)}`);
      await v.screenshot('delivery-06-paused');
    });

    await step(v, 'promote', async () => {
      const button = frame.locator(`.cl-delivery[data-delivery="${rolloutKey}"] .cl-delivery-actions button`, { hasText: /^\s*Promote\s*$/ });
      const clicked = Date.now();
      await button.click();
      const dialog = await v.waitForDialog(30_000);
      timings.promoteToDialogMs = Date.now() - clicked;
      log(`confirmation: ${JSON.stringify(dialog)}`);
      assert.equal(dialog.message, `Promote Rollout ${ROLLOUT} in namespace ${NAMESPACE} on context ${CONTEXT}?`);
      assert.match(dialog.detail, /pauseConditions/);
      assert.ok(dialog.buttons.includes('Promote'), `buttons: ${JSON.stringify(dialog.buttons)}`);
      await v.screenshot('delivery-07-confirm');

      // Cancel first: nothing is written.
      await v.clickDialogButton(/^Cancel$/);
      await sleep(1000);
      assert.equal((await kubectl(['get', 'rollout', ROLLOUT, '-n', NAMESPACE, '-o', 'jsonpath={.status.pauseConditions[*].reason}'])).trim(), 'CanaryPauseStep', 'Cancel writes nothing');

      await button.click();
      await v.waitForDialog(30_000);
      const confirmed = Date.now();
      await v.clickDialogButton('Promote');
      // kubectl argo rollouts promote on a Rollout paused with pauseConditions: `{"status":{"pauseConditions":null}}`.
      const read = () => kubectl(['get', 'rollout', ROLLOUT, '-n', NAMESPACE, '-o', 'jsonpath={.status.currentStepIndex}|{.status.pauseConditions}']);
      const after = await until('the pause to be cleared in the API server', read, (s) => /^1\|$/.test(s.trim()), 30_000, 200);
      timings.confirmToApiServerMs = Date.now() - confirmed;
      log(`status after Promote (currentStepIndex|pauseConditions): ${after.trim()}`);
      await until('the result message', () => v.toasts(), (t) => t.some((m) => m.includes(`Rollout ${ROLLOUT} promoted`)), 15_000)
        .then((t) => log(`toast: ${JSON.stringify(t)}`));
      // The card follows the watch: pause conditions cleared, the controller's pause still set (Argo's IsUnpausing).
      await card(rolloutKey, (x) => x.phase === 'Progressing' && x.message === 'waiting for rollout to unpause', 'the card to show the unpausing');

      // The controller goes on (as Argo would after the promote): step 2, setWeight 50.
      await patchStatus('rollout', ROLLOUT, rolloutStatus(2, 50, false));
      const r = (await card(rolloutKey, (x) => x.step === `step 2/${ROLLOUT_STEPS}` && x.weight === '50%', 'the card at step 2'))!;
      log(`Rollout card after the promote: ${JSON.stringify(r)}`);
      await v.screenshot('delivery-08-promoted');

      // Open Rollout: its manifest in the workspace.
      await frame.locator(`.cl-delivery[data-delivery="${rolloutKey}"] .cl-delivery-actions button`, { hasText: /^\s*Open Rollout\s*$/ }).click();
      await until('the Rollout\'s manifest to open', () => v.activeTabLabel(), (t) => t.startsWith('web-rollout.yaml'), 15_000);
    });
  });
});
