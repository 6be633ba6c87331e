import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInit } from '../src/cli/init.js';
import { memoryIO } from '../src/cli/io.js';
import { validateDocument } from '../src/policy/index.js';
import { repoRoot } from './cli-helpers.js';

function app(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-init-'));
  cpSync(join(repoRoot, 'fixtures/cli/init-app'), dir, { recursive: true });
  return dir;
}

describe('init', () => {
  it('detects Leanplum, the CMP and the app guard helper by text, and writes a valid starter config', () => {
    const dir = app();
    const io = memoryIO({ cwd: dir });
    expect(runInit({}, io)).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'consent-lint.config.json'), 'utf8'));
    expect(validateDocument('config', 'consent-lint.config.json', config)).toEqual([]);
    expect(config.$schema).toBe('./node_modules/consent-lint/schemas/config.schema.json');
    expect(config.guards).toEqual([{ function: 'hasConsent', purposeArgument: 0, module: './src/privacy' }]);
    expect(config.purposeAliases).toEqual({ statistics: 'analytics' });
    expect(config.policies).toBeUndefined();
    expect(io.out).toContain('SDK policies detected: leanplum');
    expect(io.out).toMatch(/CMP guard packs detected: .*cookiebot/);
    expect(io.out).toContain('REVIEW');
  });

  it('refuses to overwrite without --force', () => {
    const dir = app();
    writeFileSync(join(dir, 'consent-lint.config.json'), '{"exclude":["keep-me"]}\n');
    const io = memoryIO({ cwd: dir });
    expect(runInit({}, io)).toBe(2);
    expect(io.err).toContain('already exists; use --force');
    expect(readFileSync(join(dir, 'consent-lint.config.json'), 'utf8')).toContain('keep-me');
    expect(runInit({ force: true }, memoryIO({ cwd: dir }))).toBe(0);
    expect(readFileSync(join(dir, 'consent-lint.config.json'), 'utf8')).not.toContain('keep-me');
  });

  it('never executes repository code (a booby-trapped file is only read)', () => {
    const dir = app();
    const marker = join(dir, 'executed');
    writeFileSync(
      join(dir, 'src/trap.js'),
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\nimport Leanplum from 'leanplum-sdk';\n`,
    );
    writeFileSync(
      join(dir, 'consent-lint.config.js'),
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`,
    );
    expect(runInit({ dir: '.' }, memoryIO({ cwd: dir }))).toBe(0);
    expect(() => readFileSync(marker)).toThrow();
  });

  it('writes into DIR and points $schema at an installed consent-lint', () => {
    const dir = app();
    cpSync(join(repoRoot, 'schemas'), join(dir, 'node_modules/consent-lint/schemas'), { recursive: true });
    const io = memoryIO({ cwd: join(dir, 'public') });
    expect(runInit({ dir: '..' }, io)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'consent-lint.config.json'), 'utf8')).$schema).toBe(
      './node_modules/consent-lint/schemas/config.schema.json',
    );
  });
});
