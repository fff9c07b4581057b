import * as vscode from 'vscode';
import type { DeliveryActionArgs, DeliveryKind, DeliveryStatus, ObjectOwner } from '../protocol/messages';
import { ClusterError, describeError, toYaml, type K8sObject } from '../cluster';
import { runDeliveryAction } from '../cluster/deliveryActions';
import { withDelayedProgress, type ApplyDeps } from './applyFlow';
import { ACTION_WORDS, actionDone, actionNotOffered, confirmDetail, confirmQuestion, type DeliveryTarget } from './panel/deliveryModel';
import type { LiveObject } from './panel/liveSplits';
import { EXTENSION_WORDING } from './wording';

/**
 * The cluster side of `canaryLens.deliveryAction` and `canaryLens.openOwner` (in the lazily loaded cluster bundle):
 * a Rollout action behind a modal confirmation that names the context and namespace, then `runDeliveryAction` (the
 * JSON merge patches `kubectl argo rollouts` sends); and an owner as the watch last read it, as YAML. The card and
 * the lens update from the watch; this only asks, runs and reports.
 */

export interface DeliveryFlowDeps extends Pick<ApplyDeps, 'log' | 'safe' | 'connection' | 'notConnected'> {
  /** The live Canaries and Rollouts the session reads (the panel source's snapshot). */
  deliveries(): readonly DeliveryStatus[];
  liveObject(kind: DeliveryKind, namespace: string, name: string): LiveObject | undefined;
}

/** The status an action is about: the one offering the action when a Canary and a Rollout share the name. */
function statusOf(deliveries: readonly DeliveryStatus[], args: DeliveryActionArgs): DeliveryStatus | undefined {
  const named = deliveries.filter((d) => d.namespace === args.namespace && d.name === args.name);
  return named.find((d) => d.actions.includes(args.action)) ?? named.find((d) => d.actions.length > 0) ?? named[0];
}

export class DeliveryFlow {
  constructor(private readonly deps: () => DeliveryFlowDeps) {}

  /** The connection's context and namespace, for messages. */
  where(): { context: string; namespace: string } | undefined {
    const c = this.deps().connection();
    return c ? { context: c.context, namespace: c.namespace } : undefined;
  }

  async run(args: DeliveryActionArgs): Promise<void> {
    const d = this.deps();
    const conn = d.connection();
    if (!conn) {
      void vscode.window.showWarningMessage(d.safe(`${d.notConnected()}; nothing was run.`));
      return;
    }
    const status = statusOf(d.deliveries(), args);
    if (status && !status.actions.includes(args.action)) {
      void vscode.window.showWarningMessage(d.safe(actionNotOffered(args.action, status)));
      return;
    }
    const words = ACTION_WORDS[args.action];
    const target: DeliveryTarget = { ...(status ? { kind: status.kind } : {}), name: args.name, namespace: args.namespace };
    const answer = await vscode.window.showWarningMessage(
      d.safe(confirmQuestion(args.action, target, conn.context)),
      { modal: true, detail: d.safe(confirmDetail(args.action, status)) },
      words.label,
    );
    if (answer !== words.label) return;
    const what = `${target.kind ? `${target.kind} ` : ''}${args.name}`;
    let sent: number;
    try {
      const outcome = await withDelayedProgress(`Canary Lens: ${words.label} ${what}…`, () => runDeliveryAction(conn.kc, args.namespace, args.name, args.action, { log: d.log }));
      sent = outcome.sent.length;
    } catch (e) {
      const why = e instanceof ClusterError ? describeError(e, EXTENSION_WORDING) : e instanceof Error ? e.message : String(e);
      d.log.warn(`${words.label} ${args.namespace}/${what} on ${conn.context} failed: ${why}`);
      void vscode.window.showErrorMessage(d.safe(`Canary Lens: ${words.label} ${what} (namespace ${args.namespace}, context ${conn.context}) failed: ${why}`));
      return;
    }
    // Promote sends nothing when there is nothing to change (promote.go): say so rather than claim a change.
    void vscode.window.showInformationMessage(d.safe(actionDone(args.action, target, conn.context) + (sent === 0 ? ' Nothing needed changing.' : '')));
  }

  /** The owner as the watch last read it (status included), redacted; undefined when the session does not read it. */
  liveYaml(owner: Pick<ObjectOwner, 'kind' | 'namespace' | 'name'>): string | undefined {
    const d = this.deps();
    const o = d.liveObject(owner.kind, owner.namespace, owner.name);
    if (!o) return undefined;
    const where = this.where();
    const header = `# ${owner.kind} ${owner.namespace}/${owner.name} as the cluster${where ? ` (context ${where.context})` : ''} has it: read-only; edit its manifest instead.\n`;
    // The watch's objects are the API server's (K8sObject); the panel source types them loosely.
    return d.safe(header + toYaml(o as K8sObject));
  }
}
