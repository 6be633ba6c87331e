/**
 * docs/rules/<rule-id>.md: one page per built-in rule, generated from the
 * policy data (`npm run docs`), linked from SARIF (`helpUri`), `explain`,
 * the stylish report and the README.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinPolicyIds, resolvePolicies } from '../src/policy/index.js';
import { homepageUrl, ruleDocUrl } from '../src/policy/links.js';
import { ruleDocPages } from '../src/policy/rule-docs.js';
import { directiveRules } from '../src/suppress/index.js';
import { sdkEscapesRule } from '../src/sinks/index.js';
import { ensureBuilt, repoRoot, runCli, sarifValidator } from './cli-helpers.js';

const policies = resolvePolicies(builtinPolicyIds());
const coreRules = [...directiveRules, sdkEscapesRule()];
const allRules = [...policies.flatMap((p) => p.rules), ...coreRules];

describe('docs/rules', () => {
  it('has a page for every rule of every built-in policy and every consent-lint/* rule, identical to what `npm run docs` generates', () => {
    const pages = ruleDocPages(policies, coreRules);
    expect(allRules.length).toBeGreaterThanOrEqual(7);
    for (const rule of allRules) {
      const rel = `docs/rules/${rule.id}.md`;
      expect(pages.has(rel), rel).toBe(true);
      expect(existsSync(join(repoRoot, rel)), `${rel} is missing: run npm run docs`).toBe(true);
      expect(readFileSync(join(repoRoot, rel), 'utf8'), `${rel} is out of date: run npm run docs`).toBe(pages.get(rel));
    }
    expect(readFileSync(join(repoRoot, 'docs/rules/README.md'), 'utf8')).toBe(pages.get('docs/rules/README.md'));
  });

  it('`npm run docs -- --check` agrees (and the generator is what the script runs)', () => {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/rule-docs.ts', '--check'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
  });

  it('each page carries the legal basis, what it checks, compliant and non-compliant code and how to fix, from the policy data', () => {
    for (const rule of allRules) {
      const page = readFileSync(join(repoRoot, `docs/rules/${rule.id}.md`), 'utf8');
      expect(page).toContain(`# ${rule.id}\n`);
      for (const heading of ['## What it checks', '## Why (legal basis)', '## How to fix'])
        expect(page, `${rule.id}: ${heading}`).toContain(heading);
      expect(page).toContain(rule.legalBasis);
      expect(page).toContain(rule.description);
      expect(page).toContain(rule.docs);
      if (rule.examples) {
        expect(page).toContain(`## Non-compliant\n\n\`\`\`js\n${rule.examples.nonCompliant.trimEnd()}\n\`\`\``);
        expect(page).toContain(`## Compliant\n\n\`\`\`js\n${rule.examples.compliant.trimEnd()}\n\`\`\``);
      }
      for (const p of rule.requires) expect(page).toContain(`\`${p}\``);
    }
  });

  it('relative links in the pages and the README point at files that exist', () => {
    const files = ['README.md', 'docs/rules/README.md', ...allRules.map((r) => `docs/rules/${r.id}.md`)];
    for (const file of files) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      for (const m of text.matchAll(/\]\(((?!https?:|#)[^)#\s]+)(#[^)]*)?\)/g)) {
        expect(existsSync(join(repoRoot, file, '..', m[1])), `${file}: ${m[1]}`).toBe(true);
      }
    }
  });

  it('the README links the rule pages', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('(docs/rules/README.md)');
    // The README links the index; the index links every rule's page.
    const index = readFileSync(join(repoRoot, 'docs/rules/README.md'), 'utf8');
    for (const rule of allRules)
      expect(index, rule.id).toMatch(new RegExp(`\\]\\((?:\\./)?${rule.id.replace('/', '\\/')}\\.md\\)`));
  });

  it('web addresses come from package.json `repository`, one per built-in rule, none for unknown rules', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(homepageUrl()).toBe(repo);
    expect(ruleDocUrl('leanplum/init')).toBe(`${repo}/blob/main/docs/rules/leanplum/init.md`);
    expect(ruleDocUrl('acme/track')).toBeUndefined();
    expect(ruleDocUrl('../../etc/passwd')).toBeUndefined();
  });
});

describe('links from the CLI', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('SARIF: every built-in rule has helpUri; informationUri is the repository; the log is valid SARIF 2.1.0', () => {
    const r = runCli(['fixtures/cli/ungated', '--format', 'sarif']);
    expect(r.code, r.stderr).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.informationUri).toBe(homepageUrl());
    expect(driver.informationUri).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    for (const rule of driver.rules) {
      expect(rule.helpUri, rule.id).toBe(ruleDocUrl(rule.id));
      expect(rule.helpUri).toMatch(new RegExp(`/docs/rules/${rule.id}\\.md$`));
      expect(existsSync(join(repoRoot, `docs/rules/${rule.id}.md`))).toBe(true);
      expect(rule.help.markdown).toContain(`[Rule documentation](${rule.helpUri})`);
    }
    expect(driver.rules.map((x: { id: string }) => x.id)).toContain('leanplum/init');
  });

  it('a helpUri that is not a URI is rejected by the validator (the SARIF check can fail)', () => {
    const r = runCli(['fixtures/cli/ungated', '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    sarif.runs[0].tool.driver.rules[0].helpUri = 42;
    expect(sarifValidator()(sarif)).toBe(false);
  });

  it('explain prints the page address and the shipped file', () => {
    const r = runCli(['explain', 'leanplum/push']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(ruleDocUrl('leanplum/push')!);
    expect(r.stdout).toContain(join(repoRoot, 'docs/rules/leanplum/push.md'));
  });

  it('stylish ends with the page of each rule that fired', () => {
    const r = runCli(['fixtures/cli/ungated']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  leanplum/init: ${ruleDocUrl('leanplum/init')}`);
    expect(r.stdout).not.toContain('leanplum/push:');
  });
});
