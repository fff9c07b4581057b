import type { Document, YAMLMap } from 'yaml';
import type { DeliveryDocument, DeliveryKind } from '../delivery';
import { CONTROLLER_KINDS, deliveryApiVersion } from '../deliveryKinds';
import type { Located } from '../split';
import { metadataNames, readTypeMeta } from './header';

/** The parts of a delivery document every kind reads alike: type meta, object meta and the controller. */
export type DeliveryHeader = Pick<DeliveryDocument, 'kind' | 'controller' | 'kindSpan' | 'apiVersion' | 'api' | 'name' | 'namespace' | 'ns' | 'names'>;

/**
 * The header of a Canary or Rollout, from its root and the object meta its spec reader took (canarySpec.ts,
 * rolloutSpec.ts); undefined when the document has no `kind`. `names` is a fresh list the adapter adds its own to.
 */
export function readDeliveryHeader(
  doc: Document.Parsed,
  kind: DeliveryKind,
  meta: { root: YAMLMap; name?: Located<string>; namespace?: Located<string>; ns: string },
): DeliveryHeader | undefined {
  const typeMeta = readTypeMeta(meta.root, doc);
  if (!typeMeta) return undefined;
  const { kindSpan, apiVersion } = typeMeta;
  const api = apiVersion ? deliveryApiVersion(kind, apiVersion.value) : undefined;
  return {
    kind,
    controller: CONTROLLER_KINDS[kind].controller,
    kindSpan,
    ...(apiVersion ? { apiVersion } : {}),
    ...(api ? { api } : {}),
    ...(meta.name ? { name: meta.name } : {}),
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    ns: meta.ns,
    names: metadataNames(meta.name, meta.namespace),
  };
}
