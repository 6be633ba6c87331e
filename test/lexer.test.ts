/**
 * The shared lexer (src/lexer) against Babel as the oracle: on every script
 * of this repository and its fixtures that Babel parses without errors and
 * that holds no JSX (JSX text is not JavaScript; the lexer reads it as code),
 * the lexer's comments, strings, regular expressions and template chunks are
 * exactly Babel's.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import fg from 'fast-glob';
import { parse } from '@babel/parser';
import type { Node } from '@babel/types';
import { describe, expect, it } from 'vitest';
import { lexSpans, type SpanKind } from '../src/lexer/index.js';

type Span = `${SpanKind} ${number}-${number}`;

/** Babel's view of the same spans, or undefined when the file is not a fair test (errors, JSX). */
function babelSpans(code: string, file: string): Span[] | undefined {
  let ast;
  try {
    ast = parse(code, {
      sourceType: 'unambiguous',
      errorRecovery: true,
      tokens: true,
      plugins: file.endsWith('.ts') || file.endsWith('.mts') || file.endsWith('.cts') ? ['typescript'] : ['jsx'],
    });
  } catch {
    return undefined;
  }
  if (ast.errors?.length) return undefined;
  const out: Span[] = [];
  let jsx = false;
  for (const c of ast.comments ?? [])
    out.push(`${c.type === 'CommentLine' ? 'line-comment' : 'block-comment'} ${c.start!}-${c.end!}`);
  for (const tok of (ast.tokens ?? []) as { type: { label: string } | string; start: number; end: number }[]) {
    const label = typeof tok.type === 'string' ? tok.type : tok.type.label;
    if (label === 'string') out.push(`string ${tok.start}-${tok.end}`);
    else if (label === 'regexp') out.push(`regex ${tok.start}-${tok.end}`);
  }
  const visit = (n: Node) => {
    if (n.type === 'JSXElement' || n.type === 'JSXFragment') jsx = true;
    if (n.type === 'TemplateLiteral')
      n.quasis.forEach((q) => out.push(`template ${q.start! - 1}-${q.end! + (q.tail ? 1 : 2)}`));
    // Every child, type annotations included (template literal types have quasis too).
    for (const [key, v] of Object.entries(n))
      if (key !== 'loc' && v && typeof v === 'object')
        for (const c of Array.isArray(v) ? v : [v]) if (c && typeof c.type === 'string') visit(c as Node);
  };
  visit(ast.program);
  if (jsx) return undefined;
  return out.sort();
}

function lexerSpans(code: string): Span[] {
  const out: Span[] = [];
  lexSpans(code, (kind, start, end) => out.push(`${kind} ${start}-${end}`));
  return out.sort();
}

describe('lexSpans', () => {
  it("finds exactly Babel's comments, strings, regexes and template chunks in this repository's scripts", () => {
    const files = fg.sync(['{src,test,bench,scripts,bin,fixtures}/**/*.{ts,mts,cts,js,mjs,cjs}'], {
      ignore: ['**/node_modules/**'],
    });
    let compared = 0;
    const wrong: string[] = [];
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      const expected = babelSpans(code, file);
      if (!expected) continue;
      compared++;
      const got = lexerSpans(code);
      if (got.join('\n') !== expected.join('\n')) {
        const missing = expected.filter((s) => !got.includes(s)).slice(0, 3);
        const extra = got.filter((s) => !expected.includes(s)).slice(0, 3);
        wrong.push(`${file}: missing ${missing.join(', ')}; extra ${extra.join(', ')}`);
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  });

  it('agrees with Babel on random statements mixing comments, strings, regexes, divisions and templates', () => {
    // Text pieces chosen to confuse a lexer: comment and quote openers inside strings, slashes in regexes.
    const text = fc.constantFrom('a', ' ', '//', '/*', '*/', '/', "\\'", '\\"', '`', '${', '}', '#', 'x y');
    const body = fc.array(text, { maxLength: 6 }).map((a) => a.join(''));
    const str = body.map((b) => `'${b.replace(/[\\\n]/g, '').replace(/'/g, "\\'")}'`);
    const regex = fc
      .array(fc.constantFrom('a', '[/]', '\\/', '"', "'", '`', '*'), { minLength: 1, maxLength: 4 })
      .map((a) => `/${a.join('')}/g`);
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('a', 'b.c', 'f(1)', '(a)', 'x[0]'),
        str,
        regex,
        fc.tuple(tie('e'), tie('e')).map(([l, r]) => `${l} / ${r}`),
        fc.tuple(body, tie('e')).map(([b, e]) => `\`${b.replace(/[\\`$]/g, '')}\${${e}}\``),
        fc.tuple(tie('e'), body).map(([e, b]) => `${e} /* ${b.replace(/\*\//g, '')} */`),
      ),
    })).e;
    const program = fc
      .array(
        fc.oneof(
          expr.map((e) => `v = ${e};`),
          expr.map((e) => `return ${e};`),
          body.map((b) => `// ${b.replace(/[\n\r]/g, '')}`),
        ),
        { minLength: 1, maxLength: 8 },
      )
      .map((lines) => `function f() {\n${lines.join('\n')}\n}\n`);
    fc.assert(
      fc.property(program, (code) => {
        const expected = babelSpans(code, 'p.js');
        fc.pre(expected !== undefined);
        expect(lexerSpans(code)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('tells a regex from a division, and ends a quote at its line', () => {
    const kinds = (code: string) => {
      const out: string[] = [];
      lexSpans(code, (kind, s, e) => out.push(`${kind}:${code.slice(s, e)}`));
      return out;
    };
    expect(kinds('a = b / c / d; // x')).toEqual(['line-comment:// x']);
    expect(kinds('return /a"b/g.test(x)')).toEqual(['regex:/a"b/g']);
    expect(kinds('x = [/[/]/, 1]')).toEqual(['regex:/[/]/']);
    expect(kinds("it's\nok // c")).toEqual(["string:'s", 'line-comment:// c']);
    expect(kinds('`a${ {b: "}"} }c` /* d */')).toEqual([
      'template:`a${',
      'string:"}"',
      'template:}c`',
      'block-comment:/* d */',
    ]);
    expect(kinds('#!/usr/bin/env node\n/x/')).toEqual(['regex:/x/']);
    expect(kinds('"// not a comment" /* unterminated')).toEqual([
      'string:"// not a comment"',
      'block-comment:/* unterminated',
    ]);
  });
});
