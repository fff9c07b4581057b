import type { ServiceFact } from '../workspace/context';
import { isCoreService, type Apex, type Backend, type SplitDocument } from '../model/split';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { remoteService } from '../workspace/multicluster';
import type { Finding, Rule } from './rule';
import { uriOf } from '../workspace/refs';
import { serviceDefinitions, whereKnown } from './serviceDefinitions';


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

const portList = (svc: ServiceFact): string => svc.ports.map((p) => p.port).join(', ') || 'none';
const selectorText = (selector: Record<string, string>): string => Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');

/** Where each definition is, as short as still tells them apart: file names without the directories all share. */
function fileNames(index: WorkspaceIndex, defs: readonly ServiceFact[]): string[] {
  const paths = defs.map((d) => {
    const uri = d.part ? uriOf(index, d.part) : undefined;
    if (uri === undefined) return ['the cluster'];
    let path = uri.replace(/^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^/]*)?/, '');
    try { path = decodeURIComponent(path); } catch { /* not percent-encoded: as written */ }
    return path.split('/');
  });
  let common = 0;
  while (paths.every((p) => common < p.length - 1 && p[common] === paths[0]![common])) common++;
  return paths.map((p) => p.slice(common).join('/'));
}

/** "80, 8080 in a.yaml; 80 in b.yaml": what each definition says. */
function perFile(index: WorkspaceIndex, defs: readonly ServiceFact[], say: (svc: ServiceFact) => string): string {
  const names = fileNames(index, defs);
  return defs.map((d, i) => `${say(d)} in ${names[i]!}`).join('; ');
}

/**
 * `service-not-found`: the apex or a backend names a Service nobody defines (said only where Services are known). A
 * backend Linkerd multicluster creates (a mirror or a federated Service, see `workspace/multicluster.ts`), or one a
 * Flagger Canary in view generates, is not missing.
 */
export const serviceNotFound: Rule = {
  code: 'service-not-found',
  scope: 'workspace',
  check({ doc, index }) {
    return references(doc).flatMap((r): Finding[] => {
      if (!index.knowsServicesOf(r.ns) || index.services(r.ns, r.name.value).length > 0) return [];
      if (r.role === 'backend' && remoteService(index, r.ns, r.name.value)) return [];
      // A Service a Canary in view generates (`<apex>-primary`, `<apex>-canary`) exists once Flagger has run.
      if (index.ownersOf('Service', r.ns, r.name.value).some((o) => o.via === 'naming')) return [];
      return [{
        code: this.code,
        span: r.name.span,
        message: `Service ${r.name.value} (${r.role}) is not in namespace ${r.ns} in ${whereKnown(index, r.ns)}`,
        data: { name: r.name.value, ns: r.ns, port: r.backend?.port?.value },
      }];
    });
  },
};

/**
 * `port-mismatch`: a backend Service lacks the apex's port, a backendRef's port is not on its Service, or a Service
 * parentRef's port is not on that Service. For a Service parent (GAMMA), `port` selects the one Service port the route
 * attaches to: "If `port` is set, the implementation MUST associate the route only with that port"
 * (kubernetes-sigs/gateway-api geps/gep-1426/index.md, "Ports"; Linkerd's policy controller keeps a route that names a port
 * under that Service and port only, `routes_by_parent_port` in linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index.rs). A port the Service lacks
 * attaches the route to no traffic at all.
 */
