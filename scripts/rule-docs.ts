// `npm run docs`: write docs/rules/<rule-id>.md (and docs/rules/README.md) for
// every rule of the built-in policies and consent-lint's own directive rules,
// from the policy data. `npm run docs -- --check` exits 1 when a page is stale
// or missing (test/rule-docs.test.ts does the same).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPolicyIds, resolvePolicies } from '../src/policy/index.js';
import { ruleDocPages } from '../src/policy/rule-docs.js';
import { directiveRules } from '../src/suppress/index.js';
import { sdkEscapesRule } from '../src/sinks/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const pages = ruleDocPages(resolvePolicies(builtinPolicyIds()), [...directiveRules, sdkEscapesRule()]);

function listMarkdown(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory()
      ? listMarkdown(p)
      : name.endsWith('.md')
        ? [relative(root, p).split('\\').join('/')]
        : [];
  });
}

const problems: string[] = [];
for (const [rel, text] of pages) {
  const file = join(root, rel);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) problems.push(`${rel}: ${current === undefined ? 'missing' : 'out of date'}`);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    process.stderr.write(`wrote ${rel}\n`);
  }
}
for (const rel of listMarkdown(join(root, 'docs/rules'))) {
  if (pages.has(rel)) continue;
  if (check) problems.push(`${rel}: no such rule (stale page)`);
  else {
    rmSync(join(root, rel));
    process.stderr.write(`removed ${rel}\n`);
  }
}
if (problems.length) {
  process.stderr.write(`${problems.join('\n')}\nRun \`npm run docs\` to regenerate docs/rules/.\n`);
  process.exit(1);
}
