/**
 * The library returns what the CLI prints: scan() and checkSource() apply
 * suppression directives and baselines themselves, and set finding identities.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBaseline } from '../src/baseline/index.js';
import { checkSource, scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';
import { repoRoot } from './cli-helpers.js';

const SUPPRESSED = [
  "import Leanplum from 'leanplum-sdk';",
  '// consent-lint-disable-next-line leanplum/init -- consent is collected by the native layer',
  'Leanplum.start();',
  '// consent-lint-disable-next-line leanplum/push -- nothing of that rule on the next line',
  'Leanplum.start();',
  '// consent-lint-disable-next-line leanplum/init',
  'Leanplum.start();',
  '',
].join('\n');

const summary = (findings: { line: number; ruleId: string; suppressed: boolean }[]) =>
  findings.map((f) => `${f.line} ${f.ruleId}${f.suppressed ? ' suppressed' : ''}`);

describe('checkSource()', () => {
  it('applies suppression directives and reports unused and invalid ones', () => {
    const doc = checkSource(SUPPRESSED);
    expect(summary(doc.findings)).toEqual([
      '3 leanplum/init suppressed',
      '4 consent-lint/unused-directive',
      '5 leanplum/init',
      '6 consent-lint/invalid-directive',
      '7 leanplum/init',
    ]);
    expect(doc.findings[0].suppressionReason).toBe('consent is collected by the native layer');
    expect(doc.findings.every((f) => /^[0-9a-f]{32}$/.test(f.fingerprint ?? ''))).toBe(true);
  });

  it('applies a baseline: recorded findings are dropped, new ones stay', () => {
    const before = checkSource(SUPPRESSED);
    const baseline = createBaseline(before);
    expect(baseline.entries).toHaveLength(2); // not the suppressed one, nor directive findings
    const after = checkSource(`${SUPPRESSED}Leanplum.start();\n`, { baseline });
    expect(summary(after.findings)).toEqual([
      '3 leanplum/init suppressed',
      '4 consent-lint/unused-directive',
      '6 consent-lint/invalid-directive',
      '8 leanplum/init',
    ]);
  });
});

describe('scan()', () => {
  it('returns suppressed findings marked, the directive rules, and what the baseline did', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cl-library-'));
    cpSync(join(repoRoot, 'fixtures/cli/suppressed'), root, { recursive: true });
    const config = loadConfigFile(join(root, 'consent-lint.config.json'));
    const first = await scan({ root, config });
    expect(summary(first.document.findings)).toEqual([
      '8 leanplum/push suppressed',
      '11 consent-lint/unused-directive',
      '6 leanplum/init suppressed',
      '11 consent-lint/invalid-directive',
      '12 leanplum/init',
    ]);
    expect(first.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['consent-lint/unused-directive', 'consent-lint/invalid-directive']),
    );
    expect(first.baseline).toBeUndefined();

    const baseline = createBaseline(first.document);
    const stale = { ruleId: 'leanplum/init', file: 'src/gone.ts', path: [], callee: 'Leanplum.start', ordinal: 0 };
    const second = await scan({ root, config, baseline: { ...baseline, entries: [...baseline.entries, stale] } });
    expect(summary(second.document.findings)).toEqual(
      summary(first.document.findings).filter((s) => s !== '12 leanplum/init'),
    );
    expect(second.baseline?.matched).toBe(1);
    expect(second.baseline?.stale).toEqual([stale]);
    const scoped = await scan({
      root,
      config,
      baseline: { ...baseline, entries: [...baseline.entries, stale] },
      baselineScope: (f) => f !== 'src/gone.ts',
    });
    expect(scoped.baseline?.stale).toEqual([]);
  });
});
