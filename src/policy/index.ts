/**
 * Policies and configuration: JSON only (never JS: scanning must not execute
 * the repository's code), validated against the JSON Schemas in `schemas/`.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { gitSync, isInsideDir } from '../discover/index.js';

import type { Config, Policy, RuleSpec } from '../model.js';
import { loadConfigChain, resolvePackageJsonFile } from './config.js';
import {
  checkPolicySemantics,
  CONFIG_FILE_NAMES,
  ConfigError,
  packageRoot,
  readJsonDocument,
  validateDocument,
  type JsonDocument,
  type SchemaKind,
  type SchemaProblem,
} from './document.js';

export {
  CONFIG_FILE_NAME,
  ConfigError,
  formatProblem,
  packageRoot,
  validateDocument,
  type SchemaProblem,
} from './document.js';
const policiesDir = join(packageRoot, 'policies');

export { checkRuleIds, configOrigin, effectiveRules, loadConfigChain, policiesInForce } from './config.js';
export { ruleSeverity } from './severity.js';

export function builtinPolicyIds(): string[] {
  return readdirSync(policiesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

const policyCache = new Map<string, Policy>();

/**
 * Load a policy by built-in id or by path (relative to `baseDir`). With
 * `root`, a path must stay inside it (also through symlinks): the config of a
 * scanned repository cannot make us read files outside that repository.
 */
export function loadPolicy(idOrFile: string, baseDir: string = process.cwd(), root?: string): Policy {
  const builtin = join(policiesDir, `${idOrFile}.json`);
  const isBuiltin = /^[a-z0-9][a-z0-9-]*$/.test(idOrFile) && existsSync(builtin);
  let file = isBuiltin ? builtin : isAbsolute(idOrFile) ? idOrFile : resolve(baseDir, idOrFile);
  let tried: string[] = [];
  if (!existsSync(file) && !/^\.\.?[\\/]/.test(idOrFile) && !isAbsolute(idOrFile)) {
    // A policy shipped in a package: `@acme/consent-policies` (package.json `main`
    // naming a .json file, or consent-lint-policy.json) or `@acme/consent-policies/segment.json`.
    const found = resolvePackageJsonFile(idOrFile, baseDir, 'consent-lint-policy.json');
    tried = found.tried;
    if (found.file) file = found.file;
  }
  if (!isBuiltin && root !== undefined && !isInsideDir(realpathOr(root), realpathOr(dirname(file)))) {
    throw new ConfigError(idOrFile, [
      {
        pointer: '',
        expected: `a policy file inside the repository ${root} (refused: ${file} is outside it and was not read)`,
      },
    ]);
  }
  const cached = policyCache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) {
    throw new ConfigError(idOrFile, [
      {
        pointer: '',
        expected: `a built-in policy id (${builtinPolicyIds().join(', ')}), a path to a policy JSON file, or a package in node_modules with one${tried.length ? ` (tried ${tried.join(', ')})` : ''}`,
      },
    ]);
  }
  // A built-in policy ships with this build: plain JSON, no positions needed.
  const doc: JsonDocument = isBuiltin
    ? { value: JSON.parse(readFileSync(file, 'utf8')) as unknown, position: () => ({}) }
    : readJsonDocument(file, root);
  const data = doc.value;
  // Built-in policies ship with this build and are validated by its tests (test/startup.test.ts);
  // validating them again on every run cost more than parsing a small project (~20 ms, cold JIT).
  const problems = isBuiltin
    ? checkPolicySemantics(data as Policy)
    : validateDocument('policy', file, data).map((p) => ({ ...p, ...doc.position(p.pointer) }));
  if (problems.length) throw new ConfigError(file, problems);
  const policy = { ...(data as Policy), source: file };
  delete (policy as { $schema?: string }).$schema;
  policy.tokens ??= [];
  policy.rules = (policy.rules ?? []).map((r) => ({ ...r, sinks: r.sinks ?? [] }));
  policy.guards ??= [];
  policyCache.set(file, policy);
  return policy;
}

/** The policies in force: the given ids/files, or every built-in policy. */
export function resolvePolicies(ids: string[] | undefined, baseDir: string = process.cwd()): Policy[] {
  return (ids && ids.length ? ids : builtinPolicyIds()).map((id) => loadPolicy(id, baseDir));
}

