/**
 * Policy language v2: schema errors name the JSON pointer, v1 policies stay
 * valid, the `strict` preset, and the sink forms on a policy written here
 * (receiver paths, named exports, argument conditions, command dispatch,
 * script URLs), independent of the built-in packs.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import type { Config, Policy, RuleSpec } from '../src/model.js';
import { rulesInForce } from '../src/pipeline.js';
import { builtinPolicyIds, loadPolicy, validateDocument } from '../src/policy/index.js';
import { wildcardMatch } from '../src/sinks/forms.js';

const rule = (sink: object, extra: object = {}) => ({
  id: 'x',
  tokens: ['xx'],
  description: 'd',
  rules: [
    {
      id: 'x/init',
      description: 'd',
      severity: 'error',
      requires: ['analytics'],
      message: 'm',
      legalBasis: 'l',
      docs: 'd',
      sinks: [sink],
      ...extra,
    },
  ],
});

describe('policy schema v2', () => {
  it('every built-in policy validates, v1 and v2 alike', () => {
    for (const id of builtinPolicyIds()) expect(loadPolicy(id).id).toBe(id);
  });

  it.each([
    [
      'a path step',
      rule({ receivers: [{ global: 'X', path: [{ call: 'yes' }] }], methods: ['init'] }),
      '/rules/0/sinks/0/receivers/0/path/0/call',
      'must be true',
    ],
    [
      'a callback parameter',
      rule({ receivers: [{ global: 'X', path: [{ callbackParameter: { argument: 0 } }] }], methods: ['init'] }),
      '/rules/0/sinks/0/receivers/0/path/0/callbackParameter',
      'missing required property "parameter"',
    ],
    [
      'a condition without a test',
      rule({ receivers: [{ global: 'X' }], methods: ['init'], when: [{ argument: 0 }] }),
      '/rules/0/sinks/0/when/0',
      'missing required property "equals"',
    ],
    [
      'a condition value',
      rule({ receivers: [{ global: 'X' }], methods: ['init'], unless: [{ argument: 0, equals: [{}] }] }),
      '/rules/0/sinks/0/unless/0/equals/0',
      'must be string,number,boolean,null',
    ],
    [
      'a preset',
      rule({ receivers: [{ global: 'X' }], methods: ['init'] }, { preset: 'loose' }),
      '/rules/0/preset',
      'must be one of "recommended", "strict"',
    ],
    [
      'a dispatcher argument',
      { id: 'x', description: 'd', dispatchers: [{ receivers: [{ global: 'AF' }], argument: ['0'] }] },
      '/dispatchers/0/argument/0',
      'must be integer',
    ],
  ])('reports %s at its JSON pointer', (_name, doc, pointer, expected) => {
    const problems = validateDocument('policy', 'p.json', doc);
    expect(problems[0]).toEqual({ pointer, expected: expect.stringContaining(expected) });
  });

  it('accepts every v2 form', () => {
    const doc = rule(
      {
        receivers: [
          {
            module: 'm',
            export: 'M',
            path: [{ call: true }, 'x', { callbackParameter: { argument: 0, parameter: 0 } }],
          },
        ],
        methods: ['init'],
        when: [{ argument: 0, path: ['a'], equals: [true, null] }],
        unless: [{ argument: 1, length: 0 }],
      },
      { preset: 'strict', scripts: ['https://cdn.example/*'] },
    );
    expect(
      validateDocument('policy', 'p.json', {
        ...doc,
        name: 'X',
        dispatchers: [
          { receivers: [{ global: 'X' }], argument: [0, 1] },
          { receivers: [{ global: 'X' }], method: 'push', argument: 0, nameElement: 0 },
        ],
      }),
    ).toEqual([]);
  });
});

describe('presets', () => {
  const strict = { id: 'x/identity', preset: 'strict', severity: 'error' } as RuleSpec;
  const plain = { id: 'x/init', severity: 'error' } as RuleSpec;
  const policies = [{ id: 'x', rules: [plain, strict], guards: [], tokens: [] } as unknown as Policy];
  const ids = (config?: Config) => rulesInForce(policies, config).map((r) => `${r.id}:${r.severity}`);
  it('no preset is recommended: strict rules are off', () => expect(ids(undefined)).toEqual(['x/init:error']));
  it('the strict preset turns them on', () =>
    expect(ids({ preset: 'strict' })).toEqual(['x/init:error', 'x/identity:error']));
  it('a rule setting turns one on or off in any preset', () => {
    expect(ids({ rules: { 'x/identity': 'warn' } })).toEqual(['x/init:error', 'x/identity:warn']);
    expect(ids({ preset: 'strict', rules: { 'x/identity': 'off' } })).toEqual(['x/init:error']);
  });
});

describe('wildcards', () => {
  it('match module names and URLs', () => {
    expect(
      wildcardMatch(
        'https://www.gstatic.com/firebasejs/*/firebase-analytics.js',
        'https://www.gstatic.com/firebasejs/10.7.1/firebase-analytics.js',
      ),
    ).toBe(true);
    expect(
      wildcardMatch(
        'https://www.gstatic.com/firebasejs/*/firebase-analytics.js',
        'https://www.gstatic.com/firebasejs/10.7.1/firebase-app.js',
      ),
    ).toBe(false);
    expect(wildcardMatch('a.b', 'aXb')).toBe(false);
  });
});

