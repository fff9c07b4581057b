import type { Rule } from './rule';

/** `unreachable-rule`: a rule whose matches equal an earlier rule's never gets traffic. */
export const unreachableRule: Rule = {
  code: 'unreachable-rule',
  scope: 'document',
  check({ doc }) {
    const seen = new Map<string, number>();
    return doc.splits.flatMap((split) => {
      if (split.matchKey === undefined) return [];
      const earlier = seen.get(split.matchKey);
      if (earlier === undefined) { seen.set(split.matchKey, split.index); return []; }
      return [{
        code: this.code,
        span: split.matches ?? split.span,
        message: `Rule ${split.index + 1} has the same matches as rule ${earlier + 1}: it never gets traffic`,
      }];
    });
  },
};
