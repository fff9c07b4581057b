/**
 * Rules over Canary Lens's RolloutPlan (model/rolloutPlan.ts): what its schema cannot state, and whether the split it
 * names is in view with the canary among its backends. Its schema problems are `schema`, its apiVersion
 * `unknown-api-version`, as for every kind of the registry (diagnostics.ts).
 */
import { planPathKey, planValueProblems } from '../model/rolloutPlan';
import { isSplitKind, SPLIT_KINDS } from '../model/kinds';
import { routesInView } from '../workspace/routeLookup';
import { backendNames, planSplit, splitNames, splitsNamed } from '../workspace/planTargets';
import { whereDefined } from './serviceDefinitions';
import type { Finding, PlanRule } from './rule';

/**
 * `plan-invalid`: steps that do not rise, a hold time shorter than two stats windows (the gates would judge a step on
 * traffic from the one before), a zero duration: src/rollout/plan.ts refuses to run such a plan. Each on the value at
 * fault; a hold time against a window it does not write (the default) goes on the window, and the other way round.
 */
export const planInvalid: PlanRule = {
  code: 'plan-invalid',
  scope: 'document',
  check({ doc }) {
    return planValueProblems(doc.values).flatMap((p): Finding[] => {
      if (p.inSchema) return []; // `schema` says it, with the schema's words
      const span = doc.spans.get(planPathKey(p.path)) ?? (p.other ? doc.spans.get(planPathKey(p.other)) : undefined);
      return span ? [{ code: this.code, span, message: p.message }] : [];
    });
  },
};

/**
 * `plan-target-not-found`: the targetRef names no split of its kind in the plan's namespace in the workspace or the
 * cluster (said only where splits of that namespace are known, as the other reference rules do), or a rule the route
 * does not have.
 */
export const planTargetNotFound: PlanRule = {
  code: 'plan-target-not-found',
  scope: 'workspace',
  check({ doc, index }) {
    const kind = doc.target?.kind?.value;
    const name = doc.target?.name;
    if (!isSplitKind(kind) || !name || name.value === '') return [];
    const { ns } = doc;
    const routes = routesInView(index);
    if (!routes.has(kind, ns, name.value)) {
      if (!SPLIT_KINDS.some((k) => routes.knows(k, ns)) && !index.clusterCovers(kind, ns)) return [];
      const same = splitNames(index, SPLIT_KINDS, ns).filter((s) => s.name === name.value).map((s) => s.kind);
      const others = splitNames(index, [kind], ns).map((s) => s.name);
      const hint = same.length > 0 ? ` (${same.join(' and ')} ${name.value} is there)`
        : others.length > 0 ? `. ${kind}s there: ${others.slice(0, 8).join(', ')}${others.length > 8 ? ', …' : ''}` : '';
      return [{
        code: this.code,
        span: name.span,
        message: `${kind} ${name.value} (spec.targetRef) is not in namespace ${ns} in ${whereDefined(index, kind, ns)}: the plan has no split to drive${hint}`,
      }];
    }
    const rule = doc.target?.rule;
    if (!rule) return [];
    const docs = splitsNamed(index, kind, ns, name.value);
    if (docs.length === 0 || docs.some((d) => planSplit(d, rule.value))) return [];
    const counts = [...new Set(docs.map((d) => d.splits.length))].join(' or ');
    return [{ code: this.code, span: rule.span, message: `${kind} ${name.value} has ${counts} rule(s): spec.targetRef.rule ${rule.value} names none` }];
  },
};

/**
 * `plan-canary-not-backend`: the canary is not a backend of the targeted split (of its rule), in any workspace file that
 * defines it: a rollout would have no share to move. Said only when the workspace defines the split (the cluster's list
 * holds names only).
 */
export const planCanaryNotBackend: PlanRule = {
  code: 'plan-canary-not-backend',
  scope: 'workspace',
  check({ doc, index }) {
    const kind = doc.target?.kind?.value;
    const name = doc.target?.name?.value;
    const canary = doc.canary;
    if (!isSplitKind(kind) || !name || !canary) return [];
    const splits = splitsNamed(index, kind, doc.ns, name).flatMap((d) => {
      const split = planSplit(d, doc.target?.rule?.value);
      return split ? [split] : [];
    });
    if (splits.length === 0 || splits.some((s) => backendNames(s).includes(canary.value))) return [];
    const backends = [...new Set(splits.flatMap(backendNames))];
    const which = doc.target?.rule ? ` rule ${doc.target.rule.value}` : '';
    return [{
      code: this.code,
      span: canary.span,
      message: `${canary.value} (spec.canary) is not a backend of ${kind} ${doc.ns}/${name}${which}: its backends are ${backends.length > 0 ? backends.join(', ') : 'none'}`,
    }];
  },
};

export const PLAN_RULES: readonly PlanRule[] = [planInvalid, planTargetNotFound, planCanaryNotBackend];
