import { describe, expect, it } from 'vitest';
import { formatJson, formatStylish, render, toJsonReport, FORMATS } from '../src/report/index.js';
import { ctx, doc, finding, LP_SOURCE, resultValidator } from './cli-helpers.js';

describe('json reporter', () => {
  const validate = resultValidator();

  it('emits exactly the interface document, valid against schemas/result.schema.json', () => {
    const d = doc([finding(), finding({ line: 20, suppressed: true, suppressionReason: 'native layer' })], {
      errors: [{ file: 'src/broken.ts', line: 3, column: 1, message: 'Unexpected token', kind: 'parse' }],
    });
    const out = JSON.parse(formatJson(d, ctx()));
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(out)).toEqual(['version', 'findings', 'errors', 'stats']);
    expect(Object.keys(out.findings[0])).toEqual([
      'ruleId',
      'severity',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'message',
      'requires',
      'missing',
      'trace',
      'suppressed',
      'identity',
      'fingerprint',
    ]);
    expect(out.findings[0].identity).toEqual({ path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 });
    expect(out.findings[1].suppressed).toBe(true);
    expect(out.findings[1].suppressionReason).toBe('native layer');
    expect(out.findings[1].identity.ordinal).toBe(1);
    expect(out.errors[0]).toEqual({ file: 'src/broken.ts', line: 3, column: 1, message: 'Unexpected token' });
    for (const internal of ['scope', 'dependsOn', 'kind']) expect(JSON.stringify(out)).not.toContain(`"${internal}"`);
  });

  it('the schema rejects internal fields and bad positions (the test can fail)', () => {
    const leaky = {
      ...toJsonReport(doc([finding()])),
      findings: [{ ...toJsonReport(doc([finding()])).findings[0], scope: 'x' }],
    };
    expect(validate(leaky)).toBe(false);
    const bad = toJsonReport(doc([finding({ line: 0 })]));
    expect(validate(bad)).toBe(false);
  });

  it('an empty result is valid', () => {
    expect(validate(JSON.parse(formatJson(doc([]))))).toBe(true);
  });
});

describe('stylish reporter', () => {
  it('groups by file with position, severity, message, rule, missing purposes, code frame and trace', () => {
    const out = formatStylish(
      doc([
        finding(),
        finding({
          file: 'src/other.ts',
          severity: 'warn',
          ruleId: 'leanplum/push',
          missing: ['marketing'],
          requires: ['marketing'],
          trace: [],
        }),
      ]),
      ctx(),
    );
    expect(out).toContain('src/lp.ts\n  9:3  error    Leanplum is started without consent  leanplum/init');
    expect(out).toContain('missing consent: marketing (requires analytics, marketing)');
    expect(out).toMatch(/> {1,2}9 \| {3}Leanplum\.start\(\);\n\s+\| {3}\^{16}\n/);
    expect(out).toContain(
      'via src/App.tsx:12 useEffect callback -> src/lp.ts:7 initLeanplum() -> src/lp.ts:9 Leanplum.start()',
    );
    expect(out).toContain('src/other.ts\n  9:3  warning  ');
    expect(out).toContain('✖ 2 problems (1 error, 1 warning)');
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('uses colours only when enabled', () => {
    expect(formatStylish(doc([finding()]), ctx({ color: true }))).toMatch(/\u001b\[31merror/);
  });

  it('hides suppressed findings but counts them; says so when clean', () => {
    const out = formatStylish(doc([finding({ suppressed: true })]), ctx());
    expect(out).not.toContain('src/lp.ts');
    expect(out).toContain('✔ no consent problems found');
    expect(out).toContain('1 suppressed');
  });

  it('lists what could not be analysed', () => {
    const out = formatStylish(
      doc([], { errors: [{ file: 'src/broken.ts', line: 3, column: 1, message: 'Unexpected token', kind: 'parse' }] }),
      ctx(),
    );
    expect(out).toContain('Could not analyse');
    expect(out).toContain('src/broken.ts:3:1  Unexpected token');
    expect(out).toContain('1 analysis error');
  });

  it('prints paths relative to the working directory', () => {
    const out = formatStylish(doc([finding()]), ctx({ root: '/repo/app', cwd: '/repo' }));
    expect(out).toContain('app/src/lp.ts\n');
  });

  it('skips the code frame when the source is missing', () => {
    const out = formatStylish(doc([finding()]), ctx({ sources: new Map() }));
    expect(out).not.toContain('|');
    expect(LP_SOURCE).toContain('Leanplum.start()');
  });
});

describe('one document, every format', () => {
  it('all reporters render the same findings', () => {
    const d = doc([finding(), finding({ file: 'src/b.ts', line: 2, ruleId: 'leanplum/push' })]);
    for (const f of FORMATS) {
      const out = render(f, d, ctx());
      expect(out).toContain('leanplum/push');
      expect(out).toContain('src/b.ts');
    }
  });
});
