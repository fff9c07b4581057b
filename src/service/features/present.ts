import type { ApiVersionInfo } from '../model/kinds';
import type { ServiceFact, ServicePort } from '../workspace/context';
import { totalUnits, type Backend, type Split } from '../model/split';
import { uriOf } from '../workspace/refs';
import type { JsonSchema } from '../model/schemas/index';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

/** Text shared by hover, completion and symbols, so a port or a share reads the same everywhere. */

/** `80/http, 8080`. */
export function portsText(ports: readonly ServicePort[]): string {
  return ports.map((p) => (p.name ? `${p.port}/${p.name}` : String(p.port))).join(', ');
}

/** `http → 8080`: what a port is beside its number. */
export function portDetail(p: ServicePort): string | undefined {
  const target = p.targetPort !== undefined && p.targetPort !== p.port ? `→ ${p.targetPort}` : '';
  return [p.name, target].filter(Boolean).join(' ') || undefined;
}

/** A weight in the split's unit: milli units are written as such (`500m`). */
export function unitsText(units: number, api: ApiVersionInfo | undefined): string {
  return api?.weightUnit === 'quantity' ? `${units}m` : String(units);
}

export interface Share { units: number; total: number; fraction: number }

/** A backend's share of its split; undefined when its weight is invalid or every weight is 0. */
export function shareOf(split: Split, backend: Backend): Share | undefined {
  const units = backend.weight.units;
  const total = totalUnits(split);
  return units === undefined || total <= 0 ? undefined : { units, total, fraction: units / total };
}

/** `50.0% of web-svc-ts (500 of 1000)`, or why there is no share. */
export function shareText(split: Split, backend: Backend, api: ApiVersionInfo | undefined): string {
  if (backend.weight.units === undefined) return `no share: ${backend.weight.problem ?? 'the weight is invalid'}`;
  const share = shareOf(split, backend);
  if (!share) return `no share: every weight of ${split.label} is 0`;
  return `${(share.fraction * 100).toFixed(1)}% of ${split.label} (${unitsText(share.units, api)} of ${unitsText(share.total, api)})`;
}

/** `33.3%`, `50%`: one decimal at most. */
export function shortPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

/** Where a Service is defined, as markdown: a link to the file and line, or the cluster. */
export function definedAt(index: WorkspaceIndex, fact: ServiceFact, fromUri: string): string {
  if (!fact.part) return `the cluster (namespace ${fact.ns})`;
  const uri = uriOf(index, fact.part);
  const line = fact.part.positionAt(fact.nameSpan?.start ?? 0).line;
  if (!uri) return `line ${line + 1}`;
  const label = uri === fromUri ? `this file, line ${line + 1}` : `${relativePath(fromUri, uri)}:${line + 1}`;
  return `[${label}](${uri}#L${line + 1})`;
}

/** Path of `to` relative to the folder of `from` when both share a scheme and authority; else `to` itself. */
export function relativePath(from: string, to: string): string {
  const root = (u: string): string => /^[a-z][\w+.-]*:\/\/[^/]*/i.exec(u)?.[0] ?? '';
  if (!root(from) || root(from) !== root(to)) return to;
  const a = from.slice(root(from).length).split('/').slice(0, -1);
  const b = to.slice(root(to).length).split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return decodeURIComponent([...a.slice(i).map(() => '..'), ...b.slice(i)].join('/'));
}

/** `string`, `object[]`, `integer | string`: the type a key's value takes. */
export function typeLabel(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type === 'array') return `${typeLabel(s.items ?? {}) ?? 'any'}[]`;
  if (s['x-kubernetes-int-or-string']) return 'integer | string';
  return s.type;
}
