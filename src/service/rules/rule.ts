import type { DiagnosticCode } from './codes';
import type { SplitDocument } from '../model/split';
import type { DeliveryDocument } from '../model/delivery';
import type { PlanDocument } from '../model/rolloutPlan';
import type { Span, YamlPart } from '../document/part';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

/** A problem found by a rule, located in its part. `data` carries what a quick fix needs (kept on the server). */
export interface Finding {
  code: DiagnosticCode;
  span: Span;
  message: string;
  data?: unknown;
}

export interface RuleContext {
  doc: SplitDocument;
  part: YamlPart;
  index: WorkspaceIndex;
}

/**
 * `document` rules depend only on the document's own text, so their findings are cached with the part;
 * `workspace` rules read the index and run again whenever diagnostics are published.
 */
export interface Rule {
  code: DiagnosticCode;
  scope: 'document' | 'workspace';
  check(ctx: RuleContext): Finding[];
}

/** What a delivery rule sees: a Canary or Rollout in the delivery model (`model/delivery.ts`). */
export interface DeliveryRuleContext {
  doc: DeliveryDocument;
  part: YamlPart;
  index: WorkspaceIndex;
}

/** A rule over the delivery model; scopes as for `Rule`. */
export interface DeliveryRule {
  code: DiagnosticCode;
  scope: 'document' | 'workspace';
  check(ctx: DeliveryRuleContext): Finding[];
}

/** What a plan rule sees: a RolloutPlan in the plan model (`model/rolloutPlan.ts`). */
export interface PlanRuleContext {
  doc: PlanDocument;
  part: YamlPart;
  index: WorkspaceIndex;
}

/** A rule over the plan model; scopes as for `Rule`. */
export interface PlanRule {
  code: DiagnosticCode;
  scope: 'document' | 'workspace';
  check(ctx: PlanRuleContext): Finding[];
}
