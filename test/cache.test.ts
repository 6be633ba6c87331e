import { mkdtempSync, rmSync, writeFileSync, mkdirSync, renameSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheTuning, statsProveUnchanged } from '../src/cache/index.js';
import { createHash } from 'node:crypto';
import { scan } from '../src/index.js';
import { comparable } from './support/exhaustive.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'consent-lint-cache-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const app = `import Leanplum from 'leanplum-sdk';
import { canMarket } from './privacy';
import { isReady } from './ready';
export function offerPush() {
  if (canMarket()) Leanplum.registerForWebPush();
  if (isReady()) Leanplum.registerForWebPush();
}
`;

describe('--cache', () => {
  it('reuses the analysis, and a change to a guard helper in another file changes the finding', async () => {
    const root = project({
      'src/app.ts': app,
      'src/privacy.ts': 'export function canMarket() { return Cookiebot.consent.marketing; }\n',
      'src/ready.ts': 'export const isReady = () => Cookiebot.consent.marketing;\n',
    });
    const cacheFile = join(root, '.cache', 'analysis.json');
    const lines = async () => (await scan({ root, cacheFile })).document;

    const cold = await lines();
    expect(cold.findings.map((f) => f.line)).toEqual([]);
    expect(cold.stats.filesParsed).toBeGreaterThan(0);

    const warm = await lines();
    expect(warm.stats.filesParsed).toBe(0); // served from the cache
    expect(warm.findings).toEqual(cold.findings);

    // The guard helper (file A) stops checking consent: the sink in file B is now a finding.
    writeFileSync(join(root, 'src/privacy.ts'), 'export function canMarket() { return true; }\n');
    const changed = await lines();
    expect(changed.stats.filesParsed).toBeGreaterThan(0);
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/app.ts:5']);
  });

  it('keeps --no-prune and the default apart: neither answers the other', async () => {
    const root = project({
      'src/app.ts': app,
      'src/privacy.ts': 'export function canMarket() { return Cookiebot.consent.marketing; }\n',
      'src/ready.ts': 'export const isReady = () => window.appReady === true;\n',
      'src/unrelated.ts': 'export const answer = 42;\n',
    });
    const cacheFile = join(root, 'analysis.json');
    const run = async (exhaustive: boolean) => (await scan({ root, cacheFile, exhaustive })).document;

    const pruned = await run(false);
    expect(pruned.stats.filesParsed).toBeLessThan(4);
    expect((await run(false)).stats.filesParsed).toBe(0); // a hit
    const exhaustive = await run(true);
    expect(exhaustive.stats.filesParsed).toBe(4); // not answered by the default's entry
    expect(comparable(exhaustive)).toEqual(comparable(pruned));
    expect((await run(true)).stats.filesParsed).toBe(0); // its own entry is a hit
    expect((await run(false)).stats.filesParsed).toBe(pruned.stats.filesParsed); // and does not answer the default
  });

  it('notices a file it declined to parse becoming relevant, and new SDK files', async () => {
    const root = project({
      'src/app.ts': app,
      'src/privacy.ts': 'export function canMarket() { return Cookiebot.consent.marketing; }\n',
      'src/ready.ts': 'export const isReady = () => window.appReady === true;\n',
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await scan({ root, cacheFile })).document.findings.map((f) => f.line)).toEqual([6]);
    // ready.ts mentioned no consent or SDK name, so it was never parsed; now it guards.
    writeFileSync(
      join(root, 'src/ready.ts'),
      'import { canMarket } from "./privacy";\nexport const isReady = () => canMarket();\n',
    );
    expect((await scan({ root, cacheFile })).document.findings.map((f) => f.line)).toEqual([]);
    // A new file calling the SDK.
    writeFileSync(join(root, 'src/boot.ts'), "import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n");
    expect((await scan({ root, cacheFile })).document.findings.map((f) => `${f.file}:${f.line}`)).toEqual([
      'src/boot.ts:2',
    ]);
  });

  it('notices an importer it skipped (it named nothing needed) starting to call the wrapper', async () => {
    const root = project({
      'src/lp.ts':
        "import Leanplum from 'leanplum-sdk';\nexport function initLp() { Leanplum.start(); }\nexport const version = 1;\n",
      'src/screen.ts': "import { version } from './lp';\nexport const v = version;\n",
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await scan({ root, cacheFile })).document.findings.map((f) => f.trace[0].label)).toEqual([
      'initLp (entry: not referenced in the scanned project)',
    ]);
    writeFileSync(
      join(root, 'src/screen.ts'),
      "import { initLp } from './lp';\nif (Cookiebot.consent.statistics && Cookiebot.consent.marketing) initLp();\n",
    );
    expect((await scan({ root, cacheFile })).document.findings).toEqual([]);
  });

  it('a corrupt cache file is a cold run, not an error', async () => {
    const root = project({ 'src/app.ts': 'Leanplum.start();\n' });
    const cacheFile = join(root, 'analysis.json');
    writeFileSync(cacheFile, '{not json');
    expect((await scan({ root, cacheFile })).document.findings).toHaveLength(1);
  });
});

