import { isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import { deref, kubectlNodeJS, pairOf, seqAt, stringAt } from '../../document/yamlNodes';
import type { Located, Split } from '../split';

/** What rules read from a route rule beyond its backends: its matches as plain data, its filters' types. */
export function ruleExtras(rule: YAMLMap, doc?: Document): Pick<Split, 'matchList' | 'filters'> {
  const matches = deref(pairOf(rule, 'matches', doc)?.value, doc);
  // Absent or null: the catch-all. Anything but a list (a schema error) is a match nothing can be decided about.
  const empty = matches === undefined || matches === null || (isScalar(matches) && matches.value === null);
  const list: unknown = isSeq(matches) ? kubectlNodeJS(matches, doc) : empty ? undefined : [null];
  return { ...(Array.isArray(list) ? { matchList: list as unknown[] } : {}), ...filterTypes(rule, doc) };
}

/** The `type` of each of a rule's or backendRef's `filters`, where it is a scalar. */
export function filterTypes(map: YAMLMap, doc?: Document): { filters?: Located<string>[] } {
  const types = (seqAt(map, 'filters', doc)?.items ?? []).flatMap((written) => {
    const f = deref(written, doc);
    const type = isMap(f) ? stringAt(f, 'type', doc) : undefined;
    return type ? [type] : [];
  });
  return types.length > 0 ? { filters: types } : {};
}
