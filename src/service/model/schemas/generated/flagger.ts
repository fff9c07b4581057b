// PLACEHOLDER until scripts/gen-crd-schemas.mjs writes this file.
import type { JsonSchema } from '../jsonSchema';
export const FLAGGER_RELEASE = 'v1.44.0';
export const canaryV1beta1: JsonSchema = { type: 'object' };
export const metricTemplateV1beta1: JsonSchema = { type: 'object' };
