/**
 * Stage 2 of the pipeline: Babel ASTs with exact file positions.
 *
 *   parseFile(file: DiscoveredFile) -> ParsedFile
 *
 * One `ParsedScript` per piece of JavaScript: the whole file for the
 * .ts/.js families, each inline `<script>` block, event-handler attribute
 * (`onclick`) and `javascript:` URL of an HTML page, the `<script>` /
 * `<script setup>` blocks of a Vue component, the `<script>` blocks of a
 * Svelte component, the frontmatter and `<script>` blocks of an Astro component,
 * and the `<script>` elements of a server-side template (EJS, ERB, PHP,
 * Handlebars, Nunjucks, Liquid, Twig, Jinja: ./templates.ts) read as HTML.
 *
 * Positions, for every kind of file: `node.loc.start.line` is the 1-based line
 * in the file and `node.loc.start.column` Babel's 0-based column in the file
 * (reports add 1); CRLF and a BOM do not shift them. `node.start`/`node.end`
 * index `ParsedScript.code`, so `code.slice(node.start, node.end)` is the
 * node's text.
 *
 * Never throws: parse failures are `AnalysisError`s of kind `parse` at the
 * real position with Babel's message. A recovered parse still yields its AST;
 * a block Babel gave up on yields none, and the file's other blocks are kept.
 */
import type { Node } from '@babel/types';
import type { AnalysisError, DiscoveredFile, ParsedFile, ParsedScript } from '../model.js';
import { forEachChild } from '../program/ast.js';
import { parseJsFile, parseScript, type SourceType } from './babel.js';
import type { EmbedContext } from './embedded.js';
import { parseHtml, parseSvelte } from './html.js';
import { LineIndex } from './positions.js';
import { parseVue } from './vue.js';
import { parseAstro } from './astro.js';
import { anyPrints, maskTemplate, TEMPLATE_TAGS, templateSyntax, templateTags, type TemplateTag } from './templates.js';
export { TEMPLATE_TAGS, pageHtml } from './templates.js';

export function parseFile(file: DiscoveredFile): ParsedFile {
  const scripts: ParsedScript[] = [];
  const errors: AnalysisError[] = [];
  let templateTagsOf: { start: number; end: number }[] | undefined;
  // Discovery strips a BOM; callers handing in raw text get the same positions.
  const text = file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text;
  const name = file.relPath;
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  try {
    switch (ext) {
      case 'ts':
      case 'cts':
      case 'mts':
      case 'tsx': {
        const language = ext === 'tsx' ? 'tsx' : 'ts';
        const script = parseScript(
          { file: name, code: text, language, kind: 'module', sourceType: sourceTypeFor(ext) },
          errors,
        );
        if (script) scripts.push(script);
        break;
      }
      case 'js':
      case 'jsx':
      case 'mjs':
      case 'cjs': {
        const script = parseJsFile(
          { file: name, code: text, language: 'js', kind: 'module', sourceType: sourceTypeFor(ext) },
          errors,
        );
        if (script && ext === 'js' && isClassicScript(script, text)) script.kind = 'script';
        if (script) scripts.push(script);
        break;
      }
      case 'html':
      case 'htm':
        // An html-webpack-plugin / lodash template (`<%= BASE_URL %>`) is a template page.
        if (templateSyntax(ext, text)) templateTagsOf = parseTemplatePage(name, text, 'ejs', scripts, errors);
        else parseHtml(context(name, text, scripts, errors));
        break;
      case 'vue':
        parseVue(context(name, text, scripts, errors));
        break;
      case 'svelte':
        parseSvelte(context(name, text, scripts, errors));
        break;
      case 'astro':
        parseAstro(context(name, text, scripts, errors));
        break;
      default:
        // A server-side template (./templates.ts): an HTML page once its tags are blanked.
        if (ext in TEMPLATE_TAGS) templateTagsOf = parseTemplatePage(name, text, ext, scripts, errors);
        else
          errors.push({
            file: name,
            line: 1,
            column: 1,
            kind: 'unsupported',
            message: `Unsupported file type: .${ext}`,
          });
    }
  } catch (err) {
    // A bug or a resource limit in a parser must not end the scan.
    errors.push({
      file: name,
      line: 1,
      column: 1,
      kind: 'parse',
      message: `Could not parse: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  return { file: name, scripts, errors, ...(templateTagsOf?.length && { templateTags: templateTagsOf }) };
}

/**
 * A server-side template as an HTML page, its tags blanked (./templates.ts). When a script does
 * not parse so and a tag prints a value, the page is masked again with placeholder names for the
 * printing tags (`gtag('config', <%= id %>)`), and that reading is kept if it parses with fewer errors.
 */
function parseTemplatePage(
  name: string,
  text: string,
  syntax: string,
  scripts: ParsedScript[],
  errors: AnalysisError[],
): TemplateTag[] {
  const tags = templateTags(syntax, text);
  const blanked = { scripts: [] as ParsedScript[], errors: [] as AnalysisError[] };
  parseHtml(context(name, maskTemplate(syntax, text, tags), blanked.scripts, blanked.errors));
  let best = blanked;
  if (anyPrints(tags) && blanked.errors.some((e) => e.kind === 'parse')) {
    const named = { scripts: [] as ParsedScript[], errors: [] as AnalysisError[] };
    parseHtml(context(name, maskTemplate(syntax, text, tags, true), named.scripts, named.errors));
    const parseErrors = (r: typeof named) => r.errors.filter((e) => e.kind === 'parse').length;
    if (parseErrors(named) < parseErrors(blanked)) best = named;
  }
  scripts.push(...best.scripts);
  errors.push(...best.errors);
  return tags;
}

/** `.mjs`/`.mts` are ES modules; the others are decided by their content (import/export). */
/**
 * A `.js` file with no `import`/`export` and nothing of CommonJS or AMD is a
 * classic script (`<script src="ct.js">`, a service worker): its top-level
 * `var`s and functions are globals every other script shares, as an inline
 * `<script>`'s are. A bundler would scope them to the file, and then reading
 * them as globals only adds values, never hides one.
 */
function isClassicScript(script: ParsedScript, text: string): boolean {
  return (
    script.ast.program.sourceType === 'script' &&
    script.language === 'js' &&
    !MODULE_SYSTEM.test(text) &&
    // JSX needs a compiler, and React's automatic runtime needs no import: a module of a bundle.
    !hasJsx(script.ast.program)
  );
}

function hasJsx(n: Node): boolean {
  if (n.type.startsWith('JSX')) return true;
  let found = false;
  forEachChild(n, (c) => {
    found ||= hasJsx(c);
  });
  return found;
}

const MODULE_SYSTEM = /\b(?:require\s*\(|module\.exports\b|exports\.[\w$]+\s*=|define\s*\()/;

function sourceTypeFor(ext: string): SourceType {
  return ext === 'mjs' || ext === 'mts' ? 'module' : 'unambiguous';
}

function context(file: string, text: string, scripts: ParsedScript[], errors: AnalysisError[]): EmbedContext {
  return { file, text, lines: new LineIndex(text), scripts, errors };
}
