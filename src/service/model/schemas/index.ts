/**
 * The split schemas, read from the kind registry (each apiVersion row holds its schema). Each is compiled with ajv
 * once, on first use: most files hold one or two versions, and compiling all of them up front would slow the
 * server's start.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { apiVersionInfo, KINDS, type SplitKind } from '../kinds';
import { deliveryApiVersion } from '../deliveryKinds';
import type { JsonSchema } from './jsonSchema';
import { withSharedRefs } from './sharedRefs';

export type { JsonSchema } from './jsonSchema';

/** Every served apiVersion of a kind: each has its schema by construction of the registry. */
export function schemaVersions(kind: SplitKind): string[] {
  return KINDS[kind].versions.map((v) => v.apiVersion);
}

/** The (uncompiled) schema of a kind (split or progressive delivery) at an apiVersion, or undefined when nobody serves that pair. */
export function schemaFor(apiVersion: string, kind: string): JsonSchema | undefined {
  return (apiVersionInfo(kind, apiVersion) ?? deliveryApiVersion(kind, apiVersion))?.schema;
}

let ajv: Ajv | undefined;
const compiled = new Map<JsonSchema, ValidateFunction>();

/** The compiled validator for a kind at an apiVersion (compiled on first use, then cached). */
export function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const schema = schemaFor(apiVersion, kind);
  if (!schema) return undefined;
  let fn = compiled.get(schema);
  if (!fn) {
    // strict: false lets the Kubernetes x- markers through; allErrors reports every problem in one pass. Shared
    // subtrees are compiled once each (sharedRefs.ts); without the optimising pass the CRD schemas compile 3x faster.
    ajv ??= new Ajv({ allErrors: true, strict: false, inlineRefs: false, code: { optimize: false } });
    fn = ajv.compile(withSharedRefs(schema));
    compiled.set(schema, fn);
  }
  return fn;
}
