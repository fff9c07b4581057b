/**
 * A small, reusable LSP client that drives a language server over stdio.
 *
 * Built on `createMessageConnection` (not `createProtocolConnection`) because it needs star handlers to see
 * every notification and request the server sends.
 *
 * Used by the protocol tests and by the benchmark (test/bench/bench.ts). It speaks to any server
 * (ours: `node dist/server.js --stdio`; yaml-language-server: `<node22> .../yaml-language-server --stdio`).
 *
 * What it keeps:
 * - per uri, every `textDocument/publishDiagnostics` (latest one + a count) with the time it was read
 *   (`performance.now()`), so latencies can be measured without promise-scheduling noise;
 * - every other notification from the server, per method (bounded);
 * - the requests the server sent to the client (`workspace/configuration`, `workspace/applyEdit`,
 *   `client/registerCapability`, ...), which are answered automatically.
 *
 * Waiting: `waitForDiagnostics` looks at the latest publication first and then at new ones;
 * `nextDiagnostics` / `nextNotification` / `nextServerRequest` only accept messages that arrive after the call.
 * Every wait has a timeout and is rejected at once, with the tail of the server's stderr, when the server exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { builtFile } from './built';
import {
  ApplyWorkspaceEditRequest,
  CancellationTokenSource,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
  createMessageConnection,
  type ApplyWorkspaceEditParams,
  type ApplyWorkspaceEditResult,
  type ClientCapabilities,
  type ConfigurationParams,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type RegistrationParams,
  type TextDocumentContentChangeEvent,
  type UnregistrationParams,
} from 'vscode-languageserver-protocol/node';

/** One `textDocument/publishDiagnostics` as received. */
export interface PublishedDiagnostics {
  uri: string;
  /** The document version the server says the diagnostics are for, when it says so. */
  version: number | undefined;
  diagnostics: Diagnostic[];
  /** 1-based number of this publication for this uri. */
  seq: number;
  /** `performance.now()` when the message was read from the server. */
  receivedAt: number;
}

/** A notification (other than diagnostics) or a request received from the server. */
export interface ReceivedMessage<P = unknown> {
  method: string;
  params: P;
  seq: number;
  receivedAt: number;
}

export interface StartOptions {
  /** Name used in error messages (default: the command's base name). */
  name?: string;
  cwd?: string;
  /** Environment of the server (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  /**
   * Settings that answer `workspace/configuration`. An item's `section` is looked up first as a key of
   * this object (so `'[yaml]'` or `'canaryLens.stats'` can be keys of their own) and then as a dotted path.
   * Missing sections are answered with `null`, like VS Code does for unknown ones.
   */
  settings?: Record<string, unknown>;
  /** Answers `workspace/applyEdit` (default: `{ applied: true }`). Every edit is also kept in `appliedEdits`. */
  onApplyEdit?: (params: ApplyWorkspaceEditParams) => ApplyWorkspaceEditResult | Promise<ApplyWorkspaceEditResult>;
  /** What to do with the server's stderr: keep its tail (default), pass it through, or drop it. */
  stderr?: 'buffer' | 'inherit' | 'ignore';
  /** How many characters of stderr to keep (default 64 KiB). */
  stderrTailChars?: number;
  /** How many notifications to keep per method (default 1000). */
  keepNotifications?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started (e.g. ENOENT). */
  error?: Error;
}

export interface ShutdownResult extends ExitInfo {
  /** True when the server did not exit in time and had to be killed. */
  killed: boolean;
}

type RequestHandler = (params: unknown) => unknown;
type NotificationListener = (params: unknown, message: ReceivedMessage) => void;

export interface LspClient {
  readonly name: string;
  /** Pid of the server process (undefined only if spawning failed). */
  readonly pid: number | undefined;
  readonly process: ChildProcess;
  /** The underlying connection, for typed requests (`connection.sendRequest(SomeRequest.type, ...)`). */
  readonly connection: MessageConnection;
  /** Resolves when the server process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** The result of `initialize`, once it has been answered. */
  readonly initializeResult: InitializeResult | undefined;
  /** The settings object that answers `workspace/configuration` (mutable). */
  settings: Record<string, unknown>;
  readonly appliedEdits: ApplyWorkspaceEditParams[];
  readonly registrations: Map<string, Registration>;

