// Import walls between the packages under src/ (each with its own tsconfig.json and project references).
// Every relative import, re-export, dynamic import, require and `import x = require()` is resolved to a path; the
// package of the importing file and of the imported one (src/<pkg>/) decide whether it is allowed. Bare specifiers are
// checked for 'vscode' (the extension only) and, in the service, for Node built-ins and the LSP connection.
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages each package may import, besides itself. */
export const ALLOWED = {
  protocol: [],
  service: ['protocol'],
  cluster: ['service', 'protocol'],
  stats: ['service', 'cluster', 'protocol'],
  rollout: ['service', 'cluster', 'stats', 'protocol'],
  server: ['service', 'protocol'],
  cli: ['service', 'cluster', 'stats', 'rollout', 'protocol'],
  extension: ['service', 'cluster', 'stats', 'rollout', 'protocol'],
};

/** Where a package's import of another is narrowed to some modules (paths inside the imported package, no extension). */
const ONLY = {
  extension: { service: ['model/kinds'] },
};

const DEFAULT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));
const SOURCE_EXT = /\.(?:d\.)?(?:[cm]?[jt]sx?)$/;

/** The package of a path relative to the root (src/<pkg>/...), with the path inside it; undefined outside src/. */
function packageOf(rel) {
  const parts = rel.split(sep);
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return { name: parts[1], inner: parts.slice(2).join('/').replace(SOURCE_EXT, '').replace(/\/index$/, '') };
}

function describeAllowed(from) {
  const allowed = ALLOWED[from] ?? [];
  if (allowed.length === 0) return `src/${from} may import no other package of ours`;
  const names = allowed.map((p) => {
    const only = ONLY[from]?.[p];
    return only ? `${p} (only ${only.map((m) => `${p}/${m}`).join(', ')})` : p;
  });
  return `src/${from} may import only ${names.join(', ')}`;
}

function isBuiltin(spec) {
  return spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]);
}

/** @type {import('eslint').Rule.RuleModule} */
export const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import walls between the packages under src/' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      package: 'src/{{from}} may not import src/{{to}} ({{allowed}}).',
      deep: 'src/{{from}} may not import src/{{to}}/{{inner}} ({{allowed}}).',
      outside: 'src/{{from}} may not import {{target}}, which is outside src/ ({{allowed}}).',
      vscode: "src/{{from}} may not import 'vscode': only src/extension runs inside VS Code ({{allowed}}).",
      builtin: "src/service may not import the Node built-in '{{spec}}': the service is pure (no I/O) ({{allowed}}).",
      connection:
        "src/service may not import '{{spec}}' (the LSP connection): only vscode-languageserver-types and vscode-languageserver-textdocument ({{allowed}}).",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? DEFAULT_ROOT;
    const filename = context.filename;
    if (!isAbsolute(filename)) return {};
    const from = packageOf(relative(root, filename));
    if (!from) return {}; // test/, tools/, scripts/: no walls
    const allowed = describeAllowed(from.name);

    function check(node, spec) {
      if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
        const targetPath = resolve(dirname(filename), spec);
        const rel = relative(root, targetPath);
        const to = packageOf(rel);
        if (!to) {
          context.report({ node, messageId: 'outside', data: { from: from.name, target: rel.split(sep).join('/'), allowed } });
          return;
        }
        if (to.name === from.name) return;
        if (!(ALLOWED[from.name] ?? []).includes(to.name)) {
          context.report({ node, messageId: 'package', data: { from: from.name, to: to.name, allowed } });
          return;
        }
        const only = ONLY[from.name]?.[to.name];
        if (only && !only.includes(to.inner)) {
          context.report({ node, messageId: 'deep', data: { from: from.name, to: to.name, inner: to.inner, allowed } });
        }
        return;
      }
      if ((spec === 'vscode' || spec.startsWith('vscode/')) && from.name !== 'extension') {
        context.report({ node, messageId: 'vscode', data: { from: from.name, allowed } });
        return;
      }
      if (from.name === 'service') {
        if (isBuiltin(spec)) context.report({ node, messageId: 'builtin', data: { spec, allowed } });
        else if (spec === 'vscode-languageserver' || spec.startsWith('vscode-languageserver/')) {
          context.report({ node, messageId: 'connection', data: { spec, allowed } });
        }
      }
    }

    function checkSource(source) {
      if (!source) return;
      if (source.type === 'Literal' && typeof source.value === 'string') check(source, source.value);
      else if (source.type === 'TemplateLiteral' && source.expressions.length === 0) {
        check(source, source.quasis[0].value.cooked ?? source.quasis[0].value.raw);
      }
    }

    return {
      ImportDeclaration: (node) => checkSource(node.source),
      ExportNamedDeclaration: (node) => checkSource(node.source),
      ExportAllDeclaration: (node) => checkSource(node.source),
      ImportExpression: (node) => checkSource(node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length >= 1) {
          checkSource(node.arguments[0]);
        }
      },
      TSExternalModuleReference: (node) => checkSource(node.expression),
      TSImportType: (node) => {
        // typescript-eslint 8: `argument` is a TSLiteralType wrapping the string literal.
        const arg = node.argument;
        checkSource(arg?.type === 'TSLiteralType' ? arg.literal : arg);
      },
    };
  },
};

export default { meta: { name: 'canary-lens-boundaries' }, rules: { packages: rule } };
