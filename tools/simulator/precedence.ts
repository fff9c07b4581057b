import { claimsInEffect, servedAsProfile, type ApexClaim } from '../../src/service/model/apexPrecedence';
import { apiVersionInfo } from '../../src/service/model/kinds';
import type { SimSplit } from './model';

/**
 * The splits Linkerd uses, by the language service's own precedence (`src/service/model/apexPrecedence.ts`): a
 * TrafficSplit (served as a ServiceProfile) over the routes on its apex, an older route over a newer one with the same
 * matches. Traffic for an apex goes through the split in effect only, so the demo does not count it twice.
 */
export function splitsInEffect(splits: readonly SimSplit[]): { inEffect: SimSplit[]; shadowed: SimSplit[] } {
  const claims = splits.map((s): ApexClaim & { split: SimSplit } => {
    const viaProfile = servedAsProfile(apiVersionInfo(s.kind, s.apiVersion ?? ''));
    return {
      split: s, kind: s.kind, name: s.name, namespace: s.namespace, apexNamespace: s.apex.namespace, apex: s.apex.name,
      // A profile is for the whole Service; a route for its parent's port.
      ...(viaProfile ? {} : { port: s.apex.port }),
      viaProfile,
      ...(s.matchKey !== undefined ? { matchKey: s.matchKey } : {}),
      ...(s.createdAt !== undefined ? { createdAt: s.createdAt } : {}),
      ...(s.rule !== undefined ? { rule: s.rule + 1 } : {}),
    };
  });
  const kept = new Set(claimsInEffect(claims).map((c) => c.split));
  return { inEffect: splits.filter((s) => kept.has(s)), shadowed: splits.filter((s) => !kept.has(s)) };
}
