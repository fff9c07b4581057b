/**
 * JSON Schemas of GRPCRoute, written from the CRD's openAPIV3Schema in kubernetes-sigs/gateway-api
 * config/crd/{standard,experimental}/gateway.networking.k8s.io_grpcroutes.yaml at v1.2.1 (the version Linkerd 2.20
 * recommends; apis/v1/grpcroute_types.go). v1.2.1 serves only v1; v1alpha2 is as v1.1.1's experimental channel,
 * the last bundle that serves it, writes it. The experimental channel's fields (rule `name`, `sessionPersistence`,
 * mirror `percent`/`fraction`) are allowed where that channel has them, as for HTTPRoute. CEL rules are left out, and
 * so are name/namespace patterns and weight constraints (`invalid-name` and `weight-invalid` report those).
 * Descriptions are the first paragraph of the CRD's.
 */
import {
  arr, backendObjectRefProps, filter, HEADER_NAME_PATTERN, HOSTNAME_PATTERN, obj, parentRef, SECTION_NAME_PATTERN, str, type Flavor,
} from './httpRoute';
import type { JsonSchema } from './jsonSchema';
import { resourceSchema } from './trafficSplit';

/** GRPCRouteFilter types (the same at v1alpha2 and v1). */
const FILTERS = ['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef'];

const MATCH_TYPE = { enum: ['Exact', 'RegularExpression'], default: 'Exact' };

/** `v1`: v1.2's experimental fields (rule name, mirror percent and fraction); both have sessionPersistence. */
function flavor(v1: boolean): Flavor {
  return { group: 'gateway.networking.k8s.io', timeouts: false, v1, ruleFilters: FILTERS, backendFilters: FILTERS, maxMatches: 8 };
}

function grpcFilter(f: Flavor): JsonSchema {
  return { ...filter(f, FILTERS), description: 'GRPCRouteFilter defines processing steps that must be completed during the request or response lifecycle.' };
}

function backendRef(f: Flavor): JsonSchema {
  return obj('GRPCBackendRef defines how a GRPCRoute forwards a gRPC request.', {
    ...backendObjectRefProps(),
    // Permissive on purpose: `weight-invalid` checks type and range (integer 0..1000000).
    weight: { description: 'Weight specifies the proportion of requests forwarded to the referenced backend: weight / (sum of all weights in this BackendRefs list). Not a percentage; defaults to 1.', default: 1 },
    filters: arr('Filters defined at this level MUST be executed if and only if the request is being forwarded to the backend defined here.', grpcFilter(f), 16),
  }, ['name']);
}

function match(): JsonSchema {
  return obj('GRPCRouteMatch defines the predicate used to match requests to a given action. Multiple match types are ANDed together, i.e. the match will evaluate to true only if all conditions are satisfied.', {
    method: obj('Method specifies a gRPC request service/method matcher. If this field is not specified, all services and methods will match.', {
      type: str('Type specifies how to match against the service and/or method. Support: Core (Exact with service and method specified)', MATCH_TYPE),
      service: str('Value of the service to match against. If left empty or omitted, will match any service.', { maxLength: 1024 }),
      method: str('Value of the method to match against. If left empty or omitted, will match all services.', { maxLength: 1024 }),
    }),
    headers: arr('Headers specifies gRPC request header matchers. Multiple match values are ANDed together, meaning, a request MUST match all the specified headers to select the route.',
      obj('GRPCHeaderMatch describes how to select a gRPC route by matching gRPC request headers.', {
        type: str('Type specifies how to match against the value of the header.', MATCH_TYPE),
        name: str('Name is the name of the gRPC Header to be matched (case-insensitive).', { minLength: 1, maxLength: 256, pattern: HEADER_NAME_PATTERN }),
        value: str('Value is the value of the gRPC Header to be matched.', { minLength: 1, maxLength: 4096 }),
      }, ['name', 'value']), 16),
  });
}

function rule(f: Flavor): JsonSchema {
  const props: Record<string, JsonSchema> = {
    matches: arr('Matches define conditions used for matching the rule against incoming gRPC requests. Each match is independent, i.e. this rule will be matched if **any** one of the matches is satisfied.', match(), f.maxMatches),
    filters: arr('Filters define the filters that are applied to requests that match this rule.', grpcFilter(f), 16),
    backendRefs: arr('BackendRefs defines the backend(s) where matching requests should be sent, each with a weight.', backendRef(f), 16),
    // Kept open, as for HTTPRoute: its fields still move between Gateway API releases.
    sessionPersistence: { type: 'object', description: 'SessionPersistence defines and configures session persistence for the route rule.' },
  };
  if (f.v1) props.name = str('Name is the name of the route rule. This name MUST be unique within a Route if it is set.', { minLength: 1, maxLength: 253, pattern: SECTION_NAME_PATTERN });
  return obj('GRPCRouteRule defines the semantics for matching a gRPC request based on conditions (matches), processing it (filters), and forwarding the request to an API object (backendRefs).', props);
}

function grpcRoute(f: Flavor): JsonSchema {
  return resourceSchema(
    'GRPCRoute provides a way to route gRPC requests. This includes the capability to match requests by hostname, gRPC service, gRPC method, or HTTP/2 header. Backends specify where matching requests will be routed, each with a weight.',
    obj('Spec defines the desired state of GRPCRoute.', {
      parentRefs: arr('ParentRefs references the resources (usually Gateways, or a Service for a mesh) that a Route wants to be attached to.', parentRef(f.group), 32),
      hostnames: arr('Hostnames defines a set of hostnames to match against the GRPC Host header to select a GRPCRoute to process the request.',
        str('Hostname is the fully qualified domain name of a network host, optionally prefixed with a wildcard label (`*.`).', { minLength: 1, maxLength: 253, pattern: HOSTNAME_PATTERN }), 16),
      rules: arr('Rules are a list of GRPC matchers, filters and actions.', rule(f), 16),
    }),
  );
}

export const gatewayGrpcRouteV1 = grpcRoute(flavor(true));
export const gatewayGrpcRouteV1alpha2 = grpcRoute(flavor(false));
