/**
 * Runs a rollout: the I/O around the pure machine (machine.ts). One tick reads the split from the cluster, checks and
 * renews the lease, evaluates the gates, decides, applies the weights a decision asks for through the apply path
 * (dry run, then server-side apply with field manager `canary-lens`) after rewriting them in the manifest, writes the
 * file, and writes the state to the split guarded by its resourceVersion. The same code serves the extension and the
 * CLI; with no runner ticking, the split stays at its step.
 */
import { managerWords, planApply, type ApplyPlan, type ClusterLog, type K8sObject, type KubeConfig, type Wording } from '../cluster';
import { ClusterError, toClusterError } from '../cluster/errors';
import { clusterRef, readLiveSplit, writeState, type ClusterSplitRef, type LiveSplit } from './clusterSplit';
import { advance, cancel, decide, pause, resume, rollBack, startRollout, type Decision, type Observation } from './machine';
import { describeTarget, locateSplit, withWeights, type SplitTarget } from './manifest';
import { leaseFor, ENDED_PHASES, type Holder, type RolloutState } from './state';
import type { GateReport } from './gates';
import { notInEffect } from './liveGates';
import type { RolloutPlan } from './plan';

export interface RolloutFile {
  /** For messages and the split's parse (a path or URI). */
  uri: string;
  read(): Promise<string>;
  write(text: string): Promise<void>;
}

export interface RunnerOptions {
  kc: KubeConfig;
  log: ClusterLog;
  file: RolloutFile;
  target: SplitTarget;
  /** Namespace used when the document names none (the selected one). */
  selectedNamespace: string;
  /** Who runs it, shown to others: `alice@laptop (VS Code)`. */
  holder: string;
  /**
   * The gates of a state's split now (as the cluster has it, among the namespace's split objects `neighbours`), or
   * why they cannot be evaluated.
   */
  gates(state: RolloutState, live: LiveSplit, neighbours: readonly K8sObject[]): Promise<GateReport | { error: string }>;
  /**
   * The split objects of a namespace (TrafficSplits, HTTPRoutes, GRPCRoutes), as the cluster has them: a split that
   * another takes the apex from routes nothing, so a rollout will not start on it. Absent: none are known.
   */
  neighbours?(namespace: string): Promise<readonly K8sObject[]>;
  /** Unix seconds (default: the clock). */
  now?: () => number;
  /** The lease lapses this long after its last renewal (default 60 s). */
  leaseSeconds?: number;
  wording?: Wording;
}

/** Another runner drives this rollout. */
export class LeaseHeldError extends Error {
  constructor(readonly holder: Holder, now: number) {
    super(`the rollout is driven by ${holder.id} (lease renewed ${Math.max(0, Math.round(now - holder.renewedAt))} s ago, lapses after ${holder.leaseSeconds} s without renewal)`);
  }
}

/** The rollout cannot do what was asked: no rollout on the split, one already running, a file it cannot edit. */
export class RolloutRefused extends Error {}

export interface StartPreview {
  plan: RolloutPlan;
  canary: string;
  /** The first step's dry run: live and resulting YAML, and a conflict with other managers if any. */
  dryRun: ApplyPlan;
  context: string;
  namespace: string;
}

export interface TickResult {
  decision: Decision;
  /** Set when this tick applied weights. */
  applied?: { weights: number[]; why: string };
}

export class RolloutRunner {
  private readonly now: () => number;
  private readonly leaseSeconds: number;

  constructor(private readonly o: RunnerOptions) {
    this.now = o.now ?? (() => Date.now() / 1000);
    this.leaseSeconds = o.leaseSeconds ?? 60;
  }

  /** The split in the file and where it lives in the cluster. */
  private async locate(): Promise<{ text: string; ref: ClusterSplitRef; backends: string[]; weights: number[] }> {
    const text = await this.o.file.read();
    const found = locateSplit(this.o.file.uri, text, this.o.target, this.o.selectedNamespace);
    if ('problem' in found) throw new RolloutRefused(`${found.problem} (${this.o.file.uri})`);
    const namespace = this.o.target.namespace ?? found.namespace;
    return { text, ref: clusterRef(found.partText, namespace, this.o.target), backends: found.backends, weights: found.weights };
  }

  /** The split as the cluster has it, with its rollout state. */
  async read(): Promise<LiveSplit> {
    const { ref } = await this.locate();
    return readLiveSplit(this.o.kc, ref);
  }

