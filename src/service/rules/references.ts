import { selects, type ServiceFact } from '../workspace/context';
import { isCoreService, type Apex, type Backend, type SplitDocument } from '../model/split';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { remoteService } from '../workspace/multicluster';
import type { Finding, Rule } from './rule';


/** Each Service the document names, with the namespace it is looked up in. */
function references(doc: SplitDocument): { name: NonNullable<Backend['name']>; ns: string; role: 'apex' | 'backend'; backend?: Backend; split: number }[] {
  const seen = new Set<string>();
  const out: ReturnType<typeof references> = [];
  for (const split of doc.splits) {
    const apex: Apex | undefined = split.apex;
    if (apex && !seen.has(`${apex.name.span.start}`)) {
      seen.add(`${apex.name.span.start}`);
      out.push({ name: apex.name, ns: apex.namespace?.value ?? doc.ns, role: 'apex', split: split.index });
    }
    for (const b of split.backends) {
      // Only core Services are in the index (not ServiceImports or other routable kinds).
      if (b.name && !b.kindProblem && isCoreService(b)) out.push({ name: b.name, ns: b.ns, role: 'backend', backend: b, split: split.index });
    }
  }
  return out;
}

function where(index: WorkspaceIndex, ns: string): string {
  return index.clusterFacts?.namespaces.includes(ns) ? 'the workspace or the cluster' : 'the workspace';
}

/**
 * `service-not-found`: the apex or a backend names a Service nobody defines (said only where Services are known). A
 * backend Linkerd multicluster creates (a mirror or a federated Service, see `workspace/multicluster.ts`) is not missing.
 */
export const serviceNotFound: Rule = {
  code: 'service-not-found',
  scope: 'workspace',
  check({ doc, index }) {
    return references(doc).flatMap((r): Finding[] => {
      if (!index.knowsServicesOf(r.ns) || index.services(r.ns, r.name.value).length > 0) return [];
      if (r.role === 'backend' && remoteService(index, r.ns, r.name.value)) return [];
      return [{
        code: this.code,
        span: r.name.span,
        message: `Service ${r.name.value} (${r.role}) is not in namespace ${r.ns} in ${where(index, r.ns)}`,
        data: { name: r.name.value, ns: r.ns, port: r.backend?.port?.value },
      }];
    });
  },
};

/** `port-mismatch`: a backend Service lacks the apex's port, or a backendRef's port is not on its Service. */
export const portMismatch: Rule = {
  code: 'port-mismatch',
  scope: 'workspace',
  check({ doc, index }) {
    const findings: Finding[] = [];
    for (const split of doc.splits) {
      const apex = split.apex;
      const apexPorts = apex?.port
        ? [apex.port.value]
        : apex ? (index.services(apex.namespace?.value ?? doc.ns, apex.name.value)[0]?.ports.map((p) => p.port) ?? []) : [];
      for (const b of split.backends) {
        if (!b.name || !isCoreService(b)) continue;
        const svc: ServiceFact | undefined = index.services(b.ns, b.name.value)[0];
        if (!svc) continue;
        const ports = svc.ports.map((p) => p.port);
        if (b.port) {
          if (!ports.includes(b.port.value)) {
            findings.push({ code: this.code, span: b.port.span, message: `Service ${svc.name} has no port ${b.port.value} (it has ${ports.join(', ') || 'none'})` });
          }
        } else if (apex && apex.name.value !== b.name.value) {
          const missing = apexPorts.filter((p) => !ports.includes(p));
          if (missing.length > 0) {
            findings.push({
              code: this.code,
              span: b.name.span,
              message: `Service ${svc.name} has no port ${missing.join(', ')} of the apex ${apex.name.value}: it would get no traffic (it has ${ports.join(', ') || 'none'})`,
            });
          }
        }
      }
    }
    return findings;
  },
};

/** `backend-without-workload`: a backend Service that selects no pods, when workloads of its namespace are in view. */
export const backendWithoutWorkload: Rule = {
  code: 'backend-without-workload',
  scope: 'workspace',
  check({ doc, index }) {
    return references(doc).flatMap((r): Finding[] => {
      if (r.role !== 'backend' || r.name.value === doc.splits[r.split]?.apex?.name.value) return [];
      const workloads = index.workloads(r.ns);
      const svc = index.services(r.ns, r.name.value)[0];
      if (workloads.length === 0 || !svc?.selector || Object.keys(svc.selector).length === 0) return [];
      if (workloads.some((w) => selects(svc.selector, w.podLabels))) return [];
      const sel = Object.entries(svc.selector).map(([k, v]) => `${k}=${v}`).join(',');
      return [{ code: this.code, span: r.name.span, message: `No workload in ${r.ns} has pods matching ${svc.name}'s selector ${sel}: this backend has no endpoints` }];
    });
  },
};

/** `cross-namespace-backend`: a backendRef into another namespace needs a ReferenceGrant there. */
export const crossNamespaceBackend: Rule = {
  code: 'cross-namespace-backend',
  scope: 'workspace',
  check({ doc, index }) {
    const group = doc.apiVersion?.value.split('/')[0] ?? '';
    return doc.splits.flatMap((split) => split.backends.flatMap((b): Finding[] => {
      const target = b.namespace?.value;
      const apexNs = split.apex?.namespace?.value ?? doc.ns;
      if (!target || !b.name || target === doc.ns || target === apexNs) return [];
      const allowed = index.grants(target).some((g) =>
        g.from.some((f) => f.group === group && f.kind === doc.kind && f.namespace === doc.ns) &&
        g.to.some((t) => t.group === b.group && t.kind === b.kind && (t.name === undefined || t.name === b.name!.value)));
      if (allowed) return [];
      return [{
        code: this.code,
        span: b.namespace!.span,
        message: `backendRef ${b.name.value} is in namespace ${target}: without a ReferenceGrant in ${target} allowing ${doc.kind} from ${doc.ns}, it is refused`,
      }];
    }));
  },
};
