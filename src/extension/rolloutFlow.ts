import { hostname, userInfo } from 'node:os';
import * as vscode from 'vscode';
import { isClusterError, managerWords, type ClusterLog, type K8sObject } from '../cluster';
import { liveGates } from '../rollout/liveGates';
import { describeTarget } from '../rollout/manifest';
import { LeaseHeldError, RolloutRefused, RolloutRunner, type StartPreview, type TickResult } from '../rollout/runner';
import type { LiveSplit } from '../rollout/clusterSplit';
import { ENDED_PHASES, stateOf, type RolloutState } from '../rollout/state';
import { rolloutStatusBarText, rolloutView } from '../rollout/view';
import { rolloutSplitKey } from '../protocol/rolloutWords';
import { isLocated, locatePrometheus, type PrometheusLocation } from '../stats/locate';
import { PrometheusClient } from '../stats/prometheus';
import { listSplitsOnce } from '../stats/splits';
import type { RolloutActionName, RolloutView, SplitKind } from '../protocol/messages';
import type { GateReport } from '../rollout/gates';
import type { RolloutStatus } from '../rollout/machine';
import type { RolloutPlan } from '../rollout/plan';
import type { ApplyConnection } from './applyFlow';
import { findManifest } from './panel/actions';
import { ALWAYS_SAVE_BUTTON, fileNameOf, readSaveAfterApply, SAVE_AFTER_APPLY_SETTING, SAVE_BUTTON, saveButtons, saveDecision, saveFailedMessage } from './afterApply';
import { minimalReplacement, planFromSettings, type SettingsReader } from './rolloutSettings';
import { EXTENSION_WORDING } from './wording';

/**
 * Guided rollouts in VS Code (cluster bundle): the runner of src/rollout/runner.ts, as the CLI drives it, over the open
 * document (each step rewrites its weights there as one undoable edit of the changed characters) and the connected
 * cluster. One modal confirmation starts it; then this window ticks it every `canaryLens.rollout.tickInterval` while it
 * runs, shows it in a status bar item and the panel, and stops ticking when it ends or pauses. Rollouts found on the
 * cluster's split objects (another window's, or this one's before a reload) show as the state says until Resume here
 * takes the lease.
 */

/** A split as the lens, the panel and the commands name it. */
export interface RolloutSplit { kind: SplitKind; name: string; namespace: string; rule?: number }

export type RolloutAction = RolloutActionName;

export interface RolloutFlowDeps {
  log: ClusterLog;
  safe: (text: string) => string;
  connection: () => ApplyConnection | undefined;
  notConnected: () => string;
  /** The split objects the cluster session lists (their state annotations are the rollouts found on the cluster). */
  liveSplits: () => readonly K8sObject[];
  /** `canaryLens.<key>` (tests pass their own). */
  settings?: SettingsReader;
  /** Who drives, as others see it (default `user@host (VS Code)`). */
  holder?: string;
  /** The lease's length, seconds (default the runner's 60). */
  leaseSeconds?: number;
  now?: () => number;
  /** How long an ended rollout of this window stays in the views with its outcome, seconds (default 600). */
  endedShownSeconds?: number;
  /** The gates of a step (default: live stats from Prometheus, as the panel finds it); tests judge their own. */
  gates?: (state: RolloutState, live: LiveSplit) => Promise<GateReport | { error: string }>;
}

interface Run {
  split: RolloutSplit;
  uri: vscode.Uri;
  runner: RolloutRunner;
  state?: RolloutState;
  status?: RolloutStatus;
  report?: GateReport;
  tickSeconds: number;
  timer?: ReturnType<typeof setTimeout>;
  busy?: Promise<void>;
  /** Drops an ended rollout from the views some minutes after it ended. */
  expiry?: ReturnType<typeof setTimeout>;
  /** Save the document after each step's edit: the answer to the one question this run asked (`ask`). */
  saveSteps?: boolean;
  /** That question was asked (once per run: a rollout runs while nobody watches, and must not pile up notifications). */
  askedSave?: boolean;
}

function defaultHolder(): string {
  let user = 'someone';
  try { user = userInfo().username; } catch { /* no passwd entry in some containers: keep the neutral name */ }
  return `${user}@${hostname()} (VS Code)`;
}

