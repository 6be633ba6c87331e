import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from '@babel/types';
import { describe, expect, it } from 'vitest';
import { discover } from '../src/discover/index.js';
import type { DiscoveredFile, ParsedFile, ParsedScript } from '../src/model.js';
import { parseFile, TEMPLATE_TAGS } from '../src/parse/index.js';
import { maskTemplate } from '../src/parse/templates.js';
import { TEMPLATE_EXTENSIONS } from '../src/discover/list.js';
import { compactAst, locOf, scriptPositions } from '../src/parse/compact.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sources', import.meta.url));

function fixture(relPath: string): DiscoveredFile {
  const absPath = path.join(FIXTURES, relPath);
  return { absPath, relPath, text: readFileSync(absPath, 'utf8') };
}

function inline(relPath: string, text: string): DiscoveredFile {
  return { absPath: path.join('/virtual', relPath), relPath, text };
}

/** Every node of a script (not descending into comments), depth first. */
function nodes(script: ParsedScript): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const n = v as Node & Record<string, unknown>;
    if (typeof n.type !== 'string') return;
    out.push(n);
    for (const [k, child] of Object.entries(n)) {
      if (k === 'loc' || k.endsWith('Comments') || k === 'extra') continue;
      visit(child);
    }
  };
  visit(script.ast.program);
  return out;
}

/** `callee@line:column` (1-based column) of every call, using `code` for the callee text. */
function calls(parsed: ParsedFile): string[] {
  const out: string[] = [];
  for (const s of parsed.scripts) {
    for (const n of nodes(s)) {
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
        out.push(
          `${s.code.slice(n.callee.start!, n.callee.end!)}@${locOf(n)!.start.line}:${locOf(n)!.start.column + 1}`,
        );
      }
    }
  }
  return out;
}

/** The call whose callee text is `callee`: [line, 1-based column]. */
function callAt(parsed: ParsedFile, callee: string): [number, number] | undefined {
  for (const s of parsed.scripts) {
    for (const n of nodes(s)) {
      if (n.type === 'CallExpression' && s.code.slice(n.callee.start!, n.callee.end!) === callee) {
        return [locOf(n)!.start.line, locOf(n)!.start.column + 1];
      }
    }
  }
  return undefined;
}

function shape(parsed: ParsedFile): string[] {
  return parsed.scripts.map((s) => `${s.kind}:${s.language}`);
}

