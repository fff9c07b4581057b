import { KINDS } from '../model/kinds';
import { coveringRules } from '../model/matchCoverage';
import type { Split } from '../model/split';
import type { Rule } from './rule';

/**
 * `unreachable-rule`: a rule whose requests earlier rules all take never gets traffic. Found two ways: its matches
 * equal an earlier rule's (any match, even one with regular expressions), or each of its matches is taken by a match
 * of an earlier rule that Linkerd scores at least as high (see `model/matchCoverage.ts`: Linkerd picks the most
 * specific match, and the earlier rule only on a tie, so rule order alone decides nothing).
 */
export const unreachableRule: Rule = {
  code: 'unreachable-rule',
  scope: 'document',
  check({ doc }) {
    const dialect = KINDS[doc.kind].matchDialect;
    const seen = new Map<string, number>();
    // Rules that may get traffic: a covered rule takes nothing from later ones that its coverers do not take first.
    const live: Split[] = [];
    return doc.splits.flatMap((split) => {
      if (split.matchKey === undefined) return [];
      const same = seen.get(split.matchKey);
      const covering = same === undefined && dialect ? coveringRules(split.matchList, live, dialect) : undefined;
      if (same === undefined && covering === undefined) {
        seen.set(split.matchKey, split.index);
        live.push(split);
        return [];
      }
      return [{
        code: this.code,
        span: split.matches ?? split.span,
        message: same !== undefined
          ? `Rule ${split.index + 1} has the same matches as rule ${same + 1}: it never gets traffic`
          : `Rule ${split.index + 1} is covered by ${ruleList(covering!)}: it never gets traffic`,
      }];
    });
  },
};

/** "rule 1", "rules 1 and 2", "rules 1, 2 and 4" (indexes are 0-based). */
function ruleList(indexes: number[]): string {
  const n = indexes.map((i) => String(i + 1));
  if (n.length === 1) return `rule ${n[0]}`;
  return `rules ${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}
