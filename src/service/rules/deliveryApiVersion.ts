import { CONTROLLER_KINDS, isControllerKind } from '../model/deliveryKinds';
import { stringAt, keySpan, rootMap } from '../document/yamlNodes';
import type { YamlPart } from '../document/part';
import type { Finding } from './rule';

/**
 * `unknown-api-version` for a Flagger or Argo Rollouts kind: no apiVersion, or one of the controller's group it does not
 * serve. Another group's kind of the same name (OpenKruise's `Rollout`, `rollouts.kruise.io`) is not ours: nothing.
 */
export function controllerApiVersionFindings(part: YamlPart): Finding[] {
  const doc = part.doc;
  const root = rootMap(doc);
  const kind = stringAt(root, 'kind', doc);
  if (!kind || !isControllerKind(kind.value)) return [];
  const entry = CONTROLLER_KINDS[kind.value];
  const served = entry.versions.map((v) => v.apiVersion);
  const apiVersion = stringAt(root, 'apiVersion', doc);
  if (apiVersion && served.includes(apiVersion.value)) return [];
  const groups = new Set(served.map((v) => v.split('/')[0]));
  if (apiVersion && !groups.has(apiVersion.value.split('/')[0])) return [];
  const span = apiVersion?.span ?? keySpan(root, 'kind', doc) ?? kind.span;
  return [{
    code: 'unknown-api-version',
    span,
    message: apiVersion
      ? `${entry.kind} (${entry.controller}) is not served as ${apiVersion.value}. Understood versions: ${served.join(', ')}`
      : `${entry.kind} (${entry.controller}) needs an apiVersion. Understood versions: ${served.join(', ')}`,
  }];
}
