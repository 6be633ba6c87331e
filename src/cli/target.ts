/**
 * What a `consent-lint [PATH...]` invocation scans, and relative to what.
 *
 * Scan root (every `file` in reports, baselines and `include`/`exclude` globs
 * is relative to it):
 *   1. the directory of the config file (`--config FILE`, or the nearest
 *      `consent-lint.config.json` searching upward from the first PATH to the
 *      repository root);
 *   2. otherwise, when the first PATH is a directory: that directory
 *      (`consent-lint fixtures/demo-app` scans exactly that app);
 *   3. otherwise (PATHs are files, as pre-commit and lint-staged pass them):
 *      the git top level of the first file, so the analysis still sees the
 *      whole project around it; outside git, the current directory when it
 *      contains the files, else the first file's directory.
 * No PATH means the current directory.
 *
 * Reporting scope: PATHs that are files are passed to the scan as `onlyFiles`;
 * directory PATHs below the root restrict the report to findings under them.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Config } from '../model.js';
import { findConfigFile, loadConfigFile, repositoryRoot } from '../policy/index.js';
import { UsageError } from './errors.js';
import { gitTopLevel } from './git.js';

export interface ScanTarget {
  root: string;
  configFile?: string;
  config?: Config;
  /** Absolute PATHs as given. */
  paths: string[];
  /** When every PATH is a file: those files (absolute). */
  onlyFiles?: string[];
  /** Whether a root-relative file is within the PATHs the user asked about. */
  inScope(file: string): boolean;
  /** False when the PATHs cover the whole root. */
  restricted: boolean;
}

const isInside = (parent: string, child: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

function commonAncestor(dirs: string[]): string {
  let common = dirs[0];
  for (const d of dirs.slice(1)) while (!isInside(common, d)) common = dirname(common);
  return common;
}

/**
 * `onRoot` is called with the scan root as soon as it is known, before the config
 * is read (the CLI starts listing the files then: git runs while the config loads).
 */
export function resolveTarget(
  pathArgs: string[],
  configFlag: string | undefined,
  cwd: string,
  onRoot?: (root: string) => void,
): ScanTarget {
  // Real paths: git reports real paths, and /tmp or /var may be symlinks (macOS).
  const paths = (pathArgs.length ? pathArgs : ['.']).map((p) => {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UsageError(`no such file or directory: ${relative(cwd, abs) || abs}`);
    return realpathSync(abs);
  });
  const kinds = paths.map((p) => (statSync(p).isDirectory() ? 'dir' : 'file'));
  const first = paths[0];

  const configFile = configFlag ? resolve(cwd, configFlag) : findConfigFile(first);
  if (configFlag && !existsSync(configFile!)) throw new UsageError(`--config: no such file: ${configFlag}`);

  let root: string;
  if (configFile) root = realpathSync(dirname(configFile));
  else if (kinds[0] === 'dir') root = commonAncestor(paths.map((p, i) => (kinds[i] === 'dir' ? p : dirname(p))));
  else {
    const top = gitTopLevel(dirname(first));
    const realCwd = realpathSync(cwd);
    root = top ?? (paths.every((p) => isInside(realCwd, p)) ? realCwd : commonAncestor(paths.map((p) => dirname(p))));
  }
  onRoot?.(root);

  // A config found by searching is the repository's: read it confined to the repository.
  const config = configFile
    ? loadConfigFile(configFile, configFlag ? undefined : repositoryRoot(dirname(configFile)))
    : undefined;

  for (const p of paths) {
    if (!isInside(root, p)) {
      throw new UsageError(
        `${relative(cwd, p) || p} is outside the scan root ${root}${configFile ? ` (the directory of ${configFile})` : ''}`,
      );
    }
  }

  const allFiles = kinds.every((k) => k === 'file');
  const dirs = paths.filter((_, i) => kinds[i] === 'dir');
  const files = new Set(paths.filter((_, i) => kinds[i] === 'file'));
  const whole = dirs.some((d) => isInside(d, root));
  const inScope = (file: string) => {
    if (whole) return true;
    const abs = join(root, file.split('/').join(sep));
    return files.has(abs) || dirs.some((d) => isInside(d, abs));
  };

  return {
    root,
    ...(configFile ? { configFile } : {}),
    ...(config ? { config } : {}),
    paths,
    ...(allFiles ? { onlyFiles: paths } : {}),
    inScope,
    restricted: !whole,
  };
}
