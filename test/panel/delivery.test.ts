/**
 * The panel's Canaries and Rollouts without VS Code: the cards built from the live statuses (phase, weight, step,
 * failed checks against the threshold, message, the shares of the split each moves), the actions only where the
 * status offers them, Flagger's gates instead of buttons, the managed split's card offering its owner instead of hand
 * edits, the states of the delivery kinds, the confirmation's words, the webview's messages and the cluster source.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { DeliveryStatus } from '../../src/protocol/messages';
import { actionDone, actionNotOffered, confirmDetail, confirmQuestion, stepText } from '../../src/extension/panel/deliveryModel';
import { parseWebviewMessage, type PanelModel } from '../../src/extension/panel/model';
import { renderPanelBody } from '../../src/extension/panel/render';
import { ClusterPanelSource, type DeliveryKindState, type SessionLike } from '../../src/extension/panel/source';
import { HOSTILE, modelOf, result, snapshot, split, statsOf } from './support';

const rolloutSplit = split('web-rollout', 'web-root', [['web-stable', 80], ['web-canary', 20]]);
const canarySplit = split('podinfo', 'podinfo', [['podinfo-primary', 90], ['podinfo-canary', 10]]);
const handSplit = split('web-svc-ts', 'web-apex', [['web-svc', 500], ['web-svc-2', 500]]);

function rollout(extra: Partial<DeliveryStatus> = {}): DeliveryStatus {
  return {
    kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'emojivoto', name: 'web', phase: 'Paused', weight: 20,
    step: { index: 1, total: 5 }, message: 'CanaryPauseStep', paused: true, aborted: false,
    split: { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-rollout' },
    brief: 'Paused · 20% · step 1/5', actions: ['abort', 'promote', 'promote-full'], ...extra,
  };
}

function canary(extra: Partial<DeliveryStatus> = {}): DeliveryStatus {
  return {
    kind: 'Canary', controller: 'Flagger', namespace: 'emojivoto', name: 'podinfo', phase: 'Progressing', weight: 10,
    failedChecks: 1, threshold: 5, message: 'New revision detected, progressing canary analysis.',
    split: { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'podinfo' },
    brief: 'Progressing · 10% · 1/5 failed checks', actions: [], ...extra,
  };
}

function model(deliveries: DeliveryStatus[], extra: Parameters<typeof snapshot>[1] = {}): PanelModel {
  const splits = [rolloutSplit, canarySplit, handSplit];
  const stats = result([
    statsOf(rolloutSplit, [{ success: 1, rps: 4, observed: 0.78 }, { success: 0.98, rps: 1, observed: 0.22 }]),
    statsOf(canarySplit, [{ success: 1, rps: 9, observed: 0.9 }, { success: 1, rps: 1, observed: 0.1 }]),
    statsOf(handSplit, [{ success: 1, rps: 1, observed: 0.5 }, { success: 1, rps: 1, observed: 0.5 }]),
  ]);
  return modelOf({ cluster: snapshot(splits, { deliveries, ...extra }), stats });
}

/** The buttons of the card (article) whose `data-<attr>` is `key`, as [data-delivery-op or data-op, text]. */
function buttonsOf(html: string, attr: 'delivery' | 'split', key: string): string[][] {
  const at = html.indexOf(`<article class="cl-${attr}`, html.lastIndexOf('<article', html.indexOf(`data-${attr}="${key}"`)));
  assert.ok(at >= 0, `a card with data-${attr}="${key}"`);
  const article = html.slice(at, html.indexOf('</article>', at));
  assert.ok(article.includes(`data-${attr}="${key}"`), `the card is the one of ${key}`);
  return [...article.matchAll(/<button[^>]*data-(?:delivery-op|op)="([^"]+)"[^>]*>([^<]*)<\/button>/g)].map((m) => [m[1]!, m[2]!]);
}

