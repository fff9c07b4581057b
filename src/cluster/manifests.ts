/**
 * The `---` documents of a manifest file, as apply takes them: each document is applied (or refused) on its own.
 * Built on the language service's document splitting, so the editor's diagnostics and apply agree on where a
 * document starts and which documents are splits.
 */
export { YamlFile as ManifestFile } from '../service/document/file';
export type { YamlPart as ManifestDocument } from '../service/document/part';
