import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isYamlPath } from '../protocol/messages';

const SKIP_DIRS = new Set(['node_modules', '.git']);
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Every YAML file under `root` (skipping node_modules, .git and files over 2 MB), as file URIs. */
export async function* yamlFiles(root: string): AsyncGenerator<{ uri: string; path: string }> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch {
    return; // an unreadable folder is skipped, as editors do
  }
  for (const e of entries) {
    const full = path.join(root, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) yield* yamlFiles(full);
    } else if (e.isFile() && isYamlPath(e.name)) {
      const stat = await fs.stat(full).catch(() => undefined);
      if (stat && stat.size <= MAX_FILE_BYTES) yield { uri: pathToFileURL(full).toString(), path: full };
    }
  }
}