const RUNNER_ACTIONS: Record<RolloutAction, 'advance' | 'pause' | 'resume' | 'rollback' | 'cancel'> = {
  advance: 'advance', pause: 'pause', resume: 'resume', rollback: 'rollback', cancel: 'cancel',
};

export class RolloutFlow implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();
  /** Rollouts on the cluster's split objects that this window does not drive. */
  private found = new Map<string, { split: RolloutSplit; state: RolloutState }>();
  private readonly item: vscode.StatusBarItem;
  /** Prometheus per context: a run judges its gates on the cluster it drives, whatever the window connects to now. */
  private readonly located = new Map<string, Promise<PrometheusLocation>>();
  private readonly holder: string;
  private readonly now: () => number;
  private disposed = false;
  private readonly listeners = new Set<(views: RolloutView[]) => void>();
  private lastViews: RolloutView[] = [];

  constructor(private readonly deps: RolloutFlowDeps) {
    this.holder = deps.holder ?? defaultHolder();
    this.now = deps.now ?? (() => Date.now() / 1000);
    this.item = vscode.window.createStatusBarItem('canaryLens.rollout', vscode.StatusBarAlignment.Left, 9);
    this.item.name = 'Canary Lens Rollout';
    this.item.command = 'canaryLens.panel.focus';
  }

  private settings(): SettingsReader {
    return this.deps.settings ?? ((key) => vscode.workspace.getConfiguration('canaryLens').get(key));
  }

  /** What every view shows now: the rollouts this window drives, then those found on the cluster. */
  views(): RolloutView[] {
    const now = this.now();
    const out: RolloutView[] = [];
    for (const run of this.runs.values()) {
      if (!run.state) continue;
      out.push(this.withResume(rolloutView(run.split, run.state, { ...(run.status ? { status: run.status } : {}), ...(run.report ? { report: run.report } : {}), me: this.holder, now })));
    }
    for (const [key, { split, state }] of this.found) {
      if (this.runs.get(key)?.state) continue;
      const v = rolloutView(split, state, { me: this.holder, now });
      // Not driven here, even under this window's name (it drove it before a reload): no runner ticks it in this
      // window, so Resume is offered at once, and a tick takes the lease back (it is this holder's).
      const before = v.holder?.mine === true && v.phase === 'running';
      const shown: RolloutView = v.holder ? { ...v, holder: { ...v.holder, mine: false } } : v;
      out.push(before && !shown.actions.includes('resume') ? { ...shown, actions: ['resume', ...shown.actions] } : this.withResume(shown));
    }
    return out;
  }

  /** Every view after each change (panel, lenses); called at once with the current ones. */
  onViews(listener: (views: RolloutView[]) => void): vscode.Disposable {
    this.listeners.add(listener);
    listener(this.lastViews);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** A running rollout no runner drives: Resume here takes the lease and ticks it (the view offers it). */
  private withResume(v: RolloutView): RolloutView {
    return v.unattended && !v.actions.includes('resume') ? { ...v, actions: ['resume', ...v.actions] } : v;
  }

  /** Publishes the views and shows the most pressing in the status bar (one this window drives first). */
  private refresh(): void {
    if (this.disposed) return;
    const views = this.views();
    this.lastViews = views;
    for (const l of [...this.listeners]) l(views);
    const live = views.filter((v) => !ENDED_PHASES.includes(v.phase));
    const shown = live.find((v) => v.holder?.mine && v.phase === 'running') ?? live[0];
    if (!shown) {
      this.item.hide();
      return;
    }
    this.item.text = `$(rocket) ${rolloutStatusBarText(shown)}${live.length > 1 ? ` (+${live.length - 1})` : ''}`;
    this.item.tooltip = this.deps.safe(`${describeTarget(shown.split)}: ${shown.status.message}`);
    this.item.backgroundColor = shown.phase === 'paused' || shown.unattended ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  /** Reads the state annotations of the split objects the session lists (after a reload: rollouts left running). */
  refreshFound(): void {
    const found = new Map<string, { split: RolloutSplit; state: RolloutState }>();
    for (const o of this.deps.liveSplits()) {
      let state: RolloutState | undefined;
      try {
        state = stateOf(o.metadata?.annotations);
      } catch (e) {
        this.deps.log.warn(`Rollout state on ${o.kind ?? ''} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}: ${(e as Error).message}`);
      }
      if (!state || ENDED_PHASES.includes(state.phase) || !o.kind || !o.metadata?.name || !o.metadata.namespace) continue;
      const rule = state.plan.target?.rule;
      const split: RolloutSplit = { kind: o.kind as SplitKind, name: o.metadata.name, namespace: o.metadata.namespace, ...(rule !== undefined ? { rule } : {}) };
      const key = rolloutSplitKey(split);
      // A rollout this window drives is shown from its own last tick (with its gates), not from the list.
      if (this.runs.get(key)?.state) continue;
      found.set(key, { split, state });
    }
    const before = JSON.stringify([...this.found.entries()]);
    this.found = found;
    if (JSON.stringify([...found.entries()]) !== before) this.refresh();
  }

  private async prometheus(c: ApplyConnection): Promise<PrometheusClient | { error: string }> {
    const setting = vscode.workspace.getConfiguration('canaryLens').get<string>('prometheus.url', '') ?? '';
    let located = this.located.get(c.context);
    if (!located) {
      located = locatePrometheus({ setting, kc: c.kc, wording: EXTENSION_WORDING }).then((r) => {
        if (isLocated(r)) return r;
        throw new Error(`Prometheus not found: ${r.message}. ${r.nextStep}`);
      });
      this.located.set(c.context, located);
    }
    try {
      return new PrometheusClient((await located).url);
    } catch (e) {
      this.located.delete(c.context); // found again at the next tick: a port-forward may come up
      return { error: this.deps.safe((e as Error).message) };
    }
  }

  private makeRun(split: RolloutSplit, document: vscode.TextDocument, c: ApplyConnection, tickSeconds: number): Run {
    const run = { split, uri: document.uri, tickSeconds } as Run;
    run.runner = new RolloutRunner({
      kc: c.kc, log: this.deps.log, selectedNamespace: c.namespace, holder: this.holder, wording: EXTENSION_WORDING,
      ...(this.deps.leaseSeconds !== undefined ? { leaseSeconds: this.deps.leaseSeconds } : {}),
      ...(this.deps.now ? { now: this.deps.now } : {}),
      target: split,
      file: {
        uri: document.uri.toString(),
        read: () => Promise.resolve(document.getText()),
        write: async (text) => {
          if (await this.writeDocument(document, text)) await this.afterStepEdit(run, document);
        },
      },
      gates: async (state, live, neighbours) => {
        let r: GateReport | { error: string };
        if (this.deps.gates) {
          r = await this.deps.gates(state, live);
        } else {
          const client = await this.prometheus(c);
          r = 'error' in client ? client : await liveGates(client, state, live.object, neighbours, split.rule);
        }
        run.report = 'error' in r ? undefined : r;
        return r;
      },
      neighbours: async (namespace) => {
        // The session's lists, kept by its watches, while it watches the run's cluster and namespace; after a switch of
        // context or namespace (the run keeps its own), one listing of the run's.
        const now = this.deps.connection();
        if (now?.context === c.context && now.namespace === namespace) return this.deps.liveSplits().filter((o) => o.metadata?.namespace === namespace);
        return (await listSplitsOnce(c.kc, namespace, { context: c.context, wording: EXTENSION_WORDING })).objects;
      },
    });
    return run;
  }

  /** The step's weights into the open document: one replacement of the changed characters (undoable, nothing else moves). */
  private async writeDocument(document: vscode.TextDocument, text: string): Promise<boolean> {
    const r = minimalReplacement(document.getText(), text);
    if (!r) return false;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(r.start), document.positionAt(r.end)), r.text);
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new RolloutRefused(`the editor refused the edit of ${document.uri.toString()} (is it read-only?)`);
    }
    return true;
  }

  /**
   * After a step's edit, `canaryLens.apply.saveAfterApply` decides as for Apply (src/extension/afterApply.ts): `always`
   * saves, `never` leaves the buffer, `ask` asks once per rollout, without waiting (the rollout goes on); Save then
   * holds for the run's later steps too. A save that fails is logged and said, and the rollout goes on: the cluster
   * has the step either way.
   */
  private async afterStepEdit(run: Run, document: vscode.TextDocument): Promise<void> {
    const config = vscode.workspace.getConfiguration('canaryLens');
    const untitled = document.isUntitled === true;
    const decision = run.saveSteps && document.isDirty === true ? 'save' : saveDecision({ dirty: document.isDirty === true, untitled, setting: readSaveAfterApply(config.get(SAVE_AFTER_APPLY_SETTING)) });
    const name = fileNameOf(document.uri.path);
    const save = async (): Promise<void> => {
      try {
        if ((await document.save()) || !document.isDirty) return;
        void vscode.window.showWarningMessage(this.deps.safe(saveFailedMessage(name)));
      } catch (e) {
        this.deps.log.warn(`Rollout of ${describeTarget(run.split)}: ${name} not saved: ${e instanceof Error ? e.message : String(e)}`);
        void vscode.window.showWarningMessage(this.deps.safe(saveFailedMessage(name, e instanceof Error ? e.message : String(e))));
      }
    };
    if (decision === 'save') return save();
    if (decision !== 'ask' || run.askedSave) return;
    run.askedSave = true;
    void vscode.window.showInformationMessage(
      this.deps.safe(`Canary Lens: the rollout of ${run.split.name} writes each step's weights into ${name}, which has unsaved changes. Save it now and after each step?`),
      ...saveButtons('ask', untitled),
    ).then(async (choice) => {
      if (choice === ALWAYS_SAVE_BUTTON) await config.update(SAVE_AFTER_APPLY_SETTING, 'always', vscode.ConfigurationTarget.Global);
      if (choice === SAVE_BUTTON || choice === ALWAYS_SAVE_BUTTON) {
        run.saveSteps = true;
        if (document.isDirty) await save();
      }
    }).then(undefined, (e: unknown) => this.deps.log.warn(`Rollout of ${describeTarget(run.split)}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** The plan of the settings, or undefined after saying why it cannot run. */
  private plan(): { plan: RolloutPlan; tickSeconds: number } | undefined {
    const r = planFromSettings(this.settings());
    if ('problems' in r) {
      void vscode.window.showErrorMessage(`Canary Lens: the rollout plan of the settings cannot run: ${r.problems.join('; ')}`);
      return undefined;
    }
    return r;
  }

  /** `canaryLens.rollout.start`: one confirmation of the whole plan, the first step, then ticking. */
  async start(uri: vscode.Uri, split: RolloutSplit): Promise<void> {
    const key = rolloutSplitKey(split);
    if (this.runs.get(key)?.timer) {
      void vscode.window.showInformationMessage(`Canary Lens: this window already drives the rollout of ${describeTarget(split)}.`);
      return;
    }
    const settings = this.plan();
    if (!settings) return;
    const c = this.deps.connection();
    if (!c) {
      void vscode.window.showWarningMessage(this.deps.notConnected());
      return;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const run = this.makeRun(split, document, c, settings.tickSeconds);
    await this.guard(split, async () => {
      // The target in the plan (so in the state on the split): another window, after a reload, knows the rule.
      const plan: RolloutPlan = { ...settings.plan, target: { kind: split.kind, name: split.name, ...(split.rule !== undefined ? { rule: split.rule } : {}) } };
      const started = await run.runner.start(plan, undefined, (p) => this.confirmStart(split, document, p));
      if (!started) return;
      this.runs.set(key, run);
      this.took(run, started);
    });
  }

  private async confirmStart(split: RolloutSplit, document: vscode.TextDocument, p: StartPreview): Promise<{ yes: boolean; force?: boolean }> {
    const { plan } = p;
    const g = plan.gates;
    const managers = p.dryRun.conflict ? [...new Set(p.dryRun.conflict.managers.map(managerWords))].join(', ') : undefined;
    const detail = [
      `Context ${p.context}, namespace ${p.namespace}.`,
      `Steps: ${plan.steps.map((s) => `${s}%`).join(' → ')} to ${p.canary}, each held ${plan.holdTime} with the gates passing (window ${plan.window}).`,
      `Gates: at least ${g.minRequests} requests to the canary; success ≥ ${g.minSuccessPercent}% and ≥ stable − ${g.maxSuccessDropPoints}; P99 ≤ ${g.maxP99Ratio} × stable${g.maxP99Ms !== undefined ? ` and ≤ ${g.maxP99Ms} ms` : ''}.`,
      plan.autoAdvance ? 'Each step follows by itself once its gates have held; a failing gate stops it.' : 'Each step waits for Advance once its gates have held.',
      plan.autoRollback ? 'A failing gate rolls it back by itself.' : 'A failing gate pauses it and offers Roll back.',
      `First step:\n${changedLines(p.dryRun.liveYaml, p.dryRun.resultYaml)}`,
      `Every step rewrites the weights in ${vscode.workspace.asRelativePath(document.uri)} and applies them (server-side apply, field manager canary-lens); this window drives it while it runs.`,
      ...(managers ? [`The weights were last written by ${managers}: starting takes them over.`] : []),
    ].join('\n');
    const button = managers ? `Start, Taking the Weights Over from ${managers}` : 'Start Rollout';
    const answer = await vscode.window.showWarningMessage(`Start a guided rollout of ${p.canary} on ${describeTarget(split)}?`, { modal: true, detail: this.deps.safe(detail) }, button);
    return answer === button ? { yes: true, force: managers !== undefined } : { yes: false };
  }

  /** Runs a rollout call, turning its refusals into messages. */
  private async guard(split: RolloutSplit, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (e) {
      if (e instanceof LeaseHeldError) {
        void vscode.window.showWarningMessage(this.deps.safe(`Canary Lens: ${describeTarget(split)}: ${e.message}. It is driven by ${e.holder.id}, not this window.`));
      } else if (e instanceof RolloutRefused) {
        void vscode.window.showWarningMessage(this.deps.safe(`Canary Lens: ${e.message}`));
      } else if (isClusterError(e)) {
        void vscode.window.showErrorMessage(this.deps.safe(`Canary Lens: rollout of ${describeTarget(split)}: ${e.message}${e.nextStep ? ` ${e.nextStep}` : ''}`));
      } else {
        throw e;
      }
    }
  }

  /** A tick's or a command's outcome: state, status, notifications, ticking on or off. */
  private took(run: Run, r: TickResult): void {
    const before = run.state;
    run.state = r.decision.state;
    run.status = r.decision.status;
    const state = run.state;
    const what = `Canary Lens: rollout of ${state.canary} on ${describeTarget(run.split)}`;
    if (state.phase === 'running' && state.holder?.id === this.holder) this.schedule(run);
    else this.stopTicking(run);
    if (run.expiry) clearTimeout(run.expiry);
    run.expiry = undefined;
    if (ENDED_PHASES.includes(state.phase) && !this.disposed) {
      // Its outcome (completed, rolled back, cancelled) stays on the card a while, then the card is the split's again.
      run.expiry = setTimeout(() => {
        if (this.runs.get(rolloutSplitKey(run.split)) === run && run.state && ENDED_PHASES.includes(run.state.phase)) this.runs.delete(rolloutSplitKey(run.split));
        this.refresh();
      }, (this.deps.endedShownSeconds ?? 600) * 1000);
      run.expiry.unref?.();
    }
    if (before?.phase !== state.phase || (state.phase === 'paused' && before?.stopped?.kind !== state.stopped?.kind)) this.announce(run, what);
    this.refresh();
  }

  private announce(run: Run, what: string): void {
    const state = run.state!;
    const message = this.deps.safe(`${what}: ${run.status?.message ?? state.phase}`);
    if (state.phase === 'paused' && state.stopped?.kind === 'gate-failed') {
      void vscode.window.showWarningMessage(message, 'Roll Back').then((b) => (b === 'Roll Back' ? this.act(run.split, 'rollback') : undefined));
    } else if (state.phase === 'paused' && state.stopped?.kind !== 'paused-by-user') {
      void vscode.window.showWarningMessage(message);
    } else if (state.phase === 'rolled-back' && state.stopped?.kind === 'gate-failed') {
      void vscode.window.showWarningMessage(message);
    } else if (state.phase === 'completed') {
      void vscode.window.showInformationMessage(message);
    }
  }

  private schedule(run: Run): void {
    if (this.disposed) return;
    if (run.timer) clearTimeout(run.timer);
    run.timer = setTimeout(() => { run.busy = this.tick(run).finally(() => { run.busy = undefined; }); }, run.tickSeconds * 1000);
  }

  private stopTicking(run: Run): void {
    if (run.timer) clearTimeout(run.timer);
    run.timer = undefined;
  }

  /** One evaluation of a rollout this window drives. */
  private async tick(run: Run): Promise<void> {
    run.timer = undefined;
    try {
      this.took(run, await run.runner.tick());
    } catch (e) {
      if (e instanceof LeaseHeldError) {
        this.stopTicking(run);
        void vscode.window.showWarningMessage(this.deps.safe(`Canary Lens: ${describeTarget(run.split)}: ${e.message}; this window stopped driving it.`));
        this.runs.delete(rolloutSplitKey(run.split));
        this.refreshFound();
        this.refresh();
        return;
      }
      // A file that cannot be read or a cluster error before the lease: say it in the status, try again next tick.
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.warn(`Rollout of ${describeTarget(run.split)}: ${message}`);
      run.status = { kind: 'cluster-lost', message: this.deps.safe(message) };
      this.schedule(run);
      this.refresh();
    }
  }

  /**
   * A person's action (panel, commands): pause and cancel need no lease; resume, advance and roll back take it. Roll
   * back asks first. A rollout this window does not drive yet is attached through its manifest in the workspace.
   */
  async act(split: RolloutSplit, action: RolloutAction): Promise<void> {
    const key = rolloutSplitKey(split);
    const run = this.runs.get(key) ?? (await this.attach(split));
    if (!run) return;
    const canary = run.state?.canary ?? this.found.get(key)?.state.canary ?? 'the canary';
    if (action === 'rollback') {
      const start = run.state ?? this.found.get(key)?.state;
      const button = 'Roll Back';
      const answer = await vscode.window.showWarningMessage(
        `Roll back ${canary} on ${describeTarget(split)}?`,
        { modal: true, detail: `The weights go back to ${start ? start.startWeights.join('/') : 'where the rollout started'} (${start?.backends.join(', ') ?? ''}) and the rollout ends.` },
        button,
      );
      if (answer !== button) return;
    }
    // No tick of this window races the action's write (both are guarded by the object's resourceVersion).
    this.stopTicking(run);
    if (run.busy) await run.busy;
    this.stopTicking(run); // the tick it waited for may have scheduled the next
    await this.guard(split, async () => {
      this.runs.set(key, run);
      const state = run.state ?? this.found.get(key)?.state;
      // Resume of a running rollout no runner drives: a tick takes the lease (refused while another holder's is live).
      const r = action === 'resume' && state?.phase === 'running'
        ? await run.runner.tick()
        : await run.runner.command(RUNNER_ACTIONS[action], this.holder);
      this.took(run, r);
    });
    if (!this.runs.get(key)?.state) this.runs.delete(key);
    else if (run.state?.phase === 'running' && run.state.holder?.id === this.holder && !run.timer) this.schedule(run);
  }

  /** A runner for a rollout found on the cluster: over its manifest's document (open documents first). */
  private async attach(split: RolloutSplit): Promise<Run | undefined> {
    // The rollout has its plan on the split: only the tick interval comes from the settings (5 s when they are broken,
    // so that pausing or cancelling never waits for the settings to be fixed).
    const settings = planFromSettings(this.settings());
    const tickSeconds = 'tickSeconds' in settings ? settings.tickSeconds : 5;
    const c = this.deps.connection();
    if (!c) {
      void vscode.window.showWarningMessage(this.deps.notConnected());
      return undefined;
    }
    const found = await findManifest({ kind: split.kind, name: split.name, namespace: split.namespace });
    if (!found) {
      void vscode.window.showWarningMessage(`Canary Lens: the manifest of ${describeTarget(split)} is not in this workspace: open the folder that holds it (each step rewrites its weights there), or use canary-lens rollout from a terminal.`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(found.uri);
    return this.makeRun(split, document, c, tickSeconds);
  }

  dispose(): void {
    this.disposed = true;
    for (const run of this.runs.values()) {
      this.stopTicking(run);
      if (run.expiry) clearTimeout(run.expiry);
    }
    this.item.dispose();
    this.listeners.clear();
    for (const located of this.located.values()) void located.then((l) => l.dispose(), () => undefined);
  }
}

/** The lines of the dry run's result that differ from the live object, before → after (at most 8 pairs). */
function changedLines(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && lines.length < 8; i++) {
    if (a[i] === b[i]) continue;
    lines.push(`  ${a[i]?.trim() ?? '(none)'} → ${b[i]?.trim() ?? '(none)'}`);
  }
  return lines.length > 0 ? lines.join('\n') : '  (no change)';
}
