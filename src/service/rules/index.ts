import { oldApiVersion, unknownApiVersion } from './apiVersion';
import { backendRefPortMissing, unknownBackendKind } from './backendKind';
import { duplicateBackend } from './duplicateBackend';
import { filterNotImplemented } from './filters';
import { notServedByLinkerd, shadowedByServiceProfile, trafficSplitDeprecated } from './linkerd';
import { matchNotImplemented } from './matches';
import { splitNotInEffect } from './splitInEffect';
import { invalidName } from './names';
import { noParent, parentNotService } from './parents';
import { backendWithoutWorkload, crossNamespaceBackend, portMismatch, serviceDefinedTwice, serviceNotFound } from './references';
import type { DeliveryRule, Rule } from './rule';
export { PLAN_RULES } from './rolloutPlan';
import { FLAGGER_RULES } from './flagger';
import { ARGO_RULES } from './argo';
import { OWNERSHIP_RULES } from './ownership';
import { routeNotAccepted, routeRefsUnresolved } from './routeStatus';
import { unreachableRule } from './unreachableRule';
import { weightInvalid, weightsAllZero } from './weights';
import { yaml11Value } from './yaml11';

/** Every rule over the split model. `yaml-syntax` and `schema` come from the parser and the schemas. */
export const RULES: readonly Rule[] = [
  unknownApiVersion, oldApiVersion, weightInvalid, weightsAllZero, invalidName, noParent, unreachableRule,
  duplicateBackend, serviceNotFound, portMismatch, backendWithoutWorkload, serviceDefinedTwice, unknownBackendKind, backendRefPortMissing,
  parentNotService, crossNamespaceBackend, notServedByLinkerd, filterNotImplemented, matchNotImplemented, shadowedByServiceProfile, splitNotInEffect, trafficSplitDeprecated,
  routeNotAccepted, routeRefsUnresolved, yaml11Value, ...OWNERSHIP_RULES,
];

/** Every rule over the delivery model (Canary, Rollout). `unknown-api-version` and `schema` come from the registry. */
export const DELIVERY_RULES: readonly DeliveryRule[] = [...FLAGGER_RULES, ...ARGO_RULES];

export type { DeliveryRule, DeliveryRuleContext, Finding, PlanRule, PlanRuleContext, Rule, RuleContext } from './rule';
