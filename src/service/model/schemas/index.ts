/**
 * Registry of the split schemas by apiVersion and kind. Each is compiled with ajv once, on first use:
 * most files hold one or two versions, and compiling all ten up front would slow the server's start.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import * as ts from './trafficSplit';
import * as hr from './httpRoute';
import { isSplitKind } from '../apiVersions';
import type { SplitKind } from '../split';

/** The subset of JSON Schema (draft-07) these schemas use; also what completion and hover read. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  enum?: (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** Kubernetes' marker for int-or-string fields; ajv ignores it (strict: false). */
  'x-kubernetes-int-or-string'?: boolean;
}

const SCHEMAS: Record<SplitKind, Record<string, JsonSchema>> = {
  TrafficSplit: {
    'split.smi-spec.io/v1alpha1': ts.trafficSplitV1alpha1,
    'split.smi-spec.io/v1alpha2': ts.trafficSplitV1alpha2,
    'split.smi-spec.io/v1alpha3': ts.trafficSplitV1alpha3,
    'split.smi-spec.io/v1alpha4': ts.trafficSplitV1alpha4,
  },
  HTTPRoute: {
    'gateway.networking.k8s.io/v1': hr.gatewayHttpRouteV1,
    'gateway.networking.k8s.io/v1beta1': hr.gatewayHttpRouteV1beta1,
    'gateway.networking.k8s.io/v1alpha2': hr.gatewayHttpRouteV1alpha2,
    'policy.linkerd.io/v1beta1': hr.policyHttpRouteV1beta1,
    'policy.linkerd.io/v1beta2': hr.policyHttpRouteV1beta2,
    'policy.linkerd.io/v1beta3': hr.policyHttpRouteV1beta3,
  },
};

/** Every apiVersion (`group/version`) served for each kind, newest group first as listed in SPEC section 2. */
/** Every served apiVersion of a kind (apiVersions.ts) has a schema; a test keeps the two lists equal. */
export function schemaVersions(kind: SplitKind): string[] {
  return Object.keys(SCHEMAS[kind]);
}

/** The (uncompiled) schema of a kind at an apiVersion, or undefined when nobody serves that pair. */
export function schemaFor(apiVersion: string, kind: string): JsonSchema | undefined {
  if (!isSplitKind(kind)) return undefined;
  const byVersion = SCHEMAS[kind];
  return Object.prototype.hasOwnProperty.call(byVersion, apiVersion) ? byVersion[apiVersion] : undefined;
}

let ajv: Ajv | undefined;
const compiled = new Map<JsonSchema, ValidateFunction>();

/** The compiled validator for a kind at an apiVersion (compiled on first use, then cached). */
export function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const schema = schemaFor(apiVersion, kind);
  if (!schema) return undefined;
  let fn = compiled.get(schema);
  if (!fn) {
    // strict: false lets the Kubernetes x- markers through; allErrors reports every problem in one pass.
    ajv ??= new Ajv({ allErrors: true, strict: false });
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}
