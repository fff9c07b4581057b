/**
 * The subset of JSON Schema (draft-07) the split schemas and the schemas generated from the controllers' CRDs
 * (generated/) use; also what completion and hover read.
 */
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
  /** Value constraints the CRDs state as junctors (Flagger: exactly one of iterations, stepWeight, stepWeights). */
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  /** Kubernetes' marker for int-or-string fields; ajv ignores it (strict: false). */
  'x-kubernetes-int-or-string'?: boolean;
}
