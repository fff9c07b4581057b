import { oldApiVersion, unknownApiVersion } from './apiVersion';
import { backendRefPortMissing, unknownBackendKind } from './backendKind';
import { duplicateBackend } from './duplicateBackend';
import { filterNotImplemented } from './filters';
import { notServedByLinkerd, shadowedByServiceProfile, trafficSplitDeprecated } from './linkerd';
import { matchNotImplemented } from './matches';
import { invalidName } from './names';
import { noParent, parentNotService } from './parents';
import { backendWithoutWorkload, crossNamespaceBackend, portMismatch, serviceDefinedTwice, serviceNotFound } from './references';
import type { Rule } from './rule';
import { routeNotAccepted, routeRefsUnresolved } from './routeStatus';
import { unreachableRule } from './unreachableRule';
import { weightInvalid, weightsAllZero } from './weights';
import { yaml11Value } from './yaml11';

/** Every rule over the split model. `yaml-syntax` and `schema` come from the parser and the schemas. */
export const RULES: readonly Rule[] = [
  unknownApiVersion, oldApiVersion, weightInvalid, weightsAllZero, invalidName, noParent, unreachableRule,
  duplicateBackend, serviceNotFound, portMismatch, backendWithoutWorkload, serviceDefinedTwice, unknownBackendKind, backendRefPortMissing,
  parentNotService, crossNamespaceBackend, notServedByLinkerd, filterNotImplemented, matchNotImplemented, shadowedByServiceProfile, trafficSplitDeprecated,
  routeNotAccepted, routeRefsUnresolved, yaml11Value,
];

export type { Finding, Rule, RuleContext } from './rule';
