/**
 * Accuracy at scale: the benchmark's generator writes a realistic app tree
 * together with the verdict it expects at every SDK call site (guarded,
 * ungated, behind wrappers across files, decoys that are not the SDK). The
 * scan must agree with every one of them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';

const dir = mkdtempSync(join(tmpdir(), 'consent-lint-generated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ManifestSink {
  file: string;
  line: number;
  rule: string;
  scenario: string;
  expect: 'finding' | 'compliant' | 'policy' | 'not-a-sink';
}

describe('generated app tree (bench/generate.mjs)', () => {
  it('every expected finding is reported and nothing else', async () => {
    const root = join(dir, 'app');
    execFileSync(process.execPath, [join(__dirname, '..', 'bench', 'generate.mjs'), root, '2000', '--no-git'], {
      stdio: 'ignore',
    });
    const manifest = JSON.parse(readFileSync(join(root, '.bench-manifest.json'), 'utf8')) as { sinks: ManifestSink[] };
    const { document } = await scan({ root, config: loadConfigFile(join(root, 'consent-lint.config.json')) });
    const reported = new Set(document.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`));
    const problems: string[] = [];
    for (const s of manifest.sinks) {
      const key = `${s.file}:${s.line} ${s.rule}`;
      if (s.expect === 'finding' && !reported.has(key)) problems.push(`missed (${s.scenario}) ${key}`);
      if ((s.expect === 'compliant' || s.expect === 'not-a-sink') && reported.has(key))
        problems.push(`false positive (${s.scenario}) ${key}`);
    }
    const known = new Set(manifest.sinks.map((s) => `${s.file}:${s.line} ${s.rule}`));
    for (const f of document.findings)
      if (!known.has(`${f.file}:${f.line} ${f.ruleId}`)) problems.push(`unexpected ${f.file}:${f.line} ${f.ruleId}`);
    expect(problems).toEqual([]);
    expect(manifest.sinks.filter((s) => s.expect === 'finding').length).toBeGreaterThan(0);
    expect(manifest.sinks.filter((s) => s.expect === 'compliant').length).toBeGreaterThan(0);
  });
});