  /**
   * Starts a rollout: the first step's dry run goes to `confirm` (the plan, the diff, the context/namespace); nothing
   * is written unless it says yes. `force` takes the weights over from another field manager (the dialog said so).
   */
  async start(plan: RolloutPlan, canary: string | undefined, confirm: (p: StartPreview) => Promise<{ yes: boolean; force?: boolean }>): Promise<TickResult | undefined> {
    const { text, ref, backends } = await this.locate();
    const live = await readLiveSplit(this.o.kc, ref);
    if (live.state instanceof Error) throw new RolloutRefused(live.state.message);
    if (backends.join('\n') !== live.backends.join('\n')) {
      throw new RolloutRefused(`${this.o.file.uri} lists the backends ${backends.join(', ')} and the cluster ${live.backends.join(', ')}: apply the file first, so that every step's weights mean the same in both`);
    }
    if (live.state && !ENDED_PHASES.includes(live.state.phase)) {
      throw new RolloutRefused(`a rollout is already ${live.state.phase} on ${describeTarget(this.o.target)} (started by ${live.state.startedBy}): resume or cancel it first`);
    }
    if (live.controller) throw new RolloutRefused(`${live.controller} manages ${describeTarget(this.o.target)}: its weights are the controller's`);
    const shadow = notInEffect(live.object, await this.neighbours(ref.namespace), this.o.target.rule);
    if (shadow) {
      throw new RolloutRefused(`${describeTarget(this.o.target)} is not in effect: ${shadow}. Its weights route no traffic, so its gates could never judge a step; roll out the split in effect, or delete the other one first`);
    }
    const chosen = canary ?? plan.canary ?? live.backends[live.backends.length - 1];
    if (!chosen || !live.backends.includes(chosen)) throw new RolloutRefused(`${chosen ?? '(none)'} is not a backend of ${describeTarget(this.o.target)} (${live.backends.join(', ')})`);
    const now = this.now();
    const decision = startRollout({ ...plan, canary: chosen }, { backends: live.backends, weights: live.weights }, chosen, this.o.holder, now);
    const edited = this.edited(text, decision.apply!.weights);
    const dryRun = await planApply(edited.partText, { kc: this.o.kc, selectedNamespace: ref.namespace, log: this.o.log, ...(this.o.wording ? { wording: this.o.wording } : {}) });
    const answer = await confirm({ plan: decision.state.plan, canary: chosen, dryRun, context: this.o.kc.getCurrentContext(), namespace: ref.namespace });
    if (!answer.yes) return undefined;
    return this.carry(decision, live, ref, { text, edited, dryRun, force: answer.force === true, starting: true });
  }

  /** One evaluation: read, lease, gates, decide, apply, write. Throws LeaseHeldError when another runner drives it. */
  async tick(): Promise<TickResult> {
    const { ref } = await this.locate();
    let live: LiveSplit;
    try {
      live = await readLiveSplit(this.o.kc, ref);
    } catch (e) {
      const err = e instanceof ClusterError ? e : toClusterError(e, { verb: 'get', resource: ref.plural, namespace: ref.namespace, name: ref.name });
      const state = this.known;
      if (!state) throw err;
      return { decision: decide(state, { now: this.now(), clusterError: err.message }) };
    }
    const state = this.stateOf(live);
    this.known = state;
    if (ENDED_PHASES.includes(state.phase)) return { decision: decide(state, { now: this.now() }) };
    this.takeLease(state);
    const obs = await this.observe(state, live);
    return this.carry(decide(state, obs), live, ref);
  }

  /** The state this runner last read or wrote: a tick that cannot read the split decides on it (the step holds). */
  private known: RolloutState | undefined;

  private stateOf(live: LiveSplit): RolloutState {
    if (live.state instanceof Error) throw new RolloutRefused(live.state.message);
    if (!live.state) throw new RolloutRefused(`no rollout on ${describeTarget(this.o.target)}`);
    return live.state;
  }

  private takeLease(state: RolloutState): void {
    const lease = leaseFor(state, this.o.holder, this.now());
    if (!lease.mine) throw new LeaseHeldError(lease.holder, this.now());
  }

  private async observe(state: RolloutState, live: LiveSplit): Promise<Observation> {
    const weights = state.backends.map((b) => {
      const i = live.backends.indexOf(b);
      return i < 0 ? null : live.weights[i]!;
    });
    const base: Observation = { now: this.now(), live: { weights, managers: live.lastWriters, ...(live.controller ? { controller: live.controller } : {}) } };
    if (state.phase !== 'running') return base;
    const gates = await this.o.gates(state, live, await this.neighbours(live.object.metadata?.namespace ?? this.o.selectedNamespace));
    return 'error' in gates ? { ...base, statsError: gates.error } : { ...base, gates };
  }

