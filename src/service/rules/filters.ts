import { KINDS } from '../model/kinds';
import { schemaAt, type JsonPath } from '../model/schemas/validate';
import type { Located, SplitDocument } from '../model/split';
import type { Finding, Rule } from './rule';

/**
 * `filter-not-implemented`: a filter type Linkerd's policy controller does not implement (the kind registry's
 * `linkerdFilters`). Admission lets it through (linkerd/linkerd2 policy-controller/runtime/src/admission.rs checks only
 * the filters it knows; policy-test/tests/admit_http_route_gateway.rs `accepts_not_implemented_urlrewrite`), but the
 * outbound index cannot convert it (policy-controller/k8s/index/src/outbound/index/http.rs and grpc.rs): a rule filter
 * fails the whole route, which `Namespace::apply_http_route` in outbound/index.rs logs and skips; a backendRef filter
 * turns the backend into `Backend::Invalid`, served as a failure injector answering 500 (grpc/src/outbound/http.rs).
 * Types the schema refuses are the `schema` diagnostic's business.
 */
export const filterNotImplemented: Rule = {
  code: 'filter-not-implemented',
  scope: 'document',
  check({ doc }) {
    const implemented = KINDS[doc.kind].linkerdFilters;
    if (!implemented || !doc.api) return [];
    const known = implemented.join(', ');
    const findings: Finding[] = [];
    const flag = (filters: Located<string>[] | undefined, path: JsonPath, effect: string): void => {
      const admitted = typeFilter(doc, path);
      for (const f of filters ?? []) {
        if (implemented.includes(f.value) || !admitted(f.value)) continue;
        findings.push({ code: this.code, span: f.span, message: `Linkerd does not implement filter ${f.value}: ${effect} (it implements ${known})` });
      }
    };
    for (const split of doc.splits) {
      flag(split.filters, ['spec', 'rules', 0, 'filters', 0, 'type'],
        `its policy controller cannot convert this ${doc.kind} and skips all of it, every rule`);
      for (const b of split.backends) {
        flag(b.filters, ['spec', 'rules', 0, 'backendRefs', 0, 'filters', 0, 'type'],
          `its policy controller marks this backend invalid, and its share of requests fails with status 500`);
      }
    }
    return findings;
  },
};

/** Whether the document's schema admits a filter type at `path` (any type, when it lists none). */
function typeFilter(doc: SplitDocument, path: JsonPath): (type: string) => boolean {
  const allowed = doc.api ? schemaAt(doc.api.apiVersion, doc.kind, path)?.enum : undefined;
  return (type) => allowed === undefined || allowed.includes(type);
}
