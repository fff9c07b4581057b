// The import walls between the packages under src/ (eslint-rules/boundaries.mjs), through ESLint's RuleTester.
import { describe, it } from 'node:test';
import * as path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { rule } from '../../eslint-rules/boundaries.mjs';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = '/repo';
const options = [{ root: ROOT }];
const at = (file: string): string => path.join(ROOT, file);
const ruleTester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

const EXTENSION_ALLOWED = 'src/extension may import only service (only service/model/kinds), cluster, stats, rollout, protocol';

ruleTester.run('boundaries/packages', rule, {
  valid: [
    { name: 'cli → stats', filename: at('src/cli/main.ts'), code: "import { StatsService } from '../stats';", options },
    { name: 'cli → stats (a module, .js extension)', filename: at('src/cli/stats.ts'), code: "import { x } from '../stats/live.js';", options },
    { name: 'extension → service/model/kinds', filename: at('src/extension/commands.ts'), code: "import { KINDS } from '../service/model/kinds';", options },
    { name: 'extension/panel → service/model/kinds', filename: at('src/extension/panel/model.ts'), code: "import type { KindId } from '../../service/model/kinds';", options },
    { name: 'extension → vscode', filename: at('src/extension/extension.ts'), code: "import * as vscode from 'vscode';", options },
    { name: 'extension → cluster, stats, protocol', filename: at('src/extension/clusterGlue.ts'), code: "import '../cluster'; import '../stats/live'; export * from '../protocol/messages';", options },
    { name: 'inside a package', filename: at('src/service/features/hover.ts'), code: "import { x } from '../model/weights'; import '../languageService';", options },
    { name: 'service → protocol', filename: at('src/service/model/weights.ts'), code: "import type { WeightAction } from '../../protocol/messages';", options },
    { name: 'service → LSP types and text documents', filename: at('src/service/languageService.ts'), code: "import { Range } from 'vscode-languageserver-types'; import { TextDocument } from 'vscode-languageserver-textdocument'; import { parse } from 'yaml';", options },
    { name: 'server → node built-ins and the connection', filename: at('src/server/main.ts'), code: "import * as fs from 'node:fs'; import { createConnection } from 'vscode-languageserver/node';", options },
    { name: 'stats → cluster', filename: at('src/stats/locate.ts'), code: "import { KubeConfig } from '../cluster';", options },
    { name: 'test/ imports anything', filename: at('test/unit/x.test.ts'), code: "import '../../src/extension/commands'; import * as vscode from 'vscode'; import '../../src/service/features/hover';", options },
    { name: 'tools/ imports anything', filename: at('tools/demo/start.ts'), code: "import '../../src/server/server';", options },
    { name: 'a computed dynamic import is not judged', filename: at('src/service/a.ts'), code: 'const m = await import(name);', options },
    { name: 'default root: the repository', filename: path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.ts'), code: "import { x } from '../stats';" },
  ],
  invalid: [
    {
      name: 'extension → server',
      filename: at('src/extension/extension.ts'),
      code: "import { startServer } from '../server/server';",
      options,
      errors: [{ message: `src/extension may not import src/server (${EXTENSION_ALLOWED}).` }],
    },
    {
      name: 'service → cluster',
      filename: at('src/service/features/hover.ts'),
      code: "import { ClusterSession } from '../../cluster/session';",
      options,
      errors: [{ message: 'src/service may not import src/cluster (src/service may import only protocol).' }],
    },
    {
      name: 'service → vscode',
      filename: at('src/service/languageService.ts'),
      code: "import * as vscode from 'vscode';",
      options,
      errors: [{ messageId: 'vscode', data: { from: 'service', allowed: 'src/service may import only protocol' } }],
    },
    {
      name: 'extension → service/features/x',
      filename: at('src/extension/commands.ts'),
      code: "import { hover } from '../service/features/x';",
      options,
      errors: [{ message: `src/extension may not import src/service/features/x (${EXTENSION_ALLOWED}).` }],
    },
    {
      name: 'extension → the service package itself and its language service',
      filename: at('src/extension/panel/model.ts'),
      code: "import '../../service'; import { LanguageService } from '../../service/languageService.js';",
      options,
      errors: [{ messageId: 'deep' }, { messageId: 'deep' }],
    },
    {
      name: 'cli → extension, cli → server',
      filename: at('src/cli/main.ts'),
      code: "import '../extension/commands'; import { x } from '../server/server';",
      options,
      errors: [
        { message: 'src/cli may not import src/extension (src/cli may import only service, cluster, stats, rollout, protocol).' },
        { message: 'src/cli may not import src/server (src/cli may import only service, cluster, stats, rollout, protocol).' },
      ],
    },
    {
      name: 'service → node built-ins and the connection',
      filename: at('src/service/model/weights.ts'),
      code: "import * as fs from 'node:fs'; import * as path from 'path'; import { spawn } from 'child_process'; import 'fs/promises'; import { createConnection } from 'vscode-languageserver/node'; import 'vscode-languageserver';",
      options,
      errors: [
        { messageId: 'builtin', data: { spec: 'node:fs', allowed: 'src/service may import only protocol' } },
        { messageId: 'builtin', data: { spec: 'path', allowed: 'src/service may import only protocol' } },
        { messageId: 'builtin', data: { spec: 'child_process', allowed: 'src/service may import only protocol' } },
        { messageId: 'builtin', data: { spec: 'fs/promises', allowed: 'src/service may import only protocol' } },
        { messageId: 'connection', data: { spec: 'vscode-languageserver/node', allowed: 'src/service may import only protocol' } },
        { messageId: 'connection', data: { spec: 'vscode-languageserver', allowed: 'src/service may import only protocol' } },
      ],
    },
    {
      name: 'cluster, stats, server, cli → vscode',
      filename: at('src/cluster/session.ts'),
      code: "import type * as vscode from 'vscode';",
      options,
      errors: [{ messageId: 'vscode' }],
    },
    {
      name: 'every form of import: export from, export *, dynamic import, require, import = require, import type',
      filename: at('src/server/server.ts'),
      code: [
        "export { x } from '../cluster';",
        "export * from '../stats';",
        "const a = await import('../extension/commands');",
        'const b = await import(`../cli/main`);',
        "const c = require('../cluster/session');",
        "import d = require('../stats/live');",
        "import type { E } from '../extension/panel/model';",
        "type F = typeof import('../cli/lint');",
      ].join('\n'),
      options,
      errors: Array.from({ length: 8 }, () => ({ messageId: 'package' })),
    },
    {
      name: 'protocol → service',
      filename: at('src/protocol/messages.ts'),
      code: "import type { Kind } from '../service/model/kinds';",
      options,
      errors: [{ message: 'src/protocol may not import src/service (src/protocol may import no other package of ours).' }],
    },
    {
      name: 'src → outside src/',
      filename: at('src/stats/index.ts'),
      code: "import { fixture } from '../../test/support/manifests';",
      options,
      errors: [{ messageId: 'outside', data: { from: 'stats', target: 'test/support/manifests', allowed: 'src/stats may import only service, cluster, protocol' } }],
    },
  ],
});