  /** A person's command, from any window or the CLI. Pause and cancel need no lease; the others take it. */
  async command(what: 'advance' | 'rollback' | 'resume' | 'pause' | 'cancel', by: string): Promise<TickResult> {
    const { ref } = await this.locate();
    const live = await readLiveSplit(this.o.kc, ref);
    const state = this.stateOf(live);
    if (ENDED_PHASES.includes(state.phase)) throw new RolloutRefused(`the rollout is ${state.phase}`);
    if (what === 'pause') return this.carry(pause(state, by), live, ref, { keepHolder: true });
    if (what === 'cancel') return this.carry(cancel(state, by, live.weights), live, ref, { keepHolder: true });
    this.takeLease(state);
    const now = this.now();
    if (what === 'rollback') return this.carry(rollBack(state, now, by), live, ref);
    if (what === 'resume') {
      if (state.phase !== 'paused') throw new RolloutRefused(`the rollout is ${state.phase}, not paused`);
      return this.carry(resume(state, now), live, ref);
    }
    const d = advance(state, await this.observe(state, live));
    if ('refused' in d) throw new RolloutRefused(`not advanced: ${d.refused}`);
    return this.carry(d, live, ref);
  }

  private async neighbours(namespace: string): Promise<readonly K8sObject[]> {
    return this.o.neighbours ? this.o.neighbours(namespace) : [];
  }

  private edited(text: string, weights: readonly number[]): { text: string; partText: string } {
    const e = withWeights(this.o.file.uri, text, this.o.target, weights, this.o.selectedNamespace);
    if ('refused' in e) throw new RolloutRefused(`cannot write the weights into ${this.o.file.uri}: ${e.refused}`);
    return e;
  }

  /**
   * Carries a decision out: its weights through the apply path (unless another manager holds them and `force` was
   * not given: then the rollout pauses, naming it), the file rewritten, then the state written with the lease.
   */
  private async carry(decision: Decision, live: LiveSplit, ref: ClusterSplitRef, pre: { text?: string; edited?: { text: string; partText: string }; dryRun?: ApplyPlan; force?: boolean; keepHolder?: boolean; starting?: boolean } = {}): Promise<TickResult> {
    let rv = live.resourceVersion;
    let outcome = decision;
    let applied: TickResult['applied'];
    if (decision.apply) {
      const text = pre.text ?? (await this.o.file.read());
      const edited = pre.edited ?? this.edited(text, decision.apply.weights);
      const dryRun = pre.dryRun ?? (await planApply(edited.partText, { kc: this.o.kc, selectedNamespace: ref.namespace, log: this.o.log, ...(this.o.wording ? { wording: this.o.wording } : {}) }));
      if (dryRun.conflict && !pre.force) {
        const managers = dryRun.conflict.managers.map(managerWords);
        const message = `not applied: the weights are held by ${managers.join(', ')} (${dryRun.conflict.message})`;
        const prior = live.state;
        if (pre.starting || !prior || prior instanceof Error) throw new RolloutRefused(message);
        // Paused where it was: the step the cluster has, not the one the decision moved to.
        const reason = { kind: 'changed-by' as const, managers, weights: live.weights };
        outcome = { state: { ...prior, phase: 'paused', stopped: reason, heldSince: undefined }, status: { kind: 'paused', reason, message: `${message}; paused` } };
      } else {
        const result = await dryRun.apply(pre.force === true);
        rv = result.resourceVersion ?? rv;
        if (edited.text !== text) await this.o.file.write(edited.text);
        applied = decision.apply;
        this.o.log.info(`Rollout of ${describeTarget(this.o.target)}: applied ${decision.apply.weights.join('/')} (${decision.apply.why})`);
      }
    }
    const holder: Holder | undefined = pre.keepHolder ? outcome.state.holder : { id: this.o.holder, renewedAt: this.now(), leaseSeconds: this.leaseSeconds };
    const state: RolloutState = { ...outcome.state, ...(holder ? { holder } : {}) };
    await writeState(this.o.kc, ref, rv, state);
    this.known = state;
    return { decision: { ...outcome, state }, ...(applied ? { applied } : {}) };
  }
}
