/**
 * Printer: model program -> JavaScript source, one sink per line, plus the
 * line -> sink id map used to match the engine's findings to sinks.
 *
 * `harness` mode (used only by oracle.test.ts to check the oracle against a
 * real JavaScript execution) prints every atom, call and loop source as a call
 * into an instrumented runtime instead (`__g(7, 'marketing')`, `__w(3)`, ...).
 */
import {
  type Cond,
  type Program,
  type SinkKind,
  type Stmt,
  cookiebotKeyOf,
  guardText,
  HOLD_TEXT,
  sinkText,
} from './model.js';

export interface Printed {
  code: string;
  /** 1-based line -> sink id. */
  sinkAtLine: Map<number, number>;
  /** sink id -> 1-based line. */
  lineOfSink: number[];
}

interface Ctx {
  lines: string[];
  sinkAtLine: Map<number, number>;
  lineOfSink: number[];
  harness: boolean;
  /** Counter for static ids of atoms/calls in harness mode. */
  site: number;
}

/** A loop test; none: `true` (in harness mode a counted `__t(site)` so the run stays bounded). */
function loopTest(c: Cond | undefined, ctx: Ctx, forHead = false): string {
  if (c) return bare(printCond(c, ctx));
  if (ctx.harness) return `__t(${ctx.site++})`;
  return forHead ? '' : 'true';
}

function printCond(c: Cond, ctx: Ctx): string {
  switch (c.k) {
    case 'guard':
      return ctx.harness ? `__g(${ctx.site++}, '${c.p}')` : guardText(c.p, c.form);
    case 'flag':
      return ctx.harness ? `__f(${ctx.site++})` : 'flag()';
    case 'ready':
      return ctx.harness ? `__r(${ctx.site++})` : 'ready';
    case 'not':
      return `!${printCond(c.c, ctx)}`;
    case 'and':
      return `(${printCond(c.a, ctx)} && ${printCond(c.b, ctx)})`;
    case 'or':
      return `(${printCond(c.a, ctx)} || ${printCond(c.b, ctx)})`;
    case 'tern':
      return `(${printCond(c.c, ctx)} ? ${printCond(c.a, ctx)} : ${printCond(c.b, ctx)})`;
    case 'stored':
    case 'nullish':
    case 'async':
      if (ctx.harness) throw new Error(`print: no harness form for ${c.k}`);
      if (c.k === 'stored') return `s${c.i}`;
      if (c.k === 'nullish') return `(Cookiebot?.consent?.${cookiebotKeyOf(c.p)} ?? ${c.dflt})`;
      return c.awaited ? `(await hasConsentAsync('${c.p}'))` : `hasConsentAsync('${c.p}')`;
  }
}

/** Does a condition await? */
function awaits(c: Cond): boolean {
  switch (c.k) {
    case 'async':
      return c.awaited;
    case 'not':
      return awaits(c.c);
    case 'and':
    case 'or':
      return awaits(c.a) || awaits(c.b);
    case 'tern':
      return awaits(c.c) || awaits(c.a) || awaits(c.b);
    default:
      return false;
  }
}

/** Does any condition of the program await (then `main` is `async`)? */
export function programAwaits(p: Program): boolean {
  let found = (p.stores ?? []).some(awaits);
  const visit = (list: Stmt[]): void => {
    for (const s of list) {
      if ('c' in s && s.c && awaits(s.c)) found = true;
      if ('body' in s) visit(s.body);
      if (s.k === 'if') {
        visit(s.then);
        visit(s.else ?? []);
      }
      if (s.k === 'try') {
        visit(s.block);
        visit(s.handler ?? []);
        visit(s.finalizer ?? []);
      }
      if (s.k === 'switch') for (const c of s.cases) visit(c.body);
    }
  };
  visit(p.body);
  return found;
}

/** Strip one pair of redundant outer parentheses for `if (...)` heads. */
function bare(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    if (depth === 0 && i < text.length - 1) return text; // first paren closes early
  }
  return text.slice(1, -1);
}

function sinkCall(kind: SinkKind, id: number, ctx: Ctx, form?: number): string {
  if (!ctx.harness) return sinkText(kind, form);
  return `__s(${id}, ${ctx.site++})`;
}

function workCall(ctx: Ctx): string {
  return ctx.harness ? `__w(${ctx.site++})` : 'work()';
}

function emit(ctx: Ctx, indent: number, text: string, sinkId?: number): void {
  ctx.lines.push('  '.repeat(indent) + text);
  if (sinkId !== undefined) {
    const line = ctx.lines.length;
    ctx.sinkAtLine.set(line, sinkId);
    ctx.lineOfSink[sinkId] = line;
  }
}

function printBlockBody(body: Stmt[], ctx: Ctx, indent: number): void {
  for (const s of body) printStmt(s, ctx, indent);
}

function id(s: { id?: number }): number {
  if (s.id === undefined) throw new Error('print: sink without id (program not legalized)');
  return s.id;
}

