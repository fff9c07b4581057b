// PLACEHOLDER until scripts/gen-crd-schemas.mjs writes this file.
import type { JsonSchema } from '../jsonSchema';
export const ARGO_ROLLOUTS_RELEASE = 'v1.9.1';
export const GATEWAY_API_PLUGIN_RELEASE = 'v0.15.0';
export const rolloutV1alpha1: JsonSchema = { type: 'object' };
export const analysisTemplateV1alpha1: JsonSchema = { type: 'object' };
export const clusterAnalysisTemplateV1alpha1: JsonSchema = { type: 'object' };
