/**
 * Typed cluster errors. Every failure of the cluster layer becomes a `ClusterError` with a kind the UI can act on,
 * a message a person can read (no credentials: messages are built from the server's Status, never from headers)
 * and a next step.
 */
import { wordRemedy, type Knob, type Wording } from './wording';

export type ClusterErrorKind =
  | 'unreachable' // no connection, connection lost, timeout, 502/503/504
  | 'unauthorized' // 401: the credentials were rejected
  | 'forbidden' // 403: RBAC said no (verb, resource, namespace known)
  | 'crd-missing' // the resource type (group/version/plural) is not served
  | 'not-found' // 404 for a named object
  | 'conflict' // 409: field managers own the fields (managers known), or the object changed since it was read
  | 'invalid' // 422 (field paths known), or a manifest that cannot be sent
  | 'config' // no kubeconfig, unreadable kubeconfig, unknown context
  | 'other';

/** A field the server rejected, with where it is in the document when that is known (offsets into its text). */
export interface FieldCause {
  field: string;
  message: string;
  reason?: string;
  span?: { start: number; end: number };
}

/** The request that failed, to fill in what the server's message leaves out. */
export interface Operation {
  verb: string;
  /** Plural resource name (`trafficsplits`), with its API group. */
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  /** API server URL, for "cannot reach" messages. */
  server?: string;
}

export interface ClusterErrorInit {
  status?: number;
  reason?: string;
  verb?: string;
  resource?: string;
  group?: string;
  namespace?: string;
  objectName?: string;
  user?: string;
  managers?: string[];
  conflictFields?: string[];
  causes?: FieldCause[];
  /** A 409 because the object changed since it was read (not a field-manager conflict). */
  stale?: boolean;
  /** What to do next, in neutral words (`wordRemedy` words it for a front end). */
  nextStep?: string;
  /** A setting or flag that fixes the problem instead. */
  knob?: Knob;
  /** Transient: a front end that retries by itself says so. */
  transient?: boolean;
  /** The server's own message (redacted by the caller before it is logged). */
  serverMessage?: string;
  cause?: unknown;
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  readonly status?: number;
  readonly reason?: string;
  readonly verb?: string;
  readonly resource?: string;
  readonly group?: string;
  readonly namespace?: string;
  readonly objectName?: string;
  readonly user?: string;
  readonly managers: string[];
  readonly conflictFields: string[];
  readonly causes: FieldCause[];
  readonly stale: boolean;
  readonly nextStep?: string;
  readonly knob?: Knob;
  readonly transient?: boolean;
  readonly serverMessage?: string;

  constructor(readonly kind: ClusterErrorKind, message: string, init: ClusterErrorInit = {}) {
    super(message, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.status = init.status;
    this.reason = init.reason;
    this.verb = init.verb;
    this.resource = init.resource;
    this.group = init.group;
    this.namespace = init.namespace;
    this.objectName = init.objectName;
    this.user = init.user;
    this.managers = init.managers ?? [];
    this.conflictFields = init.conflictFields ?? [];
    this.causes = init.causes ?? [];
    this.stale = init.stale ?? false;
    this.nextStep = init.nextStep;
    this.knob = init.knob;
    this.transient = init.transient;
    this.serverMessage = init.serverMessage;
  }

  /** The next step in a front end's words. */
  nextStepIn(w: Wording): string | undefined {
    return wordRemedy(this, w);
  }

  /** Copy with more causes' spans or another next step. */
  with(init: Partial<ClusterErrorInit>, message = this.message): ClusterError {
    return new ClusterError(this.kind, message, {
      status: this.status, reason: this.reason, verb: this.verb, resource: this.resource, group: this.group,
      namespace: this.namespace, objectName: this.objectName, user: this.user, managers: this.managers,
      conflictFields: this.conflictFields, causes: this.causes, stale: this.stale, nextStep: this.nextStep, knob: this.knob, transient: this.transient,
      serverMessage: this.serverMessage, ...init,
    });
  }
}

export function isClusterError(e: unknown): e is ClusterError {
  return e instanceof ClusterError;
}

/** A Kubernetes `Status` as the API server sends it on errors. */
export interface K8sStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE',
  'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EPROTO',
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_STREAM_PREMATURE_CLOSE: 'connection lost',
};

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asStatus(body: unknown): K8sStatus | undefined {
  const b = parseJson(body);
  if (b && typeof b === 'object' && ('message' in b || 'reason' in b || 'code' in b)) return b as K8sStatus;
  return undefined;
}

