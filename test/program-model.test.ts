/**
 * The project model (issue 9 §5): what module resolution cannot follow is
 * reported, never a silent miss. Each case is a small project written to a
 * temporary directory and scanned as a user would.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { scan, type Config } from '../src/index.js';
import { formatStylish } from '../src/report/index.js';
import { parseFile } from '../src/parse/index.js';
import { locOf } from '../src/parse/compact.js';

const DOT_FOLDERS = fileURLToPath(new URL('../fixtures/soundness/dot-folders', import.meta.url));
const ANGULAR = fileURLToPath(new URL('../fixtures/soundness/angular-app', import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'consent-lint-model-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function run(files: Record<string, string>, config?: Config) {
  const root = project(files);
  const { document } = await scan({ root, config: config && { ...config, dir: root } });
  return {
    findings: document.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`),
    errors: document.errors.filter((e) => e.kind !== 'skipped'),
  };
}

describe('module resolution reports what it cannot follow', () => {
  it('a tsconfig whose `extends` does not resolve is an error, naming the config', async () => {
    const { errors } = await run({
      'tsconfig.json':
        '{ "extends": "@acme/not-installed/tsconfig.json", "compilerOptions": { "paths": { "@lp": ["src/lp.ts"] } } }',
      'src/main.ts': "import lp from '@lp';\nlp.start();\n",
      'src/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
    });
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'tsconfig.json',
        kind: 'unresolved',
        message: expect.stringContaining('@acme/not-installed'),
      }),
    ]);
    // What to do about it.
    expect(errors[0].message).toContain('from a package that is not installed: install the dependencies');
  });

  it('a tsconfig that sets `baseUrl` and `paths` itself keeps its aliases when what it extends is missing', async () => {
    // TypeScript takes each option from the nearest config that sets it: the missing base cannot change these.
    const lp = "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n";
    const own = await run({
      'tsconfig.json':
        '{ "extends": "@acme/not-installed/tsconfig.json", "compilerOptions": { "baseUrl": ".", "paths": { "@lp": ["src/lp.ts"] } } }',
      'src/main.ts': "import lp from '@lp';\nlp.start();\n",
      'src/lp.ts': lp,
    });
    expect(own).toEqual({ findings: ['src/main.ts:2 leanplum/init'], errors: [] });
    // `baseUrl` from the base would move where `paths` point: without it here, the aliases stay unknown.
    const inherited = await run({
      'tsconfig.json':
        '{ "extends": "@acme/not-installed/tsconfig.json", "compilerOptions": { "paths": { "@lp": ["src/lp.ts"] } } }',
      'src/main.ts': "import lp from '@lp';\nlp.start();\n",
      'src/lp.ts': lp,
    });
    expect(inherited.errors).toEqual([expect.objectContaining({ file: 'tsconfig.json', kind: 'unresolved' })]);
  });

  it("a monorepo's own tsconfig package (not installed) counts as a base setting no aliases when its file sets none", async () => {
    // turborepo layout: apps extend `tsconfig/nextjs.json` of the workspace package packages/tsconfig.
    const files = (base: string) => ({
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "packages/*"\n',
      'package.json': '{ "private": true }',
      'packages/tsconfig/package.json': '{ "name": "tsconfig" }',
      'packages/tsconfig/base.json': '{ "compilerOptions": { "strict": true } }',
      'packages/tsconfig/nextjs.json': base,
      'apps/web/package.json': '{ "name": "web" }',
      'apps/web/tsconfig.json':
        '{ "extends": "tsconfig/nextjs.json", "compilerOptions": { "paths": { "@lp": ["./src/lp.ts"] } } }',
      'apps/web/src/main.ts': "import lp from '@lp';\nlp.start();\n",
      'apps/web/src/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
    });
    const pathless = await run(files('{ "extends": "./base.json", "compilerOptions": { "jsx": "preserve" } }'));
    expect(pathless).toEqual({ findings: ['apps/web/src/main.ts:2 leanplum/init'], errors: [] });
    // A base that sets `baseUrl` would move where `paths` point: the aliases stay unknown, reported.
    const aliased = await run(files('{ "extends": "./base.json", "compilerOptions": { "baseUrl": "." } }'));
    expect(aliased.errors).toEqual([expect.objectContaining({ file: 'apps/web/tsconfig.json', kind: 'unresolved' })]);
  });

  it('a monorepo\'s own tsconfig package named whole (`extends: ["@org/tsconfig"]`) is read through its `.` export', async () => {
    const files = (exportsField: string) => ({
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "packages/*"\n',
      'package.json': '{ "private": true }',
      'packages/tsconfig/package.json': `{ "name": "@org/tsconfig"${exportsField} }`,
      'packages/tsconfig/base.json': '{ "compilerOptions": { "strict": true } }',
      'packages/tsconfig/tsconfig.json': '{ "compilerOptions": { "strict": true } }',
      'apps/web/package.json': '{ "name": "web" }',
      'apps/web/tsconfig.json':
        '{ "extends": ["@org/tsconfig"], "compilerOptions": { "paths": { "@lp": ["./src/lp.ts"] } } }',
      'apps/web/src/main.ts': "import lp from '@lp';\nlp.start();\n",
      'apps/web/src/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
    });
    const expected = { findings: ['apps/web/src/main.ts:2 leanplum/init'], errors: [] };
    expect(await run(files(', "exports": { ".": "./base.json" }'))).toEqual(expected);
    expect(await run(files(''))).toEqual(expected);
  });

  // A workspace package's generated files (Panda's `styled-system/css`) are the package as built, as an installed one is.
  it('a workspace package subpath whose files are not in the checkout is taken as a package, not an error', async () => {
    const { errors } = await run({
      'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
      'package.json': '{ "private": true }',
      'packages/styled-system/package.json': '{ "name": "@org/styled-system" }',
      'packages/styled-system/panda.config.ts': 'export default {};\n',
      'src/main.ts':
        "import Leanplum from 'leanplum-sdk';\nimport { css } from '@org/styled-system/css';\nLeanplum.setAppIdForProductionMode('a', css({}));\n",
    });
    expect(errors).toEqual([]);
  });

  it('a `paths` alias whose targets do not exist is an error at the import', async () => {
    const { errors } = await run({
      'tsconfig.json': '{ "compilerOptions": { "paths": { "@sdk": ["./src/sdk/index.ts"], "@/*": ["./src/*"] } } }',
      'src/main.ts':
        "import Leanplum from 'leanplum-sdk';\nimport lp from '@sdk';\nimport { x } from '@/present';\nimport logo from '@/logo.svg';\nLeanplum.setAppIdForProductionMode('a', 'b');\n",
      'src/present.ts': 'export const x = 1;\n',
      'src/logo.svg': '<svg/>',
    });
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'src/main.ts',
        line: 2,
        column: 16,
        kind: 'unresolved',
        message: expect.stringContaining('"@sdk"'),
      }),
    ]);
  });

  it('a catch-all `*` alias that falls back to packages is not an error', async () => {
    const { errors } = await run({
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "*": ["types/*"] } } }',
      'src/main.ts':
        "import Leanplum from 'leanplum-sdk';\nimport React from 'react';\nLeanplum.setAppIdForProductionMode('a', 'b');\n",
    });
    expect(errors).toEqual([]);
  });

  it('an unknown module whose name carries an SDK token is reported with a `moduleAliases` hint', async () => {
    const files = {
      'src/main.ts':
        "import Leanplum from 'leanplum-javascript-sdk';\n\nexport function go() {\n  Leanplum.start();\n}\n",
    };
    const unmapped = await run(files);
    expect(unmapped.findings).toEqual([]);
    expect(unmapped.errors).toEqual([
      expect.objectContaining({
        file: 'src/main.ts',
        line: 1,
        column: 22,
        kind: 'unresolved',
        message: expect.stringContaining('"moduleAliases": { "leanplum-javascript-sdk": "leanplum-sdk" }'),
      }),
    ]);
    // Mapped: the call is a sink, and nothing is left to report.
    const mapped = await run(files, { moduleAliases: { 'leanplum-javascript-sdk': 'leanplum-sdk' } });
    expect(mapped.findings).toEqual(['src/main.ts:4 leanplum/init']);
    expect(mapped.errors).toEqual([]);
    // Another library whose name carries the token: mapped to itself, as the message says.
    const other = { 'src/ui.ts': "import { Card } from 'leanplum-ui-cards';\nexport const c = Card;\n" };
    expect((await run(other)).errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('"moduleAliases": { "leanplum-ui-cards": "leanplum-ui-cards" }'),
      }),
    ]);
    expect((await run(other, { moduleAliases: { 'leanplum-ui-cards': 'leanplum-ui-cards' } })).errors).toEqual([]);
  });

  it('module-resolver aliases: a .babelrc is read; options that are not literals are an error naming the config', async () => {
    const files = {
      'src/sdk/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'src/main.ts': "import lp from '#sdk/lp';\nlp.start();\n",
    };
    const json = await run({
      ...files,
      '.babelrc': '{ "plugins": [["module-resolver", { "alias": { "#sdk": "./src/sdk" } }]] }',
    });
    expect(json.errors).toEqual([]);
    expect(json.findings).toEqual(['src/main.ts:2 leanplum/init']);
    const dynamic = await run({
      ...files,
      'babel.config.js':
        "const aliases = require('./aliases.json');\nmodule.exports = { plugins: [['module-resolver', { alias: aliases }]] };\n",
    });
    expect(dynamic.errors).toEqual([
      expect.objectContaining({
        file: 'babel.config.js',
        line: 2,
        kind: 'unresolved',
        message:
          'babel.config.js: the module-resolver options entry "alias" (line 2), whose value `aliases` is no literal, cannot be read without running the config; imports through it are not followed (its other module-resolver options are)',
      }),
    ]);
    // Options that are no object literal at all.
    const built = await run({
      ...files,
      'babel.config.js':
        "const make = require('./aliases');\nmodule.exports = { plugins: [['module-resolver', make()]] };\n",
    });
    expect(built.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('the module-resolver options are not a literal object'),
      }),
    ]);
    const regex = await run({
      ...files,
      '.babelrc': '{ "plugins": [["module-resolver", { "alias": { "^#(.+)": "./src/\\\\1" } }]] }',
    });
    expect(regex.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('regular expression') })]);
    // Its plain shapes are read: a prefix whose rest is kept, and one exact name.
    const plain = await run({
      ...files,
      'src/main.ts': "import lp from '#sdk/lp';\nimport lp2 from 'engage';\nlp.start();\nlp2.start();\n",
      '.babelrc': JSON.stringify({
        plugins: [['module-resolver', { alias: { '^#sdk/(.+)$': './src/sdk/\\1', '^engage$': './src/sdk/lp' } }]],
      }),
    });
    expect(plain.errors).toEqual([]);
    expect(plain.findings).toEqual(['src/main.ts:3 leanplum/init', 'src/main.ts:4 leanplum/init']);
  });

  it('module-resolver: a computed alias key is one error naming it; the literal aliases next to it are followed', async () => {
    const files = {
      'src/sdk/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'src/main.ts': "import lp from '#sdk/lp';\nlp.start();\n",
      'package.json': '{ "name": "shop-app" }',
    };
    const config = (key: string) =>
      `const pkg = require('./package.json');\nconst other = require('./other.json');\nmodule.exports = {\n  plugins: [['module-resolver', { alias: {\n    [${key}]: './src',\n    '#sdk': './src/sdk',\n  } }]],\n};\n`;
    const unknown = await run({ ...files, 'babel.config.js': config('other.prefix + "x"') });
    expect(unknown.findings).toEqual(['src/main.ts:2 leanplum/init']);
    expect(unknown.errors).toEqual([
      {
        file: 'babel.config.js',
        line: 5,
        column: 1,
        kind: 'unresolved',
        message:
          'babel.config.js: the module-resolver alias key `[other.prefix + "x"]` (line 5), a computed name, cannot be read without running the config; imports through it are not followed (its other module-resolver options are)',
      },
    ]);
    // `pkg.name` of the config's own package.json is read as JSON (never required): no error, and it resolves.
    const named = await run({
      ...files,
      'babel.config.js': config('pkg.name'),
      'src/main.ts': "import lp from '#sdk/lp';\nimport lp2 from 'shop-app/sdk/lp';\nlp.start();\nlp2.start();\n",
    });
    expect(named.errors).toEqual([]);
    expect(named.findings).toEqual(['src/main.ts:3 leanplum/init', 'src/main.ts:4 leanplum/init']);
    // A package.json with no name, or another property of it: reported, the rest still read.
    const nameless = await run({ ...files, 'package.json': '{}', 'babel.config.js': config('pkg.name') });
    expect(nameless.findings).toEqual(['src/main.ts:2 leanplum/init']);
    expect(nameless.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('alias key `[pkg.name]` (line 5), a computed name') }),
    ]);
    const version = await run({ ...files, 'babel.config.js': config('pkg.version') });
    expect(version.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('`[pkg.version]`') })]);
  });

  it('a `paths` alias into node_modules (`"react": ["./node_modules/@types/react"]`) is a package\'s, not an app file', async () => {
    const { errors } = await run({
      'tsconfig.json': '{ "compilerOptions": { "paths": { "react": ["./node_modules/@types/react"] } } }',
      'src/app.tsx':
        "import React from 'react';\nimport Leanplum from 'leanplum-sdk';\nexport const A = () => { Leanplum.track('a'); return null; };\n",
    });
    expect(errors).toEqual([]);
    // The package it names is the module: an alias of the SDK's package is the SDK.
    const sdk = await run({
      'tsconfig.json': '{ "compilerOptions": { "paths": { "lp": ["./node_modules/leanplum-sdk"] } } }',
      // It names no SDK: the alias's name is what makes it worth reading.
      'src/main.ts': "import lp from 'lp';\nlp.start();\n",
    });
    expect(sdk.errors).toEqual([]);
    expect(sdk.findings).toEqual(['src/main.ts:2 leanplum/init']);
    // A Babel alias renaming the SDK's package, likewise.
    const renamed = await run({
      '.babelrc': '{ "plugins": [["module-resolver", { "alias": { "engage": "leanplum-sdk" } }]] }',
      'src/main.ts': "import engage from 'engage';\nengage.start();\n",
    });
    expect(renamed.errors).toEqual([]);
    expect(renamed.findings).toEqual(['src/main.ts:2 leanplum/init']);
  });

  it('a module-resolver alias leading outside the scan root is one error for all its imports', async () => {
    const { errors } = await run({
      'babel.config.js':
        "module.exports = { plugins: [['module-resolver', { alias: { '@shared': '../shared/src' } }]] };\n",
      'src/a.ts': "import Leanplum from 'leanplum-sdk';\nimport { t } from '@shared/i18n';\nLeanplum.track(t);\n",
      'src/b.ts': "import Leanplum from 'leanplum-sdk';\nimport { u } from '@shared/util';\nLeanplum.track(u);\n",
    });
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /"@shared" of babel\.config\.js, whose target \.\.\/shared\/src is outside the scan root \(2 analysed files import through it\)/,
        ),
      }),
    ]);
  });

  it('a config extending only published bases known to set no aliases (expo, @tsconfig/*), not installed, keeps its own aliases', async () => {
    for (const base of ['"expo/tsconfig.base"', '["@tsconfig/react-native/tsconfig.json", "astro/tsconfigs/strict"]']) {
      const { errors, findings } = await run({
        'tsconfig.json': `{ "extends": ${base}, "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }`,
        'src/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
        'src/main.ts': "import lp from '@/lp';\nlp.start();\n",
      });
      expect(errors).toEqual([]);
      expect(findings).toEqual(['src/main.ts:2 leanplum/init']);
    }
    // Any other base not installed may set aliases: still an error.
    const other = await run({
      'tsconfig.json':
        '{ "extends": ["expo/tsconfig.base", "@acme/base"], "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
      'src/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'src/main.ts': "import lp from '@/lp';\nlp.start();\n",
    });
    expect(other.errors).toContainEqual(expect.objectContaining({ file: 'tsconfig.json', kind: 'unresolved' }));
  });

  it("a bundler's query (`?url`, `?raw`) picks how a file is loaded, not which: no unresolved alias", async () => {
    const { errors, findings } = await run({
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["./app/*"] } } }',
      'app/app.css': 'body {}\n',
      'app/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'app/root.tsx':
        "import href from '~/app.css?url';\nimport lp from '~/lp?inline';\nexport const links = [href];\nlp.start();\n",
    });
    expect(errors).toEqual([]);
    // `~/lp?inline` is app/lp.ts: the SDK it hands out is followed.
    expect(findings).toEqual(['app/root.tsx:4 leanplum/init']);
  });

  it("a vendor's package its policy leaves out (a server SDK) is not reported as a possible fork", async () => {
    const { errors } = await run({
      'functions/index.ts':
        "import admin from 'firebase-admin';\nimport { PostHog } from 'posthog-node';\nexport const app = admin.initializeApp();\nexport const ph = new PostHog('k');\n",
    });
    expect(errors).toEqual([]);
  });

  it("a package in an SDK vendor's npm scope that no policy knows is reported: it may be another of its SDKs", async () => {
    const { errors, findings } = await run({
      'src/replay.ts':
        "import * as sessionReplay from '@amplitude/session-replay-browser';\n" +
        "import type { Options } from '@amplitude/unknown-types';\n" +
        "import { IdfaPlugin } from '@segment/analytics-react-native-plugin-idfa';\n" +
        "import { Component } from '@angular/core';\n" +
        'export const opts: Options = {};\nexport const p = new IdfaPlugin();\nexport const c = Component;\n' +
        "sessionReplay.init('KEY', { sampleRate: 1 });\n",
    });
    // Not followed, so not silent: the run fails until the config says what the package is.
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'src/replay.ts',
        line: 1,
        kind: 'unresolved',
        message: expect.stringContaining(
          "'@amplitude/session-replay-browser' is published in @amplitude, the Amplitude vendor's npm scope, but no policy knows it",
        ),
      }),
    ]);
    expect(findings).toEqual([]);
    // Mapped to itself (another product, no SDK): acknowledged.
    const mapped = await run(
      {
        'src/replay.ts':
          "import * as sessionReplay from '@amplitude/session-replay-browser';\nsessionReplay.init('KEY');\n",
      },
      { moduleAliases: { '@amplitude/session-replay-browser': '@amplitude/session-replay-browser' } },
    );
    expect(mapped.errors).toEqual([]);
  });

  it("a package in a known SDK module's npm scope is its publisher's other product, not reported", async () => {
    const { errors, findings } = await run({
      'src/login.ts':
        "import auth from '@react-native-firebase/auth';\nimport firebase from '@react-native-firebase/app';\n" +
        'export function login() {\n  auth().signInAnonymously();\n  firebase.analytics().setAnalyticsCollectionEnabled(true);\n}\n',
    });
    expect(errors).toEqual([]);
    // What the policy knows of that scope is still checked.
    expect(findings).toEqual(['src/login.ts:5 firebase/analytics']);
    // Outside the scope, a name carrying the token still is reported (a fork publishes elsewhere).
    const fork = await run({
      'src/a.ts': "import fb from '@acme/react-native-firebase-analytics';\nfb.logEvent('x');\n",
    });
    expect(fork.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('suggests the firebase SDK') }),
    ]);
  });

  it('a scan root below its project resolves with the tsconfig above it', async () => {
    const root = project({
      'apps/web/tsconfig.json': '{ "compilerOptions": { "paths": { "@lp": ["./src/sdk/lp.ts"] } } }',
      'apps/web/src/sdk/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'apps/web/src/main.ts': "import lp from '@lp';\nlp.start();\n",
    });
    const { document } = await scan({ root: path.join(root, 'apps/web/src') });
    expect(document.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['main.ts:2 leanplum/init']);
  });

  it('a scan root below its project resolves with the Babel config above it', async () => {
    const root = project({
      'apps/mobile/babel.config.js':
        "module.exports = { plugins: [['module-resolver', { alias: { '@lp': './src/sdk/lp' } }]] };\n",
      'apps/mobile/src/sdk/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'apps/mobile/src/main.ts': "import lp from '@lp';\nlp.start();\n",
    });
    const { document } = await scan({ root: path.join(root, 'apps/mobile/src') });
    expect(document.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['main.ts:2 leanplum/init']);
    expect(document.errors.filter((e) => e.kind !== 'skipped')).toEqual([]);
  });

  it('a bundler app alias (`@/x`) that no tsconfig declares is reported once per project; declared, it is followed', async () => {
    const files = {
      'src/main.js':
        "import lp from '@/sdk/lp';\nimport { x } from '@/util';\n\nexport function go() {\n  lp.start();\n}\n",
      'src/other.js': "import lp from '@/sdk/lp';\n\nexport function stop() {\n  lp.stop();\n}\n",
      'src/sdk/lp.js': "import Leanplum from 'leanplum-sdk';\nexport default Leanplum;\n",
      'src/util.js': 'export const x = 1;\n',
    };
    const bare = await run(files);
    expect(bare.findings).toEqual([]);
    expect(bare.errors).toEqual([
      expect.objectContaining({
        file: 'src/main.js',
        line: 1,
        message: expect.stringContaining(
          "'@/sdk/lp' is an app alias of the bundler that no tsconfig/jsconfig `paths` declares (2 analysed files import through '@/…')",
        ),
      }),
    ]);
    const declared = await run({
      ...files,
      'jsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
    });
    expect(declared.findings).toEqual(['src/main.js:5 leanplum/init']);
    expect(declared.errors).toEqual([]);
  });

  it('a Nuxt tsconfig extending its generated config says how to generate it', async () => {
    const { errors } = await run({
      'tsconfig.json': '{ "extends": "./.nuxt/tsconfig.json" }',
      'app.ts': "import Leanplum from 'leanplum-sdk';\nLeanplum.setAppIdForProductionMode('a', 'b');\n",
    });
    expect(errors).toEqual([
      expect.objectContaining({ file: 'tsconfig.json', message: expect.stringContaining('nuxi prepare') }),
    ]);
  });

  describe("SvelteKit's generated tsconfig, not generated yet (a clean checkout)", () => {
    // The app: a wrapper in $lib and one under a `kit.alias`, each called from a page only with consent.
    const app = (svelteConfig: string | undefined, extra: Record<string, string> = {}) => ({
      'tsconfig.json': '{ "extends": "./.svelte-kit/tsconfig.json", "compilerOptions": { "strict": true } }',
      ...(svelteConfig !== undefined && { 'svelte.config.js': svelteConfig }),
      'src/lib/sdk.ts': "import Leanplum from 'leanplum-sdk';\nexport function startSdk() {\n  Leanplum.start();\n}\n",
      'src/utils/track.ts': "import Leanplum from 'leanplum-sdk';\nexport function track() {\n  Leanplum.start();\n}\n",
      'src/routes/+page.svelte':
        "<script lang=\"ts\">\n  import { startSdk } from '$lib/sdk';\n  import { track } from '$utils/track';\n" +
        '  if (window.Cookiebot?.consent?.marketing && window.Cookiebot?.consent?.statistics) {\n    startSdk();\n    track();\n  }\n</script>\n',
      ...extra,
    });
    const kitConfig = (kit: string) =>
      `import adapter from '@sveltejs/adapter-auto';\nconst config = {\n  kit: {\n    adapter: adapter(),\n${kit}\n  },\n};\nexport default config;\n`;

    it('$lib and `kit.alias` are followed as SvelteKit would generate them', async () => {
      const r = await run(app(kitConfig("    alias: { $utils: 'src/utils' },")));
      expect(r).toEqual({ findings: [], errors: [] });
      // A call without consent through either alias is found.
      const ungated = await run(
        app(kitConfig("    alias: { $utils: 'src/utils' },"), {
          'src/routes/other/+page.svelte':
            "<script lang=\"ts\">\n  import { startSdk } from '$lib/sdk';\n  import { track } from '$utils/track';\n  startSdk();\n  track();\n</script>\n",
        }),
      );
      expect(ungated.findings).toEqual(['src/lib/sdk.ts:3 leanplum/init', 'src/utils/track.ts:3 leanplum/init']);
      expect(ungated.errors).toEqual([]);
    });

    it('with no svelte.config, the defaults; a `kit.files.lib` and `kit.outDir` are read', async () => {
      // `$lib` by default; `$utils`, declared nowhere, leaves its wrapper with no caller the analysis sees.
      const bare = await run(app(undefined));
      expect(bare).toEqual({ findings: ['src/utils/track.ts:3 leanplum/init'], errors: [] });
      const moved = await run({
        ...app(
          kitConfig("    outDir: 'build/kit',\n    files: { lib: 'src/utils' },\n    alias: { $utils: 'src/utils' },"),
        ),
        'tsconfig.json': '{ "extends": "./build/kit/tsconfig.json" }',
      });
      // `$lib` is now src/utils, where no `sdk` module lies: that import is reported as unresolved.
      expect(moved.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('$lib/sdk') })]);
    });

    it('kit options that cannot be read without running the config keep the problem, with the reason', async () => {
      for (const kit of ['    alias: aliases(),', '    typescript: { config: (c) => c },', '    ...shared,']) {
        const { errors } = await run(app(kitConfig(kit)));
        expect(errors, kit).toContainEqual(
          expect.objectContaining({
            file: 'tsconfig.json',
            message: expect.stringMatching(/svelte-kit sync.*svelte\.config\.js: its `kit` options .* cannot be read/),
          }),
        );
      }
    });
  });

  describe("Nuxt's generated tsconfig, not generated yet (a clean checkout)", () => {
    const wrapper = "import Leanplum from 'leanplum-sdk';\nexport function startSdk() {\n  Leanplum.start();\n}\n";
    const gatedPage = (spec: string) =>
      `<script setup lang="ts">\nimport { startSdk } from '${spec}';\nif (window.Cookiebot?.consent?.marketing && window.Cookiebot?.consent?.statistics) startSdk();\n</script>\n`;
    const nuxtApp = (nuxt: string, config: string, files: Record<string, string>) => ({
      'package.json': JSON.stringify({ name: 'app', devDependencies: { nuxt } }),
      'nuxt.config.ts': config,
      'tsconfig.json': '{ "extends": "./.nuxt/tsconfig.json" }',
      'server/tsconfig.json': '{ "extends": "../.nuxt/tsconfig.server.json" }',
      ...files,
    });

    it('Nuxt 3: `~`, `@`, `~~` and the project folder; the server config too', async () => {
      const r = await run(
        nuxtApp('^3.12.0', "export default defineNuxtConfig({ modules: ['@nuxtjs/tailwindcss'] });\n", {
          'composables/sdk.ts': wrapper,
          'pages/index.vue': gatedPage('~/composables/sdk'),
          'pages/about.vue': gatedPage('@/composables/sdk'),
          'server/api/hello.ts': "import { startSdk } from '~~/composables/sdk';\nexport default () => 1;\n",
        }),
      );
      expect(r).toEqual({ findings: [], errors: [] });
    });

    it('Nuxt 4: `~` is app/; a literal `alias` is followed; an ungated call through it is found', async () => {
      const r = await run(
        nuxtApp(
          '^4.1.0',
          "import { fileURLToPath } from 'node:url';\nexport default defineNuxtConfig({\n  alias: { '@sdk': fileURLToPath(new URL('./lib/sdk', import.meta.url)) },\n});\n",
          {
            'app/composables/sdk.ts': wrapper,
            'lib/sdk/index.ts': wrapper,
            'app/pages/index.vue': gatedPage('~/composables/sdk'),
            'app/pages/other.vue':
              '<script setup lang="ts">\nimport { startSdk } from \'@sdk\';\nstartSdk();\n</script>\n',
          },
        ),
      );
      expect(r).toEqual({ findings: ['lib/sdk/index.ts:3 leanplum/init'], errors: [] });
    });

    it('options that decide the paths and cannot be read keep the problem, with the reason', async () => {
      for (const [config, why] of [
        ['export default defineNuxtConfig({ srcDir: process.env.SRC });\n', '`srcDir`'],
        ["export default defineNuxtConfig({ alias: { '@sdk': './lib/sdk' } });\n", '`alias` entry "@sdk"'],
        ['export default defineNuxtConfig(makeConfig());\n', 'exported config'],
      ]) {
        const { errors } = await run(
          nuxtApp('^3.12.0', config, {
            'composables/sdk.ts': wrapper,
            'pages/index.vue': gatedPage('~/composables/sdk'),
          }),
        );
        expect(errors, config).toContainEqual(
          expect.objectContaining({
            file: 'tsconfig.json',
            message: expect.stringContaining(`its ${why} cannot be read`),
          }),
        );
      }
    });
  });

  it('only real imports count: prose and comments naming an SDK are not imports', async () => {
    const { errors } = await run({
      'index.html':
        '<p>Data from "Leanplum dashboard"</p>\n<script>\n  // events from \'leanplum\'\n  window.Leanplum.setAppIdForProductionMode("a", "b");\n</script>\n',
    });
    expect(errors).toEqual([]);
  });

  it('known SDK modules and their subpaths are not reported', async () => {
    const { errors } = await run({
      'src/main.ts':
        "import Leanplum from 'leanplum-sdk';\nimport RN from '@leanplum/react-native-sdk';\nimport 'leanplum-sdk/dist/leanplum.min.js';\nLeanplum.setAppIdForProductionMode('a', 'b');\n",
    });
    expect(errors).toEqual([]);
  });
});

describe('discovery defaults', () => {
  it('skips committed build output at any depth, and the summary says so', async () => {
    const { document, rules, sources } = await scan({ root: DOT_FOLDERS });
    expect(document.stats.ignoredByDefault).toEqual({ dirs: ['dist', 'packages/web/build'], files: 2 });
    expect(document.findings.map((f) => f.file)).not.toContain('dist/bundle.js');
    const out = formatStylish(document, { rules, sources, color: false, root: DOT_FOLDERS });
    expect(out).toContain(
      '2 files of build output not scanned (dist/, packages/web/build/): name the folder in the config\'s "include" to scan it',
    );
  });

  it("skips a Cordova platform folder (generated copies of www and the plugins' native bridges)", async () => {
    const app = "document.addEventListener('deviceready', () => {\n  window.Leanplum.start();\n});\n";
    const root = project({
      'config.xml': '<widget id="com.example.app"></widget>\n',
      'www/js/index.js': app,
      'platforms/android/platform_www/cordova.js': '// cordova.js\n',
      'platforms/android/app/src/main/assets/www/js/index.js': app,
      'platforms/ios/cordova/Api.js': 'module.exports = {};\n',
      'platforms/ios/www/js/index.js': app,
      // Not a Cordova platform (no cordova.js, no Api.js): scanned.
      'src/platforms/web/boot.js': 'window.Leanplum.start();\n',
    });
    const { document } = await scan({ root });
    expect(document.stats.ignoredByDefault).toEqual({ dirs: ['platforms/android', 'platforms/ios'], files: 4 });
    expect(document.findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual([
      'src/platforms/web/boot.js:1',
      'www/js/index.js:2',
    ]);
    const included = await scan({ root, config: { include: ['**', 'platforms/**'], dir: root } });
    expect(included.document.findings.map((f) => f.file)).toContain(
      'platforms/android/app/src/main/assets/www/js/index.js',
    );
  });

  it('scans build output the config includes by name', async () => {
    const { document } = await scan({ root: DOT_FOLDERS, config: { include: ['**', 'dist/**'], dir: DOT_FOLDERS } });
    expect(document.stats.ignoredByDefault).toEqual({ dirs: ['packages/web/build'], files: 1 });
    expect(document.findings.map((f) => `${f.file}:${f.line}`)).toContain('dist/bundle.js:3');
  });

  it('reports an import that leads into skipped build output', async () => {
    const { errors } = await run({
      'src/main.ts':
        "import { lp } from './vendor/leanplum';\nimport Leanplum from 'leanplum-sdk';\nLeanplum.setAppIdForProductionMode('a', 'b');\nlp.start();\n",
      'src/vendor/leanplum.ts': "import Leanplum from 'leanplum-sdk';\nexport const lp = Leanplum;\n",
    });
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'src/main.ts',
        line: 1,
        kind: 'unresolved',
        message: expect.stringContaining('"src/vendor/**"'),
      }),
    ]);
  });
});

describe('component templates: exact positions', () => {
  it('an Astro file: frontmatter and bundled <script> as TS modules, is:inline as a page script, at their file positions', () => {
    const text =
      '---\nconst n: number = 1;\n---\n<p>{n}</p>\n<script>\n  const m: string = \'x\';\n</script>\n<script is:inline>\n  var k = 2;\n</script>\n<b onclick="go()">x</b>\n';
    const parsed = parseFile({ absPath: '/x/a.astro', relPath: 'a.astro', text });
    expect(parsed.errors).toEqual([]);
    const at = (i: number) => {
      const first = locOf(parsed.scripts[i].ast.program.body[0])!.start;
      return [parsed.scripts[i].kind, parsed.scripts[i].language, first.line, first.column];
    };
    expect(parsed.scripts.map((_, i) => at(i))).toEqual([
      ['module', 'ts', 2, 0],
      ['module', 'ts', 6, 2],
      ['script', 'js', 9, 2],
      ['handler', 'js', 11, 12],
    ]);
  });

  it('an Angular templateUrl event binding is traced at its place in the .html file', async () => {
    const { document } = await scan({ root: ANGULAR });
    const f = document.findings.find((x) => x.file === 'src/app/push.component.ts' && x.line === 16);
    expect(f?.trace.slice(0, 2).map((h) => `${h.file}:${h.line}:${h.column} ${h.label}`)).toEqual([
      'src/app/push.component.html:1:18 event handler attribute',
      'src/app/push.component.html:1:18 enablePush()',
    ]);
    const inline = document.findings.find((x) => x.file === 'src/app/inline.component.ts');
    expect(inline?.trace[0]).toMatchObject({ file: 'src/app/inline.component.ts', line: 7, column: 22 });
  });
});
