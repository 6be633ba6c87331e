/**
 * Where consent-lint lives on the web, from package.json (`repository`,
 * `homepage`), and where each built-in rule's page is: `docs/rules/<rule-id>.md`,
 * generated from the policy data by `npm run docs` and shipped in the package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './document.js';

interface PackageJson {
  homepage?: string;
  repository?: string | { url?: string };
}

let pkg: PackageJson | undefined;
function packageJson(): PackageJson {
  if (!pkg) {
    try {
      pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as PackageJson;
    } catch {
      pkg = {};
    }
  }
  return pkg;
}

/** `https://github.com/owner/name` from package.json `repository` (`git+https://…/name.git` or `github:owner/name`). */
export function repositoryUrl(): string | undefined {
  const repo = packageJson().repository;
  const url = typeof repo === 'string' ? repo : repo?.url;
  if (!url) return undefined;
  const short = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(url);
  if (short) return `https://github.com/${short[1]}`;
  return url
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^git:\/\//, 'https://');
}

/** The tool's home page (SARIF `informationUri`). */
export function homepageUrl(): string | undefined {
  return repositoryUrl() ?? packageJson().homepage?.replace(/#.*$/, '');
}

/** `docs/rules/<rule-id>.md` (rule ids contain a `/`, so policy ids are folders). */
export function ruleDocRelativePath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

/** The shipped rule page, when the rule is built in (has a generated page). */
export function ruleDocFile(ruleId: string): string | undefined {
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(ruleId)) return undefined;
  const file = join(packageRoot, ruleDocRelativePath(ruleId));
  return existsSync(file) ? file : undefined;
}

/** Web address of a built-in rule's page (SARIF `helpUri`), undefined for rules of the project's own policies. */
export function ruleDocUrl(ruleId: string): string | undefined {
  const repo = repositoryUrl();
  if (!repo || !ruleDocFile(ruleId)) return undefined;
  return `${repo}/blob/main/${ruleDocRelativePath(ruleId)}`;
}
