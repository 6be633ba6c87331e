import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub, formatStepSummary } from '../src/report/index.js';
import { ctx, doc, finding } from './cli-helpers.js';

describe('github workflow commands', () => {
  it('escapes data and properties exactly as actions/toolkit does', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext%3A a%2Cb');
  });

  it('emits ::error with file, line, col, endLine, endColumn, title and an escaped message', () => {
    const out = formatGithub(
      doc([finding({ file: 'src/a,b:c.ts', message: 'Leanplum started: 100% without consent' })]),
      ctx(),
    );
    const first = out.split('\n')[0];
    expect(first).toBe(
      '::error file=src/a%2Cb%3Ac.ts,line=9,col=3,endLine=9,endColumn=19,title=leanplum/init::Leanplum started: 100%25 without consent%0AMissing consent: marketing (requires analytics, marketing)%0APath: src/App.tsx:12 useEffect callback -> src/lp.ts:7 initLeanplum() -> src/lp.ts:9 Leanplum.start()',
    );
  });

  it('omits columns for multi-line findings', () => {
    const out = formatGithub(doc([finding({ endLine: 11, endColumn: 2 })]), ctx());
    expect(out.split('\n')[0]).toMatch(/^::error file=src\/lp\.ts,line=9,endLine=11,title=leanplum\/init::/);
  });

  it('annotates at most 10 per level, errors first, then one notice with the remainder', () => {
    const errors = Array.from({ length: 13 }, (_, i) => finding({ line: i + 1, endLine: i + 1 }));
    const warnings = Array.from({ length: 12 }, (_, i) =>
      finding({ file: 'src/w.ts', line: i + 1, endLine: i + 1, severity: 'warn' }),
    );
    const out = formatGithub(doc([...warnings, ...errors]), ctx());
    const lines = out.split('\n');
    const commands = lines.filter((l) => /^::(error|warning|notice) /.test(l));
    expect(commands.filter((l) => l.startsWith('::error'))).toHaveLength(10);
    expect(commands.filter((l) => l.startsWith('::warning'))).toHaveLength(10);
    expect(commands.slice(0, 10).every((l) => l.startsWith('::error'))).toBe(true);
    const notices = commands.filter((l) => l.startsWith('::notice'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('5 more problems not annotated');
  });

  it('prints the full stylish report too, fenced by stop-commands', () => {
    const out = formatGithub(doc([finding()]), ctx());
    const stop = /^::stop-commands::(consent-lint-[0-9a-f]{16})$/m.exec(out);
    expect(stop).not.toBeNull();
    expect(out).toContain(`\n::${stop![1]}::\n`);
    expect(out).toContain('✖ 1 problem (1 error, 0 warnings)');
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('does not annotate suppressed findings; annotates analysis errors as warnings', () => {
    const out = formatGithub(
      doc([finding({ suppressed: true })], {
        errors: [{ file: 'src/x.ts', line: 2, column: 1, message: 'Unexpected token', kind: 'parse' }],
      }),
      ctx(),
    );
    expect(out).not.toMatch(/^::error/m);
    expect(out).toMatch(
      /^::warning file=src\/x\.ts,line=2,col=1,title=consent-lint%3A could not analyse::Unexpected token/m,
    );
  });

  it('uses repository-relative file paths', () => {
    const out = formatGithub(doc([finding()]), ctx({ root: '/repo/apps/web', repoRoot: '/repo' }));
    expect(out).toMatch(/^::error file=apps\/web\/src\/lp\.ts,/);
  });
});

describe('job summary', () => {
  it('renders a Markdown table with escaped cells', () => {
    const md = formatStepSummary(doc([finding({ message: 'a | b' })]), ctx());
    expect(md).toContain('## consent-lint');
    expect(md).toContain('| Severity | Rule | Location | Problem | Missing consent | Path |');
    expect(md).toContain('| error | `leanplum/init` | `src/lp.ts:9:3` | a \\| b | marketing |');
  });

  it('stays under the size budget', () => {
    const many = Array.from({ length: 5000 }, (_, i) => finding({ line: i + 1, message: 'x'.repeat(300) }));
    const md = formatStepSummary(doc(many), ctx());
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024);
    expect(md).toMatch(/…and \d+ more; see the workflow log/);
  });
});