/** `User "x" cannot patch resource "trafficsplits" in API group "split.smi-spec.io" in the namespace "ns"`. */
const FORBIDDEN = /(?:User "([^"]*)" )?cannot (\w+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/;

/** Field managers named in an apply conflict: `conflict with "other" using ...` / `conflicts with "other"`. */
export function conflictManagers(status: K8sStatus): string[] {
  const found = new Set<string>();
  const texts = [status.message ?? '', ...(status.details?.causes ?? []).map((c) => c.message ?? '')];
  for (const text of texts) {
    for (const m of text.matchAll(/conflicts? with "([^"]+)"/g)) found.add(m[1]!);
  }
  return [...found];
}

function networkCode(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x && typeof x === 'object' && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    const o = x as { code?: unknown; errno?: unknown; name?: unknown; type?: unknown; message?: unknown };
    if (typeof o.code === 'string' && NETWORK_CODES.has(o.code)) return o.code;
    if (typeof o.errno === 'string' && NETWORK_CODES.has(o.errno)) return o.errno;
    if (o.name === 'AbortError' || o.name === 'TimeoutError' || o.type === 'request-timeout') return 'ETIMEDOUT';
    if (typeof o.message === 'string') {
      if (/premature close/i.test(o.message)) return 'ERR_STREAM_PREMATURE_CLOSE';
      if (/socket hang up/i.test(o.message)) return 'ECONNRESET';
    }
  }
  return undefined;
}

function httpStatus(e: unknown): { status: number; body: unknown } | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const o = e as { code?: unknown; statusCode?: unknown; body?: unknown };
  // ApiException (generated clients): code + body text; Watch: statusCode.
  if (typeof o.code === 'number' && o.code >= 100) return { status: o.code, body: o.body };
  if (typeof o.statusCode === 'number') return { status: o.statusCode, body: o.body };
  return undefined;
}

const q = (s: string) => `"${s}"`;

function resourceLabel(resource: string | undefined, group: string | undefined): string {
  if (!resource) return 'the resource';
  return group ? `${resource}.${group}` : resource;
}

