import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  ResponseError,
  TextDocumentSyncKind,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type Position,
  type Range,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { LanguageService, DEFAULT_SETTINGS } from '../service/languageService';
import type { ClusterFacts } from '../service/workspace/workspaceIndex';
import { ClusterFactsParams, clusterFactsNotification, documentSplitsRequest, liveStatsNotification, type LiveStatsParams, rolloutsNotification, type RolloutsParams, FILE_GLOB, indexedNotification, ownersRequest, splitAtRequest, type ServerSettings } from '../protocol/messages';
import { documentOwners } from '../service/rules/ownership';
import { clusterFacts } from './clusterFacts';
import { LENS_CAPABILITIES, lensClient, refreshLenses, registerWeightCommand, type LensClient } from './commands';
import { Publisher } from './publisher';
import { MAX_FILE_BYTES, yamlFiles } from './workspaceScan';
import { VERSION } from '../protocol/version';

/** The LSP glue: documents in, features out. All logic lives in the language service. */
export function startServer(connection: Connection): void {
  const ls = new LanguageService();
  const open = new Set<string>();
  const publisher = new Publisher(ls, open, {
    publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
    indexed: (params) => void connection.sendNotification(indexedNotification, params),
    log: (message) => connection.console.log(message),
  });
  let roots: string[] = [];
  let watchDynamically = false;
  let configurable = false;
  let lenses: LensClient = { versionedEdits: false, refresh: false };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    roots = (params.workspaceFolders ?? []).map((f) => f.uri).concat(params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : [])
      .filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    configurable = params.capabilities.workspace?.configuration === true;
    lenses = lensClient(params);
    applySettings(params.initializationOptions as ServerSettings | undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [':', ' ', '-', '/'] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        ...LENS_CAPABILITIES,
      },
      serverInfo: { name: 'canary-lens', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamically) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: FILE_GLOB }] });
    }
    void refreshSettings();
    void scanWorkspace();
  });

  /** Returns whether the lens step changed (the lenses' titles and commands depend on it); republishes when diagnostics would differ. */
  function applySettings(s: ServerSettings | undefined): boolean {
    const { lensStep: step, reportYamlSyntax: syntax } = ls.settings;
    ls.settings = {
      lensStep: positive(s?.lens?.step) ?? DEFAULT_SETTINGS.lensStep,
      normalizeTotal: positive(s?.normalize?.total) ?? DEFAULT_SETTINGS.normalizeTotal,
      // Only an explicit `never` turns them off: `auto` unresolved means no client said another server reports them.
      reportYamlSyntax: s?.yamlSyntax !== 'never',
    };
    if (ls.settings.reportYamlSyntax !== syntax) publisher.reindex();
    return ls.settings.lensStep !== step;
  }

  async function refreshSettings(): Promise<void> {
    if (!configurable) return;
    try {
      if (applySettings((await connection.workspace.getConfiguration('canaryLens')) as ServerSettings | undefined)) refreshLenses(connection, lenses);
    } catch (e) {
      connection.console.warn(`Could not read canaryLens settings: ${String(e)}`);
    }
  }

  async function scanWorkspace(): Promise<void> {
    const started = performance.now();
    let count = 0;
    for (const root of roots) {
      for await (const f of yamlFiles(root)) {
        if (open.has(f.uri)) continue;
        const text = await fs.readFile(f.path, 'utf8').catch((e: unknown) => {
          connection.console.warn(`Skipped ${f.path}: ${String(e)}`);
          return undefined;
        });
        if (text !== undefined && !open.has(f.uri)) { ls.setFile(f.uri, text); count++; }
      }
    }
    connection.console.log(`Workspace scan: ${count} YAML files in ${Math.round(performance.now() - started)} ms`);
    publisher.reindex();
  }

  connection.onDidChangeConfiguration((change) => {
    const s = (change.settings as { canaryLens?: ServerSettings } | null)?.canaryLens;
    if (!s) void refreshSettings();
    else if (applySettings(s)) refreshLenses(connection, lenses);
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    if (typeof textDocument?.uri !== 'string' || typeof textDocument.text !== 'string') {
      connection.console.error('Ignored textDocument/didOpen without a uri and text');
      return;
    }
    open.add(textDocument.uri);
    ls.setFile(textDocument.uri, textDocument.text, textDocument.version);
    publisher.opened(textDocument.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    // A malformed change would leave the text half-edited: drop the whole notification instead.
    if (typeof textDocument?.uri !== 'string' || !Array.isArray(contentChanges)
      || !contentChanges.every((c) => typeof c?.text === 'string' && (!('range' in c) || c.range === undefined || isRange(c.range)))) {
      connection.console.error(`Ignored a malformed textDocument/didChange for ${String(textDocument?.uri)}`);
      return;
    }
    if (!ls.changeFile(textDocument.uri, contentChanges, textDocument.version)) return;
    publisher.changed(textDocument.uri);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    open.delete(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
    void reloadFromDisk(textDocument.uri);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const c of changes) {
      if (open.has(c.uri)) continue;
      if (c.type === FileChangeType.Deleted) ls.removeFile(c.uri); else void reloadFromDisk(c.uri);
    }
    publisher.reindex();
  });

  /** A closed file stays in the index as it is on disk (or leaves it when gone or too large). */
  async function reloadFromDisk(uri: string): Promise<void> {
    if (!uri.startsWith('file:')) { ls.removeFile(uri); return; }
    const path = fileURLToPath(uri);
    try {
      const stat = await fs.stat(path);
      if (stat.size > MAX_FILE_BYTES) { ls.removeFile(uri); return; }
      const text = await fs.readFile(path, 'utf8');
      if (!open.has(uri)) ls.setFile(uri, text);
    } catch {
      ls.removeFile(uri); // deleted or unreadable: it no longer defines anything
    }
    publisher.reindex();
  }

  connection.onNotification(liveStatsNotification, (params: LiveStatsParams) => {
    if (!Array.isArray(params?.splits)) return;
    ls.live.set(params);
    refreshLenses(connection, lenses);
  });

  connection.onNotification(rolloutsNotification, (params: RolloutsParams) => {
    if (!Array.isArray(params?.rollouts)) return;
    ls.rollouts.set(params);
    refreshLenses(connection, lenses);
  });

  connection.onNotification(clusterFactsNotification, (params: ClusterFactsParams) => {
    const hadConnection = ls.index.clusterFacts?.connection !== undefined;
    const lensFacts = deliveryLensFacts(ls.index.clusterFacts);
    ls.setClusterFacts(clusterFacts(params));
    publisher.reindex();
    // The `Apply to cluster` lens comes and goes with the connection; the live delivery and owner lenses follow the
    // cluster's Canaries, Rollouts and owned objects.
    if (hadConnection !== (params.connection !== undefined) || lensFacts !== deliveryLensFacts(ls.index.clusterFacts)) refreshLenses(connection, lenses);
  });

  // Params are checked first: a malformed request gets InvalidParams, not a guess at position 0 or an internal error.
  connection.onCompletion((p) => ls.completion(uriOf(p), positionOf(p)));
  connection.onHover((p) => ls.hover(uriOf(p), positionOf(p)));
  connection.onCodeAction((p) => ls.codeActions(uriOf(p), rangeOf(p), contextDiagnostics(p)));
  connection.onDocumentSymbol((p) => ls.documentSymbols(uriOf(p)));
  connection.onDefinition((p) => ls.definition(uriOf(p), positionOf(p)));
  connection.onReferences((p) => ls.references(uriOf(p), positionOf(p), (p as { context?: { includeDeclaration?: unknown } }).context?.includeDeclaration !== false));
  connection.onCodeLens((p) => ls.codeLenses(uriOf(p)));
  // Weight lenses come without a command; the client resolves the ones it shows (LENS_CAPABILITIES: resolveProvider).
  connection.onCodeLensResolve((lens: unknown) => ls.resolveCodeLens(codeLensOf(lens)) ?? invalidParams('data must be the data of a Canary Lens weight lens'));
  connection.onRequest(splitAtRequest, (p: unknown) => ls.splitAt(uriOf(p), positionOf(p)) ?? null);
  connection.onRequest(documentSplitsRequest, (p: unknown) => urisOf(p).flatMap((uri) => ls.splitObjects(uri)));
  connection.onRequest(ownersRequest, (p: unknown) => documentOwners(ls.index, plainUriOf(p), partOf(p)));
  registerWeightCommand(connection, ls, () => lenses);

  connection.listen();
}

