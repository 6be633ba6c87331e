import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { formatSarif, toSarif } from '../src/report/index.js';
import { FINGERPRINT_KEY } from '../src/report/sarif.js';
import { ctx, doc, finding, sarifValidator } from './cli-helpers.js';

const validate = sarifValidator();
const parse = (s: string) => JSON.parse(s) as Log;

describe('sarif reporter', () => {
  it('is valid SARIF 2.1.0 (official schema) with one run, driver rules and full regions', () => {
    const log = parse(
      formatSarif(
        doc([
          finding(),
          finding({ file: 'src/b c.ts', line: 3, severity: 'warn', ruleId: 'leanplum/push', trace: [] }),
        ]),
        ctx(),
      ),
    );
    expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    const rule = run.tool.driver.rules!.find((r) => r.id === 'leanplum/init')!;
    expect(rule.shortDescription!.text).toBe('Leanplum is started without consent');
    expect(rule.fullDescription!.text).toContain('analytics and marketing');
    expect(rule.help!.text).toContain('Legal basis: ePrivacy Directive Art. 5(3)');
    expect(rule.help!.markdown).toContain('## Legal basis');
    expect(rule.defaultConfiguration!.level).toBe('error');
    const [r0, r1] = run.results!;
    expect(r0.ruleId).toBe('leanplum/init');
    expect(run.tool.driver.rules![r0.ruleIndex!].id).toBe('leanplum/init');
    expect(r0.locations![0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/lp.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 9, startColumn: 3, endLine: 9, endColumn: 19 },
    });
    expect(r1.level).toBe('warning');
    expect(r1.locations![0].physicalLocation!.artifactLocation!.uri).toBe('src/b%20c.ts');
    expect(r0.partialFingerprints![FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
    expect(r0.partialFingerprints!.primaryLocationLineHash).toBeUndefined();
  });

  it('always has results, even when clean', () => {
    const log = parse(formatSarif(doc([]), ctx()));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });

  it('puts the trace in codeFlows', () => {
    const log = toSarif(doc([finding()]), ctx());
    const locs = log.runs[0].results![0].codeFlows![0].threadFlows[0].locations;
    expect(
      locs.map(
        (l) =>
          `${l.location!.physicalLocation!.artifactLocation!.uri}:${l.location!.physicalLocation!.region!.startLine} ${l.location!.message!.text}`,
      ),
    ).toEqual(['src/App.tsx:12 useEffect callback', 'src/lp.ts:7 initLeanplum()', 'src/lp.ts:9 Leanplum.start()']);
  });

  it('keeps suppressed findings with an inSource suppression (and suppressions on every result)', () => {
    const log = parse(
      formatSarif(
        doc([finding(), finding({ line: 20, suppressed: true, suppressionReason: 'native layer asks first' })]),
        ctx(),
      ),
    );
    expect(validate(log)).toBe(true);
    const [open, suppressed] = log.runs[0].results!;
    expect(open.suppressions).toEqual([]);
    expect(suppressed.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'native layer asks first' },
    ]);
    expect(suppressed.properties!.suppressed).toBe(true);
  });

  it('reports analysis errors as tool execution notifications', () => {
    const log = parse(
      formatSarif(
        doc([], { errors: [{ file: 'src/x.ts', line: 2, column: 4, message: 'Unexpected token', kind: 'parse' }] }),
        ctx(),
      ),
    );
    expect(validate(log)).toBe(true);
    expect(log.runs[0].invocations![0].toolExecutionNotifications![0].message.text).toContain('src/x.ts');
  });

  it('uses repository-relative URIs when the scan root is a subdirectory', () => {
    const log = toSarif(doc([finding()]), ctx({ root: '/repo/apps/web', repoRoot: '/repo' }));
    expect(log.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!.uri).toBe('apps/web/src/lp.ts');
    expect(log.runs[0].originalUriBaseIds!['%SRCROOT%'].uri).toBe('file:///repo/');
  });

  it('fingerprints survive a line shift and differ between distinct calls', () => {
    const fp = (f: ReturnType<typeof finding>[]) =>
      toSarif(doc(f), ctx()).runs[0].results!.map((r) => r.partialFingerprints![FINGERPRINT_KEY]);
    const other = { path: ['other'], callee: 'Leanplum.start', ordinal: 0 };
    const before = fp([finding(), finding({ line: 30, identity: other })]);
    const after = fp([finding({ line: 14, endLine: 14 }), finding({ line: 35, identity: other })]);
    expect(after).toEqual(before);
    expect(before[0]).not.toBe(before[1]);
  });

  it('the validator rejects broken SARIF (the test can fail)', () => {
    const log = toSarif(doc([finding()]), ctx()) as unknown as { runs: { results: { message: unknown }[] }[] };
    log.runs[0].results[0].message = 'not an object';
    expect(validate(log)).toBe(false);
  });
});
