/**
 * A file that calls the SDK through the app's own module never names the SDK
 * (no inline expectation comments here: they would name it). It must still be
 * found: the modules exporting SDK values lead the scan to their importers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function findings(files: Record<string, string>): Promise<string[]> {
  dir = mkdtempSync(join(tmpdir(), 'consent-lint-reexport-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const { document } = await scan({ root: dir });
  return document.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`);
}

describe('SDK values exported by the app itself', () => {
  it('finds calls in files that never name the SDK', async () => {
    expect(
      await findings({
        'src/services/engagement.ts':
          "import Sdk from 'leanplum-sdk';\nexport const engagement = Sdk;\nexport function getEngagement() {\n  return Sdk;\n}\nexport default Sdk;\n",
        'src/services/index.ts': "export * from './engagement';\nexport { default as eng } from './engagement';\n",
        'src/onboarding.ts':
          "import { engagement, getEngagement, eng } from './services';\nexport function done() {\n  engagement.start();\n  getEngagement().registerForWebPush();\n  eng.startFromCache();\n}\n",
        'src/cjs.js': "const { engagement } = require('./services/engagement');\nengagement.start();\n",
        'src/unrelated.ts': "import { other } from './services/other';\nother.start();\n",
        'src/services/other.ts': 'export const other = { start() {} };\n',
      }),
    ).toEqual([
      'src/cjs.js:2:1 leanplum/init',
      'src/onboarding.ts:3:3 leanplum/init',
      'src/onboarding.ts:4:3 leanplum/push',
      'src/onboarding.ts:5:3 leanplum/init',
    ]);
  });

  it('a guarded call through the app module is compliant', async () => {
    expect(
      await findings({
        'src/sdk.ts': "import Sdk from 'leanplum-sdk';\nexport const engagement = Sdk;\n",
        'src/app.ts':
          "import { engagement } from './sdk';\nif (Cookiebot.consent.statistics && Cookiebot.consent.marketing) engagement.start();\n",
      }),
    ).toEqual([]);
  });
});

describe('code built from strings', () => {
  it('is reported as not analysable, never trusted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consent-lint-eval-'));
    writeFileSync(
      join(dir, 'boot.js'),
      "import Leanplum from 'leanplum-sdk';\neval('Leanplum.start()');\nsetTimeout('Leanplum.start()', 10);\nsetTimeout(() => {}, 10);\nnew Function('return 1');\n",
    );
    const { document } = await scan({ root: dir });
    expect(document.errors.map((e) => `${e.line}:${e.column} ${e.message.split('(')[0]}`)).toEqual([
      '2:1 eval',
      '3:1 setTimeout',
      '5:1 Function',
    ]);
  });
});

describe('computed SDK members', () => {
  it('a member name that cannot be resolved is reported, not trusted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consent-lint-computed-'));
    writeFileSync(
      join(dir, 'boot.ts'),
      "import Leanplum from 'leanplum-sdk';\nexport function call(method: string) {\n  Leanplum[method]();\n  Leanplum['track']();\n}\n",
    );
    const { document } = await scan({ root: dir });
    // Unbounded: a finding for every rule the name could be. Bounded by a literal: that member only.
    expect(
      document.findings
        .map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message.includes('cannot be bounded') ? 'unbounded' : ''}`)
        .sort(),
    ).toEqual(['3:3 leanplum/device-id unbounded', '3:3 leanplum/init unbounded', '3:3 leanplum/push unbounded']);
    expect(document.errors).toEqual([]);
  });
});

describe('star re-exports of packages', () => {
  it('only an SDK package makes a barrel hand out the SDK', async () => {
    expect(
      await findings({
        'src/vendor.ts': "export * from 'leanplum-sdk';\nexport { default } from 'leanplum-sdk';\n",
        'src/app.ts': "import Sdk from './vendor';\nSdk.start();\n",
      }),
    ).toEqual(['src/app.ts:2:1 leanplum/init']);
  });
});

describe('dispatch by name (GTM applyQueue)', () => {
  it('a queue that cannot be read statically is reported', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consent-lint-queue-'));
    writeFileSync(
      join(dir, 'gtm.js'),
      'export function replay(queue) {\n  Leanplum.applyQueue(queue);\n  Leanplum.applyQueue([{ name: method }]);\n}\n',
    );
    const { document } = await scan({ root: dir });
    expect(document.findings).toEqual([]);
    expect(
      document.errors.map((e) => `${e.line}:${e.column} ${e.message.split(' calls')[0].split(' queues')[0]}`),
    ).toEqual(['2:3 Leanplum.applyQueue(…)', '3:24 Leanplum.applyQueue(…)']);
  });
});
