/**
 * Vue single-file components: `<script>` and `<script setup>` blocks, parsed
 * at their exact file offsets. Blocks are found by @vue/compiler-sfc's `parse`
 * (the same block splitter Vue's build uses: custom blocks and `<template
 * lang="pug">` stay raw text); the template compiler is never run.
 *
 * compiler-sfc is large (~80 ms to load), so it is loaded on the first `.vue`
 * file only, synchronously through `createRequire` (its CommonJS build).
 */
import { createRequire } from 'node:module';
import type { SFCBlock, parse as ParseSfc } from '@vue/compiler-sfc';
import type { ScriptLanguage } from '../model.js';
import type { EmbedContext } from './embedded.js';
import { parseSlice } from './embedded.js';

let parseSfc: typeof ParseSfc | undefined;

function loadCompiler(): typeof ParseSfc {
  if (!parseSfc) {
    const require = createRequire(import.meta.url);
    parseSfc = (require('@vue/compiler-sfc') as { parse: typeof ParseSfc }).parse;
  }
  return parseSfc;
}

export function vueLanguage(lang: string | undefined): ScriptLanguage | undefined {
  switch ((lang ?? 'js').toLowerCase()) {
    case 'js':
    case 'javascript':
    case 'jsx':
      return 'js';
    case 'ts':
    case 'typescript':
      return 'ts';
    case 'tsx':
      return 'tsx';
    default:
      return undefined;
  }
}

export function parseVue(ctx: EmbedContext): void {
  const { descriptor, errors } = loadCompiler()(ctx.text, {
    filename: ctx.file,
    sourceMap: false,
    ignoreEmpty: true,
  });
  // Block-structure errors (a second `<script>`, an unclosed block) mean code
  // that is not analysed: report them all, template errors included.
  for (const e of errors) {
    const offset = 'loc' in e && e.loc ? e.loc.start.offset : 0;
    const p = ctx.lines.pos(offset);
    ctx.errors.push({
      file: ctx.file,
      line: p.line,
      column: p.column + 1,
      message: `Vue SFC: ${e.message}`,
      kind: 'parse',
    });
  }
  const blocks = [descriptor.script, descriptor.scriptSetup].filter((b): b is NonNullable<typeof b> => !!b);
  blocks.sort((a, b) => a.loc.start.offset - b.loc.start.offset);
  for (const block of blocks) parseBlock(ctx, block);
  // Template event handlers (`@click="…"`, `v-on:submit="…"`) are code too:
  // each is parsed as a handler script at its exact offsets.
  const template = descriptor.template as { ast?: TemplateNode; lang?: string } | null;
  const tsScript = blocks.some((b) => vueLanguage(b.lang) === 'ts' || vueLanguage(b.lang) === 'tsx');
  if (template?.ast && !template.lang) visitTemplate(ctx, template.ast, tsScript ? 'ts' : 'js');
}

interface TemplateNode {
  type?: number;
  props?: {
    type: number;
    name: string;
    value?: { content: string };
    exp?: { content: string; loc: { start: { offset: number }; end: { offset: number } } };
  }[];
  content?: { content?: string };
  children?: TemplateNode[];
}

const ATTRIBUTE = 6;
const DIRECTIVE = 7;
const INTERPOLATION = 5;

/** What a Vue template evaluates besides its event handlers, for the program model. */
export interface VueTemplateUses {
  /** False when the template is not analysed (`lang="pug"`, `src=`, unparsable): its uses are unknown. */
  analysed: boolean;
  /** Source text of bound expressions (`:title`, `v-if`, `{{ }}`) other than `@event` handlers. */
  expressions: string[];
  /** Names the template declares (`v-for` aliases, slot props). */
  locals: Set<string>;
}

/** The template of a `.vue` file, undefined when it has none. */
export function vueTemplateUses(text: string, file: string): VueTemplateUses | undefined {
  const { descriptor } = loadCompiler()(text, { filename: file, sourceMap: false, ignoreEmpty: true });
  const template = descriptor.template as { ast?: TemplateNode; lang?: string; src?: string } | null;
  if (!template) return undefined;
  const uses: VueTemplateUses = {
    analysed: Boolean(template.ast) && !template.lang && !template.src,
    expressions: [],
    locals: new Set(),
  };
  const words = (s: string) => s.match(/[A-Za-z_$][\w$]*/g) ?? [];
  const visit = (node: TemplateNode): void => {
    if (node.type === INTERPOLATION && node.content?.content) uses.expressions.push(node.content.content);
    for (const p of node.props ?? []) {
      if (p.type === ATTRIBUTE && p.name === 'slot-scope' && p.value)
        words(p.value.content).forEach((w) => uses.locals.add(w));
      if (p.type !== DIRECTIVE || p.name === 'on' || !p.exp) continue;
      const exp = p.exp.content;
      if (p.name === 'for') {
        const [lhs, rhs] = exp.split(/\s+(?:in|of)\s+/, 2);
        words(lhs ?? '').forEach((w) => uses.locals.add(w));
        uses.expressions.push(rhs ?? '');
      } else if (p.name === 'slot') words(exp).forEach((w) => uses.locals.add(w));
      else uses.expressions.push(exp);
    }
    for (const c of node.children ?? []) if (typeof c === 'object' && c) visit(c);
  };
  if (template.ast) visit(template.ast);
  return uses;
}

function visitTemplate(ctx: EmbedContext, node: TemplateNode, language: ScriptLanguage): void {
  for (const p of node.props ?? []) {
    if (p.type !== DIRECTIVE || p.name !== 'on' || !p.exp || !p.exp.content.trim()) continue;
    parseSlice(ctx, p.exp.loc.start.offset, p.exp.loc.end.offset, {
      kind: 'handler',
      sourceType: 'script',
      language,
      jsx: false,
    });
  }
  for (const c of node.children ?? []) if (typeof c === 'object' && c) visitTemplate(ctx, c, language);
}

function parseBlock(ctx: EmbedContext, block: SFCBlock): void {
  const language = vueLanguage(block.lang);
  if (!language) {
    const p = ctx.lines.pos(block.loc.start.offset);
    ctx.errors.push({
      file: ctx.file,
      line: p.line,
      column: p.column + 1,
      kind: 'unsupported',
      message: `Vue <script lang="${block.lang}"> is not analysed`,
    });
    return;
  }
  // `<script src="./x.ts">`: the external file is app source of its own.
  parseSlice(ctx, block.loc.start.offset, block.loc.end.offset, {
    kind: 'module',
    sourceType: 'module',
    language,
    jsx: true,
  });
}
