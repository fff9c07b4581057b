/**
 * A rollout plan: the steps a canary's share goes through, how long each is held, and the gates on live stats that
 * must hold before the next. Pure: no I/O. A plan comes from a `RolloutPlan` file (schema:
 * src/service/model/schemas/rolloutPlan.ts), from the editor's `canaryLens.rollout.*` settings or from CLI flags;
 * whatever is not said takes `DEFAULT_PLAN`.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { windowSeconds } from '../stats/queries';
import { PLAN_DEFAULTS, planValueProblems } from '../service/model/rolloutPlan';
import { ROLLOUT_PLAN_API_VERSION, ROLLOUT_PLAN_KIND, rolloutPlanV1alpha1 } from '../service/model/schemas/rolloutPlan';
import type { SplitKind } from '../protocol/messages';

export interface GateThresholds {
  /** Requests to the canary in the window before any gate is judged. */
  minRequests: number;
  /** Lowest canary success rate, percent. */
  minSuccessPercent: number;
  /** Points the canary's success rate may be below the stable backends'. */
  maxSuccessDropPoints: number;
  /** Highest canary P99 as a multiple of the stable's. */
  maxP99Ratio: number;
  /** Highest canary P99, ms (absent: no absolute bound). */
  maxP99Ms?: number;
}

export interface PlanTarget {
  kind: SplitKind;
  name: string;
  /** 1-based rule of a route (absent: the first weighted rule). */
  rule?: number;
}

export interface RolloutPlan {
  /** The plan's own name (a file's metadata.name), for messages. */
  name?: string;
  namespace?: string;
  /** The split it drives; absent: any split it is given. */
  target?: PlanTarget;
  /** The canary backend; absent: the split's last backend. */
  canary?: string;
  /** The canary's share at each step, percent, strictly rising. */
  steps: number[];
  /** Prometheus durations, as written. */
  holdTime: string;
  window: string;
  autoAdvance: boolean;
  autoRollback: boolean;
  gates: GateThresholds;
}

/**
 * The issue's defaults, also the settings' defaults. autoAdvance is on: the person who starts a rollout has confirmed the
 * whole plan, and a rollout that waits for a click at every step is the three `kubectl apply`s it replaces; gates
 * still stop it.
 */
export const DEFAULT_PLAN: RolloutPlan = { ...PLAN_DEFAULTS, steps: [...PLAN_DEFAULTS.steps], gates: { ...PLAN_DEFAULTS.gates } };

/** A plan that cannot run: each problem with the path of the value at fault (`spec.steps[2]`). */
export class PlanError extends Error {
  constructor(readonly problems: readonly string[], readonly source?: string) {
    super(`${source ? `${source}: ` : ''}${problems.join('; ')}`);
  }
}

/**
 * Problems of a plan: those the schema cannot state (steps rising, hold time at least two windows), and for a plan from
 * settings or flags, which no schema has read, the bounds the schema states. One implementation, the language
 * service's (src/service/model/rolloutPlan.ts), so the editor's diagnostics and a run agree.
 */
export function planProblems(plan: RolloutPlan): string[] {
  return planValueProblems(plan).map((p) => p.message);
}

/** Hold time and window in seconds (the plan has passed `planProblems`). */
export function planSeconds(plan: RolloutPlan): { hold: number; window: number } {
  return { hold: windowSeconds(plan.holdTime), window: windowSeconds(plan.window) };
}

/** The plan's values over a base (settings, flags): a partial plan says only what it changes. */
export function overPlan(base: RolloutPlan, over: PartialPlan): RolloutPlan {
  return {
    ...base,
    ...definedOnly({ name: over.name, namespace: over.namespace, target: over.target, canary: over.canary, steps: over.steps, holdTime: over.holdTime, window: over.window, autoAdvance: over.autoAdvance, autoRollback: over.autoRollback }),
    gates: { ...base.gates, ...definedOnly(over.gates ?? {}) },
  };
}

export type PartialPlan = Partial<Omit<RolloutPlan, 'gates'>> & { gates?: Partial<GateThresholds> };

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------------------------
// A RolloutPlan file

interface PlanObject {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    targetRef?: { kind: SplitKind; name: string; rule?: number };
    canary?: string;
    steps?: number[];
    holdTime?: string;
    window?: string;
    autoAdvance?: boolean;
    autoRollback?: boolean;
    gates?: {
      minRequests?: number;
      successRate?: { min?: number; maxDropFromStable?: number };
      latencyP99?: { maxRatioToStable?: number; maxMs?: number };
    };
  };
}

let validate: ReturnType<Ajv['compile']> | undefined;

function schemaMessage(e: ErrorObject): string {
  const at = e.instancePath.replace(/^\//, '').split('/').filter(Boolean).map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`)).join('').replace(/^\./, '');
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
    : e.keyword === 'enum' ? `: ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}` : '';
  return `${at || 'the document'} ${e.message ?? 'is invalid'}${extra}`;
}

/**
 * The partial plan of a RolloutPlan file's text (the first document of that kind). Throws PlanError naming each
 * problem: YAML syntax, another kind, schema violations.
 */
export function parsePlanText(text: string, source?: string): PartialPlan {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list.find((d) => d.get('kind') === ROLLOUT_PLAN_KIND);
  if (!doc) throw new PlanError([`no document of kind ${ROLLOUT_PLAN_KIND} (apiVersion ${ROLLOUT_PLAN_API_VERSION})`], source);
  if (doc.errors.length > 0) throw new PlanError(doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`), source);
  const data: unknown = doc.toJS();
  const obj = (data ?? {}) as { apiVersion?: unknown };
  if (obj.apiVersion !== ROLLOUT_PLAN_API_VERSION) {
    throw new PlanError([`apiVersion ${String(obj.apiVersion)} is not served for ${ROLLOUT_PLAN_KIND}: use ${ROLLOUT_PLAN_API_VERSION}`], source);
  }
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(rolloutPlanV1alpha1);
  if (!validate(data)) throw new PlanError((validate.errors ?? []).map(schemaMessage), source);
  const { metadata, spec = {} } = data as PlanObject;
  const g = spec.gates;
  return {
    ...definedOnly({ name: metadata?.name, namespace: metadata?.namespace }),
    ...definedOnly({
      target: spec.targetRef ? { kind: spec.targetRef.kind, name: spec.targetRef.name, ...definedOnly({ rule: spec.targetRef.rule }) } : undefined,
      canary: spec.canary, steps: spec.steps, holdTime: spec.holdTime, window: spec.window, autoAdvance: spec.autoAdvance, autoRollback: spec.autoRollback,
    }),
    ...(g ? {
      gates: definedOnly({
        minRequests: g.minRequests, minSuccessPercent: g.successRate?.min, maxSuccessDropPoints: g.successRate?.maxDropFromStable,
        maxP99Ratio: g.latencyP99?.maxRatioToStable, maxP99Ms: g.latencyP99?.maxMs,
      }),
    } : {}),
  };
}

/** A whole plan from a file's text over a base; throws PlanError for the file's problems and the plan's. */
export function planFromText(text: string, base: RolloutPlan = DEFAULT_PLAN, source?: string): RolloutPlan {
  const plan = overPlan(base, parsePlanText(text, source));
  const problems = planProblems(plan);
  if (problems.length > 0) throw new PlanError(problems, source);
  return plan;
}
