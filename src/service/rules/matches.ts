import { KINDS } from '../model/kinds';
import type { Finding, Rule } from './rule';

/**
 * `match-not-implemented`: a rule match Linkerd's policy controller cannot convert (the kind registry's
 * `linkerdRefusedMatch`, src/service/model/linkerdMatches.ts): it skips the whole route, every rule.
 */
export const matchNotImplemented: Rule = {
  code: 'match-not-implemented',
  scope: 'document',
  check({ doc }) {
    const refused = KINDS[doc.kind].linkerdRefusedMatch;
    if (!refused) return [];
    const findings: Finding[] = [];
    for (const split of doc.splits) {
      for (const reason of new Set((split.matchList ?? []).flatMap((m) => refused(m) ?? []))) {
        findings.push({
          code: this.code,
          span: split.matches ?? split.span,
          message: `Linkerd cannot convert ${reason} in rule ${split.index + 1}: its policy controller skips this ${doc.kind}, every rule`,
        });
      }
    }
    return findings;
  },
};
