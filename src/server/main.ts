#!/usr/bin/env node
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { VERSION } from '../protocol/version';

/**
 * `canary-lens-server --stdio` (or `--node-ipc`, `--socket=N`): the transport comes from the arguments,
 * as vscode-languageserver reads them.
 */
const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`canary-lens-server ${VERSION}\n`);
} else if (args.includes('--help') || !args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('usage: canary-lens-server --stdio | --node-ipc | --socket=PORT\n');
  process.exitCode = args.includes('--help') ? 0 : 2;
} else {
  startServer(createConnection(ProposedFeatures.all));
}