// A policy written for this test only: every v2 form on a made-up SDK.
const policy: Policy = {
  id: 'acme',
  description: 'test',
  tokens: ['acme', 'Acme'],
  guards: [],
  dispatchers: [{ receivers: [{ global: 'acme' }], argument: 0 }],
  rules: [
    {
      id: 'acme/init',
      description: 'd',
      severity: 'error',
      requires: ['analytics'],
      message: 'Acme starts without consent',
      legalBasis: 'l',
      docs: 'd',
      scripts: ['https://cdn.acme.test/*/sdk.js'],
      sinks: [
        {
          receivers: [{ module: 'acme-sdk', export: '*' }],
          methods: ['start'],
          unless: [{ argument: 0, path: ['disabled'], equals: [true] }],
        },
        {
          receivers: [{ module: 'acme-sdk', export: 'Client', path: [{ call: true }] }],
          methods: ['enable'],
          when: [{ argument: 0, equals: [true] }],
        },
        {
          receivers: [{ global: 'acmeQueue', path: ['push', { callbackParameter: { argument: 0, parameter: 0 } }] }],
          methods: ['start'],
        },
        { receivers: [{ global: 'acme' }], methods: ['setup'] },
      ],
    },
  ],
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function findings(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'cl-v2-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const { document } = await scan({ root, policies: [policy, loadPolicy('cookiebot')] });
  expect(document.errors).toEqual([]);
  return document.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.identity?.callee ?? ''}`.trim());
}

describe('v2 sink forms', () => {
  it('named exports, instances, callback parameters, conditions, commands and scripts', async () => {
    const got = await findings({
      'a.ts': [
        "import { start, Client } from 'acme-sdk';",
        "import * as acmeNs from 'acme-sdk';",
        "start({ key: 'k' });", // 3: named export
        "acmeNs.start({ key: 'k', disabled: true });", // starts disabled: not a sink
        "const opts = { key: 'k', disabled: false };",
        'acmeNs.start(opts);', // 6: known false through a const
        'declare const flags: object;',
        "acmeNs.start({ ...flags, key: 'k' });", // 8: a spread may set it: a sink
        'const c = new Client();',
        'c.enable(true);', // 10
        'c.enable(false);',
        'export function f(on: boolean) { c.enable(on); }', // 12: unknown value: a sink
        'acmeQueue.push((sdk) => sdk.start());', // 13: callback parameter
        "acme('setup', {});", // 14: command string
        "acme('teardown');",
        'export function g(cmd: string) { acme(cmd); }', // 16: computed command: may be setup
        "const s = document.createElement('script'); s.src = 'https://cdn.acme.test/v2/sdk.js';", // 17
        "s.src = 'https://cdn.acme.test/v2/other.js';",
        "if (Cookiebot.consent.statistics) { start({}); c.enable(true); acme('setup'); }",
      ].join('\n'),
      'page.html': '<html><script src="https://cdn.acme.test/v3/sdk.js"></script></html>\n',
    });
    expect(got).toEqual([
      'a.ts:3:1 start',
      'a.ts:6:1 acmeNs.start',
      'a.ts:8:1 acmeNs.start',
      'a.ts:10:1 c.enable',
      'a.ts:12:34 c.enable',
      'a.ts:13:25 sdk.start',
      "a.ts:14:1 acme('setup')",
      "a.ts:16:34 acme(<computed command, may be 'setup'>)",
      'a.ts:17:45 s.src =',
      'page.html:1:8 <script src>',
    ]);
  });
});

describe('SDK code kept in strings', () => {
  /** Scan one file with one policy: its errors as `line:column kind message` (up to the first `;`), and the document. */
  async function stringCode(prefix: string, file: string, lines: string[], policy: string | string[]) {
    const root = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(root);
    writeFileSync(join(root, file), lines.join('\n'));
    const { document } = await scan({ root, policies: [policy].flat().map((id) => loadPolicy(id)) });
    return {
      document,
      errors: document.errors.map((e) => `${e.line}:${e.column} ${e.kind} ${e.message.split(';')[0]}`),
    };
  }

  it('built at run time or not parsing, it is reported as unanalysable, never trusted (Bloomreach snippet built as a template string)', async () => {
    const { document, errors } = await stringCode(
      'cl-v2-str-',
      'Snippet.tsx',
      [
        "import { useMemo } from 'react';",
        'export function Exponea({ token }: { token: string }) {',
        '  const startSnippet = useMemo(() => `exponea.start({ token: "${token}" });`, [token]);',
        '  return <script dangerouslySetInnerHTML={{ __html: startSnippet }} />;',
        '}',
        "const s = document.createElement('script');",
        's.text = \'brweb.identify({ registered: "a@example.com" })\';',
        "s.text = 'console.log(1)';",
        's.text = \'exponea.start({ token: "T" \' + token;', // 9: `+` of something not constant
        's.text = \'exponea.start({ token: "T" \';', // 10: does not parse
        's.text = \'exponea.start({ token: "T" })\';', // 11: constant: analysed, a finding
        'declare const token: string;',
      ],
      'bloomreach',
    );
    expect(errors).toEqual([
      '4:53 unresolved script code kept in a string calls exponea',
      '9:10 unresolved script code kept in a string calls exponea',
      '10:10 unresolved script code kept in a string calls exponea but does not parse (Unexpected token, expected ",")',
    ]);
    // Line 7 is a constant string too: parsed, and `brweb.identify` is a sink only of the strict preset.
    expect(document.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.identity?.callee}`)).toEqual([
      '11:10 bloomreach/init exponea.start (in script code kept in a string)',
    ]);
  });

  it("a template's `${…}` inside a quoted string of the code is a value the analysis does not know; anywhere else the code is built at run time", async () => {
    const html = (code: string) => `  return <script dangerouslySetInnerHTML={{ __html: \`${code}\` }} />;`;
    const { document, errors } = await stringCode(
      'cl-v2-holes-',
      'Analytics.tsx',
      [
        'declare const Cookiebot: { consent: { statistics: boolean } };',
        'const GA_ID = process.env.NEXT_PUBLIC_GA_ID;',
        'export function A() {',
        html("gtag('config', '${GA_ID}', { page_path: window.location.pathname });"), // 4: a whole string
        '}',
        'export function B() {',
        '  if (!Cookiebot.consent.statistics) return null;',
        html('gtag(\'config\', "${GA_ID}");'), // 8: guarded
        '}',
        'export function C() {',
        html("gtag('config', 'G-${GA_ID}'); gtag('config', '${GA_ID}-${GA_ID}');"), // 11: parts of strings
        html("gtag('config', ${GA_ID});"), // 12: code
        html("// ${GA_ID}\\ngtag('config', 'G-1');"), // 13: a comment (a line break in it would be code)
        html("gtag('config', \\`${GA_ID}\\`);"), // 14: a template of the code
        html("gtag('config', '${GA_ID}'); ${GA_ID}"), // 15: a string, then code
        '}',
      ],
      ['firebase', 'cookiebot'],
    );
    expect(errors).toEqual([
      '12:53 unresolved script code kept in a string calls gtag',
      '13:53 unresolved script code kept in a string calls gtag',
      '14:53 unresolved script code kept in a string calls gtag',
      '15:53 unresolved script code kept in a string calls gtag',
    ]);
    expect(document.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.identity?.callee}`)).toEqual([
      "4:53 firebase/analytics gtag('config') (in script code kept in a string)",
      "11:53 firebase/analytics gtag('config') (in script code kept in a string)",
      "11:53 firebase/analytics gtag('config') (in script code kept in a string)",
    ]);
  });

  it('the children of <script> and Next.js <Script> are script code too (template, string, constant, text), analysed where they render', async () => {
    const { document, errors } = await stringCode(
      'cl-v2-children-',
      'layout.tsx',
      [
        "import Script from 'next/script';",
        "const START = 'braze.openSession();';",
        'export default function Layout() {',
        '  return (',
        '    <body>',
        '      <Script id="braze" strategy="afterInteractive">',
        "        {`braze.initialize('KEY', { baseUrl: 'sdk.iad-01.braze.com' });`}", // 7
        '      </Script>',
        "      <script>{'braze.openSession();'}</script>", // 9
        '      <Script id="session">{START}</Script>', // 10
        '      <Script id="text">braze.changeUser(userId)</Script>', // 11
        // Near misses: a script loaded by URL, other code as children, an SDK name in another element.
        '      <Script src="https://js.appboycdn.com/web-sdk/5.0/braze.min.js" strategy="lazyOnload" />',
        '      <Script id="other">{\'console.log(1)\'}</Script>',
        "      <p>{'braze.initialize is called after consent'}</p>",
        '      <Script id="empty">{/* braze.initialize() later */}</Script>',
        '    </body>',
        '  );',
        '}',
      ],
      'braze',
    );
    // Constant text: parsed and analysed as the script the page runs there (`changeUser` is a sink of the strict preset only).
    expect(errors).toEqual([]);
    // The Braze policy names no script URL: the `src` script is neither a finding nor an error.
    expect(document.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.identity?.callee}`)).toEqual([
      '7:10 braze/init braze.initialize (in script code kept in a string)',
      '9:16 braze/init braze.openSession (in script code kept in a string)',
      '10:29 braze/init braze.openSession (in script code kept in a string)',
    ]);
    expect(document.findings[0].message).toContain('`braze.initialize (in script code kept in a string)` is reachable');
    expect(document.findings[0].trace.at(-1)).toMatchObject({
      line: 7,
      label: 'braze.initialize() in script code kept in a string',
    });
  });

  it("a self-hosted CMP library's own eval is the CMP's; the same eval in any other script is reported", async () => {
    // Named by a service (a seed: parsed), as a site's copy of the library is next to its services file.
    const lines = (declaration: string) => [
      `var tarteaucitron = { ${declaration} }; // services: Leanplum`,
      'function run(id) {',
      "  var scripts = document.getElementById(id).getElementsByTagName('script');",
      '  for (var i = 0; i < scripts.length; i += 1) eval(scripts[i].innerHTML);',
      '}',
    ];
    const library = await stringCode(
      'cl-v2-lib-',
      'tarteaucitron.js',
      lines('init: function () {}, services: {}, addService: function () {}'),
      ['tarteaucitron', 'leanplum'],
    );
    expect(library.errors).toEqual([]);
    // Not the library's shape (no `addService`): an app object that happens to have that name.
    const other = await stringCode('cl-v2-lib-', 'tarteaucitron.js', lines('init: function () {}, services: {}'), [
      'tarteaucitron',
      'leanplum',
    ]);
    expect(other.errors).toEqual([
      '4:47 unresolved eval(…) runs code built from a string, which consent-lint cannot analyse',
    ]);
  });

  it('a snippet that only injects an SDK script (Customer.io track.js) loads that script where the page runs it', async () => {
    const { document, errors } = await stringCode(
      'cl-v2-url-',
      'page.tsx',
      [
        "import Script from 'next/script';",
        'export default function Page({ siteId }: { siteId: string }) {',
        '  return (',
        '    <main>',
        '      <Script',
        '        id="cio"',
        '        dangerouslySetInnerHTML={{',
        '          __html: `var _cio = _cio || [];', // 8
        "            var t = document.createElement('script');",
        '            t.setAttribute("data-site-id", "${siteId}");',
        "            t.src = 'https://assets.customer.io/assets/track.js';",
        '            document.head.appendChild(t);`,',
        '        }}',
        '      />',
        '      <script>{`var t = document.createElement("script"); t.src = "//assets.customer.io/assets/track-eu.js";`}</script>', // 15
        // Near misses: a URL no policy names, and a Customer.io page that is no SDK script.
        '      <script dangerouslySetInnerHTML={{ __html: "s.src = \'https://example.com/app.js\'" }} />',
        '      <Script id="docs">{`console.log("https://customer.io/docs")`}</Script>',
        '    </main>',
        '  );',
        '}',
      ],
      'customerio',
    );
    // A finding of the script's rule (its severity; a guard around it would prove it), not an analysis error.
    expect(errors).toEqual([]);
    expect(document.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message.split(';')[0]}`)).toEqual([
      '8:19 customerio/init Customer.io is initialised without consent: `script code in a string` loads `https://assets.customer.io/assets/track.js`',
      '15:16 customerio/init Customer.io is initialised without consent: `script code in a string` loads `//assets.customer.io/assets/track-eu.js`',
    ]);
  });

  it('a Klaro service handler given as a string is code Klaro runs (new Function) when it would run the function form', async () => {
    const { document, errors } = await stringCode(
      'cl-v2-klaro-',
      'klaro-config.js',
      [
        'var klaroConfig = {',
        '  services: [',
        '    {',
        "      name: 'leanplum',",
        "      purposes: ['marketing'],",
        "      onAccept: 'Leanplum.registerForWebPush();',", // 6
        '      onDecline: `Leanplum.start()`,', // 7
        "      onInit: 'Leanplum' + '.start()',", // 8
        // Near misses: an option Klaro does not run, a string that calls no SDK.
        "      description: 'Leanplum.start() runs once you accept',",
        '    },',
        "    { name: 'other', onAccept: 'console.log(1)' },",
        '  ],',
        '};',
        // A service written apart from the config (pushed later): its handler is code all the same.
        "klaroConfig.services.push({ name: 'late', onInit: 'Leanplum.start()' });", // 14
      ],
      ['klaro', 'leanplum'],
    );
    expect(errors).toEqual([]);
    // onAccept runs only once the `leanplum` service (marketing) is accepted; onDecline and onInit run without consent.
    expect(document.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.missing.join(',')}`)).toEqual([
      '7:18 leanplum/init analytics,marketing',
      '8:15 leanplum/init analytics,marketing',
      '14:51 leanplum/init analytics,marketing',
    ]);
  });
});
