// Bundles the extension client, the language server and the CLI with esbuild. The cluster code (with
// @kubernetes/client-node, ESM-only, bundled to CJS here) is a bundle of its own, dist/cluster.js, that the client
// requires on first use, so activation never evaluates it.
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

/** The one version constant: package.json's, written into every bundle as CANARY_LENS_VERSION (src/protocol/version.ts). */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  define: { CANARY_LENS_VERSION: JSON.stringify(version) },
};

const started = Date.now();
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/client.js' }),
  esbuild.build({ ...common, entryPoints: ['src/extension/clusterGlue.ts'], outfile: 'dist/cluster.js' }),
  esbuild.build({ ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' }),
  // The side panel's webview script: runs in the browser sandbox of the webview, always minified (under 150 KB).
  esbuild.build({
    entryPoints: ['src/extension/panel/webview.ts'], outfile: 'dist/panel.js', bundle: true, platform: 'browser', format: 'iife',
    target: 'chrome120', minify: true, sourcemap: false, logLevel: 'warning',
  }),
]);
console.log(`built dist/ in ${Date.now() - started} ms`);
