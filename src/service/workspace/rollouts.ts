import type { RolloutView, RolloutsParams, SplitKind } from '../../protocol/messages';
import { rolloutSplitKey } from '../../protocol/rolloutWords';

/**
 * The guided rollouts the client last sent (`canaryLens/rollouts`: those its window drives and those found on the
 * cluster's split objects), looked up by split (kind, namespace, name, 1-based rule) for the split's lens.
 */
export class Rollouts {
  private byKey = new Map<string, RolloutView>();

  set(params: RolloutsParams): void {
    const next = new Map<string, RolloutView>();
    for (const v of params.rollouts) next.set(rolloutSplitKey(v.split), v);
    this.byKey = next;
  }

  get isEmpty(): boolean { return this.byKey.size === 0; }

  of(kind: SplitKind, namespace: string, name: string, rule: number): RolloutView | undefined {
    return this.byKey.get(rolloutSplitKey({ kind, namespace, name, rule }));
  }
}