/** What of the cluster facts lenses show (live deliveries, owners, the connection's context), as one comparable string. */
function deliveryLensFacts(facts: ClusterFacts | undefined): string {
  return JSON.stringify([facts?.deliveries ?? [], facts?.owned ?? [], facts?.connection?.context]);
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function invalidParams(what: string): never {
  throw new ResponseError(ErrorCodes.InvalidParams, `Invalid params: ${what}`);
}

const isIndex = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function isPosition(p: unknown): p is Position {
  return typeof p === 'object' && p !== null && isIndex((p as Position).line) && isIndex((p as Position).character);
}

function isRange(r: unknown): r is Range {
  return typeof r === 'object' && r !== null && isPosition((r as Range).start) && isPosition((r as Range).end);
}

function uriOf(params: unknown): string {
  const uri = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
  return typeof uri === 'string' ? uri : invalidParams('textDocument.uri must be a string');
}

function urisOf(params: unknown): string[] {
  const docs = (params as { textDocuments?: unknown } | null)?.textDocuments;
  if (!Array.isArray(docs)) invalidParams('textDocuments must be an array of { uri }');
  return docs.map((d: unknown) => {
    const uri = (d as { uri?: unknown } | null)?.uri;
    return typeof uri === 'string' ? uri : invalidParams('textDocuments[].uri must be a string');
  });
}

function plainUriOf(params: unknown): string {
  const uri = (params as { uri?: unknown } | null)?.uri;
  return typeof uri === 'string' ? uri : invalidParams('uri must be a string');
}

function partOf(params: unknown): number {
  const part = (params as { part?: unknown } | null)?.part;
  return isIndex(part) ? part : invalidParams('part must be a non-negative integer');
}

function codeLensOf(params: unknown): CodeLens {
  return isRange((params as { range?: unknown } | null)?.range) ? params as CodeLens : invalidParams('a code lens needs a range');
}

function positionOf(params: unknown): Position {
  const position = (params as { position?: unknown } | null)?.position;
  return isPosition(position) ? position : invalidParams('position must be { line, character } with non-negative integers');
}

function rangeOf(params: unknown): Range {
  const range = (params as { range?: unknown } | null)?.range;
  return isRange(range) ? range : invalidParams('range must be { start, end } positions');
}

/** The diagnostics a code action request carries; malformed entries are dropped (they cannot be fixed anyway). */
function contextDiagnostics(params: unknown): Diagnostic[] {
  const list = (params as { context?: { diagnostics?: unknown } } | null)?.context?.diagnostics;
  if (!Array.isArray(list)) invalidParams('context.diagnostics must be an array');
  return list.filter((d): d is Diagnostic => typeof d === 'object' && d !== null && isRange((d as Diagnostic).range));
}
