import type { CodeAction, CodeLens, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { SplitObjectRef, SplitSummary, WeightCommandArgs } from '../protocol/messages';
import { codeActions } from './features/actions';
import { complete } from './features/completion';
import { factsComputed, factsOf, mayHoldFacts } from './workspace/context';
import { fileDiagnostics, oneDeprecationHint, prepareFileDiagnostics } from './rules/diagnostics';
import { claimsSignature } from './rules/splitInEffect';
import { planTargetsSignature } from './workspace/planTargets';
import { YamlFile, type TextChange } from './document/file';
import { hover } from './features/hover';
import { codeLenses, resolveCodeLens, splitAt, weightsEdit } from './features/lenses';
import { weightLensData } from './features/weightCommand';
import { definition, references } from './features/navigation';
import { documentSymbols } from './features/symbols';
import { WorkspaceIndex, type ClusterFacts } from './workspace/workspaceIndex';
import { LiveStats, splitObjects } from './workspace/liveStats';
import { Rollouts } from './workspace/rollouts';
import { DEFAULT_SETTINGS, type FeatureContext, type ServiceSettings } from './features/context';

export { DEFAULT_SETTINGS, type FeatureContext, type ServiceSettings } from './features/context';

/**
 * The language service: files, the index and the features over them. No transport and no I/O; the LSP layer
 * and the CLI feed it text and read results.
 */
export class LanguageService {
  readonly index = new WorkspaceIndex();
  readonly live = new LiveStats(() => this.index.clusterFacts?.connection?.namespace);
  readonly rollouts = new Rollouts();
  settings: ServiceSettings = { ...DEFAULT_SETTINGS };

  /** Add or replace a whole file (an opened document, or a workspace file read from disk). */
  setFile(uri: string, text: string, version = 0): YamlFile {
    const file = new YamlFile(uri, text, version);
    this.index.setFile(file);
    return file;
  }

  /** Apply incremental changes; facts of the edited parts are computed at once (they are small). */
  changeFile(uri: string, changes: readonly TextChange[], version: number): YamlFile | undefined {
    const file = this.index.getFile(uri);
    if (!file) return undefined;
    const { fresh, removed } = file.applyChanges(changes, version);
    for (const part of fresh) if (mayHoldFacts(part)) factsOf(part);
    // Only a change to a context document, to what a split claims of an apex (rename, new parent), or to what it offers
    // a rollout plan (its name, its backends) changes what lookups and the workspace rules answer.
    if (removed.some((p) => factsComputed(p)?.length) || fresh.some((p) => factsComputed(p)?.length)
      || claimsSignature(removed) !== claimsSignature(fresh) || planTargetsSignature(removed) !== planTargetsSignature(fresh)) this.index.invalidate();
    return file;
  }

  removeFile(uri: string): void { this.index.removeFile(uri); }
  getFile(uri: string): YamlFile | undefined { return this.index.getFile(uri); }
  setClusterFacts(facts: ClusterFacts | undefined): void { this.index.setCluster(facts); }

  /**
   * Diagnostics of a file. With `complete` false (a big file whose context is still being indexed), only
   * what the split documents say about themselves: cross-references would be guesses until the index is done.
   */
  diagnostics(uri: string, complete = true): Diagnostic[] {
    const file = this.index.getFile(uri);
    return file ? oneDeprecationHint(fileDiagnostics(file, this.index, complete, this.settings.reportYamlSyntax)) : [];
  }

  /**
   * The costly part of `diagnostics(uri, complete)`, from part `from` on, until `stop()` says so (the caller's clock: the
   * service has none); returns the part to resume from, or undefined when `diagnostics` will only gather.
   */
  prepareDiagnostics(uri: string, complete: boolean, from: number, stop: () => boolean): number | undefined {
    const file = this.index.getFile(uri);
    if (!file) return undefined;
    const next = prepareFileDiagnostics(file, this.index, complete, this.settings.reportYamlSyntax, from, stop);
    return next < file.parts.length ? next : undefined;
  }

  private context(uri: string): FeatureContext | undefined {
    const file = this.index.getFile(uri);
    return file ? { file, index: this.index, settings: this.settings, live: this.live, rollouts: this.rollouts } : undefined;
  }

  completion(uri: string, position: Position): CompletionItem[] {
    const ctx = this.context(uri);
    return ctx ? complete(ctx, position) : [];
  }

  hover(uri: string, position: Position): Hover | null {
    const ctx = this.context(uri);
    return ctx ? hover(ctx, position) : null;
  }

  codeActions(uri: string, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
    const ctx = this.context(uri);
    return ctx ? codeActions(ctx, range, diagnostics) : [];
  }

  documentSymbols(uri: string): DocumentSymbol[] {
    const ctx = this.context(uri);
    return ctx ? documentSymbols(ctx) : [];
  }

  definition(uri: string, position: Position): Location[] {
    const ctx = this.context(uri);
    return ctx ? definition(ctx, position) : [];
  }

  references(uri: string, position: Position, includeDeclaration = true): Location[] {
    const ctx = this.context(uri);
    return ctx ? references(ctx, position, includeDeclaration) : [];
  }

  codeLenses(uri: string): CodeLens[] {
    const ctx = this.context(uri);
    return ctx ? codeLenses(ctx) : [];
  }

  /**
   * `codeLens/resolve`: the command of a lens `codeLenses` sent without one. Undefined when its `data` is not a
   * weight lens's (the LSP layer answers InvalidParams); a lens that already has a command comes back as it is.
   */
  resolveCodeLens(lens: CodeLens): CodeLens | undefined {
    if (lens.command) return lens;
    const data = weightLensData(lens.data);
    return data ? resolveCodeLens(this.context(data.uri), lens, data) : undefined;
  }

  /** The edit of a weight command; `versioned` when the client takes versioned document changes. */
  weightsEdit(args: WeightCommandArgs, versioned = false): { edit: WorkspaceEdit } | { refused: string } {
    const ctx = this.context(args.uri);
    return ctx ? weightsEdit(ctx, args, versioned) : { refused: 'Canary Lens: the document is not open any more' };
  }

  splitAt(uri: string, position: Position): SplitSummary | undefined {
    const ctx = this.context(uri);
    return ctx ? splitAt(ctx, position) : undefined;
  }

  /** The split objects a file's lenses are about (for the client's live stats of visible editors). */
  splitObjects(uri: string): SplitObjectRef[] {
    const file = this.index.getFile(uri);
    return file ? splitObjects(file, this.index.clusterFacts?.connection?.namespace) : [];
  }
}
