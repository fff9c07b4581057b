/**
 * Matches Linkerd's policy controller cannot convert: the outbound index then fails the whole route, logs it and skips
 * it (linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index.rs `apply_http_route` / `apply_grpc_route`),
 * while admission lets it through. Gateway API's own CEL rules (absolute paths) are not in our schemas, so this is
 * where a relative path is caught too. Each function returns what is refused, in words, or undefined.
 */

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * HTTPRoute: `path.value` of an Exact or PathPrefix match must begin with `/` (policy-controller/k8s/index/src/routes/http.rs
 * `path_match`: "HttpPathMatch paths must be absolute").
 */
export function refusedHttpMatch(match: unknown): string | undefined {
  const path = record(record(match)?.path);
  const type = typeof path?.type === 'string' ? path.type : 'PathPrefix';
  if (typeof path?.value === 'string' && type !== 'RegularExpression' && !path.value.startsWith('/')) {
    return `the relative ${type} path "${path.value}" (paths must begin with /)`;
  }
  return undefined;
}

/** GRPCRoute: a RegularExpression method match (policy-controller/k8s/index/src/routes/grpc.rs `try_match`). */
export function refusedGrpcMatch(match: unknown): string | undefined {
  return record(record(match)?.method)?.type === 'RegularExpression' ? 'a RegularExpression method match' : undefined;
}
