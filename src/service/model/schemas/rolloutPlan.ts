import type { JsonSchema } from './jsonSchema';

/**
 * Canary Lens's own kind: a rollout plan kept in the repo beside the split it drives (`canary-lens gate --plan`,
 * `canary-lens rollout run --plan`, the editor's Start rollout). It is never applied to the cluster: no CRD serves it;
 * the rollout's state lives in an annotation on the split. One version, `canary-lens.dev/v1alpha1`.
 *
 * Every field is optional: an absent one takes the default (the `canaryLens.rollout.*` settings in the editor, the
 * flags' defaults on the command line), listed in `description`s and in src/service/model/rolloutPlan.ts `PLAN_DEFAULTS`
 * (src/rollout/plan.ts `DEFAULT_PLAN`). The kind registry (deliveryKinds.ts) holds it, with no cluster resource.
 */
export const ROLLOUT_PLAN_API_VERSION = 'canary-lens.dev/v1alpha1';
export const ROLLOUT_PLAN_KIND = 'RolloutPlan';

const percent = (description: string): JsonSchema => ({ type: 'number', minimum: 0, maximum: 100, description });
const duration = (description: string): JsonSchema => ({
  type: 'string',
  minLength: 2,
  // A Prometheus duration, units in order (prometheus/common model.ParseDuration; src/stats/queries.ts windowSeconds).
  pattern: '^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$',
  description,
});

export const rolloutPlanV1alpha1: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { type: 'string', enum: [ROLLOUT_PLAN_API_VERSION], description: 'Canary Lens rollout plan version.' },
    kind: { type: 'string', enum: [ROLLOUT_PLAN_KIND] },
    metadata: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, description: 'Name of the plan (shown in the panel and the CLI).' },
        namespace: { type: 'string', minLength: 1, description: 'Namespace of the split the plan drives (default: the split\'s).' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        targetRef: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name'],
          description: 'The split the plan drives. Without it the plan applies to any split (a team\'s shared gates).',
          properties: {
            kind: { type: 'string', enum: ['TrafficSplit', 'HTTPRoute', 'GRPCRoute'], description: 'Kind of the split.' },
            name: { type: 'string', minLength: 1, description: 'Name of the TrafficSplit, HTTPRoute or GRPCRoute.' },
            rule: { type: 'integer', minimum: 1, description: '1-based rule of a route with more than one weighted rule (default 1).' },
          },
        },
        canary: {
          type: 'string', minLength: 1,
          description: 'Backend Service that receives the new version (default: the split\'s last backend).',
        },
        steps: {
          type: 'array', minItems: 1, items: percent('Canary share at this step, in percent.'),
          description: 'The canary\'s share at each step, rising, in percent (default 10, 25, 50, 100).',
        },
        holdTime: duration('How long every gate must hold at a step before it advances (default 2m; at least two stats windows).'),
        window: duration('Stats window the gates read, a Prometheus duration (default 1m).'),
        autoAdvance: { type: 'boolean', description: 'Advance when the gates have held for the hold time (default true); false: only on Advance.' },
        autoRollback: { type: 'boolean', description: 'Roll back without asking when a gate fails (default false: pause and offer Roll back).' },
        gates: {
          type: 'object',
          additionalProperties: false,
          description: 'Comparisons on live stats over the window. A gate below minRequests says "not enough traffic" and never passes.',
          properties: {
            minRequests: { type: 'integer', minimum: 1, description: 'Requests to the canary in the window before any gate is judged (default 100).' },
            successRate: {
              type: 'object', additionalProperties: false,
              properties: {
                min: percent('Lowest success rate of the canary, in percent (default 99).'),
                maxDropFromStable: { type: 'number', minimum: 0, maximum: 100, description: 'Points the canary may be below the stable backends (default 1).' },
              },
            },
            latencyP99: {
              type: 'object', additionalProperties: false,
              properties: {
                maxRatioToStable: { type: 'number', minimum: 1, description: 'Highest canary P99 as a multiple of the stable\'s (default 1.5).' },
                maxMs: { type: 'number', minimum: 0, description: 'Highest canary P99 in milliseconds (no default).' },
              },
            },
          },
        },
      },
    },
  },
};
