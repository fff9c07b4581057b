import type { YamlFile } from '../document/file';
import type { LiveStats } from '../workspace/liveStats';
import type { Rollouts } from '../workspace/rollouts';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';

export interface ServiceSettings {
  /** Points a lens shifts (setting `canaryLens.lens.step`). */
  lensStep: number;
  /** Total that "normalise weights" scales to. */
  normalizeTotal: number;
  /**
   * Whether `yaml-syntax` is reported, in every document (setting `canaryLens.yamlSyntax`): false when another YAML
   * server already reports syntax errors, so none shows twice.
   */
  reportYamlSyntax: boolean;
}

export const DEFAULT_SETTINGS: ServiceSettings = { lensStep: 10, normalizeTotal: 100, reportYamlSyntax: true };

/**
 * What every feature gets: the file, the index and the settings. Features import this, never the facade
 * (`languageService.ts`), which imports them.
 */
export interface FeatureContext {
  file: YamlFile;
  index: WorkspaceIndex;
  settings: ServiceSettings;
  /** Live numbers per split, when the client measures them. */
  live: LiveStats;
  /** Guided rollouts per split, when the client knows of any (`canaryLens/rollouts`). */
  rollouts?: Rollouts;
}