/** Every failure, as a ClusterError. `op` names the request so the message can say what was refused. */
export function toClusterError(e: unknown, op: Operation): ClusterError {
  if (e instanceof ClusterError) return e;
  const http = httpStatus(e);
  if (http) return fromStatus(http.status, asStatus(http.body), op, e);
  const net = networkCode(e);
  if (net) {
    const where = op.server ? ` at ${op.server}` : '';
    return new ClusterError('unreachable', `Cannot reach the API server${where}: ${NETWORK_WORDS[net] ?? net.toLowerCase()}`, {
      reason: net,
      nextStep: 'Check that the cluster is running and that the kubeconfig points at it',
      transient: true,
      cause: e,
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new ClusterError('other', `${op.verb} ${resourceLabel(op.resource, op.group)} failed: ${message.split('\n')[0]}`, { cause: e });
}

/** A ClusterError from an HTTP status and the server's Status body (either may be partial). */
export function fromStatus(status: number, body: K8sStatus | undefined, op: Operation, cause?: unknown): ClusterError {
  const serverMessage = body?.message;
  const base = { status, reason: body?.reason, serverMessage, cause, namespace: op.namespace, objectName: op.name ?? body?.details?.name };
  switch (status) {
    case 401:
      return new ClusterError('unauthorized', 'The API server rejected the credentials (401 Unauthorized)', {
        ...base,
        nextStep: 'The token or client certificate of this context is wrong or expired: log in again or refresh the kubeconfig.',
      });
    case 403: {
      const m = serverMessage ? FORBIDDEN.exec(serverMessage) : null;
      const verb = m?.[2] ?? op.verb;
      const resource = m?.[3] ?? op.resource;
      const group = m ? m[4] ?? '' : op.group ?? '';
      const namespace = m?.[5] ?? op.namespace;
      const user = m?.[1];
      const who = user ? `user ${q(user)}` : 'this user';
      const where = namespace ? ` in namespace ${q(namespace)}` : '';
      return new ClusterError('forbidden', `Forbidden: ${who} cannot ${verb} ${resourceLabel(resource, group)}${where}`, {
        ...base, verb, resource, group, namespace, user,
        nextStep: `Ask for "${verb}" on ${resource}${where}, or choose another context or namespace.`,
      });
    }
    case 404: {
      // A named object that does not exist has details.name; a resource type that is not served has none.
      if (body?.details?.name || (op.name && /not found/.test(serverMessage ?? '') && !/could not find the requested resource/.test(serverMessage ?? ''))) {
        return new ClusterError('not-found', serverMessage ?? `${resourceLabel(op.resource, op.group)} ${q(op.name ?? '')} not found`, {
          ...base, verb: op.verb, resource: op.resource, group: op.group,
        });
      }
      return new ClusterError('crd-missing', `The API server does not serve ${resourceLabel(op.resource, op.group)}`, {
        ...base, verb: op.verb, resource: op.resource, group: op.group,
        nextStep: 'Install the CRD that defines it.',
      });
    }
    case 409: {
      const managers = body ? conflictManagers(body) : [];
      const fields = (body?.details?.causes ?? []).map((c) => c.field).filter((f): f is string => !!f);
      if (managers.length > 0) {
        const owners = managers.map(q).join(', ');
        const what = fields.length > 0 ? fields.join(', ') : 'fields of this object';
        return new ClusterError('conflict', `Conflict: ${what} ${fields.length === 1 ? 'is' : 'are'} owned by ${owners}`, {
          ...base, managers, conflictFields: fields, verb: op.verb, resource: op.resource, group: op.group,
          nextStep: `Force the apply to take ownership from ${owners}, or leave the fields to ${managers.length === 1 ? 'it' : 'them'}.`,
        });
      }
      const stale = /has been modified|latest version/.test(serverMessage ?? '');
      return new ClusterError('conflict', stale
        ? 'The object changed in the cluster since it was read'
        : `Conflict: ${serverMessage ?? 'the server refused the change (409)'}`, {
        ...base, stale, verb: op.verb, resource: op.resource, group: op.group,
        nextStep: stale ? 'Run the apply again to see a fresh diff.' : undefined,
      });
    }
    case 410:
      return new ClusterError('other', 'The watch expired (410 Gone)', { ...base, nextStep: 'Re-list.' });
    case 422: {
      const causes: FieldCause[] = (body?.details?.causes ?? []).map((c) => ({
        field: c.field ?? '', message: c.message ?? '', ...(c.reason ? { reason: c.reason } : {}),
      }));
      const what = body?.details?.kind && body.details.name ? `${body.details.kind} ${q(body.details.name)}` : 'The object';
      const list = causes.length > 0 ? causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join('; ') : serverMessage ?? '';
      return new ClusterError('invalid', `${what} is invalid: ${list}`, {
        ...base, causes, verb: op.verb, resource: op.resource, group: op.group,
        nextStep: 'Fix the fields the server named and apply again.',
      });
    }
    case 502: case 503: case 504:
      return new ClusterError('unreachable', `The API server${op.server ? ` at ${op.server}` : ''} is unavailable (${status})`, {
        ...base, nextStep: 'The API server is starting or overloaded', transient: true,
      });
    default:
      return new ClusterError('other', `${op.verb} ${resourceLabel(op.resource, op.group)} failed (${status}${body?.reason ? ` ${body.reason}` : ''}): ${serverMessage ?? ''}`.trim(), base);
  }
}

/** One line for a person, in a front end's words: the message and the next step. */
export function describeError(e: ClusterError, w: Wording): string {
  const next = e.nextStepIn(w);
  return next ? `${e.message}. ${next}` : e.message;
}
