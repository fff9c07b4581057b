import type { RolloutView, RolloutsParams, SplitKind } from '../../protocol/messages';

/**
 * The guided rollouts the client last sent (`canaryLens/rollouts`: those its window drives and those found on the
 * cluster's split objects), looked up by split (kind, namespace, name, 1-based rule) for the split's lens.
 */
export class Rollouts {
  private byKey = new Map<string, RolloutView>();

  set(params: RolloutsParams): void {
    const next = new Map<string, RolloutView>();
    for (const v of params.rollouts) next.set(key(v.split.kind, v.split.namespace, v.split.name, v.split.rule ?? 1), v);
    this.byKey = next;
  }

  get isEmpty(): boolean { return this.byKey.size === 0; }

  of(kind: SplitKind, namespace: string, name: string, rule: number): RolloutView | undefined {
    return this.byKey.get(key(kind, namespace, name, rule));
  }
}

const key = (kind: string, namespace: string, name: string, rule: number): string => `${kind}/${namespace}/${name}/${rule}`;
