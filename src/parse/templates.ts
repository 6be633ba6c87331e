/**
 * Server-side templates (EJS, ERB, PHP, Handlebars/Mustache, Nunjucks, Liquid,
 * Twig, Jinja, Smarty, JSP/ASP, Go templates) are HTML pages with template tags: the page's `<script>`
 * elements are where a layout pastes an SDK snippet. Each tag is masked to
 * spaces of the same length (line breaks kept), so the page parses as HTML at
 * the file's own positions; what a tag would print (`'<%= appId %>'`) becomes
 * blanks. A server-side condition around a snippet cannot be read: the
 * snippet is analysed as if it always ran (reported, never trusted). Where a
 * printing tag stands for an expression (`gtag('config', {{ id|tojson }})`,
 * `var x = <?= $y ?>;`), blanks leave a hole the script cannot parse with: the
 * page is then masked again with each printing tag as a placeholder name of
 * the same length (`__________`), a value the analysis does not know.
 */

type Tag = readonly [open: string, close: string];
const ERB: Tag = ['<%', '%>'];
const PHP: Tag = ['<?', '?>']; // `<?php`, `<?=`
const MUSTACHE: Tag = ['{{', '}}']; // `{{{ }}}` too (its last `}` is masked with it)
const JINJA: Tag[] = [MUSTACHE, ['{%', '%}'], ['{#', '#}']];
/**
 * Smarty (`.tpl`, PrestaShop, CMS themes): `{$var}`, `{if …}`, `{* … *}`. A brace
 * followed by white space is text (Smarty's auto-literal, how scripts keep their
 * braces), and `{literal}…{/literal}` is text whole: only those two tags are masked.
 */
const SMARTY: Tag = ['{', '}'];

/** Template file extensions (as discovery lists them) and their tags. */
export const TEMPLATE_TAGS: Readonly<Record<string, readonly Tag[]>> = {
  ejs: [ERB],
  erb: [ERB],
  php: [PHP, MUSTACHE], // Blade (`.blade.php`) prints with `{{ }}` too
  phtml: [PHP],
  hbs: [MUSTACHE],
  handlebars: [MUSTACHE],
  mustache: [MUSTACHE],
  njk: JINJA,
  liquid: JINJA,
  twig: JINJA,
  jinja: JINJA,
  j2: JINJA,
  tpl: [['{*', '*}'], SMARTY],
  jsp: [ERB], // JSP and ASP scriptlets, `<%= … %>` and `<%@ … %>`
  asp: [ERB],
  aspx: [ERB],
  gohtml: [MUSTACHE], // Go html/template
  tmpl: [MUSTACHE],
};

/**
 * The template tags of `text` (offsets, end exclusive), in order. One pass with
 * `indexOf`, linear in the text: an opener with no closer runs to the end of
 * the file (a regular expression would rescan the rest from every such opener).
 */
export interface TemplateTag {
  start: number;
  end: number;
  /** The tag prints a value (`<%= x %>`, `<?= $x ?>`, `{{ x }}`, `{$x}`), rather than running a statement or a comment. */
  prints?: boolean;
}

/** Go / Handlebars block words: `{{ if … }}`, `{{else}}`, `{{ end }}`, `{{ range … }}`. */
const BLOCK_WORD = /^\{\{-?\s*(?:if|else|end|range|with|define|template|block|unless|each|let)\b/;

/** Does the tag starting at `start` (opened by `open`) print a value? */
function prints(open: string, text: string, start: number): boolean {
  const next = text[start + open.length];
  switch (open) {
    case '<%':
      return next === '=' || (next === '-' && text[start + 3] !== '-'); // `<%--` is a JSP comment
    case '<?':
      return next === '=';
    case '{{':
      return (
        !/[#/^!>&*]/.test(text[start + 2 + (text[start + 2] === '-' ? 1 : 0)] ?? '') &&
        !BLOCK_WORD.test(text.slice(start, start + 24))
      );
    case '{':
      return next === '$';
    default:
      return false;
  }
}

export function templateTags(ext: string, text: string): TemplateTag[] {
  const tags = TEMPLATE_TAGS[ext] ?? [];
  const next = tags.map(([open]) => text.indexOf(open));
  const out: TemplateTag[] = [];
  for (let i = 0; ;) {
    let k = -1;
    for (let j = 0; j < tags.length; j++) {
      if (next[j] !== -1 && next[j] < i) next[j] = text.indexOf(tags[j][0], i);
      if (next[j] !== -1 && (k === -1 || next[j] < next[k])) k = j;
    }
    if (k === -1) return out;
    const [open, close] = tags[k];
    const start = next[k];
    if (tags[k] === SMARTY && /\s/.test(text[start + 1] ?? ' ')) {
      next[k] = text.indexOf(open, start + 1); // a script's own brace
      continue;
    }
    if (tags[k] === SMARTY && text.startsWith('{literal}', start)) {
      // Its text is kept; `{/literal}` (or the end of the file) closes it.
      const at = text.indexOf('{/literal}', start);
      out.push({ start, end: start + '{literal}'.length });
      if (at === -1) return out;
      out.push({ start: at, end: at + '{/literal}'.length });
      i = at + '{/literal}'.length;
      continue;
    }
    const at = text.indexOf(close, start + open.length);
    let end = at === -1 ? text.length : at + close.length;
    if (open === '{{' && text.startsWith('{{{', start) && text[end] === '}') end++;
    out.push(prints(open, text, start) ? { start, end, prints: true } : { start, end });
    i = end;
  }
}

/**
 * `text` with the given template tags replaced by spaces (line breaks kept): the same positions.
 * `placeholders`: a printing tag becomes a name of underscores instead (see above).
 */
export function maskTemplate(ext: string, text: string, tags = templateTags(ext, text), placeholders = false): string {
  let out = '';
  let i = 0;
  for (const { start, end, prints } of tags) {
    const tag = text.slice(start, end);
    out += text.slice(i, start) + (placeholders && prints ? placeholder(tag) : blank(tag));
    i = end;
  }
  return out + text.slice(i);
}

const blank = (tag: string) => tag.replace(/[^\r\n\u2028\u2029]/g, ' ');
const placeholder = (tag: string) => tag.replace(/[^\r\n\u2028\u2029]/g, '_');

/** Do the tags include a printing one (worth a second masking when the blanked page does not parse)? */
export function anyPrints(tags: TemplateTag[]): boolean {
  return tags.some((t) => t.prints);
}

/**
 * The template syntax of a page file: a server template's extension, or `ejs` for an .html page
 * holding `<% … %>` tags (html-webpack-plugin / lodash templates: Vue CLI's `public/index.html`).
 */
export function templateSyntax(ext: string, text: string): string | undefined {
  if (ext in TEMPLATE_TAGS) return ext;
  return (ext === 'html' || ext === 'htm') && text.includes('<%') ? 'ejs' : undefined;
}

/** The HTML of a page file: an .html/.htm file's text, a template's masked text; undefined for other files. */
export function pageHtml(relPath: string, text: string): string | undefined {
  const ext = /\.([^./]+)$/.exec(relPath)?.[1]?.toLowerCase() ?? '';
  const syntax = templateSyntax(ext, text);
  if (syntax) return maskTemplate(syntax, text);
  return ext === 'html' || ext === 'htm' ? text : undefined;
}