describe('parse: the fixture apps, exact positions', () => {
  it.each([
    // file, callee, line, column (1-based), kind:language of the script holding it
    ['web-cdn/index.html', 'Leanplum.setAppIdForProductionMode', 14, 5],
    ['web-cdn/index.html', 'Leanplum.start', 15, 5],
    ['web-cdn/index.html', 'renderBasket', 19, 5],
    ['web-cdn/index.html', 'window.Leanplum.registerForWebPush', 22, 15],
    ['web-cdn/index.html', 'Leanplum.forceNewDeviceId', 25, 23],
    ['web-cdn/app.js', 'Leanplum.registerForWebPush', 4, 5],
    ['web-cdn/app.js', 'Leanplum.setDeviceId', 10, 1],
    ['rn-flow/App.js', 'Leanplum.start', 16, 5],
    ['rn-flow/App.js', 'useEffect', 14, 3],
    ['rn-flow/src/marketing.js', 'Leanplum.registerForRemoteNotifications', 8, 3],
    ['rn-flow/src/consent.js', 'NativeModules.ConsentManager.isGranted', 6, 10],
    ['rn-flow/index.js', 'AppRegistry.registerComponent', 8, 1],
    ['vue-app/src/App.vue', 'Leanplum.setAppIdForProductionMode', 16, 3],
    ['vue-app/src/App.vue', 'Leanplum.start', 17, 3],
    ['vue-app/src/App.vue', 'Leanplum.registerForWebPush', 21, 3],
    ['vue-app/src/components/ConsentBanner.vue', 'Leanplum.start', 18, 9],
    ['web-cdn/index.html', 'hasConsent', 24, 36],
    ['svelte-app/src/App.svelte', 'Leanplum.start', 12, 5],
    ['misc/bom-crlf.ts', 'Leanplum.start', 5, 3],
    ['broken/src/good.ts', 'Leanplum.start', 4, 3],
  ] as const)('%s: %s at %i:%i', (file, callee, line, column) => {
    const parsed = parseFile(fixture(file));
    expect(parsed.errors).toEqual([]);
    expect(callAt(parsed, callee)).toEqual([line, column]);
  });

  it('the onclick handler with &quot; references keeps exact positions', () => {
    const parsed = parseFile(fixture('web-cdn/index.html'));
    const handler = parsed.scripts.find((s) => s.kind === 'handler' && s.code.startsWith('if (hasConsent'))!;
    expect(handler.code).toBe('if (hasConsent("marketing")) Leanplum.start()');
    expect(calls({ ...parsed, scripts: [handler] })).toEqual(['hasConsent@24:36', 'Leanplum.start@24:71']);
    const arg = nodes(handler).find((n) => n.type === 'StringLiteral')!;
    // `"marketing"` is written `&quot;marketing&quot;`: columns 47 to 68 of the file
    const loc = locOf(arg)!;
    expect([loc.start.line, loc.start.column + 1, loc.end.line, loc.end.column + 1]).toEqual([24, 47, 24, 68]);
    expect(handler.code.slice(arg.start!, arg.end!)).toBe('"marketing"');
  });

  it.each([
    // The first `script:js` is the `<script src="https://unpkg.com/…">` element itself (a possible script-load sink).
    ['web-cdn/index.html', ['script:js', 'script:js', 'module:js', 'handler:js', 'handler:js', 'handler:js']],
    ['web-cdn/app.js', ['script:js']], // loaded by index.html's <script src>: a classic script
    ['rn-flow/App.js', ['module:flow']], // `// @flow` pragma
    ['rn-flow/src/marketing.js', ['module:flow']], // Flow types, no pragma
    ['rn-flow/index.js', ['module:js']],
    ['vue-app/src/App.vue', ['module:ts', 'handler:ts']],
    ['vue-app/src/components/ConsentBanner.vue', ['module:js', 'handler:js']],
    ['vue-app/src/main.ts', ['module:ts']],
    ['svelte-app/src/App.svelte', ['module:js', 'module:ts']],
    ['web-cdn/basket.mjs', ['module:js']],
  ])('%s -> %j', (file, expected) => {
    const parsed = parseFile(fixture(file));
    expect(shape(parsed)).toEqual(expected);
    expect(parsed.file).toBe(file);
    for (const s of parsed.scripts) expect(s.file).toBe(file);
  });

  it('a broken file reports the real position and its sibling still parses', async () => {
    const d = await discover(path.join(FIXTURES, 'broken'));
    const [broken, good] = d.files.map(parseFile);
    expect(broken.scripts).toEqual([]);
    expect(broken.errors).toEqual([
      { file: 'src/broken.ts', line: 5, column: 1, kind: 'parse', message: 'Unexpected token' },
    ]);
    expect(good.errors).toEqual([]);
    expect(callAt(good, 'Leanplum.start')).toEqual([4, 3]);
  });

  it('decorators: legacy first, the standard grammar where the legacy one misreads (`@Dec()` then `[key]: T`)', () => {
    const legacy = parseFile(
      inline('src/a.ts', '@Component({ a: 1 })\nexport class A {\n  constructor(@Inject(T) t: T) {}\n}\n'),
    );
    expect(legacy.errors).toEqual([]);
    const computed = parseFile(
      inline('src/dto.ts', "enum Keys { A = 'A' }\nexport class Req {\n  @Dec()\n  [Keys.A]: string;\n}\n"),
    );
    expect(computed.errors).toEqual([]);
    const cls = computed.scripts[0].ast.program.body[1];
    const member =
      cls.type === 'ExportNamedDeclaration' && cls.declaration?.type === 'ClassDeclaration'
        ? cls.declaration.body.body[0]
        : undefined;
    expect(member && 'decorators' in member ? member.decorators?.length : 0).toBe(1);
    expect(member && 'computed' in member ? member.computed : false).toBe(true);
    // Still an error where neither grammar reads it.
    expect(parseFile(inline('src/bad.ts', 'class B {\n  @\n}\n')).errors).not.toEqual([]);
  });

  it('BOM + CRLF: discovered text and raw text with a BOM give the same positions', async () => {
    const d = await discover(FIXTURES, { include: ['misc/bom-crlf.ts'] });
    const viaDiscover = parseFile(d.files[0]);
    const raw = readFileSync(path.join(FIXTURES, 'misc/bom-crlf.ts'), 'latin1');
    expect(raw.startsWith('\u00ef\u00bb\u00bf')).toBe(true); // the fixture really has a BOM
    const withBom = parseFile(inline('misc/bom-crlf.ts', '\uFEFF' + d.files[0].text));
    expect(calls(viaDiscover)).toEqual(['Leanplum.start@5:3']);
    expect(calls(withBom)).toEqual(['Leanplum.start@5:3']);
    const comment = viaDiscover.scripts[0].ast.comments![0];
    expect([locOf(comment)!.start.line, locOf(comment)!.start.column]).toEqual([3, 0]);
  });
});