describe('delivery cards', () => {
  test('a Rollout card: phase, weight, step, message, the shares of its split, and the offered actions in order', () => {
    const m = model([rollout()]);
    const d = m.deliveries?.[0];
    assert.ok(d, 'a card');
    assert.equal(d.key, 'emojivoto/Rollout/web');
    assert.equal(d.phase, 'Paused');
    assert.equal(d.tone, 'paused');
    assert.equal(d.weightText, '20%');
    assert.equal(d.stepText, 'step 1/5');
    assert.equal(d.checksText, undefined);
    assert.equal(d.message, 'CanaryPauseStep');
    // Promote, Promote fully, Abort: the status's actions in the buttons' fixed order; no Retry (not aborted).
    assert.deepEqual(d.actions.map((a) => a.label), ['Promote', 'Promote fully', 'Abort']);
    assert.equal(d.gates, undefined, 'a controller with actions needs no gate help');
    // The observed shares of the managed split come from the panel's numbers for it.
    assert.deepEqual(d.shares.map((s) => [s.name, s.desired, s.observed]), [['web-stable', 0.8, 0.78], ['web-canary', 0.2, 0.22]]);
    assert.equal(d.split?.key, m.splits.find((s) => s.name === 'web-rollout')?.key);
  });

  test('a Canary card: failed checks against the threshold, no actions, and how its gates work', () => {
    const m = model([canary()]);
    const d = m.deliveries![0]!;
    assert.equal(d.checksText, '1/5');
    assert.equal(d.weightText, '10%');
    assert.equal(d.stepText, undefined);
    assert.equal(d.tone, 'progress');
    assert.deepEqual(d.actions, []);
    const help = [d.gates?.title, ...(d.gates?.lines ?? [])].join('\n');
    for (const word of ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion', '/gate/approve', '/gate/halt', '/gate/check', '/gate/open', '/rollback/open']) {
      assert.ok(help.includes(word), `the help names ${word}: ${help}`);
    }
    assert.deepEqual(d.shares.map((s) => s.observed), [0.9, 0.1]);
  });

  test('tags beside the phase say what it does not: paused under another phase, aborted', () => {
    assert.deepEqual(model([rollout()]).deliveries![0]!.flags, [], 'Paused says it already');
    assert.deepEqual(model([rollout({ phase: 'Progressing' })]).deliveries![0]!.flags, ['paused']);
    assert.deepEqual(model([rollout({ phase: 'Degraded', paused: false, aborted: true })]).deliveries![0]!.flags, ['aborted']);
    assert.match(renderPanelBody(model([rollout({ phase: 'Degraded', paused: false, aborted: true })])), /<span class="cl-tag cl-tag--flagged">aborted<\/span>/);
  });

  test('the steps and tones in words', () => {
    assert.equal(stepText({ index: 0, total: 5 }), 'step 0/5');
    assert.equal(stepText({ index: 5, total: 5 }), 'step 5/5');
    assert.equal(stepText({ index: 0, total: 0 }), 'no steps');
    assert.equal(model([rollout({ aborted: true, paused: false, phase: 'Degraded', actions: ['retry'] })]).deliveries![0]!.tone, 'failed');
    assert.equal(model([canary({ phase: 'Succeeded' })]).deliveries![0]!.tone, 'ok');
  });

  test('a split a delivery moves offers its owner; a hand-written split keeps its buttons', () => {
    const m = model([rollout(), canary()]);
    const managed = m.splits.find((s) => s.name === 'web-rollout')!;
    assert.deepEqual(managed.owner, { deliveryKey: 'emojivoto/Rollout/web', kind: 'Rollout', name: 'web', controller: 'Argo Rollouts' });
    assert.equal(m.splits.find((s) => s.name === 'podinfo')!.owner?.kind, 'Canary');
    assert.equal(m.splits.find((s) => s.name === 'web-svc-ts')!.owner, undefined);
  });

  test('no deliveries, no cards and no section', () => {
    const m = model([]);
    assert.equal(m.deliveries, undefined);
    assert.doesNotMatch(renderPanelBody(m), /cl-deliveries/);
  });
});

describe('rendering the cards', () => {
  test('the Rollout card has Open and its actions; the Canary card has Open only, and its gates', () => {
    const html = renderPanelBody(model([rollout(), canary()]));
    assert.deepEqual(buttonsOf(html, 'delivery', 'emojivoto/Rollout/web'), [
      ['open', 'Open Rollout'], ['promote', 'Promote'], ['promote-full', 'Promote fully'], ['abort', 'Abort'],
    ]);
    assert.deepEqual(buttonsOf(html, 'delivery', 'emojivoto/Canary/podinfo'), [['open', 'Open Canary']]);
    assert.match(html, /class="cl-delivery-step">step 1\/5</);
    assert.match(html, /<dt>failed checks<\/dt><dd class="cl-delivery-checks">1\/5</);
    assert.match(html, /data-phase="Progressing"/);
    assert.match(html, /cl-gates-help/);
    // Cards come before the split cards.
    assert.ok(html.indexOf('cl-deliveries') < html.indexOf('cl-splits'));
  });

  test('the managed split card: the owner note and its Open button, no Shift, Promote, Roll back or Apply', () => {
    const html = renderPanelBody(model([rollout()]));
    const managedKey = model([rollout()]).splits.find((s) => s.name === 'web-rollout')!.key;
    const handKey = model([rollout()]).splits.find((s) => s.name === 'web-svc-ts')!.key;
    assert.deepEqual(buttonsOf(html, 'split', managedKey), [['open', 'Open manifest'], ['open', 'Open Rollout web']]);
    assert.match(html, /Managed by Rollout web \(Argo Rollouts\): a hand edit of its weights is reverted; change the Rollout\./);
    assert.deepEqual(buttonsOf(html, 'split', handKey).map((b) => b[0]), ['open', 'shift', 'promote', 'rollback', 'apply']);
    // No `canary` tag where no button acts on it (Flagger's split lists the canary first, Argo's too).
    const card = (key: string) => html.slice(html.indexOf(`<article class="cl-split`, html.lastIndexOf('<article', html.indexOf(`data-split="${key}"`))), html.indexOf('</article>', html.indexOf(`data-split="${key}"`)));
    assert.doesNotMatch(card(managedKey), /<span class="cl-tag">canary<\/span>/);
    assert.match(card(handKey), /<span class="cl-tag">canary<\/span>/);
  });

  test('names, phases and messages from the cluster are escaped', () => {
    const html = renderPanelBody(model([rollout({ name: HOSTILE, phase: HOSTILE, message: HOSTILE, brief: HOSTILE }), canary({ namespace: HOSTILE })]));
    assert.doesNotMatch(html, /<img/i);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    for (const attr of html.matchAll(/\s([a-z-]+)="([^"]*)"/g)) assert.doesNotMatch(attr[2]!, /[<>]/, `attribute ${attr[1]} carries raw markup`);
  });
});

