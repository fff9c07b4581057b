/**
 * JSON Schemas of HTTPRoute, written from the CRDs' openAPIV3Schema: kubernetes-sigs/gateway-api
 * (config/crd/standard/gateway.networking.k8s.io_httproutes.yaml, apis/v1/httproute_types.go) for
 * `gateway.networking.k8s.io`, and linkerd/linkerd2 charts/linkerd-crds/templates/policy/httproute.yaml for
 * `policy.linkerd.io`. CEL rules (x-kubernetes-validations) are left out, and so are name/namespace patterns and
 * weight constraints: `invalid-name` and `weight-invalid` report those with their own codes.
 * Descriptions are the first paragraph of the CRD's, for hover and completion.
 */
import type { JsonSchema } from './jsonSchema';
import { resourceSchema } from './trafficSplit';

export type Group = 'gateway.networking.k8s.io' | 'policy.linkerd.io';

/** What differs between the served versions (GRPCRoute's filters read `v1` too: schemas/grpcRoute.ts). */
export interface Flavor {
  group: Group;
  /** `rules[].timeouts`: gateway v1 and policy v1beta3 only. */
  timeouts: boolean;
  /** Fields of Gateway API v1.x: rule `name`, `retry`, `sessionPersistence`, CORS/ExternalAuth, mirror percent. */
  v1: boolean;
  ruleFilters: string[];
  /** Linkerd's CRD allows more filter types on a backendRef than on a rule. */
  backendFilters: string[];
  maxMatches: number;
}

const GROUP_PATTERN = '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const KIND_PATTERN = '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$';
export const HOSTNAME_PATTERN = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const PRECISE_HOSTNAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const SECTION_NAME_PATTERN = PRECISE_HOSTNAME_PATTERN;
export const HEADER_NAME_PATTERN = "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$";
const DURATION_PATTERN = '^([0-9]{1,5}(h|m|s|ms)){1,4}$';

/** What each pattern means, in words, for diagnostics (validate.ts). */
export const PATTERN_HINTS: Record<string, string> = {
  [GROUP_PATTERN]: 'an API group such as `gateway.networking.k8s.io`, or "" for the core group',
  [KIND_PATTERN]: 'a kind such as `Service`',
  [HOSTNAME_PATTERN]: 'a lowercase DNS name, optionally starting with `*.`',
  [PRECISE_HOSTNAME_PATTERN]: 'a lowercase DNS name',
  [HEADER_NAME_PATTERN]: 'an HTTP header name',
  [DURATION_PATTERN]: 'a duration such as `10s`, `500ms` or `1m30s`',
};

/** An object whose unknown fields are errors, as the API server rejects or prunes them. */
export function obj(description: string, properties: Record<string, JsonSchema>, required?: string[]): JsonSchema {
  const s: JsonSchema = { type: 'object', description, additionalProperties: false, properties };
  if (required) s.required = required;
  return s;
}
export const arr = (description: string, items: JsonSchema, maxItems?: number): JsonSchema =>
  (maxItems === undefined ? { type: 'array', description, items } : { type: 'array', description, items, maxItems });
export const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const port = (description: string): JsonSchema => ({ type: 'integer', description, minimum: 1, maximum: 65535 });

const groupField = (description: string): JsonSchema => str(description, { maxLength: 253, pattern: GROUP_PATTERN });
const kindField = (description: string): JsonSchema => str(description, { minLength: 1, maxLength: 63, pattern: KIND_PATTERN });

export function parentRef(group: Group): JsonSchema {
  return obj('ParentReference identifies an API object (usually a Gateway, or a Service for a mesh) that can be considered a parent of this route.', {
    group: groupField(`Group is the group of the referent. When unspecified, "${group}" is inferred. To refer to a Service, set it to "" (or "core").`),
    kind: kindField('Kind is kind of the referent, "Gateway" when unspecified. Use "Service" for a mesh (GAMMA) route.'),
    namespace: str('Namespace is the namespace of the referent. When unspecified, this refers to the local namespace of the Route.'),
    name: str('Name is the name of the referent.'),
    sectionName: str('SectionName is the name of a section within the target resource (a Gateway listener name, or a Service port name).', { minLength: 1, maxLength: 253, pattern: SECTION_NAME_PATTERN }),
    port: port('Port is the network port this Route targets. For a Service parent, the Service port the route applies to.'),
  }, ['name']);
}

