/**
 * Classes: invalid / oversized / special config and policy files, policy
 * paths outside the repository, `tokens: []`, include/exclude matching
 * nothing, tsconfig that is a link to /dev/zero or a FIFO, the upward config
 * search outside git. Config and policy errors exit 2 naming the file and the
 * JSON pointer; tsconfig problems are reported and the neighbour's finding
 * survives.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, findingFiles, gitRepo, json, LP_UNGUARDED, tempDir, writeTree } from './helpers.js';

beforeAll(ensureBuilt);
afterAll(cleanup);

const CONFIG = 'consent-lint.config.json';

function project(files: Record<string, string>): string {
  return writeTree(tempDir(), { 'src/neighbour.ts': LP_UNGUARDED, ...files });
}

describe('config files', () => {
  it('invalid JSON: exit 2, the file and where, never its bytes', () => {
    const root = project({ [CONFIG]: '{\n  "include": ["src/**"],\n  SECRET-TOKEN-123\n}\n' });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json:3:3: \/: valid JSON \(/);
    expect(r.stderr + r.stdout).not.toContain('SECRET-TOKEN-123');
  });

  it('a schema error names the file and the JSON pointer', () => {
    const root = project({ [CONFIG]: JSON.stringify({ rules: { 'leanplum/init': 'loud' } }) });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json:1:\d+: \/rules\/leanplum~1init: must be one of/);
  });

  it('oversized (over 1 MiB): exit 2 naming the file', () => {
    const root = project({ [CONFIG]: `{"include": ["src/**"], "x": "${'a'.repeat(1100 * 1024)}"}` });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json: \/: a readable JSON file \(larger than 1 MiB/);
  });

  it('a link to /dev/zero: exit 2 naming the file, no endless read', () => {
    const root = project({});
    symlinkSync('/dev/zero', join(root, CONFIG));
    const r = cli([root, '--config', join(root, CONFIG)], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /consent-lint\.config\.json: \/: a readable JSON file \(a character device, not a regular file/,
    );
  });

  it('a FIFO: exit 2 naming the file, never blocks', () => {
    const root = project({});
    execFileSync('mkfifo', [join(root, CONFIG)]);
    const r = cli([root], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json: \/: a readable JSON file \(a FIFO/);
  });

  it('a found config that links outside the repository is refused, not read', () => {
    const outside = writeTree(tempDir(), { 'secret.json': '{"include": ["SECRET-PATH/**"]}' });
    const root = gitRepo(project({}));
    symlinkSync(join(outside, 'secret.json'), join(root, CONFIG));
    const r = cli(['.'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /consent-lint\.config\.json: \/: a readable JSON file \(a symbolic link leading outside the scan root/,
    );
    expect(r.stderr).not.toContain('SECRET-PATH');
  });

  it('a Babel config is read, never run: hostile ones are errors naming them, no crash, no link followed', () => {
    const outside = writeTree(tempDir(), {
      'aliases.babelrc': '{"plugins":[["module-resolver",{"alias":{"#x":"./SECRET"}}]]}',
    });
    for (const [name, text, expected] of [
      // A config that runs code to build its aliases would run the repository's code: not read.
      [
        'babel.config.js',
        "require('child_process').execSync('touch PWNED');\nmodule.exports = { plugins: [['module-resolver', { alias: require('./a.json') }]] };\n",
        /babel\.config\.js: the module-resolver options entry "alias" \(line 2\), whose value `require\('\.\/a\.json'\)` is no literal, cannot be read/,
      ],
      [
        '.babelrc',
        `{"plugins":[["module-resolver",${'['.repeat(50_000)}${']'.repeat(50_000)}]]}`,
        /\.babelrc: the module-resolver options are not an object/,
      ],
      [
        'babel.config.js',
        `module.exports = { plugins: [['module-resolver', ${'['.repeat(20_000)}${']'.repeat(20_000)}]] };\n`,
        /babel\.config\.js: could not be (parsed|read)/,
      ],
    ] as const) {
      const root = gitRepo(project({ [name]: text, 'src/a.ts': LP_UNGUARDED }));
      const r = cli([root, '--format', 'json'], { timeoutMs: 60_000 });
      expect(r.signal).toBeNull();
      const report = json(r);
      expect(findingFiles(report)).toEqual(['src/a.ts:2', 'src/neighbour.ts:2']);
      // (A one-line config is also skipped as a source file, being generated-looking: not the point here.)
      const messages = report.errors.map((e) => e.message).filter((m) => !m.startsWith('Skipped'));
      expect(messages).toEqual([expect.stringMatching(expected)]);
      expect(existsSync(join(root, 'PWNED'))).toBe(false);
    }
    const root = gitRepo(project({ 'src/a.ts': LP_UNGUARDED }));
    symlinkSync(join(outside, 'aliases.babelrc'), join(root, '.babelrc'));
    const r = json(cli([root, '--format', 'json']));
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/\.babelrc: could not be read \(.*outside the scan root/),
    ]);
    expect(JSON.stringify(r)).not.toContain('SECRET');
  });

  it('an include glob matching no file: exit 2, the file and /include/1', () => {
    const root = project({ [CONFIG]: JSON.stringify({ include: ['src/**', 'scr/**'] }) });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /consent-lint\.config\.json: \/include\/1: include glob "scr\/\*\*" matches no source file/,
    );
  });

  it('include/exclude leaving nothing to scan: exit 2, the file and /exclude', () => {
    const root = project({ [CONFIG]: JSON.stringify({ include: ['src/**'], exclude: ['**/*.ts'] }) });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json: \/exclude: include\/exclude leave no source file to scan/);
  });
});

