import { pairOf } from '../document/yamlNodes';
import type { Rule } from './rule';

/** `unknown-backend-kind`: a backendRef the mesh cannot route to. */
export const unknownBackendKind: Rule = {
  code: 'unknown-backend-kind',
  scope: 'document',
  check({ doc }) {
    return doc.splits.flatMap((s) => s.backends.flatMap((b) =>
      b.kindProblem ? [{ code: this.code, span: b.kindProblem.span, message: b.kindProblem.value }] : []));
  },
};

/** `backend-ref-port-missing`: a core Service backendRef must say which port. */
export const backendRefPortMissing: Rule = {
  code: 'backend-ref-port-missing',
  scope: 'document',
  check({ doc }) {
    return doc.splits.flatMap((s) => s.backends.flatMap((b) =>
      // A port that is there but not a number is a schema error, not a missing port.
      b.portRequired && !b.port && !pairOf(b.node, 'port')
        ? [{
            code: this.code,
            span: b.name?.span ?? b.span,
            message: `backendRef ${b.name?.value ?? ''} to a Service needs a port`,
            data: { split: s.index, backend: b.index },
          }]
        : []));
  },
};