describe('parse: HTML', () => {
  it("a `<script src>`'s text runs only if it is JavaScript: `<script src … />` swallows markup, not an error", () => {
    const html =
      '<body>\n<script src="https://js.example.com/v3/" />\n<script>\n  Leanplum.start();\n</script>\n' +
      '<script src="https://cdn.example.com/loader.js">Leanplum.start();</script>\n</body>\n';
    const parsed = parseFile(inline('page.html', html));
    expect(parsed.errors).toEqual([]);
    // The swallowed `<script>` never runs (as in a browser); the loader's own JavaScript text is still read.
    expect(calls(parsed)).toEqual(['Leanplum.start@6:49']);
  });

  it.each([
    [
      'CRLF page, handler spanning lines',
      '<!doctype html>\r\n<html>\r\n<head>\r\n<script>\r\n  Leanplum.start();\r\n</script>\r\n</head>\r\n' +
        '<body onclick="a();\r\n    Leanplum.registerForWebPush()">\r\n</body>\r\n</html>\r\n',
      ['Leanplum.start@5:3', 'a@8:16', 'Leanplum.registerForWebPush@9:5'],
    ],
    [
      'script on the same line as markup',
      '<p>Hi</p><script>Leanplum.start()</script><script>  go();</script>',
      ['Leanplum.start@1:18', 'go@1:53'],
    ],
    [
      'single-quoted, unquoted and spaced attributes',
      '<body onload=\'Leanplum.start()\'>\n<div onclick=go()></div>\n<i onmouseover = "a()" ONCLICK="b()"></i>',
      ['Leanplum.start@1:15', 'go@2:14', 'a@3:19', 'b@3:33'],
    ],
    [
      'entities before and after the code',
      '<button onclick="hasConsent(&quot;marketing&quot;) &amp;&amp;\n  Leanplum.start(&#39;x&#x27;)">',
      ['hasConsent@1:18', 'Leanplum.start@2:3'],
    ],
    [
      'javascript: URLs',
      '<a href="javascript:Leanplum.start()">x</a>\n<a href=" JavaScript:void go()">y</a>\n<a href="/home">z</a>',
      ['Leanplum.start@1:21', 'go@2:27'],
    ],
    [
      'scripts inside <template> and <svg>',
      '<template id="t"><script>tpl()</script></template>\n<svg><script>svg()</script></svg>',
      ['tpl@1:26', 'svg@2:14'],
    ],
    ['unclosed script at end of file', '<html><body>\n<script>\n  Leanplum.start()\n', ['Leanplum.start@3:3']],
  ])('%s', (_name, html, expected) => {
    const parsed = parseFile(inline('page.html', html));
    expect(parsed.errors).toEqual([]);
    expect(calls(parsed)).toEqual(expected);
  });

  it.each([
    ['<script>a()</script>', ['script:js']],
    ['<script type="module">import x from "./x.js"; x()</script>', ['module:js']],
    ['<script type="TEXT/JavaScript">a()</script>', ['script:js']],
    ['<script language="javascript">a()</script>', ['script:js']],
    ['<script type="application/ld+json">{"a": 1}</script>', []],
    ['<script type="text/template"><li>{{ x }}</li></script>', []],
    ['<script type="text/x-template" id="t"><div @click="go">x</div></script>', []],
    ['<script type="importmap">{"imports": {}}</script>', []],
    // An absolute `src`: the element is parsed as JSX (`<script src="…"></script>`) so policies can name the URL as a sink.
    ['<script src="https://unpkg.com/leanplum-sdk@1.9.0/dist/leanplum.min.js"></script>', ['script:js']],
    ['<script src="x.js">\n  \n</script>', []],
    ['<script src="x.js">configure({ a: 1 })</script>', ['script:js']],
    ['<script type="text/babel">const App = () => <div onClick={go} />;</script>', ['script:js']],
    ['<script></script><script>   </script>', []],
    ['<div onclick=""></div><div data-onclick="x()"></div><div on-click="y()"></div>', []],
    ['<div onclick="return false"></div>', ['handler:js']],
  ])('%s -> %j', (html, expected) => {
    const parsed = parseFile(inline('page.html', html));
    expect(parsed.errors).toEqual([]);
    expect(shape(parsed)).toEqual(expected);
  });

  it('a broken script loses only itself; the error has its file position', () => {
    const html = [
      '<!doctype html>',
      '<script>',
      '  Leanplum.start(;',
      '</script>',
      '<script>',
      '  Leanplum.registerForWebPush();',
      '</script>',
      '<body onload="go(">',
    ].join('\n');
    const parsed = parseFile(inline('site/page.html', html));
    expect(calls(parsed)).toEqual(['Leanplum.registerForWebPush@6:3']);
    expect(parsed.errors).toEqual([
      { file: 'site/page.html', line: 3, column: 18, kind: 'parse', message: 'Unexpected token' },
      { file: 'site/page.html', line: 8, column: 18, kind: 'parse', message: 'Unexpected token' },
    ]);
  });

  it('a recovered error keeps the script and reports the position', () => {
    const parsed = parseFile(
      inline('p.html', '<p>\n<script>\n  let a = 1; let a = 2;\n  Leanplum.start();\n</script>'),
    );
    expect(calls(parsed)).toEqual(['Leanplum.start@4:3']);
    expect(parsed.errors).toEqual([
      { file: 'p.html', line: 3, column: 18, kind: 'parse', message: "Identifier 'a' has already been declared." },
    ]);
  });

  it('any named entity (here &eacute;) decodes like the browser, positions exact after it', () => {
    const parsed = parseFile(inline('p.html', '<b onclick="t = \'&eacute;t&eacute;\'; Leanplum.start()">'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.scripts[0].code).toBe("t = 'été'; Leanplum.start()");
    const [line, column] = callAt(parsed, 'Leanplum.start')!;
    expect(line).toBe(1);
    expect(column).toBe(38); // the two references are 14 characters longer than their text
  });

  it('keeps comments (suppression directives) at file positions', () => {
    const html =
      '<html>\n<script>\n  // consent-lint-disable-next-line leanplum/init -- native layer asks\n  Leanplum.start();\n</script>';
    const s = parseFile(inline('p.html', html)).scripts[0];
    const c = s.ast.comments![0];
    expect(c.value).toBe(' consent-lint-disable-next-line leanplum/init -- native layer asks');
    expect([locOf(c)!.start.line, locOf(c)!.start.column]).toEqual([3, 2]);
    const call = nodes(s).find((n) => n.type === 'ExpressionStatement')!;
    // Read from `ast.comments` (no stage reads comments attached to nodes, so Babel does not attach them).
    expect(c.end!).toBeLessThan(call.start!);
  });

  it('classic scripts are sloppy-mode scripts; HTML comments are allowed', () => {
    const parsed = parseFile(inline('p.html', '<script>\n<!--\nwith (o) { go(010) }\n//-->\n</script>'));
    expect(parsed.errors).toEqual([]);
    expect(calls(parsed)).toEqual(['go@3:12']);
    expect(parsed.scripts[0].ast.program.sourceType).toBe('script');
  });
});

describe('parse: JavaScript and TypeScript files', () => {
  it.each([
    ['a.js', 'const a = <div onClick={() => go()} />;', 'js'],
    ['a.jsx', 'export const A = () => <b>{go()}</b>;', 'js'],
    ['a.js', '// @flow\nconst n: number = go();', 'flow'],
    ['a.js', '/**\n * @noflow\n */\ngo();', 'flow'],
    ['a.js', '#!/usr/bin/env node\n// @flow strict\ngo();', 'flow'],
    ['a.js', 'go();\n// @flow\n', 'js', 'script'], // a pragma after code is not a pragma; no module system: classic
    ['a.js', 'import type { T } from "./t";\nexport function f(x: T): ?string { return go(x); }', 'flow'],
    ['a.js', 'export class A { +x: number = go(); }', 'flow'],
    ['a.cjs', 'if (!module.parent) return;\nmodule.exports = go();', 'js'],
    ['a.mjs', 'await go();', 'js'],
    ['a.ts', 'const a = <string>go(); enum E { A }', 'ts'],
    ['a.mts', 'export const x: number = go();', 'ts'],
    ['a.cts', 'import fs = require("fs"); export = go();', 'ts'],
    ['a.tsx', 'export const A = (p: { n: number }) => <b>{go(p.n)}</b>;', 'tsx'],
    ['a.ts', '@Component({})\nexport class A { @Input() x = go(); }', 'ts'],
    ['a.js', 'function f() { with (o) { return go(010); } }', 'js', 'script'], // sloppy script
    ['a.js', 'var lp = Leanplum;\nlp.start(go());', 'js', 'script'], // `<script src="a.js">`: its `var`s are globals
    ['a.js', 'var lp = require("lp");\nlp.start(go());', 'js'], // CommonJS
    ['a.js', 'define(["lp"], function (lp) { lp.start(go()); });', 'js'], // AMD
  ])('%s %j -> %s', (file, code, language, kind = 'module') => {
    const parsed = parseFile(inline(file, code));
    expect(parsed.errors).toEqual([]);
    expect(shape(parsed)).toEqual([`${kind}:${language}`]);
    expect(calls(parsed).some((c) => c.startsWith('go@'))).toBe(true);
  });

  it('plain JS keeps its meaning: f<T>(x) is two comparisons without a pragma, a call with one', () => {
    const plain = parseFile(inline('a.js', 'f<T>(x);'));
    expect(shape(plain)).toEqual(['script:js']);
    expect(plain.scripts[0].ast.program.body[0]).toMatchObject({
      expression: { type: 'BinaryExpression', operator: '>' },
    });
    const flow = parseFile(inline('a.js', '// @flow\nf<T>(x);'));
    expect(flow.scripts[0].ast.program.body[0]).toMatchObject({ expression: { type: 'CallExpression' } });
  });

  it('a genuine syntax error in JS is reported once, from the better parse', () => {
    const parsed = parseFile(inline('src/a.js', 'import x from "y";\n\nfunction f( {\n  go();\n}\n'));
    expect(parsed.scripts).toEqual([]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ file: 'src/a.js', line: 4, kind: 'parse' });
  });

  it('Flow file with a syntax error keeps the recovered Flow AST', () => {
    const parsed = parseFile(inline('a.js', 'type T = {| a: number |};\nlet a = 1; let a = 2;\nLeanplum.start();'));
    expect(shape(parsed)).toEqual(['module:flow']);
    expect(calls(parsed)).toEqual(['Leanplum.start@3:1']);
    expect(parsed.errors).toEqual([
      { file: 'a.js', line: 2, column: 16, kind: 'parse', message: "Identifier 'a' has already been declared." },
    ]);
  });

  it('CRLF, tabs and astral characters keep columns in UTF-16 code units', () => {
    const parsed = parseFile(inline('a.ts', "const s = '😀';\r\n\tif (x) {\r\n\t\tLeanplum.start();\r\n\t}\r\n"));
    expect(calls(parsed)).toEqual(['Leanplum.start@3:3']);
    const astral = parseFile(inline('b.ts', "const s = '😀'; go();"));
    expect(calls(astral)).toEqual(['go@1:17']); // the emoji is two code units
  });

  it('unsupported extensions are reported, not thrown', () => {
    expect(parseFile(inline('a.coffee', 'go()'))).toEqual({
      file: 'a.coffee',
      scripts: [],
      errors: [
        { file: 'a.coffee', line: 1, column: 1, kind: 'unsupported', message: 'Unsupported file type: .coffee' },
      ],
    });
  });

  it('ParsedScript.code is the source text and node offsets index it', () => {
    const code = 'import { Leanplum } from "@leanplum/react-native-sdk";\nLeanplum?.start();\nLeanplum["start"]();';
    const s = parseFile(inline('a.js', code)).scripts[0];
    expect(s.code).toBe(code);
    expect(calls(parseFile(inline('a.js', code)))).toEqual(['Leanplum?.start@2:1', 'Leanplum["start"]@3:1']);
  });
});

