import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { pairOf, seqAt, stringAt } from '../../document/yamlNodes';
import type { Located, Split } from '../split';

/** What rules read from a route rule beyond its backends: its matches as plain data, its filters' types. */
export function ruleExtras(rule: YAMLMap): Pick<Split, 'matchList' | 'filters'> {
  const matches = pairOf(rule, 'matches')?.value;
  // Absent or null: the catch-all. Anything but a list (a schema error) is a match nothing can be decided about.
  const empty = matches === undefined || matches === null || (isScalar(matches) && matches.value === null);
  const list: unknown = isSeq(matches) ? matches.toJSON() : empty ? undefined : [null];
  return { ...(Array.isArray(list) ? { matchList: list as unknown[] } : {}), ...filterTypes(rule) };
}

/** The `type` of each of a rule's or backendRef's `filters`, where it is a scalar. */
export function filterTypes(map: YAMLMap): { filters?: Located<string>[] } {
  const types = (seqAt(map, 'filters')?.items ?? []).flatMap((f) => {
    const type = isMap(f) ? stringAt(f, 'type') : undefined;
    return type ? [type] : [];
  });
  return types.length > 0 ? { filters: types } : {};
}