function printStmt(s: Stmt, ctx: Ctx, indent: number): void {
  const lbl = (l?: string) => (l ? `${l}: ` : '');
  switch (s.k) {
    case 'block':
      emit(ctx, indent, '{');
      printBlockBody(s.body, ctx, indent + 1);
      emit(ctx, indent, '}');
      return;
    case 'if': {
      // Early exit `if (!G) return;` stays on one line, as people write it.
      if (!s.else && s.then.length === 1 && (s.then[0].k === 'return' || s.then[0].k === 'throw')) {
        emit(
          ctx,
          indent,
          `if (${bare(printCond(s.c, ctx))}) ${s.then[0].k === 'return' ? 'return;' : 'throw new Error();'}`,
        );
        return;
      }
      emit(ctx, indent, `if (${bare(printCond(s.c, ctx))}) {`);
      printBlockBody(s.then, ctx, indent + 1);
      if (s.else) {
        emit(ctx, indent, '} else {');
        printBlockBody(s.else, ctx, indent + 1);
      }
      emit(ctx, indent, '}');
      return;
    }
    case 'while':
      emit(ctx, indent, `${lbl(s.label)}while (${loopTest(s.c, ctx)}) {`);
      printBlockBody(s.body, ctx, indent + 1);
      emit(ctx, indent, '}');
      return;
    case 'doWhile': {
      emit(ctx, indent, `${lbl(s.label)}do {`);
      printBlockBody(s.body, ctx, indent + 1);
      emit(ctx, indent, `} while (${loopTest(s.c, ctx)});`);
      return;
    }
    case 'for':
      {
        const test = loopTest(s.c, ctx, true);
        emit(ctx, indent, `${lbl(s.label)}for (${test ? `; ${test}; ` : ';;'}) {`);
      }
      printBlockBody(s.body, ctx, indent + 1);
      emit(ctx, indent, '}');
      return;
    case 'forOf':
      emit(ctx, indent, `${lbl(s.label)}for (const item of ${ctx.harness ? `__it(${ctx.site++})` : 'xs'}) {`);
      printBlockBody(s.body, ctx, indent + 1);
      emit(ctx, indent, '}');
      return;
    case 'labelled':
      emit(ctx, indent, `${s.label}: {`);
      printBlockBody(s.body, ctx, indent + 1);
      emit(ctx, indent, '}');
      return;
    case 'break':
      emit(ctx, indent, s.label ? `break ${s.label};` : 'break;');
      return;
    case 'continue':
      emit(ctx, indent, s.label ? `continue ${s.label};` : 'continue;');
      return;
    case 'return':
      emit(ctx, indent, 'return;');
      return;
    case 'throw':
      emit(ctx, indent, 'throw new Error();');
      return;
    case 'try':
      emit(ctx, indent, 'try {');
      printBlockBody(s.block, ctx, indent + 1);
      if (s.handler) {
        emit(ctx, indent, '} catch (e) {');
        printBlockBody(s.handler, ctx, indent + 1);
      }
      if (s.finalizer) {
        emit(ctx, indent, '} finally {');
        printBlockBody(s.finalizer, ctx, indent + 1);
      }
      emit(ctx, indent, '}');
      return;
    case 'switch':
      emit(ctx, indent, `switch (${ctx.harness ? `__x(${ctx.site++}, ${s.cases.length})` : 'x'}) {`);
      for (const c of s.cases) {
        emit(ctx, indent + 1, c.test === null ? 'default:' : `case ${c.test}:`);
        printBlockBody(c.body, ctx, indent + 2);
      }
      emit(ctx, indent, '}');
      return;
    case 'work':
      emit(ctx, indent, `${workCall(ctx)};`);
      return;
    case 'hold':
      if (ctx.harness) throw new Error('print: the harness has no OneSignal');
      emit(ctx, indent, `${HOLD_TEXT};`);
      return;
    case 'sink':
      emit(ctx, indent, `${sinkCall(s.sink, id(s), ctx, s.form)};`, id(s));
      return;
    case 'orSink':
      emit(ctx, indent, `${printCond(s.c, ctx)} || ${sinkCall(s.sink, id(s), ctx, s.form)};`, id(s));
      return;
    case 'andSink':
      emit(ctx, indent, `${printCond(s.c, ctx)} && ${sinkCall(s.sink, id(s), ctx, s.form)};`, id(s));
      return;
    case 'ternSink': {
      const c = printCond(s.c, ctx);
      // Evaluation order of sites in harness mode does not matter (ids are static).
      const sk = sinkCall(s.sink, id(s), ctx, s.form);
      const w = workCall(ctx);
      emit(ctx, indent, `${c} ? ${s.onTrue ? sk : w} : ${s.onTrue ? w : sk};`, id(s));
      return;
    }
  }
}

export function printProgram(p: Program, options: { harness?: boolean } = {}): Printed {
  const ctx: Ctx = { lines: [], sinkAtLine: new Map(), lineOfSink: [], harness: options.harness ?? false, site: 0 };
  const stores = (indent: number) =>
    (p.stores ?? []).forEach((c, i) => emit(ctx, indent, `const s${i} = ${bare(printCond(c, ctx))};`));
  if (p.topLevel) {
    stores(0);
    printBlockBody(p.body, ctx, 0);
  } else {
    emit(ctx, 0, `${programAwaits(p) ? 'async ' : ''}function main(x, xs) {`);
    stores(1);
    printBlockBody(p.body, ctx, 1);
    emit(ctx, 0, '}');
  }
  for (const m of p.mutated ?? [])
    emit(ctx, 0, `function qa_${m}() { Cookiebot.consent.${cookiebotKeyOf(m)} = true; }`);
  return { code: ctx.lines.join('\n') + '\n', sinkAtLine: ctx.sinkAtLine, lineOfSink: ctx.lineOfSink };
}
