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
    ctx.errors.push({ file: ctx.file, line: p.line, column: p.column + 1, message: `Vue SFC: ${e.message}`, kind: 'parse' });
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
  props?: { type: number; name: string; exp?: { content: string; loc: { start: { offset: number }; end: { offset: number } } } }[];
  children?: TemplateNode[];
}

const DIRECTIVE = 7;

function visitTemplate(ctx: EmbedContext, node: TemplateNode, language: ScriptLanguage): void {
  for (const p of node.props ?? []) {
    if (p.type !== DIRECTIVE || p.name !== 'on' || !p.exp || !p.exp.content.trim()) continue;
    parseSlice(ctx, p.exp.loc.start.offset, p.exp.loc.end.offset, { kind: 'handler', sourceType: 'script', language, jsx: false });
  }
  for (const c of node.children ?? []) if (typeof c === 'object' && c) visitTemplate(ctx, c, language);
}

function parseBlock(ctx: EmbedContext, block: SFCBlock): void {
  const language = vueLanguage(block.lang);
  if (!language) {
    const p = ctx.lines.pos(block.loc.start.offset);
    ctx.errors.push({
      file: ctx.file, line: p.line, column: p.column + 1, kind: 'unsupported',
      message: `Vue <script lang="${block.lang}"> is not analysed`,
    });
    return;
  }
  // `<script src="./x.ts">`: the external file is app source of its own.
  parseSlice(ctx, block.loc.start.offset, block.loc.end.offset, {
    kind: 'module', sourceType: 'module', language, jsx: true,
  });
}
