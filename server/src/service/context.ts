import { isMap, isSeq } from 'yaml';
import { DEFAULT_NAMESPACE } from './model';
import { CONTEXT_KINDS, type Span, type YamlPart } from './part';
import { mapAt, numberAt, rootMap, seqAt, stringAt, stringMap } from './yamlNodes';

/** Facts the index keeps from context documents: enough for references, ports and pod labels. */

export interface ServicePort { name?: string; port: number; targetPort?: string | number; protocol?: string }

export interface FactBase {
  name: string;
  ns: string;
  /** Where it is defined (absent for facts that come from the cluster). */
  part?: YamlPart;
  nameSpan?: Span;
}

export interface ServiceFact extends FactBase {
  type: 'Service';
  ports: ServicePort[];
  selector?: Record<string, string>;
  /** Ready endpoint addresses, when the cluster reported them. */
  readyEndpoints?: number;
}

export interface WorkloadFact extends FactBase {
  type: 'Workload';
  kind: string;
  podLabels: Record<string, string>;
}

export interface ProfileFact extends FactBase {
  type: 'ServiceProfile';
  /** The Service the profile is for: `<svc>.<ns>.svc.<domain>` names Service svc in namespace ns. */
  service: string;
  serviceNamespace: string;
  hasDstOverrides: boolean;
}

export interface GrantFact extends FactBase {
  type: 'ReferenceGrant';
  from: { group: string; kind: string; namespace: string }[];
  to: { group: string; kind: string; name?: string }[];
}

export type Fact = ServiceFact | WorkloadFact | ProfileFact | GrantFact;

/** Whether a part may hold facts (so indexing must parse it). */
export function mayHoldFacts(part: YamlPart): boolean {
  if (part.templated) return false;
  return part.kind !== undefined ? CONTEXT_KINDS.has(part.kind) : part.kindUnknown;
}

export function factsComputed(part: YamlPart): Fact[] | undefined {
  return part.cache.get('facts') as Fact[] | undefined;
}

/** The facts of a part (parses it on first call; cached with the part). */
export function factsOf(part: YamlPart): Fact[] {
  return part.memo('facts', () => (mayHoldFacts(part) ? extract(part) : []));
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout', 'Job']);

function extract(part: YamlPart): Fact[] {
  const root = rootMap(part.doc);
  const kind = stringAt(root, 'kind')?.value;
  const metadata = mapAt(root, 'metadata');
  const name = stringAt(metadata, 'name');
  if (!kind || !name) return [];
  const base: FactBase = { name: name.value, ns: stringAt(metadata, 'namespace')?.value ?? DEFAULT_NAMESPACE, part, nameSpan: name.span };
  const spec = mapAt(root, 'spec');
  switch (kind) {
    case 'Service': {
      const selector = stringMap(mapAt(spec, 'selector'));
      return [{ ...base, type: 'Service', ports: servicePorts(spec), ...(selector ? { selector } : {}) }];
    }
    case 'Pod':
      return [{ ...base, type: 'Workload', kind, podLabels: stringMap(mapAt(metadata, 'labels')) ?? {} }];
    case 'CronJob': {
      const template = mapAt(mapAt(mapAt(spec, 'jobTemplate'), 'spec'), 'template');
      return [{ ...base, type: 'Workload', kind, podLabels: stringMap(mapAt(mapAt(template, 'metadata'), 'labels')) ?? {} }];
    }
    case 'ServiceProfile': {
      const overrides = seqAt(spec, 'dstOverrides');
      return [{ ...base, type: 'ServiceProfile', ...profileTarget(name.value, base.ns), hasDstOverrides: (overrides?.items.length ?? 0) > 0 }];
    }
    case 'ReferenceGrant':
      return [{ ...base, type: 'ReferenceGrant', from: grantList(spec, 'from'), to: grantList(spec, 'to') }];
    default:
      if (POD_TEMPLATE_KINDS.has(kind)) {
        const template = mapAt(spec, 'template');
        return [{ ...base, type: 'Workload', kind, podLabels: stringMap(mapAt(mapAt(template, 'metadata'), 'labels')) ?? {} }];
      }
      return [];
  }
}

/** The Service a ServiceProfile is for, read from its name (`<svc>.<ns>.svc.<domain>`; a bare name: same namespace). */
export function profileTarget(name: string, ns: string): { service: string; serviceNamespace: string } {
  const [service, namespace] = name.split('.');
  return { service: service ?? name, serviceNamespace: namespace || ns };
}

function servicePorts(spec: unknown): ServicePort[] {
  const ports: ServicePort[] = [];
  for (const item of seqAt(spec, 'ports')?.items ?? []) {
    if (!isMap(item)) continue;
    const port = numberAt(item, 'port');
    if (!port) continue;
    const name = stringAt(item, 'name')?.value;
    const protocol = stringAt(item, 'protocol')?.value;
    const target = item.get('targetPort');
    ports.push({
      port: port.value,
      ...(name ? { name } : {}),
      ...(protocol ? { protocol } : {}),
      ...(typeof target === 'number' || typeof target === 'string' ? { targetPort: target } : {}),
    });
  }
  return ports;
}

function grantList(spec: unknown, key: string): { group: string; kind: string; namespace: string; name?: string }[] {
  const seq = seqAt(spec, key);
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((item) => {
    if (!isMap(item)) return [];
    const name = stringAt(item, 'name')?.value;
    return [{
      group: stringAt(item, 'group')?.value ?? '',
      kind: stringAt(item, 'kind')?.value ?? '',
      namespace: stringAt(item, 'namespace')?.value ?? '',
      ...(name ? { name } : {}),
    }];
  });
}

/** Whether a selector picks pods with these labels (an empty selector picks none, as for Services). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