/**
 * The policies a config names (`policies`), each confined to the config's
 * repository. An error names the config file and the JSON pointer of the
 * entry (`/policies/1`), and what is wrong with the policy file it points to.
 */
export function configPolicies(config: Config): Policy[] {
  const ids = config.policies;
  if (!ids?.length) return resolvePolicies(undefined);
  const baseDir = config.dir ?? process.cwd();
  const root = repositoryRoot(baseDir);
  return ids.map((id, i) => {
    try {
      return loadPolicy(id, baseDir, root);
    } catch (e) {
      if (!(e instanceof ConfigError) || !config.source) throw e;
      const inner = e.problems
        .map((p) => (e.file === id && !p.pointer ? p.expected : `${e.file}: ${p.pointer || '/'}: ${p.expected}`))
        .join('; ');
      throw new ConfigError(config.source, [
        { pointer: `/policies/${i}`, expected: `${JSON.stringify(id)}: ${inner}` },
      ]);
    }
  });
}

/** The git top level holding `dir`, else `dir` itself: the boundary of what a repository's config may name. */
export function repositoryRoot(dir: string): string {
  const r = gitSync(['rev-parse', '--show-toplevel'], dir);
  return r.ok && r.stdout.trim() ? resolve(r.stdout.trim()) : resolve(dir);
}

function worldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return true;
  }
}

function realpathOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return resolve(p);
  }
}

/**
 * The effective config of a file: JSONC, validated, with everything it
 * `extends` merged in (see ./config.ts). `root`, for a config found by
 * searching (not named on the command line), confines the read to the repository.
 */
export function loadConfigFile(file: string, root?: string): Config {
  return loadConfigChain(file, root).config;
}

/**
 * The nearest `consent-lint.config.json`, searching upward from `startDir`
 * and stopping at the repository root (the first directory holding `.git`).
 * Outside a repository the search stops before `$HOME`, the filesystem root
 * and any world-writable directory (`/tmp`): a config there must not turn
 * that directory into the scan root.
 */
export function findConfigFile(startDir: string, home: string = homedir()): string | undefined {
  let dir = resolve(startDir);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  const candidates: string[] = [];
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) candidates.push(join(dir, name));
    if (existsSync(join(dir, '.git'))) break; // the repository root: the search ends here
    const parent = dirname(dir);
    if (parent === dir) {
      // No repository: the start directory, then its ancestors up to (not
      // including) $HOME, the filesystem root, or a world-writable directory
      // such as /tmp (anyone could plant a config there).
      const h = home ? resolve(home) : undefined;
      const start = dirname(candidates[0]);
      for (let i = 0; i < candidates.length; i++) {
        const d = dirname(candidates[i]);
        if (d !== start && (d === h || dirname(d) === d || worldWritable(d))) return undefined;
        if (existsSync(candidates[i])) return candidates[i];
      }
      return undefined;
    }
    dir = parent;
  }
  return candidates.find((c) => existsSync(c));
}

/** `consent-lint validate FILE`: which schema applies, and what is wrong. */
export function validateFile(file: string): { kind: SchemaKind; problems: SchemaProblem[] } {
  // `validate` is given its files on the command line: no root confinement, but the same guarded read.
  const abs = resolve(file);
  const doc = readJsonDocument(abs);
  const data = doc.value;
  const looksLikePolicy =
    typeof data === 'object' &&
    data !== null &&
    'id' in data &&
    ('rules' in data || 'guards' in data || 'description' in data);
  const kind: SchemaKind = CONFIG_FILE_NAMES.some((n) => abs.endsWith(n)) || !looksLikePolicy ? 'config' : 'policy';
  let problems = validateDocument(kind, abs, data).map((p) => ({ ...p, ...doc.position(p.pointer) }));
  // A config's `extends` chain must load too.
  if (!problems.length && kind === 'config') {
    try {
      loadConfigChain(abs);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (e.file !== abs) throw e;
      problems = e.problems;
    }
  }
  return { kind, problems };
}

/** A policy's rules: JavaScript ones and those of its `native` section (for listings, `explain` and rule docs). */
export function policyRules(p: Policy): RuleSpec[] {
  return [...p.rules, ...(p.native?.rules ?? []).map((r) => ({ ...r, sinks: [] }))];
}