export const portMismatch: Rule = {
  code: 'port-mismatch',
  scope: 'workspace',
  check({ doc, index }) {
    const findings: Finding[] = [];
    for (const p of doc.parents ?? []) {
      if (!p.isService || !p.name || !p.port) continue;
      const defs = serviceDefinitions(index, p.ns, p.name.value);
      if (defs.length === 0 || defs.some((d) => d.ports.some((q) => q.port === p.port!.value))) continue;
      findings.push({
        code: this.code,
        span: p.port.span,
        message: `Service ${p.name.value} has no port ${p.port.value} (it has ${defs.length > 1 ? perFile(index, defs, portList) : portList(defs[0]!)}): the route attaches to no traffic`,
      });
    }
    for (const split of doc.splits) {
      const apex = split.apex;
      const apexDefs = apex && !apex.port ? serviceDefinitions(index, apex.namespace?.value ?? doc.ns, apex.name.value) : [];
      // Ports of the apex whichever definition is applied: those every definition has.
      const apexPorts = apex?.port
        ? [apex.port.value]
        : (apexDefs[0]?.ports.map((p) => p.port) ?? []).filter((port) => apexDefs.every((d) => d.ports.some((q) => q.port === port)));
      for (const b of split.backends) {
        if (!b.name || !isCoreService(b)) continue;
        const defs = serviceDefinitions(index, b.ns, b.name.value);
        if (defs.length === 0) continue;
        const has = (port: number): boolean => defs.some((d) => d.ports.some((q) => q.port === port));
        const ports = defs.length > 1 ? perFile(index, defs, portList) : portList(defs[0]!);
        if (b.port) {
          if (!has(b.port.value)) {
            findings.push({ code: this.code, span: b.port.span, message: `Service ${b.name.value} has no port ${b.port.value} (it has ${ports})` });
          }
        } else if (apex && apex.name.value !== b.name.value) {
          const missing = apexPorts.filter((p) => !has(p));
          if (missing.length > 0) {
            findings.push({
              code: this.code,
              span: b.name.span,
              message: `Service ${b.name.value} has no port ${missing.join(', ')} of the apex ${apex.name.value}: it would get no traffic (it has ${ports})`,
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
      const defs = serviceDefinitions(index, r.ns, r.name.value);
      // A definition without a selector has its endpoints managed by hand: nothing to say, whichever is applied.
      const selectors = defs.map((d) => d.selector ?? {});
      if (index.workloads(r.ns).length === 0 || defs.length === 0 || selectors.some((sel) => Object.keys(sel).length === 0)) return [];
      if (selectors.some((sel) => index.selectsWorkload(r.ns, sel))) return [];
      const sel = defs.length > 1 ? `selectors ${perFile(index, defs, (d) => selectorText(d.selector ?? {}))}` : `selector ${selectorText(selectors[0]!)}`;
      return [{ code: this.code, span: r.name.span, message: `No workload in ${r.ns} has pods matching ${r.name.value}'s ${sel}: this backend has no endpoints` }];
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

/**
 * `service-defined-twice`: a Service a split names is defined by more than one document of the workspace (two files,
 * or twice in one). kubectl keeps whichever is applied last; overlays and per-environment folders do this on purpose,
 * so it is a hint, not a warning. The checks above accept what any definition has; this says which files they read,
 * and where the definitions differ in what the checks read (ports, selector).
 */
export const serviceDefinedTwice: Rule = {
  code: 'service-defined-twice',
  scope: 'workspace',
  check({ doc, index }) {
    const refs = references(doc).map((r) => ({ name: r.name, ns: r.ns }));
    const seen = new Set(refs.map((r) => r.name.span.start));
    // Service parents that are no split's apex (a later parentRef) are references too.
    for (const p of doc.parents ?? []) if (p.isService && p.name && !seen.has(p.name.span.start)) refs.push({ name: p.name, ns: p.ns });
    return refs.flatMap((r): Finding[] => {
      const defs = index.services(r.ns, r.name.value).filter((d) => d.part !== undefined);
      if (defs.length < 2) return [];
      const files = [...new Set(fileNames(index, defs))];
      const where = files.length === 1 ? `${defs.length === 2 ? 'twice' : `${defs.length} times`} in ${files[0]!}` : `in ${files.length} files: ${files.join(', ')}`;
      const differ: string[] = [];
      if (new Set(defs.map((d) => portList(d))).size > 1) differ.push(`ports ${perFile(index, defs, portList)}`);
      if (new Set(defs.map((d) => selectorText(d.selector ?? {}))).size > 1) differ.push(`selector ${perFile(index, defs, (d) => selectorText(d.selector ?? {}) || 'none')}`);
      return [{
        code: this.code,
        span: r.name.span,
        message: `Service ${r.name.value} (namespace ${r.ns}) is defined ${where}: the one applied last wins. `
          + (differ.length > 0 ? `They differ: ${differ.join('; ')}. ` : '')
          + 'Checks accept what any of them has',
      }];
    });
  },
};
