import { describeShadow, shadowedBy, type ApexClaim, type Shadowed } from '../service/model/apexPrecedence';
import type { ManifestSplit } from './fromManifests';
import type { StatsSplit } from './types';

/** A split as measured: what a live or manifest split adds to it (`ManifestSplit`) is used when there. */
export type MeasuredSplit = StatsSplit & Partial<Pick<ManifestSplit, 'objectNamespace' | 'viaProfile' | 'matchKey' | 'createdAt'>>;

// The extension may import only `service/model/kinds` of the service: it reaches the one precedence function here.
export { describeShadow, shadowedBy, type ApexClaim, type Shadowed };

/** A measured split as a claim on its apex. */
export function claimOfSplit(s: MeasuredSplit): ApexClaim {
  return {
    kind: s.kind,
    name: s.name,
    namespace: s.objectNamespace ?? s.namespace,
    apexNamespace: s.namespace,
    apex: s.apex,
    ...(s.apexPort !== undefined ? { port: s.apexPort } : {}),
    viaProfile: s.viaProfile === true,
    ...(s.matchKey !== undefined ? { matchKey: s.matchKey } : {}),
    ...(s.createdAt !== undefined ? { createdAt: s.createdAt } : {}),
    ...(s.rule !== undefined ? { rule: s.rule } : {}),
  };
}

/** For each split, who takes its apex from it (undefined: it is in effect), in the order given. */
export function shadowsOf(splits: readonly MeasuredSplit[]): (Shadowed | undefined)[] {
  const claims = splits.map(claimOfSplit);
  return claims.map((c) => shadowedBy(c, claims));
}