describe('--cache and SDK values handed out by app modules', () => {
  it('notices an unparsed file starting to call the SDK through an app module', async () => {
    const root = project({
      'src/sdk.ts': "import Sdk from 'leanplum-sdk';\nexport const engagement = Sdk;\n",
      'src/app.ts': "import { engagement } from './sdk';\nexport const e = engagement;\n",
      'src/later.ts': 'export const nothing = 1;\n',
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await scan({ root, cacheFile })).document.findings).toEqual([]);
    writeFileSync(join(root, 'src/later.ts'), "import { engagement } from './sdk';\nengagement.start();\n");
    expect((await scan({ root, cacheFile })).document.findings.map((f) => `${f.file}:${f.line}`)).toEqual([
      'src/later.ts:2',
    ]);
  });

  it('notices a new importer handing a followed React context to a library: the Provider value escapes again', async () => {
    const root = project({
      'src/ctx.ts': "import { createContext } from 'react';\nexport const LpContext = createContext(null);\n",
      'src/app.tsx':
        "import Leanplum from 'leanplum-sdk';\nimport { LpContext } from './ctx';\nexport const App = () => <LpContext.Provider value={Leanplum}><i /></LpContext.Provider>;\n",
      'src/later.ts': 'export const nothing = 1;\n',
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await scan({ root, cacheFile })).document.findings).toEqual([]);
    writeFileSync(
      join(root, 'src/later.ts'),
      "import { LpContext } from './ctx';\nimport { inspect } from 'devtools';\ninspect(LpContext);\n",
    );
    expect((await scan({ root, cacheFile })).document.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      'src/app.tsx:3 consent-lint/sdk-escapes',
    ]);
  });

  it('an Angular templateUrl file is an input: changing only the template changes the finding', async () => {
    const root = project({
      'src/app/push.component.ts': `import { Component } from '@angular/core';
import Leanplum from 'leanplum-sdk';
@Component({ selector: 'app-push', templateUrl: './push.component.html' })
export class PushComponent {
  enable() {
    Leanplum.registerForWebPush();
  }
  gated() {
    if (Cookiebot.consent.marketing) this.enable();
  }
}
`,
      'src/app/push.component.html': '<p>Nothing to click</p>\n',
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await scan({ root, cacheFile })).document.findings).toEqual([]);
    expect((await scan({ root, cacheFile })).document.stats.filesParsed).toBe(0);
    writeFileSync(join(root, 'src/app/push.component.html'), '<button (click)="enable()">Notify me</button>\n');
    const changed = (await scan({ root, cacheFile })).document;
    expect(changed.stats.filesParsed).toBeGreaterThan(0);
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/app/push.component.ts:6']);
  });

  it('a nested tsconfig (and what it extends) is an input', async () => {
    const root = project({
      'apps/web/tsconfig.json': '{ "extends": "./base.json" }',
      'apps/web/base.json': '{ "compilerOptions": { "paths": { "@lp": ["./src/fake.ts"] } } }',
      'apps/web/src/main.ts':
        "import lp from '@lp';\nimport Leanplum from 'leanplum-sdk';\nLeanplum.setAppIdForProductionMode('a', 'b');\nlp.start();\n",
      'apps/web/src/fake.ts': 'export default { start() {} };\n',
      'apps/web/src/real.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await scan({ root, cacheFile })).document.findings).toEqual([]);
    writeFileSync(join(root, 'apps/web/base.json'), '{ "compilerOptions": { "paths": { "@lp": ["./src/real.ts"] } } }');
    const changed = (await scan({ root, cacheFile })).document;
    expect(changed.stats.filesParsed).toBeGreaterThan(0);
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['apps/web/src/main.ts:4']);
  });
});

