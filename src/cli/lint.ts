import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";
import { LanguageService } from '../service/languageService';
import { isYamlPath } from '../protocol/messages';

/**
 * One file's result. `failure`: Canary Lens itself failed on this file (a bug, not the file's fault): the run goes on
 * with the other files, and the exit code is 1, as for an error in the file (2 is for bad usage only).
 */
export interface FileReport { file: string; diagnostics: Diagnostic[]; failure?: string }

/** A path the user named that cannot be read: reported with exit code 2. */
export class UnreadablePathError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Files named directly, and YAML files (*.yaml, *.yml) under named folders, skipping node_modules and .git. */
export async function collectFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, named: boolean): Promise<void> => {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch (e) {
      throw new UnreadablePathError(p, e);
    }
    if (stat.isDirectory()) {
      let entries;
      try {
        entries = await fs.readdir(p, { withFileTypes: true });
      } catch (e) {
        throw new UnreadablePathError(p, e);
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory() && (e.name === 'node_modules' || e.name === '.git')) continue;
        if (e.isDirectory() || isYamlPath(e.name)) await walk(path.join(p, e.name), false);
      }
    } else if (named || isYamlPath(p)) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p, true);
  return [...new Set(out)];
}

/** The files the paths name, each read with its file URI (a file that cannot be read: UnreadablePathError). */
export async function readFiles(paths: readonly string[]): Promise<{ file: string; uri: string; text: string }[]> {
  const out: { file: string; uri: string; text: string }[] = [];
  for (const file of await collectFiles(paths)) {
    try {
      out.push({ file, uri: pathToFileURL(path.resolve(file)).toString(), text: await fs.readFile(file, 'utf8') });
    } catch (e) {
      throw new UnreadablePathError(file, e);
    }
  }
  return out;
}

/** Lint files as one workspace: cross-file references see every file of the call. */
export async function lint(paths: readonly string[]): Promise<FileReport[]> {
  const read = await readFiles(paths);
  const files = read.map((r) => r.file);
  const ls = new LanguageService();
  const uris = new Map<string, string>();
  for (const { file, uri, text } of read) {
    uris.set(file, uri);
    ls.setFile(uri, text);
  }
  ls.index.indexSome(Infinity);
  const byPosition = (a: Diagnostic, b: Diagnostic): number => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  return files.map((file) => {
    try {
      return { file, diagnostics: ls.diagnostics(uris.get(file)!).sort(byPosition) };
    } catch (e) {
      return { file, diagnostics: [], failure: `internal error: ${e instanceof Error ? e.message : String(e)}` };
    }
  });
}

export function hasErrors(reports: readonly FileReport[]): boolean {
  return reports.some((r) => r.failure !== undefined || r.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error));
}
