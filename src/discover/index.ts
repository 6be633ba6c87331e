/**
 * Stage 1 of the pipeline: which files are app source, and their text.
 *
 *   discover(root, { include, exclude }) -> Discovery
 *
 * Listing: `git ls-files --cached --others --exclude-standard` when the root is
 * inside a git work tree (fast on big repositories, and exactly git's idea of
 * ignored files), else a fast-glob walk honouring nested `.gitignore` files.
 * `node_modules`, dot-directories, dotfiles and `.d.ts` files are never
 * candidates; symlinked directories are not followed.
 *
 * Reading: binary, non-UTF-8, over 1 MiB and minified files are skipped, each
 * with a visible `AnalysisError` of kind `skipped`.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisError, DiscoveredFile, Discovery } from '../model.js';
import { listFiles } from './list.js';
import { createMatcher } from './match.js';
import { readSourceFile } from './read.js';
import { buildOutputDir } from './ignored.js';

export { SOURCE_EXTENSIONS } from './list.js';

export interface DiscoverOptions {
  /** Globs relative to the root (`src/**`); default: everything. */
  include?: string[];
  /** Globs relative to the root (`**\/*.test.*`); a match excludes the file or everything below the directory. */
  exclude?: string[];
}

export async function discover(root: string, opts: DiscoverOptions = {}): Promise<Discovery> {
  const absRoot = path.resolve(root);
  let isDir = false;
  try {
    isDir = statSync(absRoot).isDirectory();
  } catch (err) {
    throw new Error(`consent-lint: cannot read the scan root ${absRoot}: ${(err as Error).message}`);
  }
  if (!isDir) throw new Error(`consent-lint: the scan root ${absRoot} is not a directory`);

  const { files: listed } = await listFiles(absRoot);
  const include = createMatcher(opts.include);
  const exclude = createMatcher(opts.exclude);

  const files: DiscoveredFile[] = [];
  const skipped: AnalysisError[] = [];
  const buildOutput = new Map<string, number>();
  let filesScanned = 0;
  for (const relPath of listed) {
    if (include && !include(relPath)) continue;
    if (exclude && exclude(relPath)) continue;
    const output = buildOutputDir(relPath, opts.include);
    if (output !== undefined) {
      buildOutput.set(output, (buildOutput.get(output) ?? 0) + 1);
      continue;
    }
    const absPath = path.join(absRoot, relPath);
    const outcome = readSourceFile(absPath, relPath);
    if (outcome === undefined) continue; // vanished, or a directory: not a file to scan
    filesScanned++;
    if (outcome.ok) {
      files.push({ absPath, relPath, text: outcome.text });
    } else {
      skipped.push({ file: relPath, line: 1, column: 1, kind: 'skipped', message: `Skipped: ${outcome.reason}` });
    }
  }
  const ignoredByDefault = buildOutput.size ? { dirs: [...buildOutput.keys()].sort(), files: [...buildOutput.values()].reduce((a, b) => a + b, 0) } : undefined;
  return { root: absRoot, files, skipped, filesScanned, ...(ignoredByDefault && { ignoredByDefault }) };
}
