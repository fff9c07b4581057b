import type { Document, YAMLMap } from 'yaml';
import type { ApiVersionInfo, KindEntry } from '../kinds';
import { DEFAULT_NAMESPACE, type Located, type NameRef, type SplitDocument } from '../split';
import type { Span } from '../../document/part';
import { keySpan, mapAt, rootMap, stringAt } from '../../document/yamlNodes';

/** The parts of a split document that do not depend on its kind: type meta and object meta. */
export interface DocumentHeader {
  root: YAMLMap;
  kindSpan: Span;
  api?: ApiVersionInfo;
  name?: Located<string>;
  base: Omit<SplitDocument, 'splits' | 'names'>;
  names: NameRef[];
}

/**
 * Type meta: where the kind is written (its value, else its key; undefined when there is no `kind`) and the apiVersion.
 * Read as kubectl reads it: aliases followed, `<<` merge keys honoured (src/service/document/yamlNodes.ts).
 */
export function readTypeMeta(root: YAMLMap | undefined, doc: Document): { kindSpan: Span; apiVersion?: Located<string> } | undefined {
  const kindSpan = stringAt(root, 'kind', doc)?.span ?? keySpan(root, 'kind', doc);
  if (!kindSpan) return undefined;
  const apiVersion = stringAt(root, 'apiVersion', doc);
  return { kindSpan, ...(apiVersion ? { apiVersion } : {}) };
}

/** The object meta names the name rules check: metadata.name (a DNS subdomain) and metadata.namespace. */
export function metadataNames(name: Located<string> | undefined, namespace: Located<string> | undefined): NameRef[] {
  const names: NameRef[] = [];
  if (name) names.push({ ...name, what: 'metadata.name', subdomain: true });
  if (namespace) names.push({ ...namespace, what: 'metadata.namespace' });
  return names;
}

export function readHeader(doc: Document.Parsed, entry: KindEntry): DocumentHeader | undefined {
  const kind = entry.kind;
  const root = rootMap(doc);
  const typeMeta = readTypeMeta(root, doc);
  if (!root || !typeMeta) return undefined;
  const { kindSpan, apiVersion } = typeMeta;
  const api = apiVersion ? entry.versions.find((v) => v.apiVersion === apiVersion.value) : undefined;
  const metadata = mapAt(root, 'metadata', doc);
  const name = stringAt(metadata, 'name', doc);
  const namespace = stringAt(metadata, 'namespace', doc);
  const names = metadataNames(name, namespace);
  return {
    root,
    kindSpan,
    ...(api ? { api } : {}),
    ...(name ? { name } : {}),
    names,
    base: {
      kind,
      kindSpan,
      ...(apiVersion ? { apiVersion } : {}),
      ...(api ? { api } : {}),
      ...(name ? { name } : {}),
      ...(namespace ? { namespace } : {}),
      ns: namespace?.value ?? DEFAULT_NAMESPACE,
    },
  };
}