describe('parse: Vue and Svelte', () => {
  it('<script> and <script setup> blocks in source order, CRLF', () => {
    const vue = [
      '<template>',
      '  <button @click="go">x</button>',
      '</template>',
      '<script setup lang="tsx">',
      'const el = <b>{Leanplum.start()}</b>;',
      '</script>',
      '<script lang="ts">',
      'export default { name: "A" as string, created() { Leanplum.registerForWebPush(); } };',
      '</script>',
    ].join('\r\n');
    const parsed = parseFile(inline('src/A.vue', vue));
    expect(parsed.errors).toEqual([]);
    // The template's `@click` handler is a script of its own, at its exact position.
    expect(shape(parsed)).toEqual(['module:tsx', 'module:ts', 'handler:ts']);
    expect(calls(parsed)).toEqual(['Leanplum.start@5:16', 'Leanplum.registerForWebPush@8:51']);
    const handler = parsed.scripts.find((x) => x.kind === 'handler')!;
    expect(handler.code).toBe('go');
    expect(locOf(handler.ast.program)!.start).toMatchObject({ line: 2, column: 18 });
  });

  it.each([
    [
      'a second <script> is not analysed: reported',
      '<script>\nexport default {}\n</script>\n<script>\nLeanplum.start()\n</script>',
      [
        {
          line: 4,
          column: 1,
          kind: 'parse',
          message: 'Vue SFC: Single file component can contain only one <script> element',
        },
      ],
      ['module:js'],
    ],
    [
      'an unsupported script language is reported',
      '<script lang="coffee">\nLeanplum.start()\n</script>',
      [{ line: 1, column: 23, kind: 'unsupported', message: 'Vue <script lang="coffee"> is not analysed' }],
      [],
    ],
    ['an external script is app source of its own', '<script src="./a.ts"></script>', [], []],
    [
      'a broken block reports its position',
      '<template><p/></template>\n<script setup lang="ts">\nconst a: = 1;\n</script>',
      [{ line: 3, column: 10, kind: 'parse', message: 'Unexpected token' }],
      [],
    ],
  ])('%s', (_name, vue, errors, expected) => {
    const parsed = parseFile(inline('A.vue', vue));
    expect(parsed.errors).toEqual(errors.map((e) => ({ file: 'A.vue', ...e })));
    expect(shape(parsed)).toEqual(expected);
  });

  it('Svelte: top-level scripts are modules, <svelte:head> scripts are page scripts', () => {
    const svelte = [
      '<script context="module" lang="ts">',
      '  export const load = (): void => go();',
      '</script>',
      '<svelte:head>',
      '  <script>window.dataLayer = []; Leanplum.start();</script>',
      '</svelte:head>',
      '<button on:click={() => Leanplum.start()}>x</button>',
    ].join('\n');
    const parsed = parseFile(inline('App.svelte', svelte));
    expect(parsed.errors).toEqual([]);
    // The markup's `on:click={…}` is a handler script of its own, at its exact position.
    expect(shape(parsed)).toEqual(['module:ts', 'script:js', 'handler:ts']);
    expect(calls(parsed)).toEqual(['go@2:35', 'Leanplum.start@5:34', 'Leanplum.start@7:25']);
  });
});

