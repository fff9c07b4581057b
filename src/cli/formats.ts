import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { DIAGNOSTIC_CODES, SOURCE, type DiagnosticCode } from '../service/rules/codes';
import type { FileReport } from './lint';

const NAMES = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'information', [DiagnosticSeverity.Hint]: 'hint' } as const;

function severityName(d: Diagnostic): (typeof NAMES)[keyof typeof NAMES] {
  return NAMES[d.severity ?? DiagnosticSeverity.Error];
}

/** `file:line:col: severity message [code]`, one a line (1-based, as compilers print), then a summary. */
export function formatText(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  const count = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of reports) {
    if (r.failure !== undefined) lines.push(`${r.file}: ${r.failure}`);
    for (const d of r.diagnostics) {
      const sev = severityName(d);
      count[sev]++;
      lines.push(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${sev} ${typeof d.message === 'string' ? d.message : d.message.value} [${String(d.code)}]`);
    }
  }
  const files = reports.filter((r) => r.diagnostics.length > 0).length;
  const failed = reports.filter((r) => r.failure !== undefined).length;
  if (failed > 0) lines.push(`${failed} file${failed === 1 ? '' : 's'} not analysed: an internal error of Canary Lens (please report it)`);
  // Information (rollout-weight-approximate, managed-weights) is counted only when there is some: older summaries stay as they were.
  const information = count.information > 0 ? `, ${count.information} information` : '';
  lines.push(`${count.error} error${count.error === 1 ? '' : 's'}, ${count.warning} warning${count.warning === 1 ? '' : 's'}${information}, ${count.hint} hint${count.hint === 1 ? '' : 's'} in ${files} of ${reports.length} file${reports.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

/** The JSON shape: LSP ranges (zero-based), severity by name. */
export function formatJson(reports: readonly FileReport[]): string {
  return JSON.stringify(reports.map((r) => ({
    file: r.file,
    ...(r.failure !== undefined ? { failure: r.failure } : {}),
    diagnostics: r.diagnostics.map((d) => ({ range: d.range, severity: severityName(d), code: d.code, message: d.message })),
  })), null, 2) + '\n';
}

/** A file as SARIF names it: relative to the source root, with forward slashes. */
function artifact(cwd: string, file: string): { uri: string; uriBaseId: string } {
  return { uri: path.relative(cwd, path.resolve(file)).split(path.sep).join('/'), uriBaseId: '%SRCROOT%' };
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** SARIF 2.1.0 as GitHub code scanning reads it: rules with default levels, 1-based regions, relative URIs. */
export function formatSarif(reports: readonly FileReport[], version: string, cwd = process.cwd()): string {
  const ids = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];
  const rules = ids.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: DIAGNOSTIC_CODES[id].summary },
    defaultConfiguration: { level: SARIF_LEVEL[DIAGNOSTIC_CODES[id].severity] },
  }));
  const results = reports.flatMap((r) => r.diagnostics.map((d) => ({
    ruleId: String(d.code),
    ruleIndex: ids.indexOf(d.code as DiagnosticCode),
    level: SARIF_LEVEL[severityName(d)],
    message: { text: d.message },
    locations: [{
      physicalLocation: {
        artifactLocation: artifact(cwd, r.file),
        region: {
          startLine: d.range.start.line + 1,
          startColumn: d.range.start.character + 1,
          endLine: d.range.end.line + 1,
          endColumn: d.range.end.character + 1,
        },
      },
    }],
  })));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: SOURCE, version, informationUri: 'https://linkerd.io/', rules } },
      // SARIF 2.1.0 §3.20.21: a tool's own failure on a file is a notification of the invocation, not a result.
      invocations: [{
        executionSuccessful: !reports.some((r) => r.failure !== undefined),
        toolExecutionNotifications: reports.filter((r) => r.failure !== undefined).map((r) => ({
          level: 'error',
          message: { text: r.failure },
          locations: [{ physicalLocation: { artifactLocation: artifact(cwd, r.file) } }],
        })),
      }],
      results,
    }],
  }, null, 2) + '\n';
}
