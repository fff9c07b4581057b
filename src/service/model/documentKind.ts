import { API_VERSIONS } from './kinds';
import { CONTROLLER_KINDS, isControllerKind, type ControllerKind } from './deliveryKinds';
import type { SplitKind } from './split';
import type { YamlPart } from '../document/part';
import { schemaFor } from './schemas/index';
import { rootMap } from '../document/yamlNodes';

/** A top-level string as the line scan saw it, or from the parse when it is not written at column 0. */
function topLevel(part: YamlPart, key: 'kind' | 'apiVersion'): string | undefined {
  if (part[key] !== undefined || !new RegExp(`\\b${key}\\b`).test(part.text)) return part[key];
  const value = rootMap(part.doc)?.get(key);
  return typeof value === 'string' ? value : undefined;
}

export const kindOf = (part: YamlPart): string | undefined => topLevel(part, 'kind');
export const apiVersionOf = (part: YamlPart): string | undefined => topLevel(part, 'apiVersion');

/**
 * The apiVersion whose schema describes a document: its own when someone serves it, else (missing or
 * mistyped while being written) the newest version Linkerd serves for the kind.
 */
export function schemaVersion(kind: SplitKind | ControllerKind, apiVersion: string | undefined): string {
  if (apiVersion !== undefined && schemaFor(apiVersion, kind)) return apiVersion;
  if (isControllerKind(kind)) return CONTROLLER_KINDS[kind].versions[0]!.apiVersion;
  const current = API_VERSIONS.find((a) => a.kind === kind && a.linkerdServes && !a.old && a.weightUnit === 'integer');
  return current!.apiVersion;
}

/** Whether the part's kind is ours under its apiVersion's group (or it names none): else it is another project's kind. */
export function isOurControllerDocument(part: YamlPart): boolean {
  const root = rootMap(part.doc);
  const kind = root?.get('kind');
  if (!isControllerKind(kind)) return false;
  const apiVersion = root?.get('apiVersion');
  if (typeof apiVersion !== 'string') return true;
  return CONTROLLER_KINDS[kind].versions.some((v) => v.apiVersion.split('/')[0] === apiVersion.split('/')[0]);
}