describe('--cache proven by file stats (nothing read)', () => {
  // Files these tests write are seconds old at most: let the stats path trust them, as it would older files.
  beforeEach(() => {
    cacheTuning.racyMs = -60_000;
  });
  afterEach(() => {
    cacheTuning.racyMs = 3000;
  });

  const guard = 'export function canMarket() { return Cookiebot.consent.marketing; }\n';
  // Same length as `guard`, and no guard at all.
  const noGuard = `export function canMarket() { return true;${' '.repeat(guard.length - 44)}}\n`;
  const files = () => ({
    'src/app.ts': app,
    'src/privacy.ts': guard,
    'src/ready.ts': 'export const isReady = () => Cookiebot.consent.marketing;\n',
  });
  const run = async (root: string, cacheFile: string) => (await scan({ root, cacheFile })).document;

  it('a warm run is proven by stats, with the same document', async () => {
    const root = project(files());
    const cacheFile = join(root, '.cache', 'analysis.json');
    const cold = await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBeUndefined();
    const warm = await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('stats');
    expect(warm.stats.filesParsed).toBe(0);
    expect({ ...warm, stats: undefined }).toEqual({ ...cold, stats: undefined });
  });

  it('a hit by stats keeps skipped files, suppression directives and code-frame sources', async () => {
    const root = project({
      ...files(),
      'src/privacy.ts': noGuard,
      'src/app.ts': app.replace(
        '  if (canMarket()) Leanplum',
        '  // consent-lint-disable-next-line leanplum/push -- gated by the server\n  if (canMarket()) Leanplum',
      ),
      'src/data.js': 'a\0b',
      // Suppresses nothing: reported as unused, from a file with no other finding.
      'src/unused.ts': '// consent-lint-disable-next-line leanplum/push -- not needed\nexport const x = 1;\n',
    });
    const cacheFile = join(root, '.cache', 'analysis.json');
    const cold = await scan({ root, cacheFile });
    expect(cold.document.errors.map((e) => e.kind)).toEqual(['skipped']);
    expect(cold.document.findings.some((f) => f.suppressed)).toBe(true);
    expect(cold.document.findings.some((f) => f.file === 'src/unused.ts')).toBe(true);
    const warm = await scan({ root, cacheFile });
    expect(cacheTuning.lastHit).toBe('stats');
    expect({ ...warm.document, stats: undefined }).toEqual({ ...cold.document, stats: undefined });
    expect([...warm.sources]).toEqual([...cold.sources]);
  });

  it('an edit keeping size and mtime is seen (ctime)', async () => {
    expect(noGuard.length).toBe(guard.length);
    const root = project(files());
    const file = join(root, 'src/privacy.ts');
    // A whole second: set back exactly after the edit.
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const cacheFile = join(root, '.cache', 'analysis.json');
    await run(root, cacheFile);
    const before = statSync(file);
    writeFileSync(file, noGuard);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect([statSync(file).size, statSync(file).mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const changed = await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBeUndefined();
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/app.ts:5']);
  });

  it('two files of one size swapped by renames (same list, sizes and mtimes) are seen', async () => {
    const root = project({ ...files(), 'src/other.ts': noGuard });
    for (const f of ['src/privacy.ts', 'src/other.ts']) utimesSync(join(root, f), 1_700_000_000, 1_700_000_000);
    const cacheFile = join(root, '.cache', 'analysis.json');
    expect((await run(root, cacheFile)).findings).toEqual([]);
    renameSync(join(root, 'src/privacy.ts'), join(root, 'src/tmp.txt'));
    renameSync(join(root, 'src/other.ts'), join(root, 'src/privacy.ts'));
    renameSync(join(root, 'src/tmp.txt'), join(root, 'src/other.ts'));
    const changed = await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBeUndefined();
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/app.ts:5']);
  });

  it('a renamed file is a different file list', async () => {
    const root = project(files());
    const cacheFile = join(root, '.cache', 'analysis.json');
    await run(root, cacheFile);
    renameSync(join(root, 'src/ready.ts'), join(root, 'src/ready2.ts'));
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBeUndefined();
  });

  it('a tsconfig added in a folder that had none is seen', async () => {
    const root = project({
      'apps/web/src/main.ts':
        "import lp from '@lp';\nimport Leanplum from 'leanplum-sdk';\nLeanplum.setAppIdForProductionMode('a', 'b');\nlp.start();\n",
      'apps/web/src/real.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
    });
    const cacheFile = join(root, 'analysis.json');
    const cold = await run(root, cacheFile);
    expect(cold.findings).toEqual([]);
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('stats');
    writeFileSync(
      join(root, 'apps/web/tsconfig.json'),
      '{ "compilerOptions": { "paths": { "@lp": ["./src/real.ts"] } } }',
    );
    const changed = await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBeUndefined();
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['apps/web/src/main.ts:4']);
  });

  it("a dependency added to an Expo app's package.json is seen (the native stage reads it on every run)", async () => {
    const root = project({
      'app.json': '{ "expo": { "name": "app" } }\n',
      'package.json': '{ "name": "app", "dependencies": { "react-native": "0.74.0" } }\n',
      'App.tsx': 'export default function App() { return null; }\n',
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await run(root, cacheFile)).findings).toEqual([]);
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('stats');
    writeFileSync(
      join(root, 'package.json'),
      '{ "name": "app", "dependencies": { "react-native": "0.74.0", "@react-native-firebase/analytics": "20.0.0" } }\n',
    );
    // The JavaScript result may be reused (nothing it read changed); the native stage always runs.
    const changed = await run(root, cacheFile);
    expect(changed.findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual(['package.json firebase/native-start']);
  });

  it('a Babel module-resolver alias added is seen', async () => {
    const root = project({
      'src/main.ts':
        "import lp from '@lp';\nimport Leanplum from 'leanplum-sdk';\nLeanplum.setAppIdForProductionMode('a', 'b');\nlp.start();\n",
      'src/real.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
    });
    const cacheFile = join(root, 'analysis.json');
    expect((await run(root, cacheFile)).findings).toEqual([]);
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('stats');
    writeFileSync(join(root, '.babelrc'), '{ "plugins": [["module-resolver", { "alias": { "@lp": "./src/real" } }]] }');
    const changed = await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBeUndefined();
    expect(changed.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/main.ts:4']);
  });

  it('a symlinked source file is always checked by its text', async () => {
    const root = project(files());
    symlinkSync('privacy.ts', join(root, 'src/consent.ts'));
    const cacheFile = join(root, '.cache', 'analysis.json');
    await run(root, cacheFile);
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('contents');
  });

  it('with the default window, files written just now are racy: checked by text, and a touch is re-recorded', async () => {
    cacheTuning.racyMs = 3000;
    const root = project(files());
    const cacheFile = join(root, '.cache', 'analysis.json');
    await run(root, cacheFile);
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('contents');
    // Old enough now (the window is lowered): a touch changes the stats, the text proves the hit, fresh stats are kept.
    cacheTuning.racyMs = -60_000;
    const file = join(root, 'src/ready.ts');
    utimesSync(file, new Date(), new Date(Date.now() - 10_000));
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('contents');
    await run(root, cacheFile);
    expect(cacheTuning.lastHit).toBe('stats');
  });
});

describe('statsProveUnchanged', () => {
  const at = 1_000_000;
  const old = [10, at - 10_000, at - 9_000, 42, 0o100644, 20, at - 20_000, at - 20_000, 43, 0o100644];
  const recorded = (stats: number[]) => ({
    at,
    stats: createHash('sha1').update(new Float64Array(stats)).digest('hex'),
  });
  it('needs every number equal and every time outside the racy window', () => {
    expect(statsProveUnchanged(recorded(old), new Float64Array(old), 3000)).toBe(true);
    for (let i = 0; i < old.length; i++) {
      const other = [...old];
      other[i] += 1;
      expect(statsProveUnchanged(recorded(old), new Float64Array(other), 3000)).toBe(false);
    }
    const racyMtime = [...old];
    racyMtime[6] = at - 1000;
    const racyCtime = [...old];
    racyCtime[2] = at;
    const never = [...old];
    never[1] = NaN;
    for (const stats of [racyMtime, racyCtime, never])
      expect(statsProveUnchanged(recorded(stats), new Float64Array(stats), 3000)).toBe(false);
  });
});