describe('the confirmation and the result', () => {
  test('the question names the action, the object, the namespace and the context', () => {
    assert.equal(confirmQuestion('promote', { kind: 'Rollout', name: 'web', namespace: 'emojivoto' }, 'kind-dev'), 'Promote Rollout web in namespace emojivoto on context kind-dev?');
    assert.equal(confirmQuestion('promote-full', { kind: 'Rollout', name: 'web', namespace: 'prod' }, 'east'), 'Fully promote Rollout web in namespace prod on context east?');
    assert.equal(confirmQuestion('abort', { name: 'web', namespace: 'prod' }, 'east'), 'Abort web in namespace prod on context east?');
  });

  test('the detail says what the action writes, and where the object stands', () => {
    assert.match(confirmDetail('promote', rollout()), /pauseConditions[\s\S]*Now: Paused · 20% · step 1\/5/);
    assert.match(confirmDetail('promote-full', undefined), /promoteFull: true/);
    assert.match(confirmDetail('abort', undefined), /abort: true/);
    assert.match(confirmDetail('retry', undefined), /abort: false/);
  });

  test('an action the status does not offer is refused in words; a done one is reported', () => {
    assert.equal(actionNotOffered('retry', rollout()), 'Canary Lens: Rollout web does not offer Retry now (Paused · 20% · step 1/5); it offers Abort, Promote, Promote fully.');
    assert.match(actionNotOffered('promote', canary()), /it offers no action now/);
    assert.equal(actionDone('promote', { kind: 'Rollout', name: 'web', namespace: 'emojivoto' }, 'kind-dev'), 'Canary Lens: Rollout web promoted (namespace emojivoto, context kind-dev).');
  });
});

describe('messages from the webview', () => {
  test('delivery ops are accepted, others are not', () => {
    for (const op of ['open', 'promote', 'promote-full', 'abort', 'retry']) {
      assert.deepEqual(parseWebviewMessage({ type: 'delivery', op, key: 'emojivoto/Rollout/web' }), { type: 'delivery', op, key: 'emojivoto/Rollout/web' });
    }
    assert.equal(parseWebviewMessage({ type: 'delivery', op: 'delete', key: 'emojivoto/Rollout/web' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'delivery', op: 'promote' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'delivery', op: 'promote', key: 'x'.repeat(2000) }), undefined);
  });
});

