import { describe, expect, it } from 'vitest';
import { applySuppressions, extractComments, parseDirectives } from '../src/suppress/index.js';
import { doc, finding, rules } from './cli-helpers.js';

const src = (...lines: string[]) => lines.join('\n');

describe('comment scanner', () => {
  it('finds line and block comments with 1-based positions', () => {
    const c = extractComments(src('a(); // one', '  /* two', '  */ b();'));
    expect(c.map((x) => [x.text.trim(), x.line, x.column, x.endLine, x.endColumn])).toEqual([
      ['one', 1, 6, 1, 12],
      ['two', 2, 3, 3, 5],
    ]);
  });

  it('ignores comment-like text in strings, templates (with nested code) and regexes', () => {
    const text = src(
      'const a = "// consent-lint-disable-next-line leanplum/init -- no";',
      "const b = '/* consent-lint-disable-next-line leanplum/init -- no */';",
      'const c = `// consent-lint-disable-next-line leanplum/init -- no ${x ? `/* x */` : "y"} //`;',
      'const d = /\\/\\/ consent-lint-disable-next-line/g;',
      'const e = a / b; // real',
    );
    expect(extractComments(text).map((c) => c.text.trim())).toEqual(['real']);
  });

  it('an apostrophe in markup does not swallow the rest of an HTML file', () => {
    const text = src(
      "<p>Don't track me</p>",
      '<script>',
      '  // consent-lint-disable-next-line leanplum/init -- native consent',
      '  Leanplum.start();',
      '</script>',
    );
    expect(extractComments(text).map((c) => c.line)).toEqual([3]);
  });
});

describe('directives', () => {
  it('parses rules and the reason, for // and JSX {/* */} forms', () => {
    const d = parseDirectives(
      'a.tsx',
      src(
        '// consent-lint-disable-next-line leanplum/init, leanplum/push -- consent collected by the native layer',
        'x();',
        '<div>',
        '  {/* consent-lint-disable-next-line leanplum/init -- CMP in the shell app */}',
        '  <Start />',
      ),
    );
    expect(d.map((x) => ({ rules: x.rules, reason: x.reason, target: x.targetLine, problem: x.problem }))).toEqual([
      {
        rules: ['leanplum/init', 'leanplum/push'],
        reason: 'consent collected by the native layer',
        target: 2,
        problem: undefined,
      },
      { rules: ['leanplum/init'], reason: 'CMP in the shell app', target: 5, problem: undefined },
    ]);
  });

  it('a directive without a reason, without rules, or of an unknown form is invalid', () => {
    const d = parseDirectives(
      'a.ts',
      src(
        '// consent-lint-disable-next-line leanplum/init',
        '// consent-lint-disable-next-line leanplum/init --   ',
        '// consent-lint-disable-next-line -- reason',
        '/* consent-lint-disable leanplum/init -- whole file */',
      ),
    );
    expect(d).toHaveLength(4);
    expect(d.every((x) => x.problem)).toBe(true);
    expect(d[0].problem).toContain('reason is required');
    expect(d[3].problem).toContain('not a consent-lint directive');
  });
});

describe('applySuppressions', () => {
  const text = src(
    "import Leanplum from 'leanplum-sdk';",
    '// consent-lint-disable-next-line leanplum/init -- consent collected by the native layer',
    'Leanplum.start();',
    '// consent-lint-disable-next-line leanplum/init',
    'Leanplum.start();',
    '// consent-lint-disable-next-line leanplum/push -- nothing here',
    'const unrelated = 1;',
    '// consent-lint-disable-next-line leanplum/int -- typo',
    'Leanplum.start();',
  );
  const at = (line: number) => finding({ file: 'a.ts', line, endLine: line });

  it('suppresses with a reason, not without; reports invalid and unused directives', () => {
    const { document } = applySuppressions(doc([at(3), at(5), at(9)]), new Map([['a.ts', text]]), { rules });
    const byLine = (l: number, rule = 'leanplum/init') =>
      document.findings.find((f) => f.line === l && f.ruleId === rule);
    expect(byLine(3)).toMatchObject({ suppressed: true, suppressionReason: 'consent collected by the native layer' });
    expect(byLine(5)!.suppressed).toBe(false);
    expect(byLine(4, 'consent-lint/invalid-directive')).toMatchObject({ severity: 'error', suppressed: false });
    expect(byLine(4, 'consent-lint/invalid-directive')!.message).toContain('reason is required');
    expect(byLine(6, 'consent-lint/unused-directive')).toMatchObject({ severity: 'warn' });
    expect(byLine(8, 'consent-lint/invalid-directive')!.message).toContain('unknown rule "leanplum/int"');
    expect(byLine(9)!.suppressed).toBe(false);
    expect(document.findings.map((f) => f.line)).toEqual(
      [...document.findings.map((f) => f.line)].sort((a, b) => a - b),
    );
  });

  it('only suppresses the named rule on the next line', () => {
    const t = src(
      '// consent-lint-disable-next-line leanplum/push -- opt-in screen',
      'Leanplum.start(); Leanplum.registerForWebPush();',
    );
    const { document } = applySuppressions(
      doc([at(2), finding({ file: 'a.ts', line: 2, endLine: 2, column: 19, ruleId: 'leanplum/push' })]),
      new Map([['a.ts', t]]),
      { rules },
    );
    expect(document.findings.filter((f) => f.suppressed).map((f) => f.ruleId)).toEqual(['leanplum/push']);
  });

  it('config rule settings can turn directive rules off or down', () => {
    const { document } = applySuppressions(doc([at(3), at(5), at(9)]), new Map([['a.ts', text]]), {
      rules,
      ruleSettings: { 'consent-lint/unused-directive': 'off', 'consent-lint/invalid-directive': 'warn' },
    });
    expect(document.findings.some((f) => f.ruleId === 'consent-lint/unused-directive')).toBe(false);
    expect(
      document.findings
        .filter((f) => f.ruleId === 'consent-lint/invalid-directive')
        .every((f) => f.severity === 'warn'),
    ).toBe(true);
  });

  it('is pure: the input document is unchanged', () => {
    const input = doc([at(3)]);
    applySuppressions(input, new Map([['a.ts', text]]), { rules });
    expect(input.findings[0].suppressed).toBe(false);
    expect(input.findings).toHaveLength(1);
  });
});
