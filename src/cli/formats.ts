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
    for (const d of r.diagnostics) {
      const sev = severityName(d);
      count[sev]++;
      lines.push(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${sev} ${typeof d.message === 'string' ? d.message : d.message.value} [${String(d.code)}]`);
    }
  }
  const files = reports.filter((r) => r.diagnostics.length > 0).length;
  lines.push(`${count.error} error${count.error === 1 ? '' : 's'}, ${count.warning} warning${count.warning === 1 ? '' : 's'}, ${count.hint} hint${count.hint === 1 ? '' : 's'} in ${files} of ${reports.length} file${reports.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

/** The JSON shape: LSP ranges (zero-based), severity by name. */
export function formatJson(reports: readonly FileReport[]): string {
  return JSON.stringify(reports.map((r) => ({
    file: r.file,
    diagnostics: r.diagnostics.map((d) => ({ range: d.range, severity: severityName(d), code: d.code, message: d.message })),
  })), null, 2) + '\n';
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** SARIF 2.1.0 as GitHub code scanning reads it: rules with default levels, 1-based regions, relative URIs. */
export function formatSarif(reports: readonly FileReport[], version: string, cwd = process.cwd()): string {
  const ids = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];
  const rules = ids.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
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
        artifactLocation: { uri: path.relative(cwd, path.resolve(r.file)).split(path.sep).join('/'), uriBaseId: '%SRCROOT%' },
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
    runs: [{ tool: { driver: { name: SOURCE, version, informationUri: 'https://linkerd.io/', rules } }, results }],
  }, null, 2) + '\n';
}