describe('the states of the delivery kinds', () => {
  const kind = (k: 'Canary' | 'Rollout', state: string, message = ''): DeliveryKindState => (k === 'Canary'
    ? { kind: k, label: 'Canaries (Flagger)', resource: 'canaries.flagger.app', state, message }
    : { kind: k, label: 'Rollouts (Argo Rollouts)', resource: 'rollouts.argoproj.io', state, message });

  test('forbidden: a warning with the RBAC next step, and the splits stay', () => {
    const m = model([], { deliveryKinds: [kind('Canary', 'forbidden', 'canaries.flagger.app is forbidden'), kind('Rollout', 'ready', '0 Rollouts')] });
    assert.deepEqual(m.deliveryNotices?.map((n) => n.state), ['delivery-forbidden']);
    const n = m.deliveryNotices[0]!;
    assert.match(n.title, /cannot list canaries\.flagger\.app in namespace emojivoto/);
    assert.match(n.nextStep ?? '', /RBAC permission to get, list and watch canaries\.flagger\.app/);
    assert.ok(n.actions.some((a) => a.command === 'selectNamespace'));
    assert.equal(m.splits.length, 3);
    const html = renderPanelBody(m);
    assert.match(html, /data-state="delivery-forbidden"/);
    // Only notices: the section comes after the split cards.
    assert.ok(html.indexOf('cl-deliveries') > html.indexOf('cl-splits'));
  });

  test('neither controller installed: one info notice naming both, with what to install', () => {
    const m = model([], { deliveryKinds: [kind('Canary', 'crd-missing', 'Flagger Canary CRD not installed: install Flagger'), kind('Rollout', 'crd-missing', 'Argo Rollouts Rollout CRD not installed: install Argo Rollouts')] });
    assert.deepEqual(m.deliveryNotices?.map((n) => [n.state, n.severity]), [['delivery-crd-missing', 'info']]);
    assert.match(m.deliveryNotices[0]!.nextStep ?? '', /install one of the controllers \(canaries\.flagger\.app, rollouts\.argoproj\.io/);
    assert.match(m.deliveryNotices[0]!.title, /Canaries \(Flagger\) and Rollouts \(Argo Rollouts\) are not served/);
    assert.equal(m.deliveryNotices[0]!.detail, 'Flagger Canary CRD not installed: install Flagger\nArgo Rollouts Rollout CRD not installed: install Argo Rollouts');
  });

  test('one controller installed: the other one\'s missing CRD says nothing', () => {
    const m = model([rollout()], { deliveryKinds: [kind('Canary', 'crd-missing', 'Flagger Canary CRD not installed'), kind('Rollout', 'ready', '1 Rollout')] });
    assert.equal(m.deliveryNotices, undefined);
    assert.equal(m.deliveries?.length, 1);
  });
});

describe('the cluster source', () => {
  class FakeSession extends EventEmitter implements SessionLike {
    readonly namespace = 'emojivoto';
    readonly server = 'https://127.0.0.1:6443';
    state: SessionLike['state'] = { state: 'ready', message: '1 TrafficSplit', kinds: {} };
    objects: Record<string, object[]> = {};
    statuses: DeliveryStatus[] = [];
    splits() {
      return [];
    }
    items(id: string) {
      return (this.objects[id] ?? []) as never[];
    }
  }

  test('deliveries from the session (redacted), the states of their kinds, and an owner as the watch read it', () => {
    const session = new (class extends FakeSession {
      deliveries() {
        return this.statuses;
      }
    })();
    session.statuses = [rollout({ message: 'token secret-token expired', brief: 'Paused · secret-token' })];
    session.state = {
      ...session.state,
      kinds: {
        canaries: { state: 'crd-missing', message: 'Flagger Canary CRD not installed: install Flagger' },
        rollouts: { state: 'ready', message: '1 Rollout' },
      },
    };
    session.objects.rollouts = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'emojivoto' }, spec: {} }];
    const src = new ClusterPanelSource((t) => t.replace(/secret-token/g, '***'));
    src.setSession(session, 'kind-dev');
    const snap = src.snapshot();
    assert.equal(snap.deliveries?.[0]?.message, 'token *** expired');
    assert.equal(snap.deliveries?.[0]?.brief, 'Paused · ***');
    assert.deepEqual(snap.deliveryKinds?.map((k) => [k.kind, k.state, k.resource, k.label]), [
      ['Canary', 'crd-missing', 'canaries.flagger.app', 'Canaries (Flagger)'],
      ['Rollout', 'ready', 'rollouts.argoproj.io', 'Rollouts (Argo Rollouts)'],
    ]);
    assert.equal(src.liveObject('Rollout', 'emojivoto', 'web')?.metadata?.name, 'web');
    assert.equal(src.liveObject('Rollout', 'other', 'web'), undefined, 'only the namespace the session reads');
    assert.equal(src.liveObject('Canary', 'emojivoto', 'web'), undefined);
  });

  test('without deliveries(), the statuses come from the facts; a session that watches no delivery kind adds nothing', () => {
    const session = new (class extends FakeSession {
      facts() {
        return { deliveries: [canary()] };
      }
    })();
    const src = new ClusterPanelSource();
    src.setSession(session, 'kind-dev');
    assert.deepEqual(src.snapshot().deliveries?.map((d) => d.name), ['podinfo']);
    assert.equal(src.snapshot().deliveryKinds, undefined);

    const bare = new FakeSession();
    const src2 = new ClusterPanelSource();
    src2.setSession(bare, 'kind-dev');
    assert.equal(src2.snapshot().deliveries, undefined);
    assert.equal(src2.snapshot().deliveryKinds, undefined);
  });
});
