import type { Rule } from './rule';

/** `no-parent`: a route that attaches to nothing. */
export const noParent: Rule = {
  code: 'no-parent',
  scope: 'document',
  check({ doc }) {
    if (!doc.parents || doc.parents.length > 0 || !doc.parentsSpan) return [];
    return [{ code: this.code, span: doc.parentsSpan, message: `${doc.kind} has no parentRefs: it attaches to nothing. Add a parentRef to the apex Service (kind: Service, group: core)` }];
  },
};

/** `parent-not-service`: a parentRef meant as a Service that does not name one. */
export const parentNotService: Rule = {
  code: 'parent-not-service',
  scope: 'document',
  check({ doc }) {
    return (doc.parents ?? []).flatMap((p) => (p.problem ? [{ code: this.code, span: p.problem.span, message: p.problem.value }] : []));
  },
};