describe('policy files named by the config', () => {
  const policy = (over: object) =>
    JSON.stringify({ id: 'acme', description: 'Acme SDK', tokens: ['AcmeSdk'], rules: [], guards: [], ...over });

  it('an invalid policy: exit 2, the config file and /policies/N, and the policy file and its pointer', () => {
    const root = project({
      [CONFIG]: JSON.stringify({ policies: ['leanplum', './policies/acme.json'] }),
      'policies/acme.json': policy({ tokens: 'AcmeSdk' }),
    });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /consent-lint\.config\.json: \/policies\/1: ".*policies\/acme\.json": .*acme\.json: \/tokens: must be array/,
    );
  });

  it('a missing policy: the config file and /policies/0', () => {
    const root = project({ [CONFIG]: JSON.stringify({ policies: ['./nope.json'] }) });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json: \/policies\/0: ".*nope\.json": a built-in policy id/);
  });

  it('`tokens: []` with rules is a validation error (it would turn all analysis off)', () => {
    const leanplum = JSON.parse(
      execFileSync('cat', [join(__dirname, '../../policies/leanplum.json')], { encoding: 'utf8' }),
    );
    const root = project({
      [CONFIG]: JSON.stringify({ policies: ['./p.json'] }),
      'p.json': JSON.stringify({ ...leanplum, tokens: [] }),
    });
    const r = cli([root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/policies\/0: .*p\.json: \/tokens: at least one token when the policy has rules/);
    const v = cli(['validate', join(root, 'p.json')]);
    expect(v.code).toBe(2);
    expect(v.stderr + v.stdout).toMatch(/\/tokens/);
  });

  it('a policy path outside the repository is refused without reading or printing it', () => {
    const outside = writeTree(tempDir(), { 'x.json': 'TOP-SECRET-BYTES' });
    const root = gitRepo(project({ [CONFIG]: JSON.stringify({ policies: [join(outside, 'x.json')] }) }));
    const r = cli(['.'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /\/policies\/0: .*a policy file inside the repository .* \(refused: .* is outside it and was not read\)/,
    );
    expect(r.stderr + r.stdout).not.toContain('TOP-SECRET');
  });

  it('a policy that links out of the repository is refused the same way', () => {
    const outside = writeTree(tempDir(), { 'x.json': 'TOP-SECRET-BYTES' });
    const root = gitRepo(project({ [CONFIG]: JSON.stringify({ policies: ['./p.json'] }) }));
    symlinkSync(join(outside, 'x.json'), join(root, 'p.json'));
    const r = cli(['.'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /\/policies\/0: .*p\.json"?: a readable JSON file \(a symbolic link leading outside the scan root/,
    );
    expect(r.stderr + r.stdout).not.toContain('TOP-SECRET');
  });
});

describe('tsconfig.json', () => {
  it.each(['zero', 'fifo', 'extends-out'])('%s: reported, the scan goes on, the neighbour is checked', (kind) => {
    const root = project({});
    if (kind === 'zero') symlinkSync('/dev/zero', join(root, 'tsconfig.json'));
    if (kind === 'fifo') execFileSync('mkfifo', [join(root, 'tsconfig.json')]);
    if (kind === 'extends-out') {
      const outside = writeTree(tempDir(), { 'base.json': '{"compilerOptions": {"baseUrl": "."}}' });
      writeFileSync(
        join(root, 'tsconfig.json'),
        JSON.stringify({ extends: join(outside, 'base.json'), compilerOptions: {} }),
      );
    }
    // An import resolution makes the project read tsconfig paths.
    writeTree(root, { 'src/a.ts': "import { b } from 'lib/b';\nb();\n" });
    const r = cli([root, '--format', 'json'], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const report = json(r);
    const err = report.errors.find((e) => e.file === 'tsconfig.json' || e.file.endsWith('base.json'));
    expect(err?.message, JSON.stringify(report.errors)).toMatch(
      kind === 'zero' ? /outside the scan root|character device/ : kind === 'fifo' ? /FIFO/ : /outside the scan root/,
    );
    expect(findingFiles(report)).toEqual(['src/neighbour.ts:2']);
  });
});

describe('the upward config search', () => {
  it('outside git it stops before $HOME: a config there does not become the scan root', () => {
    const home = writeTree(tempDir(), { [CONFIG]: JSON.stringify({ include: ['nothing-here/**'] }) });
    const app = join(home, 'work', 'app');
    mkdirSync(app, { recursive: true });
    writeTree(app, { 'src/neighbour.ts': LP_UNGUARDED });
    const r = cli(['--format', 'json'], { cwd: app, env: { HOME: home } });
    expect(r.code).toBe(1);
    expect(findingFiles(json(r))).toEqual(['src/neighbour.ts:2']);
  });

  it('inside git it stops at the repository root', () => {
    const outer = writeTree(tempDir(), { [CONFIG]: JSON.stringify({ include: ['nothing-here/**'] }) });
    const repo = join(outer, 'repo');
    mkdirSync(repo);
    gitRepo(repo);
    writeTree(repo, { 'src/neighbour.ts': LP_UNGUARDED });
    const r = cli(['--format', 'json'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(findingFiles(json(r))).toEqual(['src/neighbour.ts:2']);
  });
});
