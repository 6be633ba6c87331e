/**
 * Inline expectations in fixture apps (Semgrep's `ruleid:` / CodeQL's inline
 * expectations): a line carrying `expect: RULE[, RULE2] [missing=a,b]` must
 * have exactly those findings; every other line must have none. `// ok`
 * marks sinks that must stay silent (documentation: the "no other findings"
 * check is what enforces it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding } from '../../src/index.js';
import { NEVER_SCANNED_DIRS } from '../../src/discover/ignored.js';
import { decodeText } from '../../src/discover/read.js';
import { TEMPLATE_EXTENSIONS } from '../../src/discover/list.js';

export interface Expected {
  file: string;
  line: number;
  ruleId: string;
  missing?: string[];
  column?: number;
}

/** An expectation marker (exported for the exhaustive test, which blanks them). */
export const EXPECT_MARKER =
  /expect:\s*([a-z0-9-]+\/[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+\/[a-z0-9-]+)*)(?:\s+missing=([\w,:-]+))?(?:\s+col=(\d+))?/;

/**
 * Native sources (`// expect: …` in Kotlin, Java, Swift, Objective-C) and
 * declarations (`<!-- expect: … -->` in Info.plist, AndroidManifest.xml and
 * Android resources), on the line of the finding.
 */
/** Server-side templates (read as HTML pages): `// expect: …` inside their scripts. */
const TEMPLATE = new RegExp(`\\.(?:${TEMPLATE_EXTENSIONS.join('|')})$`);

const NATIVE = /\.(kt|java|swift|m|mm|gradle|kts)$|^Info\.plist$|\.xml$/;

export function collectExpectations(root: string): Expected[] {
  const out: Expected[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (NEVER_SCANNED_DIRS.has(name)) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (name.startsWith('.')) continue;
      else if (
        /\.(m|c)?[jt]sx?$|\.html?$|\.vue$|\.svelte$|\.astro$/.test(name) ||
        TEMPLATE.test(name) ||
        NATIVE.test(name)
      ) {
        // Decoded as the scan decodes it (fixtures hold Latin-1 and UTF-16 files too).
        (decodeText(readFileSync(p)) ?? '').split(/\r?\n/).forEach((text, i) => {
          const m = EXPECT_MARKER.exec(text);
          if (!m) return;
          for (const ruleId of m[1].split(/\s*,\s*/)) {
            out.push({
              file: relative(root, p).split('\\').join('/'),
              line: i + 1,
              ruleId,
              missing: m[2]?.split(','),
              column: m[3] ? Number(m[3]) : undefined,
            });
          }
        });
      }
    }
  };
  visit(root);
  return out;
}

/** Human-readable differences between expectations and findings (empty when they agree). */
export function compare(expected: Expected[], findings: Finding[]): string[] {
  const problems: string[] = [];
  const key = (f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`;
  const byKey = new Map(findings.map((f) => [key(f), f]));
  const wanted = new Set(expected.map(key));
  for (const e of expected) {
    const f = byKey.get(key(e));
    if (!f) problems.push(`missing finding ${key(e)}`);
    else if (e.missing && e.missing.join(',') !== f.missing.join(','))
      problems.push(`${key(e)}: missing=${f.missing.join(',')}, expected ${e.missing.join(',')}`);
    else if (e.column !== undefined && e.column !== f.column)
      problems.push(`${key(e)}: column ${f.column}, expected ${e.column}`);
  }
  for (const f of findings)
    if (!wanted.has(key(f)))
      problems.push(`unexpected finding ${key(f)} (missing ${f.missing.join(',')}): ${f.message}`);
  return problems;
}
