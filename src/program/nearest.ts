/** The nearest configuration file governing a folder: in it, or in a folder above it up to the scan root. */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export class NearestFile {
  private readonly byDir = new Map<string, string | null>();

  /**
   * `names`: the file names looked for, in order of precedence within one folder.
   * `above`: where to look when the scan root has none (undefined: nowhere).
   */
  constructor(
    private readonly root: string,
    private readonly names: readonly string[],
    private readonly above?: () => string | undefined,
  ) {}

  /** The absolute path of the nearest file for a root-relative folder (`''`: the root), memoised per folder. */
  of(relDir: string): string | undefined {
    const known = this.byDir.get(relDir);
    if (known !== undefined) return known ?? undefined;
    let found: string | undefined;
    // One join per folder (the probes are the hot part of --cache's resolution fingerprint).
    const dirAbs = join(this.root, relDir);
    const prefix = dirAbs.endsWith(sep) ? dirAbs : dirAbs + sep;
    for (const name of this.names) {
      if (existsSync(prefix + name)) {
        found = prefix + name;
        break;
      }
    }
    if (!found && relDir !== '') {
      const parent = dirname(relDir);
      found = this.of(parent === '.' ? '' : parent);
    } else if (!found) found = this.above?.();
    this.byDir.set(relDir, found ?? null);
    return found;
  }
}