  /** Sends `initialize` and then `initialized`. Default capabilities: `defaultClientCapabilities`. */
  initialize(rootUri?: string | null, initializationOptions?: unknown, capabilities?: ClientCapabilities, timeoutMs?: number): Promise<InitializeResult>;
  /** `textDocument/didOpen` (version 1 unless given). Resolves when the message has been written. */
  open(uri: string, text: string, languageId?: string, version?: number): Promise<void>;
  /** `textDocument/didChange` with the given (incremental or full) changes. */
  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void>;
  close(uri: string): Promise<void>;
  /** Replaces `settings` (if given) and sends `workspace/didChangeConfiguration` with them. */
  changeConfiguration(settings?: Record<string, unknown>): Promise<void>;

  /** Latest diagnostics publication for `uri`, if any. */
  latestDiagnostics(uri: string): PublishedDiagnostics | undefined;
  /** How many publications were received for `uri`. */
  diagnosticsCount(uri: string): number;
  /**
   * Resolves with the first publication for `uri` that satisfies `predicate` (default: any), looking at the
   * latest one already received first and then at new ones.
   */
  waitForDiagnostics(uri: string, predicate?: (p: PublishedDiagnostics) => boolean, timeoutMs?: number): Promise<PublishedDiagnostics>;
  /** Like `waitForDiagnostics`, but only publications received after this call count. */
  nextDiagnostics(uri: string, predicate?: (p: PublishedDiagnostics) => boolean, timeoutMs?: number): Promise<PublishedDiagnostics>;

  /** Notifications of `method` received so far (oldest first, bounded). */
  notifications<P = unknown>(method: string): ReadonlyArray<ReceivedMessage<P>>;
  /** Resolves with the next notification of `method` (received after this call) that satisfies `predicate`. */
  nextNotification<P = unknown>(method: string, predicate?: (params: P) => boolean, timeoutMs?: number): Promise<ReceivedMessage<P>>;
  /** Listens to a notification method (including `textDocument/publishDiagnostics`). Returns an unsubscribe function. */
  onNotification(method: string, listener: NotificationListener): () => void;

  /** Server-to-client requests received so far, for `method`. */
  serverRequests<P = unknown>(method: string): ReadonlyArray<ReceivedMessage<P>>;
  /** Resolves when the server sends a request of `method` (after this call), once it has been answered. */
  nextServerRequest<P = unknown>(method: string, timeoutMs?: number): Promise<ReceivedMessage<P>>;
  /** Overrides (or adds) the answer to a server-to-client request. Returns a function that restores the default. */
  handleRequest(method: string, handler: RequestHandler): () => void;

  /** Sends a request; rejects (and sends `$/cancelRequest`) after `timeoutMs` (default 30 s). */
  request<R = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<R>;
  notify(method: string, params?: unknown): Promise<void>;

  /** Peak resident set size (VmHWM) of the server process in KiB; undefined once it has exited. */
  peakRssKiB(): number | undefined;
  /** Current resident set size (VmRSS) in KiB; undefined once it has exited. */
  rssKiB(): number | undefined;
  /** The tail of the server's stderr (when `stderr: 'buffer'`). */
  stderrText(): string;
  /** `shutdown` + `exit`; kills the process if it has not exited after `timeoutMs` (default 5 s). */
  shutdown(timeoutMs?: number): Promise<ShutdownResult>;
  /** Kills the server at once (SIGKILL) and waits for it to go. */
  kill(): Promise<ExitInfo>;
}

/** What a VS Code-like client announces; enough for both our server and yaml-language-server. */
export const defaultClientCapabilities: ClientCapabilities = {
  general: { positionEncodings: ['utf-16'] },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    didChangeConfiguration: { dynamicRegistration: true },
    codeLens: { refreshSupport: true },
    diagnostics: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      codeDescriptionSupport: true,
      dataSupport: true,
      tagSupport: { valueSet: [1, 2] },
    },
    completion: {
      contextSupport: true,
      completionItem: {
        snippetSupport: true,
        insertReplaceSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
      },
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      isPreferredSupport: true,
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.rewrite', 'source'] } },
    },
    codeLens: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    formatting: { dynamicRegistration: true },
  },
  window: { workDoneProgress: true, showMessage: {} },
};

