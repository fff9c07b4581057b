import type { Rule } from './rule';

/** `weight-invalid`: a weight the API server or the mesh would refuse. */
export const weightInvalid: Rule = {
  code: 'weight-invalid',
  scope: 'document',
  check({ doc }) {
    return doc.splits.flatMap((split) => split.backends.flatMap((b) =>
      b.weight.problem && b.weight.span ? [{ code: this.code, span: b.weight.span, message: b.weight.problem }] : []));
  },
};

/** `weights-all-zero`: the apex's traffic has nowhere to go. */
export const weightsAllZero: Rule = {
  code: 'weights-all-zero',
  scope: 'document',
  check({ doc }) {
    return doc.splits.flatMap((split) => {
      const ws = split.backends.map((b) => b.weight.units);
      if (ws.length === 0 || !ws.every((w) => w === 0)) return [];
      return [{
        code: this.code,
        span: split.span,
        message: `Every backend of ${split.label} has weight 0: the traffic has nowhere to go`,
        data: { split: split.index },
      }];
    });
  },
};
