/**
 * The default scan against the exhaustive one (`--no-prune`): what must be
 * equal, and how a difference is shown.
 *
 * Everything in a finding must be equal except what depends on how much of the
 * project was parsed by construction: `trace` is one witness path from an
 * unguarded entry (with more files parsed, another, longer one may be found
 * first; only its last hop, the sink itself, is compared) and `dependsOn`
 * lists the files of that witness (for `--changed`). `missing`, the position,
 * the message, the identity and the fingerprint are compared in full. So are
 * the errors (skipped files aside): the corpora compared have no broken file
 * that the default would never read, where the exhaustive scan reports more
 * (a parse error, an undeclared `@/` alias in an unrelated file).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config, Finding, ResultDocument } from '../../src/index.js';
import { scan } from '../../src/index.js';

export type Comparable = Omit<Finding, 'trace' | 'dependsOn'> & { sink: Finding['trace'][number] | undefined };

export function comparable(doc: ResultDocument): { findings: Comparable[]; errors: ResultDocument['errors'] } {
  return {
    findings: doc.findings.map((f) => {
      const { trace, ...rest } = f;
      delete rest.dependsOn;
      return { ...rest, sink: trace[trace.length - 1] };
    }),
    errors: doc.errors.filter((e) => e.kind !== 'skipped'),
  };
}

export interface Both {
  pruned: ResultDocument;
  exhaustive: ResultDocument;
}

/** Scan `root` both ways. */
export async function scanBoth(root: string, config?: Config): Promise<Both> {
  const options = { root, ...(config ? { config } : {}) };
  const pruned = (await scan(options)).document;
  const exhaustive = (await scan({ ...options, exhaustive: true })).document;
  return { pruned, exhaustive };
}

/** Write `files` (relative path -> text) into a fresh temporary directory; returns it and its remover. */
export function writeTree(files: Record<string, string>, prefix = 'exhaustive-'): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** One line per finding, for messages: `rule file:line:col [missing]`. */
export function summary(doc: ResultDocument): string[] {
  return doc.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} [${f.missing.join(',')}]`);
}
