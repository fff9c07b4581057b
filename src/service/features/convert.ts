import { Document, isMap, isScalar } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import { apiVersionInfo, KINDS, type ConversionTarget } from '../model/kinds';
import type { SplitDocument } from '../model/split';
import type { YamlPart } from '../document/part';
import { applyWeightAction } from '../model/weights';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { portProtocol, type ServicePort } from '../workspace/context';
import { contentSpan, editAt } from '../document/yamlEdits';
import { mapAt, rootMap, stringMap } from '../document/yamlNodes';

/**
 * TrafficSplit → HTTPRoute or GRPCRoute (Gateway API v1, the apex Service as parent): Linkerd's recommended form since
 * 2.13. The registry's `convertsTo` says which kind fits which apex port.
 */

/** kubectl's copy of the old object: meaningless on a new kind. */
const DROPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** The apex Service's first port, as the index knows it: the port the route's parentRef names. */
function apexPort(doc: SplitDocument, index: WorkspaceIndex): ServicePort | undefined {
  const apex = doc.splits[0]?.apex;
  return apex ? index.services(doc.ns, apex.name.value)[0]?.ports[0] : undefined;
}

/** The kind a split document converts to: the first registry target that fits what its apex port speaks. */
export function conversionTarget(doc: SplitDocument, index: WorkspaceIndex): ConversionTarget | undefined {
  const protocol = portProtocol(apexPort(doc, index));
  return KINDS[doc.kind].convertsTo?.find((t) => t.apexProtocol === undefined || t.apexProtocol === protocol);
}

/**
 * The route text equivalent to a TrafficSplit document (2-space indent, no final line break). Ports come
 * from the index: the parent's is the apex Service's first port, each backendRef uses that same port (a
 * TrafficSplit sends the apex port to every backend) or, when the apex is unknown, its own Service's first port;
 * a port nobody knows is left out (the route then reports `backend-ref-port-missing`, which has its own fix).
 */
export function routeFromTrafficSplit(part: YamlPart, doc: SplitDocument, index: WorkspaceIndex, target: ConversionTarget): string | { refused: string } {
  const split = doc.splits[0];
  const apex = split?.apex;
  if (!split || !apex) return { refused: 'the TrafficSplit has no spec.service' };
  if (!doc.name) return { refused: 'the TrafficSplit has no metadata.name' };
  const backends = split.backends;
  for (const b of backends) {
    if (!b.name) return { refused: `backend ${b.index + 1} has no service` };
    if (b.weight.units === undefined) return { refused: `the weight of ${b.name.value} is invalid` };
  }
  let weights = backends.map((b) => b.weight.units!);
  // v1alpha1 milli-values can exceed Gateway API's maximum: keep the proportions within it.
  const max = apiVersionInfo(target.kind, target.apiVersion)?.weightMax;
  if (max !== undefined && weights.some((w) => w > max)) weights = applyWeightAction(weights, { type: 'normalize', total: max });

  const parentPort = apexPort(doc, index)?.port;
  const metadata = mapAt(rootMap(part.doc), 'metadata');
  const labels = stringMap(mapAt(metadata, 'labels'));
  const annotations = Object.entries(stringMap(mapAt(metadata, 'annotations')) ?? {}).filter(([k]) => !DROPPED_ANNOTATIONS.has(k));
  const route = {
    apiVersion: target.apiVersion,
    kind: target.kind,
    metadata: {
      name: doc.name.value,
      ...(doc.namespace ? { namespace: doc.namespace.value } : {}),
      ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
      ...(annotations.length > 0 ? { annotations: Object.fromEntries(annotations) } : {}),
    },
    spec: {
      parentRefs: [{ name: apex.name.value, kind: 'Service', group: 'core', ...(parentPort !== undefined ? { port: parentPort } : {}) }],
      rules: [{
        backendRefs: backends.map((b, i) => {
          const port = parentPort ?? index.services(doc.ns, b.name!.value)[0]?.ports[0]?.port;
          return { name: b.name!.value, ...(port !== undefined ? { port } : {}), weight: weights[i]! };
        }),
      }],
    },
  };
  const out = new Document(route);
  if (split.matches) {
    // Linkerd ignored the TrafficSplit's matches, so dropping them keeps its behaviour; say so where they were.
    const spec = out.get('spec', true);
    const rulesKey = isMap(spec) ? spec.items.find((p) => isScalar(p.key) && p.key.value === 'rules')?.key : undefined;
    if (isScalar(rulesKey)) {
      rulesKey.commentBefore = ` The TrafficSplit's matches (HTTPRouteGroups) were not converted: add ${target.kind} matches if you need them.`;
    }
  }
  return out.toString({ lineWidth: 0 }).replace(/\n$/, '');
}

/** The edit that replaces a TrafficSplit document's content by its route; the `---` line and outer comments stay. */
export function convertEdit(part: YamlPart, doc: SplitDocument, index: WorkspaceIndex, target: ConversionTarget): TextEdit | { refused: string } {
  const text = routeFromTrafficSplit(part, doc, index, target);
  if (typeof text !== 'string') return text;
  const span = contentSpan(part, part.doc.contents);
  if (!span) return { refused: 'the document has no content' };
  const eol = part.eol;
  return editAt(part, span, eol === '\n' ? text : text.replace(/\n/g, eol));
}
