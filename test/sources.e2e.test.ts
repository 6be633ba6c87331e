/**
 * End to end over the fixture apps of issue 4: every kind of app source (an
 * HTML page with inline scripts and handlers, a Flow-typed React Native app,
 * Vue single-file components) is analysed, with exact file positions.
 *
 * The apps' own consent helper `hasConsent(purpose)` is configured as a guard,
 * as a user would in consent-lint.config.json, so guarded calls are compliant
 * and only the unguarded ones are findings.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scan, type Config } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sources', import.meta.url));
const config: Config = { guards: [{ function: 'hasConsent', purposeArgument: 0 }] };

async function findings(app: string): Promise<string[]> {
  const r = await scan({ root: `${FIXTURES}/${app}`, config });
  return r.document.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`);
}

describe('scan: every kind of app source', () => {
  it.each([
    [
      'web-cdn',
      [
        // app.js:4 registerForWebPush is inside `if (hasConsent('marketing'))`: compliant
        'leanplum/device-id app.js:10:1',
        'leanplum/init index.html:15:5', // inline <script>
        'leanplum/push index.html:22:15', // <body onload="...">
        'leanplum/init index.html:24:71', // onclick="if (hasConsent(&quot;marketing&quot;)) Leanplum.start()": analytics missing
        'leanplum/device-id index.html:25:23', // href="javascript:..."
      ],
    ],
    [
      'rn-flow',
      [
        'leanplum/init App.js:16:5', // `// @flow` file, useEffect callback
        // src/marketing.js:8 is after `if (!hasConsent('marketing')) return;`: compliant
        'leanplum/push src/marketing.js:12:3', // Flow without pragma
      ],
    ],
    [
      'vue-app',
      [
        'leanplum/init src/App.vue:17:3', // <script setup lang="ts">
        'leanplum/push src/App.vue:21:3',
        // components/ConsentBanner.vue (plain <script>) starts Leanplum only after consent: compliant
      ],
    ],
    ['svelte-app', ['leanplum/init src/App.svelte:12:5']],
  ])('%s', async (app, expected) => {
    expect(await findings(app)).toEqual(expected);
  });

  it('the missing purposes of an embedded handler come from its own guard', async () => {
    const r = await scan({ root: `${FIXTURES}/web-cdn`, config });
    const f = r.document.findings.find((x) => x.file === 'index.html' && x.line === 24)!;
    expect(f.missing).toEqual(['analytics']);
    expect([f.endLine, f.endColumn]).toEqual([24, 87]);
  });

  it('a broken file is an error and its sibling still has its finding', async () => {
    const r = await scan({ root: `${FIXTURES}/broken`, config });
    expect(r.document.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`)).toEqual([
      'leanplum/init src/good.ts:4:3',
    ]);
    expect(r.document.errors).toEqual([
      { file: 'src/broken.ts', line: 5, column: 1, kind: 'parse', message: 'Unexpected token' },
    ]);
  });

  it('the whole fixture tree: skipped and broken files are visible errors', async () => {
    const r = await scan({ root: FIXTURES, config });
    expect(r.document.errors.map((e) => `${e.kind} ${e.file}:${e.line}:${e.column}`)).toEqual([
      'parse broken/src/broken.ts:5:1',
      'skipped misc/vendor.bundle.js:1:1',
    ]);
    expect(r.document.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toContain('misc/bom-crlf.ts:5:3');
    expect(r.document.stats.filesScanned).toBe(17); // with rn-flow/app.json (native stage: no `expo` key, not Expo config)
  });
});