/** BackendObjectReference: shared by backendRefs, requestMirror and externalAuth. */
export function backendObjectRefProps(): Record<string, JsonSchema> {
  return {
    group: groupField('Group is the group of the referent. When unspecified or empty string, the core API group is inferred.'),
    kind: kindField('Kind is the Kubernetes resource kind of the referent, "Service" when unspecified.'),
    name: str('Name is the name of the referent.'),
    namespace: str('Namespace is the namespace of the backend. When unspecified, the local namespace is inferred. A cross-namespace reference needs a ReferenceGrant in the target namespace.'),
    port: port('Port specifies the destination port number to use for this resource. Port is required when the referent is a Kubernetes Service; it is the Service port, not the target port.'),
  };
}

function header(): JsonSchema {
  return obj('HTTPHeader represents an HTTP Header name and value as defined by RFC 7230.', {
    name: str('Name is the name of the HTTP Header to be matched. Name matching MUST be case insensitive.', { minLength: 1, maxLength: 256, pattern: HEADER_NAME_PATTERN }),
    value: str('Value is the value of HTTP Header to be matched.', { minLength: 1, maxLength: 4096 }),
  }, ['name', 'value']);
}

function headerFilter(description: string): JsonSchema {
  return obj(description, {
    set: arr('Set overwrites the request with the given header (name, value) before the action.', header(), 16),
    add: arr('Add adds the given header(s) (name, value) to the request before the action. It appends to any existing values associated with the header name.', header(), 16),
    remove: arr('Remove the given header(s) from the HTTP request before the action. The value of Remove is a list of HTTP header names.', { type: 'string' }, 16),
  });
}

