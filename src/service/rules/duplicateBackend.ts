import type { Rule } from './rule';

/** `duplicate-backend`: the same backend (name, namespace and port) twice in one split. */
export const duplicateBackend: Rule = {
  code: 'duplicate-backend',
  scope: 'document',
  check({ doc }) {
    return doc.splits.flatMap((split) => {
      const seen = new Set<string>();
      return split.backends.flatMap((b) => {
        if (!b.name) return [];
        // A Service and a ServiceImport of the same name are different backends (group and kind are normalised).
        const id = `${b.group}/${b.kind}/${b.ns}/${b.name.value}:${b.port?.value ?? ''}`;
        if (!seen.has(id)) { seen.add(id); return []; }
        return [{
          code: this.code,
          span: b.name.span,
          message: `Backend ${b.name.value}${b.port ? `:${b.port.value}` : ''} is listed twice in ${split.label}`,
          data: { split: split.index, backend: b.index },
        }];
      });
    });
  },
};