describe('compacted ASTs', () => {
  // Babel's own positions, before compaction, for every node and comment.
  const babelPositions = (ast: object): Map<object, string> => {
    const out = new Map<object, string>();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(visit);
      if (!v || typeof v !== 'object') return;
      const n = v as Node & Record<string, unknown>;
      if (typeof n.type !== 'string') return;
      const l = locOf(n)!;
      out.set(n, `${l.start.line}:${l.start.column}:${l.start.index}-${l.end.line}:${l.end.column}:${l.end.index}`);
      for (const [k, child] of Object.entries(n)) if (k !== 'loc' && k !== 'extra' && k !== 'errors') visit(child);
    };
    visit(ast);
    return out;
  };

  const sources = [
    'const a = 1;\nfunction f(x) {\n  return `t\n${x}\r\nu` + "s\\\r\nq";\n}\r\n/* c\r\n d */ f(<div>\n  {a}\r\n</div>);\r',
    'let x = 1;\r\rlet y = `a\rb`; // end\n',
    // A line separator escaped in a string is no line break to Babel: such scripts keep Babel's positions.
    'let s = "a\\\u2028b";\nlet t = 1; /* \u2029 */ t++;\n',
  ];
  for (const [i, code] of sources.entries()) {
    for (const start of [
      { line: 1, column: 0 },
      { line: 7, column: 13 },
    ]) {
      it(`every node and comment keeps Babel's line, column and index (source ${i}, start ${start.line}:${start.column})`, async () => {
        const { parse } = await import('@babel/parser');
        const ast = parse(code, {
          errorRecovery: true,
          startLine: start.line,
          startColumn: start.column,
          startIndex: 0,
          plugins: ['jsx'],
        });
        const before = babelPositions(ast);
        compactAst(ast, scriptPositions(code, 'x.js', start));
        const after = babelPositions(ast);
        expect([...after.values()]).toEqual([...before.values()]);
        expect(before.size).toBeGreaterThan(10);
        // eslint-disable-next-line no-restricted-syntax -- what compaction left under `loc` is the point
        expect(ast.program.loc!.constructor.name).toBe(code.includes('\u2028') ? 'SourceLocation' : 'ScriptPositions');
      });
    }
  }
});