function pathModifier(description: string): JsonSchema {
  return obj(description, {
    type: str('Type defines the type of path modifier.', { enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
    replaceFullPath: str('ReplaceFullPath specifies the value with which to replace the full path of a request during a rewrite or redirect.', { maxLength: 1024 }),
    replacePrefixMatch: str('ReplacePrefixMatch specifies the value with which to replace the prefix match of a request during a rewrite or redirect.', { maxLength: 1024 }),
  }, ['type']);
}

/** The schema of one filter's configuration, by filter type. */
function filterConfig(type: string, f: Flavor): [string, JsonSchema] {
  switch (type) {
    case 'RequestHeaderModifier':
      return ['requestHeaderModifier', headerFilter('RequestHeaderModifier defines a schema for a filter that modifies request headers.')];
    case 'ResponseHeaderModifier':
      return ['responseHeaderModifier', headerFilter('ResponseHeaderModifier defines a schema for a filter that modifies response headers.')];
    case 'RequestRedirect':
      return ['requestRedirect', obj('RequestRedirect defines a schema for a filter that responds to the request with an HTTP redirection.', {
        scheme: str('Scheme is the scheme to be used in the value of the `Location` header in the response. When empty, the scheme of the request is used.', { enum: ['http', 'https'] }),
        hostname: str('Hostname is the hostname to be used in the value of the `Location` header in the response. When empty, the hostname in the `Host` header of the request is used.', { minLength: 1, maxLength: 253, pattern: PRECISE_HOSTNAME_PATTERN }),
        path: pathModifier('Path defines parameters used to modify the path of the incoming request. The modified path is then used to construct the `Location` header.'),
        port: port('Port is the port to be used in the value of the `Location` header in the response.'),
        statusCode: { type: 'integer', description: 'StatusCode is the HTTP status code to be used in response (302 when unspecified).', enum: f.v1 ? [301, 302, 303, 307, 308] : [301, 302] },
      })];
    case 'URLRewrite':
      return ['urlRewrite', obj('URLRewrite defines a schema for a filter that modifies a request during forwarding.', {
        hostname: str('Hostname is the value to be used to replace the Host header value during forwarding.', { minLength: 1, maxLength: 253, pattern: PRECISE_HOSTNAME_PATTERN }),
        path: pathModifier('Path defines a path rewrite.'),
      })];
    case 'RequestMirror': {
      const props: Record<string, JsonSchema> = {
        backendRef: obj('BackendRef references a resource where mirrored requests are sent.', backendObjectRefProps(), ['name']),
      };
      if (f.v1) {
        props.percent = { type: 'integer', description: 'Percent represents the percentage of requests that should be mirrored to BackendRef (0 to 100).', minimum: 0, maximum: 100 };
        props.fraction = obj('Fraction represents the fraction of requests that should be mirrored to BackendRef.', {
          numerator: { type: 'integer', minimum: 0 },
          denominator: { type: 'integer', minimum: 1 },
        }, ['numerator']);
      }
      return ['requestMirror', obj('RequestMirror defines a schema for a filter that mirrors requests. Requests are sent to the specified destination, but responses from that destination are ignored.', props, ['backendRef'])];
    }
    case 'ExtensionRef':
      return ['extensionRef', obj('ExtensionRef is an optional, implementation-specific extension to the "filter" behavior.', {
        group: groupField('Group is the group of the referent.'),
        kind: kindField('Kind is kind of the referent.'),
        name: str('Name is the name of the referent.'),
      }, ['group', 'kind', 'name'])];
    // The two newest filters are kept open: their fields still move between Gateway API releases.
    case 'CORS':
      return ['cors', { type: 'object', description: 'CORS defines a schema for a filter that responds to the cross-origin request based on HTTP response header.' }];
    case 'ExternalAuth':
      return ['externalAuth', { type: 'object', description: 'ExternalAuth configures settings related to sending request details to an external auth service.' }];
    default:
      throw new Error(`no schema for filter type ${type}`);
  }
}

export function filter(f: Flavor, types: string[]): JsonSchema {
  const props: Record<string, JsonSchema> = {
    type: str('Type identifies the type of filter to apply.', { enum: types }),
  };
  for (const t of types) {
    const [key, schema] = filterConfig(t, f);
    props[key] = schema;
  }
  return obj('HTTPRouteFilter defines processing steps that must be completed during the request or response lifecycle.', props, ['type']);
}

function backendRef(f: Flavor): JsonSchema {
  return obj('HTTPBackendRef defines how a HTTPRoute should forward an HTTP request.', {
    ...backendObjectRefProps(),
    // Permissive on purpose: `weight-invalid` checks type and range (integer 0..1000000).
    weight: { description: 'Weight specifies the proportion of requests forwarded to the referenced backend: weight / (sum of all weights in this BackendRefs list). Not a percentage; defaults to 1.', default: 1 },
    filters: arr('Filters defined at this level should be executed if and only if the request is being forwarded to the backend defined here.', filter(f, f.backendFilters), 16),
  }, ['name']);
}

function valueMatch(description: string, valueMax: number, typeDescription: string): JsonSchema {
  return obj(description, {
    type: str(typeDescription, { enum: ['Exact', 'RegularExpression'], default: 'Exact' }),
    name: str('Name is the name to be matched.', { minLength: 1, maxLength: 256 }),
    value: str('Value is the value to be matched.', { minLength: 1, maxLength: valueMax }),
  }, ['name', 'value']);
}

function match(): JsonSchema {
  return obj('HTTPRouteMatch defines the predicate used to match requests to a given action. Multiple match types are ANDed together.', {
    path: obj('Path specifies a HTTP request path matcher. If this field is not specified, a default prefix match on the "/" path is provided.', {
      type: str('Type specifies how to match against the path Value.', { enum: ['Exact', 'PathPrefix', 'RegularExpression'], default: 'PathPrefix' }),
      value: str('Value of the HTTP path to match against.', { maxLength: 1024, default: '/' }),
    }),
    headers: arr('Headers specifies HTTP request header matchers. Multiple match values are ANDed together.',
      valueMatch('HTTPHeaderMatch describes how to select a HTTP route by matching HTTP request headers.', 4096, 'Type specifies how to match against the value of the header.'), 16),
    queryParams: arr('QueryParams specifies HTTP query parameter matchers. Multiple match values are ANDed together.',
      valueMatch('HTTPQueryParamMatch describes how to select a HTTP route by matching HTTP query parameters.', 1024, 'Type specifies how to match against the value of the query parameter.'), 16),
    method: str('Method specifies HTTP method matcher. When specified, this route will be matched only if the request has the specified method.', {
      enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'],
    }),
  });
}

function rule(f: Flavor): JsonSchema {
  const props: Record<string, JsonSchema> = {
    matches: arr('Matches define conditions used for matching the rule against incoming HTTP requests. Each match is independent, i.e. this rule will be matched if **any** one of the matches is satisfied.', match(), f.maxMatches),
    filters: arr('Filters define the filters that are applied to requests that match this rule.', filter(f, f.ruleFilters), 16),
    backendRefs: arr('BackendRefs defines the backend(s) where matching requests should be sent, each with a weight.', backendRef(f), 16),
  };
  if (f.timeouts) {
    const duration = f.group === 'gateway.networking.k8s.io' ? { pattern: DURATION_PATTERN } : {};
    props.timeouts = obj('Timeouts defines the timeouts that can be configured for an HTTP request.', {
      request: str('Request specifies the maximum duration for a gateway to respond to an HTTP request (e.g. `10s`).', duration),
      backendRequest: str('BackendRequest specifies a timeout for an individual request from the gateway to a backend. It must be no more than the Request timeout.', duration),
    });
  }
  if (f.v1) {
    props.name = str('Name is the name of the route rule. This name MUST be unique within a Route if it is set.', { minLength: 1, maxLength: 253, pattern: SECTION_NAME_PATTERN });
    props.retry = obj('Retry defines the configuration for when to retry an HTTP request.', {
      codes: arr('Codes defines the HTTP response status codes for which a backend request should be retried.', { type: 'integer', minimum: 400, maximum: 599 }),
      attempts: { type: 'integer', description: 'Attempts specifies the maximum number of times an individual request from the gateway to a backend should be retried.' },
      backoff: str('Backoff specifies the minimum duration a Gateway should wait between retry attempts.', { pattern: DURATION_PATTERN }),
    });
    props.sessionPersistence = { type: 'object', description: 'SessionPersistence defines and configures session persistence for the route rule.' };
  }
  return obj('HTTPRouteRule defines semantics for matching an HTTP request based on conditions (matches), processing it (filters), and forwarding the request to an API object (backendRefs).', props);
}

function httpRoute(f: Flavor): JsonSchema {
  return resourceSchema(
    'HTTPRoute provides a way to route HTTP requests. Backends specify where matching requests should be routed, each with a weight.',
    obj('Spec defines the desired state of HTTPRoute.', {
      parentRefs: arr('ParentRefs references the resources (usually Gateways, or a Service for a mesh) that a Route wants to be attached to.', parentRef(f.group), 32),
      hostnames: arr('Hostnames defines a set of hostnames that should match against the HTTP Host header to select a HTTPRoute used to process the request.',
        str('Hostname is the fully qualified domain name of a network host, optionally prefixed with a wildcard label (`*.`).', { minLength: 1, maxLength: 253, pattern: HOSTNAME_PATTERN }), 16),
      rules: arr('Rules are a list of HTTP matchers, filters and actions.', rule(f), 16),
    }),
  );
}

const GATEWAY_FILTERS = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef'];
const GATEWAY_V1_FILTERS = [...GATEWAY_FILTERS, 'CORS', 'ExternalAuth'];
const LINKERD_RULE_FILTERS = ['RequestHeaderModifier', 'RequestRedirect'];
const LINKERD_BACKEND_FILTERS = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect'];

const gateway = (v1: boolean, maxMatches: number): Flavor => ({
  group: 'gateway.networking.k8s.io', timeouts: v1, v1, maxMatches,
  ruleFilters: v1 ? GATEWAY_V1_FILTERS : GATEWAY_FILTERS,
  backendFilters: v1 ? GATEWAY_V1_FILTERS : GATEWAY_FILTERS,
});
const policy = (timeouts: boolean): Flavor => ({
  group: 'policy.linkerd.io', timeouts, v1: false, maxMatches: 8,
  ruleFilters: LINKERD_RULE_FILTERS, backendFilters: LINKERD_BACKEND_FILTERS,
});

export const gatewayHttpRouteV1 = httpRoute(gateway(true, 64));
// v1beta1 and v1alpha2 as served by the pre-1.0 bundles (Linkerd 2.17 and before): no timeouts.
export const gatewayHttpRouteV1beta1 = httpRoute(gateway(false, 64));
export const gatewayHttpRouteV1alpha2 = httpRoute(gateway(false, 8));
export const policyHttpRouteV1beta1 = httpRoute(policy(false));
export const policyHttpRouteV1beta2 = httpRoute(policy(false));
export const policyHttpRouteV1beta3 = httpRoute(policy(true));