/** Looks a `workspace/configuration` section up in a settings object (see `StartOptions.settings`). */
export function lookupSetting(settings: Record<string, unknown>, section: string | undefined): unknown {
  if (section === undefined || section === '') return settings;
  if (Object.prototype.hasOwnProperty.call(settings, section)) return settings[section];
  let node: unknown = settings;
  for (const part of section.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Reads one `Vm*` line (in KiB) of /proc/<pid>/status. */
export function readProcStatusKiB(pid: number, field: 'VmHWM' | 'VmRSS' | 'VmPeak' | 'VmSize'): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}

interface Waiter<T> {
  accept: (value: T) => boolean;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Starts a language server and connects to it over its stdin/stdout. */
export function startServer(command: string, args: string[], opts: StartOptions = {}): LspClient {
  const name = opts.name ?? command.split('/').pop() ?? command;
  const stderrMode = opts.stderr ?? 'buffer';
  const stderrTailChars = opts.stderrTailChars ?? 64 * 1024;
  const keepNotifications = opts.keepNotifications ?? 1000;

  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', stderrMode === 'buffer' ? 'pipe' : stderrMode],
  });

  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail += chunk;
    if (stderrTail.length > stderrTailChars * 2) stderrTail = stderrTail.slice(-stderrTailChars);
  });
  const stderrText = (): string => stderrTail.slice(-stderrTailChars);
  // Writing to a server that has died raises EPIPE on stdin: that is reported through `exited` instead.
  child.stdin?.on('error', () => undefined);

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      // 'error' without 'exit' happens when spawning fails.
      if (child.pid === undefined) {
        exitInfo = { code: null, signal: null, error };
        resolve(exitInfo);
        failAll(describeExit());
      }
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
      failAll(describeExit());
    });
  });
  const describeExit = (): Error => {
    const how = exitInfo?.error
      ? `could not be started: ${exitInfo.error.message}`
      : `exited (code ${String(exitInfo?.code)}, signal ${String(exitInfo?.signal)})`;
    const tail = stderrText().trim().split('\n').slice(-20).join('\n');
    return new Error(`${name} ${how}${tail ? `\n--- stderr (tail) ---\n${tail}` : ''}`);
  };

  if (!child.stdout || !child.stdin) throw new Error(`${name}: no stdio pipes`);
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));

  // ---- state -------------------------------------------------------------------------------------------
  const latest = new Map<string, PublishedDiagnostics>();
  const diagnosticWaiters = new Map<string, Set<Waiter<PublishedDiagnostics>>>();
  const received = new Map<string, ReceivedMessage[]>();
  const notificationWaiters = new Map<string, Set<Waiter<ReceivedMessage>>>();
  const listeners = new Map<string, Set<NotificationListener>>();
  const requestsSeen = new Map<string, ReceivedMessage[]>();
  const requestWaiters = new Map<string, Set<Waiter<ReceivedMessage>>>();
  const customHandlers = new Map<string, RequestHandler>();
  const appliedEdits: ApplyWorkspaceEditParams[] = [];
  const registrations = new Map<string, Registration>();
  let messageSeq = 0;
  let initializeResult: InitializeResult | undefined;
  let workspaceFolders: { uri: string; name: string }[] | null = null;

  const allWaiterSets = (): Set<Waiter<never>>[] =>
    [...diagnosticWaiters.values(), ...notificationWaiters.values(), ...requestWaiters.values()] as Set<Waiter<never>>[];
  function failAll(error: Error): void {
    for (const set of allWaiterSets()) {
      for (const w of set) {
        clearTimeout(w.timer);
        w.reject(error);
      }
      set.clear();
    }
  }

  function addWaiter<T>(
    map: Map<string, Set<Waiter<T>>>,
    key: string,
    accept: (value: T) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    if (exitInfo) return Promise.reject(describeExit());
    return new Promise<T>((resolve, reject) => {
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      const waiters = set;
      const waiter: Waiter<T> = {
        accept,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }
  function offer<T>(map: Map<string, Set<Waiter<T>>>, key: string, value: T): void {
    const set = map.get(key);
    if (!set) return;
    for (const w of [...set]) {
      let ok: boolean;
      try {
        ok = w.accept(value);
      } catch (error) {
        set.delete(w);
        clearTimeout(w.timer);
        w.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (ok) {
        set.delete(w);
        clearTimeout(w.timer);
        w.resolve(value);
      }
    }
  }
  function emit(method: string, params: unknown, message: ReceivedMessage): void {
    for (const l of listeners.get(method) ?? []) l(params, message);
  }

  // ---- server -> client notifications -------------------------------------------------------------------
  connection.onNotification((method: string, params: unknown) => {
    const receivedAt = performance.now();
    const seq = ++messageSeq;
    if (method === PublishDiagnosticsNotification.method) {
      const p = params as PublishDiagnosticsParams;
      const publication: PublishedDiagnostics = {
        uri: p.uri,
        version: p.version,
        diagnostics: p.diagnostics,
        seq: (latest.get(p.uri)?.seq ?? 0) + 1,
        receivedAt,
      };
      latest.set(p.uri, publication);
      offer(diagnosticWaiters, p.uri, publication);
      emit(method, params, { method, params, seq, receivedAt });
      return;
    }
    const message: ReceivedMessage = { method, params, seq, receivedAt };
    let list = received.get(method);
    if (!list) received.set(method, (list = []));
    list.push(message);
    if (list.length > keepNotifications) list.splice(0, list.length - keepNotifications);
    offer(notificationWaiters, method, message);
    emit(method, params, message);
  });

  // ---- server -> client requests ------------------------------------------------------------------------
  const defaultHandlers = new Map<string, RequestHandler>([
    [
      ConfigurationRequest.method,
      (params) => (params as ConfigurationParams).items.map((item) => lookupSetting(client.settings, item.section) ?? null),
    ],
    [
      ApplyWorkspaceEditRequest.method,
      (params) => {
        const p = params as ApplyWorkspaceEditParams;
        appliedEdits.push(p);
        return opts.onApplyEdit ? opts.onApplyEdit(p) : ({ applied: true } satisfies ApplyWorkspaceEditResult);
      },
    ],
    [
      RegistrationRequest.method,
      (params) => {
        for (const r of (params as RegistrationParams).registrations) registrations.set(r.id, r);
        return null;
      },
    ],
    [
      UnregistrationRequest.method,
      (params) => {
        for (const r of (params as UnregistrationParams).unregisterations) registrations.delete(r.id);
        return null;
      },
    ],
    [WorkDoneProgressCreateRequest.method, () => null],
    ['workspace/workspaceFolders', () => workspaceFolders],
    ['window/showMessageRequest', () => null],
    ['window/showDocument', () => ({ success: true })],
  ]);
  connection.onRequest(async (method: string, params: unknown) => {
    const receivedAt = performance.now();
    const message: ReceivedMessage = { method, params, seq: ++messageSeq, receivedAt };
    let list = requestsSeen.get(method);
    if (!list) requestsSeen.set(method, (list = []));
    list.push(message);
    if (list.length > keepNotifications) list.splice(0, list.length - keepNotifications);
    const handler = customHandlers.get(method) ?? defaultHandlers.get(method);
    // Unknown requests (e.g. the `workspace/*/refresh` family) are answered with null so the server never blocks.
    const result: unknown = handler ? await handler(params) : null;
    // Waiters see the request after its answer has been computed (it is sent right after this returns).
    setImmediate(() => offer(requestWaiters, method, message));
    return result;
  });

  connection.onError(() => undefined); // read/write errors surface as the process exiting
  connection.listen();

  const withTimeout = <T>(promise: Promise<T>, timeoutMs: number, what: string, onTimeout?: () => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout?.();
        reject(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const onExit = (): void => {
        clearTimeout(timer);
        reject(describeExit());
      };
      void exited.then(onExit);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  const client: LspClient = {
    name,
    get pid() {
      return child.pid;
    },
    process: child,
    connection,
    exited,
    get initializeResult() {
      return initializeResult;
    },
    settings: opts.settings ?? {},
    appliedEdits,
    registrations,

    async initialize(rootUri = null, initializationOptions, capabilities = defaultClientCapabilities, timeoutMs = 30_000) {
      workspaceFolders = rootUri ? [{ uri: rootUri, name: rootUri.split('/').pop() || 'workspace' }] : null;
      const params: InitializeParams = {
        processId: process.pid,
        clientInfo: { name: 'canary-lens-test-client', version: '0' },
        locale: 'en',
        rootUri,
        workspaceFolders,
        capabilities,
        initializationOptions,
      };
      initializeResult = await withTimeout(connection.sendRequest(InitializeRequest.type, params), timeoutMs, 'initialize');
      await connection.sendNotification(InitializedNotification.type, {});
      return initializeResult;
    },
    open(uri, text, languageId = 'yaml', version = 1) {
      return connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    },
    change(uri, version, contentChanges) {
      return connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
    },
    close(uri) {
      return connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    changeConfiguration(settings) {
      if (settings) client.settings = settings;
      return connection.sendNotification(DidChangeConfigurationNotification.type, { settings: client.settings });
    },

    latestDiagnostics: (uri) => latest.get(uri),
    diagnosticsCount: (uri) => latest.get(uri)?.seq ?? 0,
    waitForDiagnostics(uri, predicate = () => true, timeoutMs = 10_000) {
      const current = latest.get(uri);
      if (current && predicate(current)) return Promise.resolve(current);
      return addWaiter(diagnosticWaiters, uri, predicate, timeoutMs, `diagnostics for ${uri}`);
    },
    nextDiagnostics(uri, predicate = () => true, timeoutMs = 10_000) {
      return addWaiter(diagnosticWaiters, uri, predicate, timeoutMs, `new diagnostics for ${uri}`);
    },

    notifications<P>(method: string) {
      return (received.get(method) ?? []) as ReadonlyArray<ReceivedMessage<P>>;
    },
    nextNotification<P>(method: string, predicate: (params: P) => boolean = () => true, timeoutMs = 10_000) {
      return addWaiter(notificationWaiters, method, (m) => predicate(m.params as P), timeoutMs, `notification ${method}`) as Promise<
        ReceivedMessage<P>
      >;
    },
    onNotification(method, listener) {
      let set = listeners.get(method);
      if (!set) listeners.set(method, (set = new Set()));
      set.add(listener);
      const owner = set;
      return () => {
        owner.delete(listener);
      };
    },

    serverRequests<P>(method: string) {
      return (requestsSeen.get(method) ?? []) as ReadonlyArray<ReceivedMessage<P>>;
    },
    nextServerRequest<P>(method: string, timeoutMs = 10_000) {
      return addWaiter(requestWaiters, method, () => true, timeoutMs, `server request ${method}`) as Promise<ReceivedMessage<P>>;
    },
    handleRequest(method, handler) {
      customHandlers.set(method, handler);
      return () => {
        if (customHandlers.get(method) === handler) customHandlers.delete(method);
      };
    },

    request<R>(method: string, params?: unknown, timeoutMs = 30_000) {
      const cancel = new CancellationTokenSource();
      const sent: Promise<R> =
        params === undefined ? connection.sendRequest<R>(method, cancel.token) : connection.sendRequest<R>(method, params, cancel.token);
      return withTimeout(sent, timeoutMs, `response to ${method}`, () => cancel.cancel()).finally(() => cancel.dispose());
    },
    notify(method, params) {
      return params === undefined ? connection.sendNotification(method) : connection.sendNotification(method, params);
    },

    peakRssKiB: () => (child.pid !== undefined && !exitInfo ? readProcStatusKiB(child.pid, 'VmHWM') : undefined),
    rssKiB: () => (child.pid !== undefined && !exitInfo ? readProcStatusKiB(child.pid, 'VmRSS') : undefined),
    stderrText,

    async shutdown(timeoutMs = 5_000) {
      if (exitInfo) return { ...exitInfo, killed: false };
      const deadline = Date.now() + timeoutMs;
      try {
        await withTimeout(connection.sendRequest(ShutdownRequest.type), timeoutMs, 'shutdown');
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // the server is stuck or gone: fall through to the kill below
      }
      const remaining = Math.max(0, deadline - Date.now());
      const info = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), remaining).unref())]);
      if (info) {
        connection.dispose();
        return { ...info, killed: false };
      }
      const killedInfo = await client.kill();
      return { ...killedInfo, killed: true };
    },
    async kill() {
      if (!exitInfo) child.kill('SIGKILL');
      const info = await exited;
      connection.dispose();
      return info;
    },
  };
  return client;
}

/** Converts an absolute file path to a `file://` uri (as the server's own workspace scan spells it). */
export function fileUri(absolutePath: string): string {
  return pathToFileURL(absolutePath).href;
}

/** The built language server (dist/server.js, never built here) over stdio, initialized with no workspace. */
export async function startBuiltServer(): Promise<LspClient> {
  const client = startServer(process.execPath, [builtFile('server.js'), '--stdio'], { name: 'canary-lens-server' });
  await client.initialize(null);
  return client;
}
