/** The nearest configuration file governing a folder: in it, or in a folder above it up to the scan root. */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export class NearestFile {
  private readonly byDir = new Map<string, string | null>();

  /**
   * `names`: the file names looked for, in order of precedence within one folder.
   * `onlyWith`: below the scan root, look only in folders that hold this file
   * too (one probe for most folders instead of one per name).
   */
  constructor(
    private readonly root: string,
    private readonly names: readonly string[],
    private readonly onlyWith?: string,
  ) {}

  /** The absolute path of the nearest file for a root-relative folder (`''`: the root), memoised per folder. */
  of(relDir: string): string | undefined {
    const known = this.byDir.get(relDir);
    if (known !== undefined) return known ?? undefined;
    let found: string | undefined;
    // One join per folder (the probes are the hot part of --cache's resolution fingerprint).
    const dirAbs = join(this.root, relDir);
    const prefix = dirAbs.endsWith(sep) ? dirAbs : dirAbs + sep;
    const looked = !this.onlyWith || relDir === '' || existsSync(prefix + this.onlyWith);
    for (const name of looked ? this.names : []) {
      if (existsSync(prefix + name)) {
        found = prefix + name;
        break;
      }
    }
    if (!found && relDir !== '') {
      const parent = dirname(relDir);
      found = this.of(parent === '.' ? '' : parent);
    } else if (!found) found = this.aboveRoot();
    this.byDir.set(relDir, found ?? null);
    return found;
  }

  /**
   * A scan root below its project (`consent-lint apps/web/src`): the file
   * governing it lies above, up to the repository root (the first folder
   * holding `.git`), as the tools reading it would find it.
   */
  private aboveRoot(): string | undefined {
    if (existsSync(join(this.root, '.git'))) return undefined;
    for (let dir = dirname(this.root); ; dir = dirname(dir)) {
      for (const name of this.names) if (existsSync(join(dir, name))) return join(dir, name);
      if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
    }
  }
}
