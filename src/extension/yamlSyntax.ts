import type { Middleware } from 'vscode-languageclient/node';
import type { YamlSyntaxSetting } from '../protocol/messages';

/**
 * Who reports YAML syntax errors in VS Code: Canary Lens, or the Red Hat YAML extension when it validates. That one
 * reports the parse errors of every document of every YAML file, schema or not, unless its `yaml.validate` (default
 * true) is false (redhat-developer/yaml-language-server src/languageservice/services/yamlValidation.ts, doValidation;
 * redhat-developer/vscode-yaml package.json, `yaml.validate`). Both would show each error once: so `auto` leaves them
 * to it. No vscode import here (the client wires it in extension.ts), so the choice is testable as it is.
 */
export const RED_HAT_YAML = 'redhat.vscode-yaml';

/** What the editor has: `canaryLens.yamlSyntax` as set, whether redhat.vscode-yaml is enabled, its `yaml.validate`. */
export interface YamlSyntaxInputs { setting: unknown; redHatYaml: boolean; validate: unknown }

/** The effective `canaryLens.yamlSyntax`: `auto` resolved. */
export function resolveYamlSyntax({ setting, redHatYaml, validate }: YamlSyntaxInputs): Exclude<YamlSyntaxSetting, 'auto'> {
  if (setting === 'always' || setting === 'never') return setting;
  return redHatYaml && validate !== false ? 'never' : 'always';
}

/**
 * The server reads settings by pulling the `canaryLens` section (workspace/configuration); the client hands it
 * `yamlSyntax` resolved. A change is announced without settings (`settings: null`), so the server pulls them again,
 * through the same hook: the section pushed as it is would carry `auto`.
 */
export function settingsMiddleware(effective: () => Exclude<YamlSyntaxSetting, 'auto'>): NonNullable<Middleware['workspace']> {
  return {
    configuration: async (params, token, next) => {
      const result = await next(params, token);
      if (!Array.isArray(result)) return result;
      return result.map((value: unknown, i) =>
        params.items[i]?.section === 'canaryLens' && typeof value === 'object' && value !== null ? { ...value, yamlSyntax: effective() } : value);
    },
    didChangeConfiguration: (_sections, next) => next(undefined),
  };
}
