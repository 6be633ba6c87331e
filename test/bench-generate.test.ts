// The benchmark's tree generator (bench/generate.mjs): deterministic, the
// promised file mix, syntactically valid code, and a manifest that points at
// the SDK calls it wrote. Runs the generator as a child process on a small tree.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';

const GENERATOR = join(import.meta.dirname, '..', 'bench', 'generate.mjs');
const work = mkdtempSync(join(tmpdir(), 'bench-gen-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function generate(name: string, count: number, ...extra: string[]): string {
  const dir = join(work, name);
  const r = spawnSync(process.execPath, [GENERATOR, dir, String(count), '--no-git', ...extra], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return dir;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of walk(dir)) h.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

interface Manifest {
  sourceFiles: number;
  byExt: Record<string, number>;
  expected: { sinkCalls: number; findings: number; compliant: number };
  sinks: {
    file: string;
    line: number;
    column: number;
    call: string;
    expect: string;
    scenario: string;
    injected?: boolean;
  }[];
  injected?: { sites: number; sinks: number; filesChanged: number };
}

/** consent-lint's findings against the manifest: expected findings reported, none anywhere else. */
async function checkVerdicts(dir: string, manifest: Manifest): Promise<void> {
  const { document } = await scan({ root: dir, config: loadConfigFile(join(dir, 'consent-lint.config.json')) });
  expect(document.errors).toEqual([]);
  const reported = new Set(document.findings.map((f) => `${f.file}:${f.line}`));
  const expected = new Set(manifest.sinks.filter((s) => s.expect === 'finding').map((s) => `${s.file}:${s.line}`));
  const policyDependent = new Set(
    manifest.sinks.filter((s) => s.expect === 'policy').map((s) => `${s.file}:${s.line}`),
  );
  for (const k of expected) expect(reported.has(k), `expected a finding at ${k}`).toBe(true);
  for (const k of reported) expect(expected.has(k) || policyDependent.has(k), `unexpected finding at ${k}`).toBe(true);
}

describe('bench/generate.mjs', () => {
  const a = generate('a', 600);
  const manifest = JSON.parse(readFileSync(join(a, '.bench-manifest.json'), 'utf8')) as Manifest;
  const sources = walk(join(a, 'src')).filter((f) => /\.(tsx?|js)$/.test(f));

  it('is deterministic: same arguments, same bytes; another seed, another tree', () => {
    expect(digest(generate('b', 600))).toBe(digest(a));
    expect(digest(generate('c', 600, '--seed', 'other'))).not.toBe(digest(a));
  });

  it('writes the requested number of source files in the promised mix', () => {
    expect(sources.length).toBe(600);
    expect(manifest.sourceFiles).toBe(600);
    const share = (ext: string) =>
      sources.filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).length / sources.length;
    expect(share('.ts')).toBeGreaterThan(0.4);
    expect(share('.tsx')).toBeGreaterThan(0.35);
    expect(share('.js')).toBeGreaterThan(0.12);
    for (const f of ['consent-lint.config.json', 'tsconfig.json', '.gitignore', 'src/privacy/consent.ts']) {
      expect(() => statSync(join(a, f))).not.toThrow();
    }
  });

  it('writes code that parses', () => {
    for (const f of sources) {
      const plugins: ('typescript' | 'jsx')[] = f.endsWith('.tsx')
        ? ['typescript', 'jsx']
        : f.endsWith('.ts')
          ? ['typescript']
          : ['jsx'];
      expect(() => parse(readFileSync(f, 'utf8'), { sourceType: 'module', plugins }), f).not.toThrow();
    }
  });

  it('records every SDK call it wrote, about one per 200 files', () => {
    expect(manifest.expected.sinkCalls).toBe(3);
    expect(manifest.expected.findings).toBeGreaterThan(0);
    for (const s of manifest.sinks) {
      const line = readFileSync(join(a, s.file), 'utf8').split('\n')[s.line - 1];
      expect(line.slice(s.column - 1)).toMatch(new RegExp(`^${s.call.replace('.', '\\.')}\\(`));
    }
  });

  it('consent-lint reports exactly the expected findings', async () => {
    await checkVerdicts(a, manifest);
  });
});

describe('bench/generate.mjs --inject (bench/inject.mjs)', () => {
  const a = generate('inj-a', 600, '--inject', '20');
  const manifest = JSON.parse(readFileSync(join(a, '.bench-manifest.json'), 'utf8')) as Manifest;
  const injected = manifest.sinks.filter((s) => s.injected);

  it('is deterministic', () => {
    expect(digest(generate('inj-b', 600, '--inject', '20'))).toBe(digest(a));
  });

  it('injects the requested sites, wrappers and gates across about two files per site, in every scenario', () => {
    expect(manifest.injected).toMatchObject({ sites: 20, sinks: 20 });
    expect(manifest.injected!.filesChanged).toBeGreaterThanOrEqual(30);
    expect(manifest.injected!.filesChanged).toBeLessThanOrEqual(60);
    expect(new Set(injected.map((s) => s.scenario)).size).toBe(7);
    expect(injected.filter((s) => s.expect === 'finding').length).toBeGreaterThan(0);
    expect(injected.filter((s) => s.expect === 'compliant').length).toBeGreaterThan(0);
    expect(manifest.expected.sinkCalls).toBe(manifest.sinks.filter((s) => s.expect !== 'not-a-sink').length);
  });

  it('writes code that parses, and records where every injected call is', () => {
    for (const f of walk(join(a, 'src')).filter((p) => /\.(tsx?|js)$/.test(p))) {
      const plugins: ('typescript' | 'jsx')[] = f.endsWith('.tsx')
        ? ['typescript', 'jsx']
        : f.endsWith('.ts')
          ? ['typescript']
          : ['jsx'];
      expect(() => parse(readFileSync(f, 'utf8'), { sourceType: 'module', plugins }), f).not.toThrow();
    }
    for (const s of manifest.sinks) {
      const line = readFileSync(join(a, s.file), 'utf8').split('\n')[s.line - 1];
      expect(line.slice(s.column - 1)).toMatch(new RegExp(`^${s.call.replace('.', '\\.')}\\(`));
    }
  });

  it('consent-lint reports exactly the expected findings, injected sites included', async () => {
    await checkVerdicts(a, manifest);
  });
});

describe('bench/generate.mjs --sdk-every 10 (the dense tree)', () => {
  it('writes one SDK site per ~10 files, and consent-lint reports exactly the expected findings', async () => {
    const dir = generate('dense', 400, '--sdk-every', '10');
    const manifest = JSON.parse(readFileSync(join(dir, '.bench-manifest.json'), 'utf8')) as Manifest;
    expect(new Set(manifest.sinks.map((s) => s.file)).size).toBeGreaterThanOrEqual(30);
    await checkVerdicts(dir, manifest);
  });
});