describe('compaction reaches every node', () => {
  // Compaction walks by visitor keys: a child held under any other key would keep Babel's `loc` (wrong for
  // decoded HTML, whose positions are remapped) and its arrays' slack. Every fixture script of every language.
  it('every node and comment of every fixture script has a computed loc', async () => {
    const { default: fg } = await import('fast-glob');
    const root = fileURLToPath(new URL('../fixtures', import.meta.url));
    const files = fg.sync('**/*.{ts,tsx,js,jsx,mjs,cjs,vue,svelte,html,astro,ejs,php}', { cwd: root });
    let checked = 0;
    for (const rel of files) {
      const text = readFileSync(path.join(root, rel), 'utf8');
      if (/[\u2028\u2029]/.test(text)) continue; // such scripts keep Babel's positions (compact.ts)
      for (const script of parseFile({ absPath: path.join(root, rel), relPath: rel, text }).scripts) {
        const visit = (v: unknown): void => {
          if (Array.isArray(v)) return v.forEach(visit);
          if (!v || typeof v !== 'object') return;
          const n = v as Node & Record<string, unknown>;
          if (typeof n.type !== 'string') return;
          // eslint-disable-next-line no-restricted-syntax -- what compaction left under `loc` is the point
          expect(n.loc?.constructor.name, `${rel}: ${n.type} at ${n.start}`).toBe('ScriptPositions');
          checked++;
          for (const [k, child] of Object.entries(n)) if (k !== 'loc' && k !== 'extra' && k !== 'errors') visit(child);
        };
        visit(script.ast);
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe('parse: server-side templates', () => {
  it('every template extension discovery lists has its tags; masking keeps length and line breaks', () => {
    expect(Object.keys(TEMPLATE_TAGS).sort()).toEqual([...TEMPLATE_EXTENSIONS].sort());
    const text = '<p><%= a\n %></p>\n<script>go(\'<?= $id ?>\', "{{ x }}"); {% if y %}</script>';
    for (const ext of TEMPLATE_EXTENSIONS) {
      const masked = maskTemplate(ext, text);
      expect(masked.length).toBe(text.length);
      expect(masked.split('\n').length).toBe(text.split('\n').length);
    }
    expect(maskTemplate('ejs', text)).toBe(
      '<p>     \n   </p>\n<script>go(\'<?= $id ?>\', "{{ x }}"); {% if y %}</script>',
    );
    expect(maskTemplate('php', text)).toMatch(/go\('\s{10}', "\s{7}"\);/);
    expect(maskTemplate('njk', text)).toMatch(/"\s{7}"\);\s{11}<\/script>/);
  });

  it('Smarty: a brace before white space and {literal} blocks stay text; tags and comments are masked', () => {
    const text = "{* c *}<script>{literal}function f(){go();}{/literal} if (a) { go('{$id}'); }</script>";
    expect(maskTemplate('tpl', text)).toBe(
      "       <script>         function f(){go();}           if (a) { go('     '); }</script>",
    );
    // An unclosed {literal} keeps the rest of the file.
    expect(maskTemplate('tpl', '{literal}{a}')).toBe('         {a}');
  });

  it("a template's scripts are found at the file's positions", () => {
    const text = "<%# layout %>\n<script>\n  Leanplum.start('<%= id %>');\n</script>\n";
    const parsed = parseFile({ absPath: '/v/layout.ejs', relPath: 'layout.ejs', text });
    expect(parsed.errors).toEqual([]);
    expect(parsed.scripts).toHaveLength(1);
    const call = parsed.scripts[0].ast.program.body[0];
    expect(locOf(call)!.start).toMatchObject({ line: 3, column: 2 });
  });
});
